"""HighLevel (LeadConnector) Social Planner, as its pages describe it, served under ``/highlevel``.

Sources: the vendor page "Get Social Media Statistics" (seed 000) and ``shared/api-notes.md`` §2 (official
OpenAPI specs ``social-media-posting.json`` for ``Version: 2021-07-28`` and ``social-planner-v3.json`` for
``Version: v3``, the rate-limit page). Never the connector's code. The real base URL is
``https://services.leadconnectorhq.com``; here it is ``http://127.0.0.1:PORT/highlevel``.

Endpoints
- ``GET  /social-media-posting/{locationId}/accounts``  -> 200 ``AccountsListResponseDTO``
- ``POST /social-media-posting/statistics?locationId=`` -> 201 (``Version: 2021-07-28``) / 200 (``Version: v3``)
- ``POST /oauth/token`` (v1, form-encoded) -> 200 token set (api-notes-2 §5.1)

Quirks reproduced on purpose, because the documentation says the real API has them
- ``Authorization: Bearer <token>`` is required; a missing/unknown token answers 401
  ``{"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"}`` [DOC].
- The ``Version`` header is required and only ``2021-07-28`` and ``v3`` are accepted [DOC enum].
- Statistics: ``locationId`` is a *query* parameter (the accounts endpoint has it in the *path*) [DOC].
- Statistics success is **201** with ``Version: 2021-07-28`` and **200** with ``Version: v3`` [DOC].
- Version 2021-07-28: fixed window, the last 7 days ending *yesterday* (UTC), compared with the 7 days before [DOC].
  Version v3: same default; ``currentRange {startDate,endDate}`` picks a custom window (inclusive UTC calendar days,
  series length = number of days); ``prevRange`` is the comparison window; ``currentRange`` without ``prevRange``
  means "no comparison data" (every change field is 0) [DOC; the value 0 is INFERRED].
- 400 when: more than 100 ``profileIds``, empty/missing ``profileIds``, a platform outside the enum
  (facebook, instagram, linkedin, google, pinterest, youtube, tiktok), an invalid date, startDate after endDate,
  ``prevRange`` without ``currentRange`` [DOC]. 400 bodies are NestJS style with ``message`` a *string*.
- 422 ``{"statusCode":422,"message":["Unprocessable Entity"],"error":"Unprocessable Entity"}`` for a body that is not
  JSON [DOC]; ``message`` is an *array* there. So clients must read ``message`` as string or array.
- The success body is exactly the seed's shape: ``results.{dayRange,totals,postPerformance,breakdowns,platformTotals,
  demographics}``, ``message: "Analytics Built Successfully"``, ``traceId`` (a uuid, derived from the request). No ``success``/``statusCode`` keys
  there, unlike the accounts answer which has ``success``, ``statusCode``, ``message: "Fetched Accounts"``.
- ``dayRange`` holds weekday *names* (``"Mon"``..``"Sun"``), not dates, aligned with the window's days; every series
  has one entry per day of the window [DOC; length = number of days for long v3 windows is INFERRED].
- Per-platform maps only hold platforms that have at least one counted account; absent otherwise [INFERRED, DOC example].
- ``*Change``/``change`` fields are the percentage change vs the previous period, rounded to 2 decimals (``-39.35``) [DOC].
- Only LinkedIn **page** and TikTok **business** accounts are supported by statistics [DOC]. The accounts list therefore
  includes a LinkedIn personal profile, a TikTok non-business profile, an expired Facebook page and a Twitter profile.
- Account ids do not all share one format (24-hex ObjectIds, and a 20-char id for Google, as in the docs' examples).
- Every answer carries ``X-RateLimit-Limit-Daily`` (200000), ``X-RateLimit-Daily-Remaining``,
  ``X-RateLimit-Interval-Milliseconds`` (10000), ``X-RateLimit-Max`` (100), ``X-RateLimit-Remaining`` [DOC];
  the limits are counted per token (app) per location [DOC "per app per resource"].

OAuth 2.0, v1 token endpoint (api-notes-2 §5.1, §5.4-5.6)
- ``POST /oauth/token``, ``application/x-www-form-urlencoded``, snake_case fields ``client_id``, ``client_secret``,
  ``grant_type=refresh_token``, ``refresh_token``, ``user_type=Location``; no ``Version`` header needed [DOC]. The test
  app is ``CLIENT_ID``/``CLIENT_SECRET``; ``REFRESH_TOKEN`` is the first refresh token of ``LOCATION_ID``.
- Success 200: ``access_token``, ``token_type: "Bearer"``, ``expires_in`` (86399 by default), ``refresh_token``,
  ``scope`` (snake_case) next to ``userType``, ``locationId``, ``companyId``, ``userId``, ``planId`` (camelCase) [DOC].
- Refresh tokens are SINGLE-USE: each success returns a new one and kills the one used; a used, unknown, revoked
  or older-than-a-year one -> 400 ``{"statusCode":400,"message":"Invalid grant: refresh token is invalid"}``, with no
  OAuth ``error`` key [DOC].
- ``INACTIVE_REFRESH_TOKEN`` belongs to ``INACTIVE_LOCATION_ID``, whose location is paused: 400
  ``{"statusCode":400,"message":"Location is not active"}`` and the token STAYS valid ("the same refresh token can be
  used" once the location is active again) [DOC]. ``set_location_active(location_id, True)`` reactivates it; any
  location (``LOCATION_ID`` too) can be paused the same way.
- Access tokens live ``expires_in`` seconds on the vendor clock; a refresh does NOT revoke the older access
  tokens, they simply run out [INFERRED: nothing says a refresh revokes them; the vendor only says "save the new
  access token and refresh token"]. An expired OAuth access token -> the same 401 UnauthorizedDTO as an unknown
  token [DOC body]. Private Integration Tokens (``ACCESS_TOKEN``, ``SECOND_ACCESS_TOKEN``) keep working unchanged:
  static, no expiry [DOC].
- Rate limits of OAuth calls are counted per app (``CLIENT_ID``) per location, not per access token, so a refresh
  does not buy a fresh budget [DOC "per app per resource"]. PITs count per token (each PIT is its own app).
- Error bodies [DOC wording where printed; INFERRED where marked]:
  * a missing ``client_id``/``client_secret``/``grant_type`` -> 400 ``"Missing parameter: clientId"`` /
    ``"Missing parameter: clientSecret"`` / ``"Missing parameter: grantType"``; ``grant_type=refresh_token`` without
    ``refresh_token`` -> 400 ``"Missing parameter: refreshToken"``. The vendor prints only ``"Missing parameter:
    clientId"`` and ``"Invalid parameter: grantType"`` (v3 camelCase names); the v1 wording is [UNKNOWN], so the
    printed camelCase names are used for every field [INFERRED extension of the printed pattern].
  * ``grant_type`` outside ``refresh_token`` (``authorization_code``, ``client_credentials`` or anything else) ->
    400 ``"Invalid parameter: grantType"``: only the refresh grant is emulated [emulator limit].
  * ``user_type`` other than ``Location`` (absent = Location) -> 400 ``"Invalid parameter: userType"`` [INFERRED].
  * a wrong ``client_id`` or ``client_secret`` -> 401 ``{"statusCode":401,"message":"Invalid client: client
    credentials are invalid","error":"Unauthorized"}`` [INFERRED: no page prints this case; the UnauthorizedDTO
    shape and the "Invalid <thing>: ..." wording of the printed messages].
  * checked in this order: missing fields, grant type, client credentials, refresh token, user type, location.
- A JSON body (``application/json``) with the same snake_case fields is read too [INFERRED: the server is NestJS,
  which parses both; the v1 spec declares only the form]. The v3 token variant (camelCase, ``Version: v3``) is not
  emulated: its real URL is [UNKNOWN] (api-notes-2 §5.2).
- The token endpoint carries no ``X-RateLimit-*`` headers and is not rate limited [INFERRED: not documented].
- Tokens are opaque 32-hex strings like the vendor's examples, derived from a per-instance counter: a fresh
  emulator mints the same sequence (reproducible), never the same token twice.

[INFERRED] choices (not documented; chosen to be plausible, change them here if the vendor says otherwise)
- Missing ``Version`` header -> 401 ``{"statusCode":401,"message":"version header was not found.","error":"Unauthorized"}``;
  any other value -> 401 ``"version header is invalid"`` (status and texts as third parties observed live).
  The token is checked before the Version header.
- A location the token does not know -> 403 ``{"statusCode":403,"message":"The token does not have access to this
  location."}`` (body as observed in GoHighLevel/highlevel-api-docs#213), on both endpoints.
- Statistics without ``locationId`` -> 422 ``{"statusCode":422,"message":["locationId should not be empty"],...}``.
- Body JSON of the wrong types (not an object; ``profileIds``/``platforms`` not arrays of strings;
  ``currentRange``/``prevRange`` not objects) -> 422 with class-validator style messages in an array.
- 400 message texts (class-validator wording), e.g. ``"profileIds must contain no more than 100 elements"``; 400 bodies
  also carry ``"error":"Bad Request"`` and a ``traceId`` (the issue #178 body had both).
- ``Version: 2021-07-28`` *ignores* ``currentRange``/``prevRange`` (NestJS ``whitelist`` strips unknown keys), so the
  answer is still the fixed 7-day window: a client that believes it asked for a custom window gets silently another one.
- ``profileIds`` of unsupported accounts (LinkedIn profile, TikTok non-business, expired, Twitter), of accounts of
  another location, or unknown ids are silently *ignored* (they count for nothing; no error). Duplicates count once.
- An empty ``platforms`` array means "all platforms", like an absent one.
- Day values: ``daily_value(profileId, platform, day, metric)`` (a pure function below) for days before today (UTC);
  days from today on (v3 windows reaching into the present/future) are 0 (no data yet).
- ``totals.followers`` and the followers series are daily *new* followers; every ``total`` is the sum of its series.
- ``reach`` is derived from the same day's impressions (50-95 %, never above them).
- Demographics split ``totals.followers``: male 46 %, female 51 %, unknown the rest; ages by fixed shares (see
  ``AGE_SHARES``); ``percentage`` = share of the total, 2 decimals, 0 when the total is 0.
- ``percent_change(cur, prev)``: 0 when both are 0, 100.0 when only the previous period is 0.
- v3 date strings: ISO 8601 (``2025-03-01``, ``2025-03-01T00:00:00.000Z``, offsets), each mapped to its UTC calendar
  day; a window longer than ``MAX_RANGE_DAYS`` (3660 days, an emulator safety cap) -> 400.
- Rate limit: more than 100 admitted requests in the last 10 s for one (token, location) -> 429
  ``{"statusCode":429,"message":"Too Many Requests"}`` (NestJS default); only admitted (non-429) authenticated requests
  are counted; the daily budget is per UTC day. 401 and 404 answers carry the headers but are not counted.
  No ``Retry-After`` ([UNKNOWN] in the docs): a client paces itself from ``X-RateLimit-Remaining`` and
  ``X-RateLimit-Interval-Milliseconds``.
- Rate settings (emulator test hooks, see ``Vendor``): ``set_rate_limit(n)`` (the emulator's ``rate_limits:
  {"highlevel": n}``) makes the burst limit ``n`` per (token, location) per window, and ``X-RateLimit-Max`` says ``n``;
  the daily 200,000 stays. ``rate_time_scale`` s divides the 10 s window, and ``X-RateLimit-Interval-Milliseconds``
  reports the scaled window (``ceil(10000 / s)`` ms, which is also the window enforced); with s != 1 the daily budget
  is per scaled day (``86400 / s`` seconds of the vendor clock, numbered from the clock's zero) instead of per UTC
  day. Either setting resets the counters.
- Unknown path or method -> 404 ``{"statusCode":404,"message":"Cannot GET /x","error":"Not Found"}`` (NestJS default),
  before any auth check.
- Account ``type`` values: instagram/tiktok business ``business``, youtube ``channel``, pinterest ``profile`` (pinterest
  is supported whatever its type: only LinkedIn and TikTok are restricted by type).

Test hooks (not vendor API): ``HighLevelEmulator.clock`` (monotonic seconds, for the rate limiter and token
expiry; also ``HighLevelEmulator(clock=...)``) and ``HighLevelEmulator.today`` (UTC date) may be replaced on an
instance; ``reset_rate_limits()`` clears the counters. OAuth: ``access_token_ttl_s`` (constructor argument and
attribute; read when a token is minted), ``valid_refresh_tokens()`` (every refresh token that works now, oldest
first), ``current_refresh_token(location_id)`` (the one for a location, or None), ``token_calls`` (how many
``/oauth/token`` requests were answered), ``set_location_active(location_id, active)``,
``revoke_refresh_token(token)``, ``reset_oauth()`` (back to the initial tokens, counters and locations).
"""
from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple
from urllib.parse import parse_qs

