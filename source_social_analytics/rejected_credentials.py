"""Once a vendor rejects the credentials (HTTP 401), the sync sends no further request.

Every partition of every stream (profiles, accounts, date windows) otherwise sent its own request with the
same wrong key, got the same 401 and logged it at ERROR with the request and the answer: for Ayrshare with
two profile keys 21 requests and 11 ERROR lines (41 KB) to say one thing. Here the first 401 that the
error handler (components/errors.py) resolves as a credentials failure is remembered; every later request
of the sync fails at once with that same config_error, without reaching the vendor, so read_guards says it
once. The requests already in flight at that moment (at most ``num_workers``; twice that for PostPost post_analytics, whose get-post reads run ahead) still answer 401.

``reset()`` starts each command with a clean slate (in-process callers run several commands).
"""
from __future__ import annotations

import threading
from typing import Any, Optional

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

_lock = threading.Lock()
_rejection: Optional[str] = None


def reject(message: str) -> None:
    """Called by the error handler with the user-facing message of the first 401."""
    global _rejection
    with _lock:
        if _rejection is None:
            _rejection = message


def rejected() -> Optional[str]:
    return _rejection


def reset() -> None:
    global _rejection
    with _lock:
        _rejection = None


_original_send_request = HttpClient.send_request


def _send_unless_rejected(self: HttpClient, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    message = _rejection
    if message is not None:
        raise AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.config_error)
    return _original_send_request(self, *args, **kwargs)


if getattr(HttpClient.send_request, "__name__", "") != "_send_unless_rejected":
    HttpClient.send_request = _send_unless_rejected  # type: ignore[method-assign]
