"""Ayrshare's X/Twitter analytics daily cap (api-notes §1.7): X analytics stop for the rest of the sync, the rest goes on.

Beside each User Profile's 300 requests / 5 minutes, Ayrshare caps X/Twitter analytics per profile per day (Business
500 to 1,000, Premium 300 to 500, by revision) and answers "platform analytics rate limit" 429s past it. Such a 429 is
not the profile's own limit (its ``x-ratelimit-count`` is under ``x-ratelimit-max``; the rate budget leaves the profile
alone, components/rate_budget.py), and retrying it would only pile up 429s towards the ~1,000 a day after which
Ayrshare suspends the profile. So, per profile, from the first such answer on:

- the post that met the cap is skipped for this sync, and one WARN names the cap (the next ones say so at INFO);
- the profile goes into ``provider._x_analytics_capped`` (derived config, empty at the start of every command), which
  the post-analytics request body reads: every further post of that profile is asked for its other platforms only,
  so their records come in complete and no further X analytics call is made (a post that went to X alone is still
  asked, and skipped the same way: the body cannot be left out);
- what is skipped comes back with the next sync, which re-reads the lookback window.

The exact wire shape of the cap is undocumented. Recognised as the cap: a 429 on ``POST /analytics/post`` whose body
names X/Twitter (``platform``, or the word in ``message``) while the profile's own ``x-ratelimit-count`` (when sent)
is under ``x-ratelimit-max``. Any other 429 is the profile's limit or another platform's throttling: waited out and
retried, as every 429.

In:  HTTP 429 ``{"action":"analytics","status":"error","code":429,"message":"X/Twitter analytics daily limit reached ..."}``
     with ``x-ratelimit-max: 300``, ``x-ratelimit-count: 12``, for profile ``profile-1a2b3c4d5e6f``
Out: ``ErrorResolution(IGNORE, "Skipping X/Twitter analytics of Ayrshare profile profile-1a2b3c4d5e6f for the rest of
     this sync: ...")`` and ``provider._x_analytics_capped == ["profile-1a2b3c4d5e6f"]``.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

import requests
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

from ..components.errors import SKIP_PREFIX, VendorErrorHandler, json_or_none
from ..components.metrics import to_number

logger = logging.getLogger("airbyte")

CAPPED = "_x_analytics_capped"  # provider._x_analytics_capped: the account ids whose X analytics are capped this sync
_LOCK = threading.Lock()


_NAMES_X = re.compile(r"\b(twitter|x)\b", re.IGNORECASE)


def is_x_cap(response: requests.Response) -> bool:
    """A 429 that is Ayrshare's X/Twitter analytics limit, not the profile's own nor another platform's throttling: its
    body names X/Twitter (its ``platform``, or its message), and the profile's own count, when sent, is under its max."""
    if response.status_code != 429:
        return False
    body = json_or_none(response)
    if not isinstance(body, Mapping):
        return False
    platform = str(body.get("platform") or "").lower()
    if platform not in ("twitter", "x") and not _NAMES_X.search(str(body.get("message") or "")):
        return False
    used, limit = to_number(response.headers.get("x-ratelimit-count")), to_number(response.headers.get("x-ratelimit-max"))
    return used is None or not limit or used < limit


def account_of(config: Mapping[str, Any], request: Optional[requests.PreparedRequest]) -> str:
    """The account id of a request, from its Profile-Key header (never the key itself)."""
    key = request.headers.get("Profile-Key") if request is not None else None
    by_account = (config.get("provider") or {}).get("_profile_key_by_account") or {}
    return next((account for account, profile_key in by_account.items() if profile_key == key), "primary")


@dataclass
class AyrsharePostAnalyticsErrorHandler(VendorErrorHandler):
    """The post-analytics requester's error handler: the X/Twitter analytics cap (module docstring), else as
    VendorErrorHandler."""

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response) or not is_x_cap(response_or_exception):
            return super().interpret_response(response_or_exception)
        account = account_of(self.config, response_or_exception.request)
        with _LOCK:
            capped = self.config["provider"].setdefault(CAPPED, [])
            first = account not in capped
            if first:
                capped.append(account)
        if first:
            message = (
                f"{SKIP_PREFIX}X/Twitter analytics of Ayrshare profile {account} for the rest of this sync: Ayrshare's X/Twitter "
                "analytics daily cap is reached (HTTP 429, the profile's own request budget is not). Every other platform "
                "goes on; the next sync reads the X analytics of these posts again (they are inside its lookback window)."
            )
            logger.warning(message)
        else:
            message = f"Ayrshare profile {account}: X/Twitter analytics cap reached earlier in this sync; this post is skipped."
        return ErrorResolution(response_action=ResponseAction.IGNORE, failure_type=None, error_message=message)