from .base import Request, Response, Vendor

# -- public constants -----------------------------------------------------------------------------------
ACCESS_TOKEN = "pit-3f6b2a91-7c4e-4d58-9a1b-e02c5d7f8a64"  # knows LOCATION_ID and BIG_LOCATION_ID
SECOND_ACCESS_TOKEN = "pit-8d1e5c07-2b9a-4f36-b7c2-51a9e4d06f3b"  # another app: knows LOCATION_ID only
TOKENS: Dict[str, Tuple[str, ...]] = {}  # filled below: token -> locations it may access

LOCATION_ID = "ve9EPM428h8vShlRW1KT"
BIG_LOCATION_ID = "w37swmmLbA02zgqKPpxITe2"
UNKNOWN_LOCATION_ID = "Zq8UnknownLoc0000000"

TOKENS[ACCESS_TOKEN] = (LOCATION_ID, BIG_LOCATION_ID)
TOKENS[SECOND_ACCESS_TOKEN] = (LOCATION_ID,)

INACTIVE_LOCATION_ID = "pK3sPausedLoc7Qw2XyZ"  # a paused sub-account: no connected accounts

# OAuth (v1 token endpoint): the emulator's test app, never a real one
CLIENT_ID = "6650f1d2c3b4a59e8f7d1c2b-lx3k9q2m"
CLIENT_SECRET = "3c9f2e1a-7b4d-4e8f-a6c5-91d2e0b7f483"
REFRESH_TOKEN = "f0c4b2e8a61d4e3f9b7c5a2d8e1f6b30"  # the first refresh token of LOCATION_ID
INACTIVE_REFRESH_TOKEN = "9e2d7c1b5a4f4e8d8c3b6a1f0e9d2c71"  # INACTIVE_LOCATION_ID's; "Location is not active"
COMPANY_ID = "Cmp7Hq2LxA9vTk4RzW1e"
OAUTH_USER_ID = "Usr3Kd8PqN5wXb2YtM6c"
PLAN_ID = "Pln2Gv6RsJ8aLc4NhQ0u"
OAUTH_SCOPE = "socialplanner/account.readonly socialplanner/statistics.readonly socialplanner/post.readonly"
DEFAULT_ACCESS_TOKEN_TTL_S = 86399
REFRESH_TOKEN_LIFETIME_S = 365 * 86400
INVALID_GRANT_BODY = {"statusCode": 400, "message": "Invalid grant: refresh token is invalid"}
LOCATION_NOT_ACTIVE_BODY = {"statusCode": 400, "message": "Location is not active"}
INVALID_CLIENT_BODY = {"statusCode": 401, "message": "Invalid client: client credentials are invalid", "error": "Unauthorized"}

VERSION_V1 = "2021-07-28"
VERSION_V3 = "v3"
API_VERSIONS = (VERSION_V1, VERSION_V3)

STATISTICS_PLATFORMS = ("facebook", "instagram", "linkedin", "google", "pinterest", "youtube", "tiktok")
MAX_PROFILE_IDS = 100
MAX_RANGE_DAYS = 3660
DEFAULT_WINDOW_DAYS = 7

RATE_LIMIT_MAX = 100
RATE_LIMIT_INTERVAL_MS = 10_000
RATE_LIMIT_DAILY = 200_000

METRICS = ("posts", "impressions", "reach", "likes", "comments", "shares", "followers")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
GENDER_SHARES = {"male": 46, "female": 51}  # percent; unknown = the rest
AGE_SHARES = {"13-17": 3, "18-24": 22, "25-34": 31, "35-44": 20, "45-54": 12, "55-64": 8, "65+": 4}  # percent

ANALYTICS_MESSAGE = "Analytics Built Successfully"
UNAUTHORIZED_BODY = {"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"}
UNPROCESSABLE_BODY = {"statusCode": 422, "message": ["Unprocessable Entity"], "error": "Unprocessable Entity"}
TOO_MANY_REQUESTS_BODY = {"statusCode": 429, "message": "Too Many Requests"}
NO_LOCATION_ACCESS_BODY = {"statusCode": 403, "message": "The token does not have access to this location."}

# Why an account is not supported by the statistics API (values of UNSUPPORTED_PROFILE_IDS).
REASON_EXPIRED = "expired"
REASON_LINKEDIN_NOT_PAGE = "linkedin-not-page"
REASON_TIKTOK_NOT_BUSINESS = "tiktok-not-business"
REASON_PLATFORM = "platform-not-supported"

# The accounts of LOCATION_ID (one copy per `scale`): platform, type, name, expired.
_LOCATION_LAYOUT: Tuple[Tuple[str, str, str, bool], ...] = (
    ("facebook", "page", "Brand HQ", False),
    ("facebook", "page", "Brand Outlet", True),
    ("instagram", "business", "brandhq", False),
    ("instagram", "business", "brandhq.eu", False),
    ("linkedin", "page", "Brand HQ Inc.", False),
    ("linkedin", "profile", "Jane Founder", False),
    ("tiktok", "business", "@brandhq", False),
    ("tiktok", "profile", "@jane.founder", False),
    ("google", "location", "Brand HQ - Main Street", False),
    ("youtube", "channel", "Brand HQ TV", False),
    ("pinterest", "profile", "Brand HQ Pins", False),
    ("twitter", "profile", "@brandhq", False),
)
# BIG_LOCATION_ID: 150 supported accounts (per `scale`), cycling over these kinds.
_BIG_KINDS: Tuple[Tuple[str, str], ...] = (
    ("facebook", "page"), ("instagram", "business"), ("linkedin", "page"), ("tiktok", "business"),
    ("google", "location"), ("youtube", "channel"), ("pinterest", "profile"),
)
BIG_LOCATION_ACCOUNTS = 150

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# -- accounts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    location_id: str
    profile_id: str
    oauth_id: str
    native_id: str
    name: str
    platform: str
    type: str
    is_expired: bool

    @property
    def id(self) -> str:
        return f"{self.oauth_id}_{self.location_id}_{self.native_id}"

    @property
    def unsupported_reason(self) -> Optional[str]:
        """None when the statistics API supports this account, else why not."""
        return support_reason(self.platform, self.type, self.is_expired)

    def to_json(self, today: date) -> Dict[str, Any]:
        if self.is_expired:
            expire = "2024-03-11T19:29:59.785Z"
        else:
            expiry = datetime(today.year, today.month, today.day, 19, 29, 59, 785000, tzinfo=timezone.utc) + timedelta(days=55)
            expire = expiry.strftime("%Y-%m-%dT%H:%M:%S.") + "785Z"
        meta: Dict[str, Any] = {"canDelete": True}
        if self.platform == "google":
            meta["hasGoogleUpdated"] = True
        return {
            "id": self.id,
            "oauthId": self.oauth_id,
            "profileId": self.profile_id,
            "name": self.name,
            "platform": self.platform,
            "type": self.type,
            "expire": expire,
            "isExpired": self.is_expired,
            "meta": meta,
        }


def support_reason(platform: str, account_type: str, is_expired: bool) -> Optional[str]:
    """Why the statistics API ignores an account (None = supported)."""
    if platform not in STATISTICS_PLATFORMS:
        return REASON_PLATFORM
    if is_expired:
        return REASON_EXPIRED
    if platform == "linkedin" and account_type != "page":
        return REASON_LINKEDIN_NOT_PAGE
    if platform == "tiktok" and account_type != "business":
        return REASON_TIKTOK_NOT_BUSINESS
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _alnum_id(seed: str, length: int = 20) -> str:
    digest = _digest(seed)
    return "".join(_ALNUM[int(digest[i : i + 2], 16) % len(_ALNUM)] for i in range(0, 2 * length, 2))


def _make_account(location_id: str, copy: int, index: int, platform: str, account_type: str, name: str, expired: bool) -> Account:
    seed = f"highlevel:{location_id}:{copy}:{index}"
    # Google profile ids look like the docs' 20-char example; the others like the seed's 24-hex ObjectId.
    profile_id = _alnum_id(seed + ":profile") if platform == "google" else _digest(seed + ":profile")[:24]
    return Account(
        location_id=location_id,
        profile_id=profile_id,
        oauth_id=_alnum_id(seed + ":oauth"),
        native_id=str(int(_digest(seed + ":native")[:15], 16)),
        name=name if copy == 0 else f"{name} #{copy + 1}",
        platform=platform,
        type=account_type,
        is_expired=expired,
    )


def build_accounts(location_id: str, scale: int = 1) -> List[Account]:
    """The connected accounts of a location; copy 0 is the same at every scale."""
    accounts: List[Account] = []
    if location_id == LOCATION_ID:
        for copy in range(scale):
            for index, (platform, account_type, name, expired) in enumerate(_LOCATION_LAYOUT):
                accounts.append(_make_account(location_id, copy, index, platform, account_type, name, expired))
    elif location_id == BIG_LOCATION_ID:
        for index in range(BIG_LOCATION_ACCOUNTS * scale):
            platform, account_type = _BIG_KINDS[index % len(_BIG_KINDS)]
            accounts.append(_make_account(location_id, 0, index, platform, account_type, f"Franchise {index + 1:03d} {platform}", False))
    return accounts


ACCOUNTS: Dict[str, List[Account]] = {loc: build_accounts(loc) for loc in (LOCATION_ID, BIG_LOCATION_ID)}
SUPPORTED_PROFILE_IDS: Dict[str, List[str]] = {
    loc: [a.profile_id for a in accs if a.unsupported_reason is None] for loc, accs in ACCOUNTS.items()
}
UNSUPPORTED_PROFILE_IDS: Dict[str, Dict[str, str]] = {
    loc: {a.profile_id: a.unsupported_reason for a in accs if a.unsupported_reason is not None}  # type: ignore[misc]
    for loc, accs in ACCOUNTS.items()
}


# -- values --------------------------------------------------------------------------------------------
_PLATFORM_FACTOR = {
    "facebook": 10, "instagram": 12, "linkedin": 6, "tiktok": 20, "google": 3, "youtube": 8, "pinterest": 4,
}
# daily ranges for factor 10 (scaled by factor / 10)
_METRIC_RANGE = {"impressions": (0, 500), "likes": (0, 60), "comments": (0, 12), "shares": (0, 8), "followers": (0, 15)}


@lru_cache(maxsize=500_000)
def daily_value(profile_id: str, platform: str, day: date, metric: str) -> int:
    """The value of one metric for one account on one UTC calendar day (pure, deterministic).

    posts: 0..3 (0 on about 5 days in 8); impressions/likes/comments/shares/followers: uniform in
    ``_METRIC_RANGE`` scaled by ``_PLATFORM_FACTOR[platform] / 10``; reach: 50-95 % of that day's impressions.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    number = int(_digest(f"{profile_id}|{platform}|{day.isoformat()}|{metric}")[:12], 16)
    if metric == "posts":
        return max(0, number % 8 - 4)
    if metric == "reach":
        return daily_value(profile_id, platform, day, "impressions") * (50 + number % 46) // 100
    low, high = _METRIC_RANGE[metric]
    factor = _PLATFORM_FACTOR.get(platform, 10)
    high = max(low, high * factor // 10)
    return low + number % (high - low + 1)


def day_value(profile_id: str, platform: str, day: date, metric: str, today: date) -> int:
    """What the emulator reports for a day: ``daily_value`` for past days, 0 from ``today`` on."""
    return daily_value(profile_id, platform, day, metric) if day < today else 0


def percent_change(current: float, previous: Optional[float]) -> float:
    """Percentage change vs the previous period, 2 decimals; 0 without comparison data."""
    if previous is None:
        return 0
    if previous == 0:
        return 0 if current == 0 else 100.0
    return round((current - previous) * 100.0 / previous, 2)


def days_between(first: date, last: date) -> List[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def default_windows(today: date) -> Tuple[List[date], List[date]]:
    """The default window: the 7 days ending yesterday, and the 7 days before them."""
    current = days_between(today - timedelta(days=DEFAULT_WINDOW_DAYS), today - timedelta(days=1))
    previous = days_between(today - timedelta(days=2 * DEFAULT_WINDOW_DAYS), today - timedelta(days=DEFAULT_WINDOW_DAYS + 1))
    return current, previous


def day_names(days: Sequence[date]) -> List[str]:
    return [WEEKDAY_NAMES[day.weekday()] for day in days]


def build_statistics(accounts: Sequence[Account], days: Sequence[date], previous_days: Optional[Sequence[date]], today: date) -> Dict[str, Any]:
    """``results`` of the statistics answer for these (supported) accounts over ``days``."""
    platforms = [p for p in STATISTICS_PLATFORMS if any(a.platform == p for a in accounts)]
    series: Dict[str, Dict[str, List[int]]] = {}
    before: Dict[str, Optional[Dict[str, int]]] = {}
    for platform in platforms:
        mine = [a for a in accounts if a.platform == platform]
        series[platform] = {
            metric: [sum(day_value(a.profile_id, platform, d, metric, today) for a in mine) for d in days] for metric in METRICS
        }
        if previous_days is None:
            before[platform] = None
        else:
            before[platform] = {
                metric: sum(day_value(a.profile_id, platform, d, metric, today) for a in mine for d in previous_days)
                for metric in METRICS
            }

    def total(platform: str, metric: str) -> int:
        return sum(series[platform][metric])

    def prev_total(platform: str, metric: str) -> Optional[int]:
        earlier = before[platform]
        return None if earlier is None else earlier[metric]

    def across(metric: str) -> List[int]:
        return [sum(series[p][metric][i] for p in platforms) for i in range(len(days))]

    def grand(metric: str) -> int:
        return sum(total(p, metric) for p in platforms)

    def grand_prev(metric: str) -> Optional[int]:
        if previous_days is None:
            return None
        return sum(prev_total(p, metric) or 0 for p in platforms)

    def breakdown(metric: str) -> Dict[str, Any]:
        return {
            "total": grand(metric),
            "totalChange": percent_change(grand(metric), grand_prev(metric)),
            "platforms": {
                p: {"value": total(p, metric), "change": percent_change(total(p, metric), prev_total(p, metric))}
                for p in platforms
            },
        }

    engagement: Dict[str, Any] = {}
    for p in platforms:
        now_sum = total(p, "likes") + total(p, "comments") + total(p, "shares")
        earlier = before[p]
        prev_sum = None if earlier is None else earlier["likes"] + earlier["comments"] + earlier["shares"]
        engagement[p] = {
            "likes": total(p, "likes"), "comments": total(p, "comments"), "shares": total(p, "shares"),
            "change": percent_change(now_sum, prev_sum),
        }

    followers = grand("followers")
    return {
        "dayRange": day_names(days),
        "totals": {
            "posts": grand("posts"),
            "likes": grand("likes"),
            "followers": followers,
            "impressions": grand("impressions"),
            "comments": grand("comments"),
        },
        "postPerformance": {
            "posts": {p: list(series[p]["posts"]) for p in platforms},
            "impressions": across("impressions"),
            "likes": across("likes"),
            "comments": across("comments"),
        },
        "breakdowns": {
            "posts": breakdown("posts"),
            "impressions": breakdown("impressions"),
            "reach": breakdown("reach"),
            "engagement": engagement,
        },
        "platformTotals": {
            metric: {p: {"total": total(p, metric), "series": list(series[p][metric])} for p in platforms}
            for metric in ("impressions", "followers", "likes")
        },
        "demographics": demographics(followers),
    }


def demographics(followers: int) -> Dict[str, Any]:
    """Gender and age split of ``followers`` by fixed shares."""
    male = followers * GENDER_SHARES["male"] // 100
    female = followers * GENDER_SHARES["female"] // 100
    unknown = followers - male - female

    def share(part: int) -> float:
        return round(part * 100.0 / followers, 2) if followers else 0

    ages = {bucket: followers * pct // 100 for bucket, pct in AGE_SHARES.items()}
    return {
        "gender": {
            "totals": {
                "male": {"total": male, "percentage": share(male)},
                "female": {"total": female, "percentage": share(female)},
                "unknown": {"total": unknown, "percentage": share(unknown)},
            }
        },
        "age": {"totals": ages},
    }


# -- request plumbing ----------------------------------------------------------------------------------
class _BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Unprocessable(Exception):
    def __init__(self, messages: List[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def trace_id(*parts: Any) -> str:
    """A ``traceId`` in the vendor's uuid form, derived from what was asked: the same request, the same id (the
    real one is unique per call; nothing may depend on it, and a random one would make two answers differ)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, repr(parts)))


def _bad_request(message: str) -> Response:
    return Response(400, {"statusCode": 400, "message": message, "error": "Bad Request", "traceId": trace_id("bad request", message)})


def _unprocessable(messages: List[str]) -> Response:
    return Response(422, {"statusCode": 422, "message": messages, "error": "Unprocessable Entity"})


def _parse_day(value: Any, field_name: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise _BadRequest(f"{field_name} must be a valid ISO 8601 date string")
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.strptime(text, "%Y-%m-%d").date()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _BadRequest(f"{field_name} must be a valid ISO 8601 date string") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).date()


def _parse_range(value: Any, name: str) -> List[date]:
    if not isinstance(value, dict):
        raise _Unprocessable([f"{name} must be an object"])
    start = _parse_day(value.get("startDate"), f"{name}.startDate")
    end = _parse_day(value.get("endDate"), f"{name}.endDate")
    if start > end:
        raise _BadRequest(f"{name}.startDate must be before or equal to {name}.endDate")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise _BadRequest(f"{name} must not span more than {MAX_RANGE_DAYS} days")
    return days_between(start, end)


def _token_form(request: Request) -> Dict[str, str]:
    """The token call's fields: the form body (v1), or a JSON object with the same names."""
    content_type = (request.header("Content-Type") or "").lower()
    if "json" in content_type:
        try:
            body = request.json()
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in body.items() if v is not None} if isinstance(body, dict) else {}
    fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items() if v}


class _RateLimiter:
    """Sliding 10 s burst window and a per-UTC-day budget, per (token, location). ``max`` and ``interval_ms`` are
    the burst limit and window in force (set by the vendor: its ``rate_limits`` setting and ``rate_time_scale``);
    ``day`` keys the daily budget (a UTC date, or the number of a scaled day)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._burst: Dict[Tuple[str, str], Deque[float]] = defaultdict(deque)
        self._daily: Dict[Tuple[str, str, Any], int] = defaultdict(int)
        self.max = RATE_LIMIT_MAX
        self.interval_ms = RATE_LIMIT_INTERVAL_MS

    def reset(self) -> None:
        with self._lock:
            self._burst.clear()
            self._daily.clear()

    def _trim(self, key: Tuple[str, str], now: float) -> Deque[float]:
        calls = self._burst[key]
        while calls and now - calls[0] >= self.interval_ms / 1000.0:
            calls.popleft()
        return calls

    def admit(self, key: Tuple[str, str], now: float, today: Any) -> Tuple[bool, Dict[str, str]]:
        """Count one request if there is room; return (admitted, headers)."""
        with self._lock:
            calls = self._trim(key, now)
            used_today = self._daily[(key[0], key[1], today)]
            admitted = len(calls) < self.max and used_today < RATE_LIMIT_DAILY
            if admitted:
                calls.append(now)
                used_today += 1
                self._daily[(key[0], key[1], today)] = used_today
            return admitted, self._headers(len(calls), used_today)

    def peek(self, key: Tuple[str, str], now: float, today: Any) -> Dict[str, str]:
        """The headers without counting anything (401/404 answers)."""
        with self._lock:
            return self._headers(len(self._trim(key, now)), self._daily.get((key[0], key[1], today), 0))

    def _headers(self, burst_used: int, daily_used: int) -> Dict[str, str]:
        return {
            "X-RateLimit-Limit-Daily": str(RATE_LIMIT_DAILY),
            "X-RateLimit-Daily-Remaining": str(max(0, RATE_LIMIT_DAILY - daily_used)),
            "X-RateLimit-Interval-Milliseconds": str(self.interval_ms),
            "X-RateLimit-Max": str(self.max),
            "X-RateLimit-Remaining": str(max(0, self.max - burst_used)),
        }


class HighLevelEmulator(Vendor):
    prefix = "/highlevel"
    name = "highlevel"

    ACCOUNTS_PATH = "/social-media-posting/{locationId}/accounts"
    STATISTICS_PATH = "/social-media-posting/statistics"

    OAUTH_TOKEN_PATH = "/oauth/token"

    def __init__(
        self,
        scale: int = 1,
        now: Optional[datetime] = None,
        clock: Optional[Callable[[], float]] = None,
        access_token_ttl_s: int = DEFAULT_ACCESS_TOKEN_TTL_S,
    ) -> None:
        super().__init__(scale, now)
        self.clock: Callable[[], float] = clock or time.monotonic
        self.today: Callable[[], date] = lambda: self.now().date()
        self.access_token_ttl_s = access_token_ttl_s
        self._limiter = _RateLimiter()
        self._accounts: Dict[str, List[Account]] = {
            loc: build_accounts(loc, self.scale) for loc in (LOCATION_ID, BIG_LOCATION_ID)
        }
        self._accounts[INACTIVE_LOCATION_ID] = []
        self._oauth_lock = threading.Lock()
        self._minted = 0  # never reset: no token is minted twice in an instance's life
        self.reset_oauth()

    # -- helpers usable by tests ------------------------------------------------------------------------
    def accounts(self, location_id: str) -> List[Account]:
        return list(self._accounts.get(location_id, []))

    def reset_rate_limits(self) -> None:
        self._limiter.reset()

    def set_rate_time_scale(self, factor: float) -> None:
        """The 10 s burst window and its ``X-RateLimit-Interval-Milliseconds`` (rounded up, at least 1 ms) divided by
        ``factor``, and so is the day of the daily budget (see the module docstring)."""
        super().set_rate_time_scale(factor)
        self._limiter.interval_ms = max(1, math.ceil(RATE_LIMIT_INTERVAL_MS / self.rate_time_scale))

    def set_rate_limit(self, limit: Optional[int]) -> None:
        """``limit`` requests per (token, location) per burst window, exactly (None: the documented 100)."""
        super().set_rate_limit(limit)
        self._limiter.max = int(limit) if limit is not None else RATE_LIMIT_MAX

    def rate_limit(self) -> Optional[int]:
        return self._limiter.max

    def _rate_day(self, today: date) -> Any:
        """The key of the daily budget: the UTC day at ``rate_time_scale`` 1, else the number of the scaled day
        (86400 / scale seconds) on the vendor clock."""
        if self.rate_time_scale == 1:
            return today
        return ("scaled-day", int(self.clock() * self.rate_time_scale // 86400))

    def reset_oauth(self) -> None:
        """Back to the initial OAuth state: ``REFRESH_TOKEN`` and ``INACTIVE_REFRESH_TOKEN`` valid, no access tokens,
        ``INACTIVE_LOCATION_ID`` paused, every other location active, ``token_calls`` 0."""
        with self._oauth_lock:
            now = self.clock()
            # refresh token -> (location, minted at); insertion order = oldest first
            self._refresh: Dict[str, Tuple[str, float]] = {
                REFRESH_TOKEN: (LOCATION_ID, now), INACTIVE_REFRESH_TOKEN: (INACTIVE_LOCATION_ID, now),
            }
            self._access: Dict[str, Tuple[str, float]] = {}  # access token -> (location, expires at)
            self._inactive = {INACTIVE_LOCATION_ID}
            self.token_calls = 0

    def valid_refresh_tokens(self) -> List[str]:
        """Every refresh token that would work now (used ones are gone), oldest first."""
        with self._oauth_lock:
            now = self.clock()
            return [t for t, (_, minted) in self._refresh.items() if now - minted < REFRESH_TOKEN_LIFETIME_S]

    def current_refresh_token(self, location_id: str = LOCATION_ID) -> Optional[str]:
        """The newest valid refresh token of a location (None if there is none)."""
        with self._oauth_lock:
            now = self.clock()
            mine = [t for t, (loc, minted) in self._refresh.items() if loc == location_id and now - minted < REFRESH_TOKEN_LIFETIME_S]
        return mine[-1] if mine else None

    def revoke_refresh_token(self, token: str) -> None:
        """As if the app were uninstalled: the token answers ``Invalid grant`` from now on."""
        with self._oauth_lock:
            self._refresh.pop(token, None)

    def set_location_active(self, location_id: str, active: bool = True) -> None:
        """Pause (``active=False``) or reactivate a location: a refresh for a paused one is ``Location is not active``."""
        with self._oauth_lock:
            if active:
                self._inactive.discard(location_id)
            else:
                self._inactive.add(location_id)

    # -- dispatch -----------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        path = request.path[len(self.prefix) :] or "/"
        parts = [p for p in path.split("/") if p]
        if request.method == "POST" and parts == ["oauth", "token"]:
            return self._oauth_token(request)
        route: Optional[str] = None
        location: str = ""
        if request.method == "GET" and len(parts) == 3 and parts[0] == "social-media-posting" and parts[2] == "accounts":
            route, location = "accounts", parts[1]
        elif request.method == "POST" and parts == ["social-media-posting", "statistics"]:
            route, location = "statistics", request.param("locationId") or ""

        auth = self._token(request)
        token = auth[0] if auth else None
        key = (token or "", location)
        today = self.today()
        rate_day = self._rate_day(today)
        if route is None:
            response = Response(404, {"statusCode": 404, "message": f"Cannot {request.method} {path}", "error": "Not Found"})
            response.headers.update(self._limiter.peek(key, self.clock(), rate_day))
            return response
        if token is None:
            response = Response(401, dict(UNAUTHORIZED_BODY))
            response.headers.update(self._limiter.peek(key, self.clock(), rate_day))
            return response

        admitted, headers = self._limiter.admit(key, self.clock(), rate_day)
        if not admitted:
            response = Response(429, dict(TOO_MANY_REQUESTS_BODY))
        else:
            assert auth is not None
            response = self._authorized(request, route, auth[1], location, today)
        response.headers.update(headers)
        return response

    def _token(self, request: Request) -> Optional[Tuple[str, Tuple[str, ...]]]:
        """(rate-limit key, the locations it may access) for a PIT or a live OAuth access token; None otherwise."""
        auth = (request.header("Authorization") or "").strip()
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer":
            return None
        if token in TOKENS:
            return token, TOKENS[token]
        with self._oauth_lock:
            minted = self._access.get(token)
            if minted is None or self.clock() >= minted[1]:
                return None
            return CLIENT_ID, (minted[0],)

    # -- POST /oauth/token (v1) -------------------------------------------------------------------------------
    def _oauth_token(self, request: Request) -> Response:
        with self._oauth_lock:
            self.token_calls += 1
            return self._refresh_grant(_token_form(request))

    def _refresh_grant(self, form: Dict[str, str]) -> Response:
        """The v1 refresh grant; called with ``_oauth_lock`` held, so two refreshes of one token cannot both win."""
        for field_name, printed in (("client_id", "clientId"), ("client_secret", "clientSecret"), ("grant_type", "grantType")):
            if not form.get(field_name):
                return Response(400, {"statusCode": 400, "message": f"Missing parameter: {printed}"})
        if form["grant_type"] != "refresh_token":
            return Response(400, {"statusCode": 400, "message": "Invalid parameter: grantType"})
        if form["client_id"] != CLIENT_ID or form["client_secret"] != CLIENT_SECRET:
            return Response(401, dict(INVALID_CLIENT_BODY))
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            return Response(400, {"statusCode": 400, "message": "Missing parameter: refreshToken"})
        if form.get("user_type", "Location") != "Location":
            return Response(400, {"statusCode": 400, "message": "Invalid parameter: userType"})
        now = self.clock()
        known = self._refresh.get(refresh_token)
        if known is None or now - known[1] >= REFRESH_TOKEN_LIFETIME_S:
            return Response(400, dict(INVALID_GRANT_BODY))
        location = known[0]
        if location in self._inactive:
            return Response(400, dict(LOCATION_NOT_ACTIVE_BODY))  # transient: the token stays valid
        ttl = int(self.access_token_ttl_s)
        access_token, new_refresh = self._mint("access"), self._mint("refresh")
        del self._refresh[refresh_token]  # single-use
        self._refresh[new_refresh] = (location, now)
        self._access[access_token] = (location, now + ttl)
        return Response(200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "refresh_token": new_refresh,
            "scope": OAUTH_SCOPE,
            "userType": "Location",
            "locationId": location,
            "companyId": COMPANY_ID,
            "userId": OAUTH_USER_ID,
            "planId": PLAN_ID,
        })

    def _mint(self, kind: str) -> str:
        self._minted += 1
        return _digest(f"highlevel:oauth:{kind}:{self._minted}")[:32]

    def _authorized(self, request: Request, route: str, allowed: Tuple[str, ...], location: str, today: date) -> Response:
        version = request.header("Version")
        if version is None or not version.strip():
            return Response(401, {"statusCode": 401, "message": "version header was not found.", "error": "Unauthorized"})
        version = version.strip()
        if version not in API_VERSIONS:
            return Response(401, {"statusCode": 401, "message": "version header is invalid", "error": "Unauthorized"})
        if route == "statistics" and not location:
            return _unprocessable(["locationId should not be empty", "locationId must be a string"])
        if location not in allowed or location not in self._accounts:
            return Response(403, dict(NO_LOCATION_ACCESS_BODY))
        if route == "accounts":
            return self._list_accounts(location, today)
        return self._statistics(request, location, version, today)

    # -- GET /social-media-posting/{locationId}/accounts --------------------------------------------------
    def _list_accounts(self, location: str, today: date) -> Response:
        accounts = self._accounts[location]
        ids = [a.id for a in accounts]
        groups = [
            {"id": _digest(f"group:{location}:{start}")[:24], "name": "Primary" if start == 0 else f"Group {start // 50 + 1}",
             "accountIds": ids[start : start + 50]}
            for start in range(0, len(ids), 50)
        ]
        return Response(
            200,
            {
                "success": True,
                "statusCode": 200,
                "message": "Fetched Accounts",
                "results": {"accounts": [a.to_json(today) for a in accounts], "groups": groups},
            },
        )

    # -- POST /social-media-posting/statistics?locationId= -----------------------------------------------
    def _statistics(self, request: Request, location: str, version: str, today: date) -> Response:
        try:
            body = request.json()
        except ValueError:
            return _unprocessable(list(UNPROCESSABLE_BODY["message"]))
        if body is None:
            body = {}
        try:
            profile_ids, platforms, days, previous_days = self._validate(body, version, today)
        except _Unprocessable as error:
            return _unprocessable(error.messages)
        except _BadRequest as error:
            return _bad_request(error.message)

        wanted = set(profile_ids)
        chosen = [
            a for a in self._accounts[location]
            if a.profile_id in wanted and a.unsupported_reason is None and (not platforms or a.platform in platforms)
        ]
        results = build_statistics(chosen, days, previous_days, today)
        status = 201 if version == VERSION_V1 else 200
        return Response(status, {"results": results, "message": ANALYTICS_MESSAGE,
                                 "traceId": trace_id(location, version, request.body)})

    @staticmethod
    def _validate(body: Any, version: str, today: date) -> Tuple[List[str], List[str], List[date], Optional[List[date]]]:
        if not isinstance(body, dict):
            raise _Unprocessable(list(UNPROCESSABLE_BODY["message"]))
        profile_ids = body.get("profileIds")
        platforms = body.get("platforms")
        types: List[str] = []
        if profile_ids is not None and not isinstance(profile_ids, list):
            types.append("profileIds must be an array")
        elif profile_ids and not all(isinstance(p, str) for p in profile_ids):
            types.append("each value in profileIds must be a string")
        if platforms is not None and not isinstance(platforms, list):
            types.append("platforms must be an array")
        elif platforms and not all(isinstance(p, str) for p in platforms):
            types.append("each value in platforms must be a string")
        if types:
            raise _Unprocessable(types)
        if not profile_ids:
            raise _BadRequest("profileIds should not be empty")
        if len(profile_ids) > MAX_PROFILE_IDS:
            raise _BadRequest(f"profileIds must contain no more than {MAX_PROFILE_IDS} elements")
        platforms = list(platforms or [])
        if any(p not in STATISTICS_PLATFORMS for p in platforms):
            raise _BadRequest("each value in platforms must be one of the following values: " + ", ".join(STATISTICS_PLATFORMS))

        days, previous_days = default_windows(today)
        window: Tuple[List[date], Optional[List[date]]] = (days, previous_days)
        if version == VERSION_V3:
            current_range = body.get("currentRange")
            prev_range = body.get("prevRange")
            if prev_range is not None and current_range is None:
                raise _BadRequest("prevRange can only be provided together with currentRange")
            if current_range is not None:
                custom = _parse_range(current_range, "currentRange")
                window = (custom, _parse_range(prev_range, "prevRange") if prev_range is not None else None)
        # Version 2021-07-28: currentRange/prevRange are stripped (whitelist) -> the fixed window [INFERRED]
        return list(dict.fromkeys(profile_ids)), platforms, window[0], window[1]
