"""PostPost (also sold as Publora), as its LinkedIn statistics page (seed 003) and api-notes §4 describe it.

Served under ``/postpost/api/v1`` (the real base is ``https://api.postpost.dev/api/v1``). Written from the
vendor's documentation only; where the documentation is silent the choice is marked [INFERRED].

Endpoints: ``GET /platform-connections``, ``GET /list-posts``, ``GET /get-post/{postGroupId}``,
``POST /linkedin-post-statistics``, ``POST /linkedin-account-statistics``, ``POST /linkedin-followers``,
``POST /linkedin-profile-summary``, ``POST /test-connection/{platformId}``. Anything else (including the documented-as-missing ``/linkedin-posts``,
``/linkedin-post-comments``, ``/linkedin-post-reactions``) answers 404 ``{"error": "Not found"}``.

Quirks reproduced on purpose, because the documentation says the real API has them
-------------------------------------------------------------------------------------
Auth and plans
- The key goes in ``x-api-key`` (PostPost) or ``x-publora-key`` (Publora); same key system, ``sk_…`` keys.
  No key → 401 ``{"error": "API key is required"}``; unknown key → 401 ``{"error": "Invalid API key"}``;
  a key whose owner is gone (``ORPHAN_KEY``) → 401 ``{"error": "Invalid API key owner"}``; a Starter-plan key
  (``NO_API_ACCESS_KEY``) → 403 ``{"error": "API access is not enabled for this account"}`` on every path.
- ``x-postpost-user-id``: not a 24-hex ObjectId → 400 ``"Invalid x-postpost-user-id"``; a well-formed id → 403
  ``"User is not managed by key"`` (these keys manage no workspace users) [INFERRED: no managed users exist].
- Errors are ``{"error": "…"}``.

Rate limits (PostPost: "planned, not enforced"; Publora: documented headers and 429 body)
- Every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (unix seconds).
- Without ``rate_limit_per_minute`` (the default) nothing is enforced: the headers advertise 120/min (Publora's
  Pro plan) and ``Remaining`` counts down to 0 and stays there, but requests keep succeeding (PostPost behaviour).
- With ``rate_limit_per_minute=N``: past N requests in the key's current 60-second window → 429
  ``{"success": false, "error": "Rate limit exceeded", "retryAfter": <seconds until reset>}``. No ``Retry-After``
  header (the docs only name the body field and the X-RateLimit-* headers).
- [INFERRED] Fixed 60-second windows per key, starting at the key's first request; 401 answers are not counted
  (their headers show a full allowance); the 403 Starter-plan key is counted, and so are refused (429) requests
  (``Remaining`` stays 0 until the window resets). ``X-RateLimit-Reset`` is the window's end, unix seconds rounded
  up; ``retryAfter`` the whole seconds until then, rounded up, at least 1. The hourly limits of Publora's plans
  (500/2,000/10,000 per hour) are not emulated.
- ``rate_time_scale`` (see ``Vendor``) divides the 60-second window, so ``X-RateLimit-Reset`` comes sooner and
  ``retryAfter`` is smaller by the same factor; both stay whole seconds (the documented unit), so at a large scale
  a client may wait up to one second longer than needed. ``set_rate_limit(n)`` (the emulator's
  ``rate_limits: {"postpost": n}`` setting) is ``rate_limit_per_minute = n``.

``GET /platform-connections``
- ``{"success": true, "connections": [...]}``, no pagination; ``platformId`` is compound ``<platform>-<id>``.
  Two LinkedIn connections (``LINKEDIN_IDS``) and one X/Twitter connection (``TWITTER_ID``). The second
  LinkedIn token is ``expiring_soon``; the Twitter one has ``tokenStatus: "unknown"`` and a ``lastError``.

``GET /list-posts``
- ``page`` (default 1, clamped ≥ 1), ``limit`` (default 20, clamped 1..100). [INFERRED] JS ``parseInt(x) || default``
  semantics: non-numeric or ``0`` → the default (so ``limit=0`` → 20, ``limit=-5`` → 1, ``limit=500`` → 100).
- ``status`` ∈ draft|scheduled|published|failed|partially_published; ``published`` does NOT include
  ``partially_published``. Anything else → 400 ``"Invalid status. Must be one of: draft, scheduled, published,
  failed, partially_published"`` [INFERRED exact list order].
- ``platform`` is a bare name matched as ``^<platform>-`` against the group's platformIds: an unknown name, or a
  compound id such as ``linkedin-Tz9W5i6ZYG``, silently gives an empty list (not an error). [INFERRED] a matching
  group is returned with ALL its platforms (not only the matching ones).
- ``sortBy`` ∈ createdAt (default) | scheduledTime | updatedAt, else 400 ``"Invalid sortBy. Must be one of:
  createdAt, scheduledTime, updatedAt"`` [INFERRED exact wording after "Invalid sortBy."]; ``sortOrder`` ``asc``
  or anything else → desc. [INFERRED] ties broken by postGroupId; drafts have ``scheduledTime: null``, which sorts
  first ascending and last descending (MongoDB order).
- ``fromDate`` / ``toDate``: inclusive bounds on ``scheduledTime`` only (never createdAt); drafts are excluded
  whenever one is given; unparsable → 400 ``"Invalid fromDate format"`` / ``"Invalid toDate format"``.
  [INFERRED] accepted formats: ISO 8601 date or date-time (``Z``, offset or naive = UTC, optional fraction);
  a date-only ``toDate`` covers that whole UTC day; an empty parameter is ignored.
- Items carry ``postGroupId, content, status, scheduledTime, createdAt, updatedAt, platforms[{platformId
  (compound), platform, status}], mediaUrls`` — and no ``postedId``.
- ``pagination: {page, limit, totalItems, totalPages, hasNextPage, hasPrevPage}``; [INFERRED] ``totalPages`` is 0
  when nothing matches; a page past the end is an empty list.

``GET /get-post/{postGroupId}``
- ``{"success": true, "postGroupId", "posts": [{_id, platform, platformId, content, status, postedId?, error?}]}``.
- ``platformId`` here is the RAW id (``Tz9W5i6ZYG``), not the compound one: the statistics endpoints need
  ``"linkedin-" + platformId``.
- ``postedId`` only on published entries: LinkedIn ``urn:li:share:<19 digits>`` or ``urn:li:ugcPost:<19 digits>``
  (about 1 in 4 is ugcPost), X a numeric tweet id. Failed entries carry ``error: {code, message,
  platformStatusCode, platformError, failedAt, retryable}`` (codes PLATFORM_AUTH_EXPIRED, RATE_LIMITED,
  INVALID_CONTENT). [INFERRED] ``platformError`` is a string.
- Unknown (well-formed) id → 404 ``"Post group not found"``; malformed id (not 24 hex chars) → **500**
  ``"Failed to fetch post group"``. Upper-case hex is a valid ObjectId and finds the group.

``POST /linkedin-post-statistics``
- Body ``{postedId, platformId (compound linkedin-…), queryType | queryTypes}``; validation messages and order
  exactly as the seed's error table (required → strings → query types → connection). ``queryTypes`` is "ALL"
  or an array, case-insensitive (``["ALL"]`` also means all five); ``queryType`` must be UPPERCASE.
  [INFERRED] if both are sent, ``queryTypes`` wins; a non-"ALL" string in ``queryTypes`` is treated as a one-item
  array; an empty array counts as missing ("queryType or queryTypes is required"); duplicates are dropped.
- A platformId that is not one of this account's LinkedIn connections — including a raw id without the
  ``linkedin-`` prefix and the ``twitter-…`` id — → 404 ``"LinkedIn connection not found"``.
- Multi-metric answer ``{success, metrics, errors?, cachedMetrics?, cached}``: ``metrics`` keeps every requested
  metric (in request order; canonical order for "ALL"). Single-metric answer ``{success, count, cached}``.
- Deterministic partial failures (see ``published_linkedin_posts()``; LinkedIn-published entries are numbered
  j = 0, 1, … newest first across both accounts, ties by entry ``_id``):
  * ``fetch_failure`` (j % 10 == 3): the metric(s) are ``null`` AND listed in ``errors[]`` with
    ``"Failed to fetch metric from LinkedIn"``; ``success: false``; HTTP 200. Metric: j//10 % 3 == 0 → both
    MEMBERS_REACHED and RESHARE (the seed's example); == 1 → MEMBERS_REACHED; == 2 → COMMENT. Asked alone with
    ``queryType`` such a metric gives 500 ``"Failed to fetch metric from LinkedIn"``.
  * ``unavailable`` (j % 10 == 7): LinkedIn answered ``-1``: MEMBERS_REACHED is ``null`` with NO errors entry and
    ``success: true``. [INFERRED] asked alone it is 200 ``{"success": true, "count": null}`` (the account
    endpoint documents exactly this for TOTAL).
  * ``minus_one`` (j % 25 == 11): COMMENT is sent as the number ``-1`` literally (clients must treat it as null).
- [INFERRED] A postedId that is not a published post of that connection (wrong account, wrong URN type, deleted,
  made up) → every requested metric fails (multi: HTTP 200, all null, all in ``errors``, ``success: false``;
  single: 500). A bare numeric postedId is read as ``urn:li:share:<id>`` (the seed allows "share ID").
- 30-minute cache per (connection, post, metric): a repeat within 30 minutes is served from cache:
  ``cached: true`` and ``cachedMetrics: [those metrics]``; ``cachedMetrics`` is omitted when empty. [INFERRED]
  failed and unavailable (null) metrics are not cached; the literal -1 is cached like any number.
- Metric values are integers that grow with the post's age (stable within a UTC day); MEMBERS_REACHED ≤
  IMPRESSION; the two LinkedIn entries of one group have their own postedIds and numbers.

``POST /linkedin-account-statistics``
- Body ``{platformId, queryType | queryTypes, aggregation?, dateRange?}``; every validation message of the seed's
  table; ``aggregation`` TOTAL (default) / DAILY, case-insensitive. MEMBERS_REACHED with DAILY → 400
  ``"MEMBERS_REACHED with DAILY aggregation is not supported by LinkedIn API"`` — [INFERRED] this includes
  ``queryTypes: "ALL"`` with DAILY, because "ALL" contains MEMBERS_REACHED.
- ``dateRange {start:{year,month,day}, end:{…}}``, end EXCLUSIVE. DAILY → one row per day
  ``{"count": n, "dateRange": {"start": {y,m,d}, "end": {next day}}}``; single metric → ``data`` (number or rows),
  several → ``metrics``; ``aggregation`` echoed (upper-case); same cache flags as post statistics (cache key:
  connection, metric, aggregation, range).
- Values are deterministic per (account, day, metric), independent of today's date. TOTAL of IMPRESSION,
  RESHARE, REACTION, COMMENT over a range == the sum of the DAILY rows over the same range (chosen on purpose);
  TOTAL MEMBERS_REACHED is a de-duplicated reach (about 55–60 % of the impressions total), not a sum.
- Account 2 (``LINKEDIN_IDS[1]``): LinkedIn answers -1 for MEMBERS_REACHED, so TOTAL MEMBERS_REACHED is ``null``
  (``data: null`` single, ``null`` without errors entry in ``metrics``), as the seed documents.
- [INFERRED] dateRange omitted: TOTAL → lifetime (every day since the account's analytics start,
  ``ACCOUNT_HISTORY_START``, up to yesterday); DAILY → the last 30 full days (today-30 .. today, exclusive).
- [INFERRED] Data exists up to yesterday (UTC) only: rows for today and future days are omitted, so a range
  entirely in the future gives ``[]`` (DAILY) or ``0`` (TOTAL). Days before the account's history start count 0.
- [INFERRED] Invalid calendar dates / non-integer fields → 400 ``"Invalid dateRange: start and end must be valid
  dates"``; end not after start → 400 ``"Invalid dateRange: end must be after start"``; more than 365 days → 400
  ``"Invalid dateRange: the range cannot exceed 365 days"`` (as if forwarded from LinkedIn).

``POST /linkedin-followers`` (api-notes-2 §4.1)
- Body ``{platformId, period: "lifetime" (default) | "daily", dateRange}``; ``period`` case-insensitive [DOC].
  Lifetime → ``{"success": true, "followersCount": N, "cached": bool}``; daily → ``{"success": true, "data":
  [{"date": "YYYY-MM-DD", "count": new followers that day}], "totalGrowth": Σcount, "cached": bool}`` [DOC].
  ``count`` is a gain (never negative), not a running total; ``followersCount`` == the account's base + every daily
  gain up to yesterday, so lifetime, daily and the profile summary agree.
- 400s, in this order, bodies ``{"error": …}`` [DOC table]: ``platformId is required`` (absent/null) · ``platformId
  must be a string`` · ``Invalid platformId`` (empty or blank) · ``period must be a string`` · ``Invalid period. Must
  be one of: lifetime, daily`` · ``dateRange is required for daily period`` · ``dateRange must be an object`` ·
  ``dateRange must have both 'start' and 'end' objects`` · ``dateRange.start and dateRange.end must have: year,
  month, day``. Any other non-empty platformId passes validation and, if it is not a LinkedIn connection of the
  key's account, gets 404 ``LinkedIn connection not found`` [DOC]. A connection whose LinkedIn token has expired
  gets 500 ``Failed to fetch LinkedIn followers statistics`` [DOC message; the trigger is INFERRED].
- 30-minute cache: a repeat within 30 minutes (injectable clock) is ``cached: true`` [DOC]. [INFERRED] key: (connection,
  period, range for daily, UTC day); a lifetime call ignores ``dateRange`` (validated, not used).
- [UNKNOWN] → chosen: ``end`` EXCLUSIVE (as account statistics), one row per day with data, days without growth sent
  as ``0``, only past days (up to yesterday), at most 365 days (the account-statistics rules).

``POST /linkedin-profile-summary`` (api-notes-2 §4.2)
- ``{"success": true, "profile": {"followers": {"total", "periodGrowth"}, "posts": {"totalImpressions",
  "totalMembersReached", "totalReactions", "totalComments", "totalReshares"}}}``; ``periodGrowth`` ONLY when
  ``dateRange`` is sent [DOC]. Same platformId / dateRange 400s as followers [DOC]. [INFERRED] without ``dateRange``
  the ``posts.*`` cover the last 30 full days. No ``cached`` flag and no cache [DOC: the page has none].
- ``posts.*`` is ``null`` only where LinkedIn answers -1: ``LINKEDIN_IDS[1]``'s ``totalMembersReached`` (the same -1 as its
  account statistics), with NO errors entry [DOC].
- PARTIAL FAILURE (HTTP 200): ``success: false, partialData: true``, each failed metric written as ``0`` (NOT null)
  and listed in ``errors`` [DOC]. Metric keys ``followersLifetime, followersPeriod, post_IMPRESSION,
  post_MEMBERS_REACHED, post_REACTION, post_COMMENT, post_RESHARE``, messages ``Failed to fetch follower count``,
  ``Failed to fetch follower growth``, ``Failed to fetch <impression|members_reached|reaction|comment|reshare> count``
  [DOC]. Which fetch fails is fixed per connection [INFERRED]:
  * ``LINKEDIN_IDS[1]``: the reshare fetch → ``totalReshares: 0`` and ``{"metric": "post_RESHARE", "error": "Failed to
    fetch reshare count"}`` (next to the null reach: the client must tell null-by--1 from 0-by-failure);
  * ``OPENAPI_ERRORS_ID`` (``SECOND_ACCOUNT_KEY``): the follower-count fetch → ``followers.total: 0`` and errors in the
    OpenAPI spec's form, an array of STRINGS: ``["Failed to fetch followers"]`` (the spec's example) [DOC: the spec
    and the docs page disagree; both are served so the client must take both].
- ALL FETCHES FAILED → HTTP 502 ``{"success": false, "error": "Failed to fetch LinkedIn profile data", "errors": [one
  object per attempted metric]}`` [DOC]. Trigger [INFERRED]: ``EXPIRED_TOKEN_ID`` (``SECOND_ACCOUNT_KEY``), whose
  LinkedIn token expired. The docs page's wording is used (the OpenAPI example says ``"All requests failed"``).

``POST /test-connection/{platformId}`` (api-notes-2 §4.3)
- HTTP 200 for both outcomes: ``{"status": "ok" | "error", "message", "permissions": [...], "tokenExpiresIn",
  "lastSuccessfulPost", "lastError"}`` [DOC keys]; 404 ``{"error": "Connection not found"}`` for a platformId that is
  not one of the key's connections [DOC status; the message is INFERRED].
- [INFERRED] ``status: "error"`` only for an expired platform token (``EXPIRED_TOKEN_ID``: message ``"Access token has
  expired. Please reconnect your account."``, ``permissions: []``); ``"ok"`` otherwise (message ``"Connection is
  working"``), even with a ``lastError`` from an old publishing attempt (the X connection). LinkedIn permissions are
  the docs' example list; X's are ``tweet.read, tweet.write, users.read, offline.access``. ``tokenExpiresIn``,
  ``lastSuccessfulPost`` and ``lastError`` are the connection's ``/platform-connections`` values.

``SECOND_ACCOUNT_KEY``: another PostPost account [INFERRED data set]: its own ``/platform-connections``
(``OPENAPI_ERRORS_ID``, ``EXPIRED_TOKEN_ID``, the latter ``tokenStatus: "expired"``), no posts (``/list-posts`` empty,
``/get-post`` 404), and the main account's connections are 404 for it (and its connections for the main key).
Account statistics of the expired connection fail every metric (LinkedIn refuses the token).

Other [INFERRED] choices
- Authentication is checked before routing (an unknown path with a bad key is a 401); trailing slashes are ignored;
  a body that is not JSON → 400 ``{"error": "Invalid JSON body"}``; a JSON body that is not an object is read as ``{}``.
- ``null`` dateRange is treated as omitted; an array dateRange fails with "dateRange must have both 'start' and 'end'
  objects" (JS ``typeof [] === "object"``).

Data set (deterministic for the current UTC day; ``scale`` multiplies every count)
- Per scale unit, 156 post groups: over the last 60 days (all between 0.4 and 58.7 days before today's midnight, so inside
  ``now - 60 days`` whatever the time of day)
  105 published, 14 partially_published, 11 failed; 6 more published 61–84 days ago; 12 scheduled 1–21 days
  ahead; 8 drafts (``scheduledTime: null``). A 60-day ``fromDate`` window therefore holds 130 groups (2 pages at
  limit 100), and ``status=published`` alone 105 (also 2 pages).
- Platforms: LinkedIn account 1 only, account 2 only, both LinkedIn accounts, LinkedIn + X, X only.
  partially_published groups have one LinkedIn entry published and another entry (X or the other LinkedIn
  account) failed — a few are the reverse (X published, LinkedIn failed).
- Ids: postGroupId and entry ``_id`` are ObjectIds whose first 8 hex digits are the createdAt timestamp, so they
  change from one UTC day to the next (as everything dated relative to today does).
"""
from __future__ import annotations

import hashlib
import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .base import Request, Response, Vendor

# -- exported constants ------------------------------------------------------------------------------
API_KEY = "sk_lz8k2mq4_3fa91c7e5b2d.9e4c1a7f3b8d2e6a0c5f9b1d4e8a2c6f0b3d7e1a5c9f2b4d"
NO_API_ACCESS_KEY = "sk_ly3n7pw2_b7e2d94a1c6f.4d8b2f6a0e3c7b1d5f9a2e6c0b4d8f1a5e9c3b7d0f2a6e8c"
ORPHAN_KEY = "sk_lw9c4hd6_5c0e8b3f7a2d.1f6a9d3c8e2b5f0a7d4c1e9b6a3f8d2c5e0b7a4d1f9c6e3b"

# A second PostPost account (another customer, its own key and connections, no posts): the edge cases of the
# profile summary and test-connection that the main account's sync should not meet every time.
SECOND_ACCOUNT_KEY = "sk_lv2p8rt5_8d3a6f1c9e4b.6b0e3d9a2f7c1e5b8d4a0f6c2e9b3d7a1f5c8e0b4d2a6f9c3e7b"

LINKEDIN_IDS: Tuple[str, str] = ("linkedin-Tz9W5i6ZYG", "linkedin-Hk4Qm2PxVb")
OPENAPI_ERRORS_ID = "linkedin-Rb6Yn1QsKd"  # SECOND_ACCOUNT_KEY: profile-summary errors[] as strings (OpenAPI form)
EXPIRED_TOKEN_ID = "linkedin-Xc5Gh2JtPo"  # SECOND_ACCOUNT_KEY: LinkedIn token expired: summary 502, test-connection "error"
SECOND_ACCOUNT_LINKEDIN_IDS: Tuple[str, str] = (OPENAPI_ERRORS_ID, EXPIRED_TOKEN_ID)
LINKEDIN_RAW_IDS: Tuple[str, str] = ("Tz9W5i6ZYG", "Hk4Qm2PxVb")
TWITTER_ID = "twitter-1456789012345678901"
NON_LINKEDIN_ID = TWITTER_ID
PLATFORM_IDS: Tuple[str, ...] = (*LINKEDIN_IDS, TWITTER_ID)

METRICS: Tuple[str, ...] = ("IMPRESSION", "MEMBERS_REACHED", "RESHARE", "REACTION", "COMMENT")
CACHE_SECONDS = 30 * 60
ADVERTISED_RATE_LIMIT = 120  # Publora Pro plan, per minute
RATE_WINDOW_SECONDS = 60
MAX_RANGE_DAYS = 365
DEFAULT_WINDOW_DAYS = 30
ACCOUNT_HISTORY_START: Dict[str, date] = {
    LINKEDIN_IDS[0]: date(2023, 9, 12), LINKEDIN_IDS[1]: date(2024, 2, 5),
    OPENAPI_ERRORS_ID: date(2024, 6, 17), EXPIRED_TOKEN_ID: date(2024, 11, 4),
}

# per scale unit
PUBLISHED_60D, PARTIAL_60D, FAILED_60D, PUBLISHED_OLDER, SCHEDULED, DRAFTS = 105, 14, 11, 6, 12, 8

STATUSES = ("draft", "scheduled", "published", "failed", "partially_published")
SORT_FIELDS = ("createdAt", "scheduledTime", "updatedAt")
FETCH_ERROR = "Failed to fetch metric from LinkedIn"
QUERY_TYPE_ERROR = "Invalid queryType. Must be one of: IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION, COMMENT"
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")

_VALID_KEYS = {API_KEY: "api", SECOND_ACCOUNT_KEY: "api", NO_API_ACCESS_KEY: "starter", ORPHAN_KEY: "orphan"}

# profile summary (api-notes-2 §4.2): metric keys of errors[], in the documented order, and their messages
SUMMARY_METRICS: Tuple[str, ...] = (
    "followersLifetime", "followersPeriod", "post_IMPRESSION", "post_MEMBERS_REACHED", "post_REACTION",
    "post_COMMENT", "post_RESHARE",
)
SUMMARY_ERRORS: Dict[str, str] = {
    "followersLifetime": "Failed to fetch follower count",
    "followersPeriod": "Failed to fetch follower growth",
    **{f"post_{m}": f"Failed to fetch {m.lower()} count" for m in METRICS},
}
OPENAPI_SUMMARY_ERRORS: Dict[str, str] = {**SUMMARY_ERRORS, "followersLifetime": "Failed to fetch followers"}
SUMMARY_FIELDS: Dict[str, str] = {
    "post_IMPRESSION": "totalImpressions", "post_MEMBERS_REACHED": "totalMembersReached",
    "post_REACTION": "totalReactions", "post_COMMENT": "totalComments", "post_RESHARE": "totalReshares",
}
ALL_FAILED_ERROR = "Failed to fetch LinkedIn profile data"
FOLLOWERS_FETCH_ERROR = "Failed to fetch LinkedIn followers statistics"
CONNECTION_NOT_FOUND = "Connection not found"
LINKEDIN_PERMISSIONS: Tuple[str, ...] = (
    "w_member_social", "w_member_social_feed", "r_basicprofile", "r_member_postAnalytics", "r_member_profileAnalytics",
)
TWITTER_PERMISSIONS: Tuple[str, ...] = ("tweet.read", "tweet.write", "users.read", "offline.access")


# -- small helpers -----------------------------------------------------------------------------------
def _iso(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _hex(*parts: Any) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def _object_id(created: datetime, *parts: Any) -> str:
    return f"{int(created.timestamp()) & 0xFFFFFFFF:08x}" + _hex("postpost-oid", *parts)[:16]


def _ymd(day: date) -> Dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _error(status: int, message: str) -> Response:
    return Response(status, {"error": message})


def _parse_when(text: str, end_of_day: bool) -> datetime:
    """ISO 8601 date or date-time; naive means UTC. Raises ValueError."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return day + timedelta(days=1, microseconds=-1000) if end_of_day else day
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", text):
        raise ValueError(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _js_int(raw: Optional[str], default: int) -> int:
    """``parseInt(raw) || default``: leading integer, NaN and 0 fall back to the default."""
    match = re.match(r"\s*([+-]?\d+)", raw or "")
    value = int(match.group(1)) if match else 0
    return value or default


# -- connections -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Connection:
    platform: str
    raw_id: str
    username: str
    display_name: str
    profile_image_url: str
    profile_url: str
    token_valid_hours: Optional[int]  # None: the platform gives no expiry
    base_followers: int = 0
    reach_unavailable: bool = False  # LinkedIn answers -1 for account-level MEMBERS_REACHED
    summary_failures: Tuple[str, ...] = ()  # profile-summary fetches that fail (SUMMARY_METRICS keys)
    summary_errors_as_strings: bool = False  # the OpenAPI form of errors[]
    last_error: Optional[Tuple[str, int]] = None  # (message, hours before today's midnight)

    @property
    def platform_id(self) -> str:
        return f"{self.platform}-{self.raw_id}"

    @property
    def token_expired(self) -> bool:
        return self.token_valid_hours is not None and self.token_valid_hours < 0


CONNECTIONS: Tuple[Connection, ...] = (
    Connection(
        "linkedin", LINKEDIN_RAW_IDS[0], "Jane Whitfield", "Jane Whitfield",
        "https://media.licdn.com/dms/image/v2/D4E03AQjane/profile-displayphoto-shrink_200_200/0/1700000000000",
        "https://linkedin.com/in/janewhitfield", token_valid_hours=50 * 24 + 6, base_followers=4180,
    ),
    Connection(
        "linkedin", LINKEDIN_RAW_IDS[1], "Northwind Labs", "Northwind Labs",
        "https://media.licdn.com/dms/image/v2/C560BAQnorthwind/company-logo_200_200/0/1690000000000",
        "https://linkedin.com/company/northwind-labs", token_valid_hours=5 * 24 + 3, base_followers=1225,
        reach_unavailable=True, summary_failures=("post_RESHARE",),
    ),
    Connection(
        "twitter", TWITTER_ID.split("-", 1)[1], "northwindlabs", "Northwind Labs",
        "https://pbs.twimg.com/profile_images/1456789012345678901/northwind_400x400.jpg",
        "https://twitter.com/northwindlabs", token_valid_hours=None,
        last_error=("Rate limit exceeded while publishing", 9 * 24 + 5),
    ),
)
SECOND_ACCOUNT_CONNECTIONS: Tuple[Connection, ...] = (
    Connection(
        "linkedin", OPENAPI_ERRORS_ID.split("-", 1)[1], "Harbor & Finch", "Harbor & Finch",
        "https://media.licdn.com/dms/image/v2/C4D0BAQharbor/company-logo_200_200/0/1710000000000",
        "https://linkedin.com/company/harbor-and-finch", token_valid_hours=38 * 24 + 11, base_followers=860,
        summary_failures=("followersLifetime",), summary_errors_as_strings=True,
    ),
    Connection(
        "linkedin", EXPIRED_TOKEN_ID.split("-", 1)[1], "Tom Quayside", "Tom Quayside",
        "https://media.licdn.com/dms/image/v2/D4E03AQtom/profile-displayphoto-shrink_200_200/0/1720000000000",
        "https://linkedin.com/in/tomquayside", token_valid_hours=-(3 * 24 + 5), base_followers=2310,
        last_error=("LinkedIn access token expired. Please reconnect your account.", 3 * 24 + 5),
    ),
)
_CONNECTION_BY_ID: Dict[str, Connection] = {c.platform_id: c for c in CONNECTIONS}
_LINKEDIN_BY_ID: Dict[str, Connection] = {c.platform_id: c for c in CONNECTIONS if c.platform == "linkedin"}


@dataclass(frozen=True)
class _Workspace:
    """What one API key sees: its connections, and whether it has the post data set."""

    connections: Tuple[Connection, ...]
    has_posts: bool

    def by_id(self, platform_id: Any) -> Optional[Connection]:
        return next((c for c in self.connections if c.platform_id == platform_id), None)

    def linkedin(self, platform_id: Any) -> Optional[Connection]:
        found = self.by_id(platform_id)
        return found if found is not None and found.platform == "linkedin" else None


_WORKSPACES: Dict[str, _Workspace] = {
    API_KEY: _Workspace(CONNECTIONS, has_posts=True),
    SECOND_ACCOUNT_KEY: _Workspace(SECOND_ACCOUNT_CONNECTIONS, has_posts=False),
}


# -- post groups -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quirk:
    kind: str  # "fetch_failure" | "unavailable" | "minus_one"
    metrics: Tuple[str, ...]


@dataclass
class PostEntry:
    oid: str
    connection: Connection
    status: str
    seed: int
    posted_id: Optional[str] = None
    published_at: Optional[datetime] = None
    error: Optional[Dict[str, Any]] = None
    quirk: Optional[Quirk] = None
    ordinal: Optional[int] = None  # position among LinkedIn-published entries, newest first


@dataclass
class PostGroup:
    id: str
    index: int
    content: str
    status: str
    scheduled_time: Optional[datetime]
    created_at: datetime
    updated_at: datetime
    media_urls: List[str]
    entries: List[PostEntry] = field(default_factory=list)


_LI1, _LI2, _TW = CONNECTIONS
_CONTENTS = (
    "Three lessons from shipping our analytics pipeline this quarter",
    "We're hiring! Join the platform team in Lisbon or remote 🚀",
    "How we cut our cloud bill by 38% without touching a line of product code",
    "Customer story: from spreadsheets to a real-time dashboard in two weeks",
    "New release: scheduled exports, SSO for every plan, and a faster editor",
    "What 1,200 survey answers taught us about B2B onboarding",
    "Thank you to everyone who joined the webinar yesterday — slides inside",
    "Five myths about data contracts, and what actually works",
    "Our Q&A with the maintainers of the open-source connector SDK",
    "Behind the scenes: a week with the support team ☕",
    "Why we moved our design reviews to async video",
    "Launch day! The mobile app is now available on iOS and Android",
)
_PUBLISHED_SHAPES = ((_LI1,), (_LI1,), (_LI1,), (_LI2,), (_LI1, _LI2), (_LI1, _TW), (_LI1, _TW), (_LI2, _TW), (_TW,))
# (published connections, failed connections)
_PARTIAL_SHAPES = (((_LI1,), (_TW,)), ((_LI1,), (_LI2,)), ((_LI2,), (_TW,)), ((_LI1,), (_TW,)), ((_TW,), (_LI1,)))
_FAILED_SHAPES = ((_LI1,), (_LI1, _TW), (_TW,), (_LI2,))
_OTHER_SHAPES = ((_LI1,), (_LI2,), (_LI1, _LI2), (_LI1, _TW), (_TW,))
_FAILURES = (
    ("PLATFORM_AUTH_EXPIRED", "The access token for this account has expired. Please reconnect it.", 401,
     "Invalid access token", False),
    ("RATE_LIMITED", "The platform rate limit was reached while publishing.", 429, "Too Many Requests", True),
    ("INVALID_CONTENT", "The platform rejected the content of this post.", 422,
     "Content is a duplicate of an existing post", False),
)


def _posted_id(entry_platform: str, published: datetime, seed: int) -> str:
    millis = int(published.timestamp() * 1000)
    low_bits = seed & 0x3FFFFF
    if entry_platform == "linkedin":
        kind = "ugcPost" if seed % 4 == 0 else "share"
        return f"urn:li:{kind}:{(millis << 22) | low_bits}"
    return str(((millis - 1288834974657) << 22) | low_bits)  # an X snowflake


def build_groups(today: date, scale: int = 1) -> List[PostGroup]:
    """Every post group for one UTC day, deterministic; ``scale`` multiplies every count."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    plan_rng = random.Random(f"postpost:plan:{scale}")
    past = (["published"] * PUBLISHED_60D + ["partially_published"] * PARTIAL_60D + ["failed"] * FAILED_60D) * scale
    plan_rng.shuffle(past)
    step = 58.3 / len(past)  # all within 58.7 days of midnight: inside "now - 60 days" at any time of day
    plan: List[Tuple[str, Optional[float]]] = []  # (status, days before midnight; negative = future)
    for k, status in enumerate(past):
        plan.append((status, 0.4 + k * step + plan_rng.uniform(0, step * 0.6)))
    older = PUBLISHED_OLDER * scale
    for k in range(older):
        plan.append(("published", 61.0 + k * (27.0 / older)))
    for k in range(SCHEDULED * scale):
        plan.append(("scheduled", -(1.0 + k * (20.0 / (SCHEDULED * scale)))))
    for _ in range(DRAFTS * scale):
        plan.append(("draft", None))

    groups: List[PostGroup] = []
    seen: Dict[str, int] = {}  # how many groups of each status so far: shapes are cycled, not drawn
    for index, (status, days_ago) in enumerate(plan):
        nth = seen[status] = seen.get(status, -1) + 1
        rng = random.Random(f"postpost:group:{index}")
        scheduled: Optional[datetime] = None
        if days_ago is not None:  # on the minute, plus a per-group second so that no two groups tie
            scheduled = (midnight - timedelta(days=days_ago)).replace(second=0, microsecond=0)
            scheduled += timedelta(seconds=index % 60)
        if scheduled is None:  # draft
            created = midnight - timedelta(days=rng.uniform(0.2, 14.0))
            updated = created + timedelta(minutes=rng.randint(1, 600))
        elif status == "scheduled":
            created = midnight - timedelta(days=rng.uniform(0.1, 10.0))
            updated = created
        else:  # published, partially_published, failed: updatedAt is when the publishing attempt ended
            created = scheduled - timedelta(hours=rng.uniform(0.5, 96.0))
            updated = scheduled + timedelta(seconds=rng.randint(3, 240), milliseconds=rng.randint(0, 999))
        created = created.replace(microsecond=(created.microsecond // 1000) * 1000)
        group = PostGroup(
            id=_object_id(created, "group", scale, index),
            index=index,
            content=f"{_CONTENTS[index % len(_CONTENTS)]} (#{index + 1})",
            status=status,
            scheduled_time=scheduled,
            created_at=created,
            updated_at=updated.replace(microsecond=(updated.microsecond // 1000) * 1000),
            media_urls=[f"https://media.postpost.dev/uploads/{_hex('media', index)[:20]}.jpg"] if index % 3 == 0 else [],
        )
        ok: Tuple[Connection, ...]
        bad: Tuple[Connection, ...]
        if status == "published":
            ok, bad = _PUBLISHED_SHAPES[nth % len(_PUBLISHED_SHAPES)], ()
        elif status == "partially_published":
            ok, bad = _PARTIAL_SHAPES[nth % len(_PARTIAL_SHAPES)]
        elif status == "failed":
            ok, bad = (), _FAILED_SHAPES[nth % len(_FAILED_SHAPES)]
        else:
            ok, bad = (), ()
        shape = rng.choice(_OTHER_SHAPES) if status in ("draft", "scheduled") else ok + bad
        for slot, connection in enumerate(sorted(shape, key=lambda c: PLATFORM_IDS.index(c.platform_id))):
            seed = int(_hex("entry", index, connection.raw_id)[:12], 16)
            entry = PostEntry(
                oid=_object_id(created, "entry", scale, index, slot),
                connection=connection,
                status=status if status in ("draft", "scheduled") else ("published" if connection in ok else "failed"),
                seed=seed,
            )
            publish_time = group.updated_at
            if entry.status == "published":
                entry.published_at = publish_time
                entry.posted_id = _posted_id(connection.platform, publish_time, seed)
            elif entry.status == "failed":
                code, message, platform_status, platform_error, retryable = _FAILURES[seed % len(_FAILURES)]
                entry.error = {
                    "code": code, "message": message, "platformStatusCode": platform_status,
                    "platformError": platform_error, "failedAt": _iso(publish_time), "retryable": retryable,
                }
            group.entries.append(entry)
        groups.append(group)

    # partial-failure quirks, numbered over LinkedIn published entries, newest first
    published = [
        (g, e) for g in groups for e in g.entries if e.connection.platform == "linkedin" and e.status == "published"
    ]
    published.sort(key=lambda ge: (-(ge[1].published_at or midnight).timestamp(), ge[1].oid))
    for j, (_, entry) in enumerate(published):
        entry.ordinal = j
        if j % 10 == 3:
            entry.quirk = Quirk("fetch_failure", (("MEMBERS_REACHED", "RESHARE"), ("MEMBERS_REACHED",), ("COMMENT",))[(j // 10) % 3])
        elif j % 10 == 7:
            entry.quirk = Quirk("unavailable", ("MEMBERS_REACHED",))
        elif j % 25 == 11:
            entry.quirk = Quirk("minus_one", ("COMMENT",))
    return groups


def post_metric_values(entry: PostEntry, today: date) -> Dict[str, int]:
    """LinkedIn's numbers for one published entry: they grow with the post's age, stable within a day."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    age_days = max(((midnight - (entry.published_at or midnight)).total_seconds()) / 86400.0, 0.0)
    grow = age_days / (age_days + 1.5)
    rng = random.Random(f"postpost:post-metrics:{entry.seed}")
    impressions = int(rng.randint(300, 9000) * grow)
    reactions = int(impressions * rng.uniform(0.01, 0.05))
    return {
        "IMPRESSION": impressions,
        "MEMBERS_REACHED": int(impressions * rng.uniform(0.45, 0.75)),
        "RESHARE": int(reactions * rng.uniform(0.0, 0.12)),
        "REACTION": reactions,
        "COMMENT": int(reactions * rng.uniform(0.05, 0.3)),
    }


# -- account-level numbers ---------------------------------------------------------------------------
@lru_cache(maxsize=20000)
def account_day_values(platform_id: str, day: date) -> Tuple[int, int, int, int, int]:
    """(impressions, reshares, reactions, comments, new followers) of one account on one day."""
    start = ACCOUNT_HISTORY_START.get(platform_id)
    if start is None or day < start:
        return (0, 0, 0, 0, 0)
    rng = random.Random(f"postpost:account-day:{platform_id}:{day.isoformat()}")
    weekend = day.weekday() >= 5
    low, high = (150, 2400) if platform_id == LINKEDIN_IDS[0] else (40, 900)
    impressions = int(rng.randint(low, high) * (0.55 if weekend else 1.0))
    reactions = int(impressions * rng.uniform(0.012, 0.045))
    return (
        impressions,
        int(reactions * rng.uniform(0.0, 0.1)),
        reactions,
        int(reactions * rng.uniform(0.05, 0.25)),
        rng.randint(0, 14 if platform_id == LINKEDIN_IDS[0] else 6),  # new followers that day: a count
    )


_DAY_INDEX = {"IMPRESSION": 0, "RESHARE": 1, "REACTION": 2, "COMMENT": 3}
_REACH_RATIO = {LINKEDIN_IDS[0]: 0.57, LINKEDIN_IDS[1]: 0.6, OPENAPI_ERRORS_ID: 0.58, EXPIRED_TOKEN_ID: 0.55}


def _days(start: date, end: date, today: date) -> List[date]:
    """The days of [start, end) that have data: up to yesterday only."""
    last = min(end, today)
    return [start + timedelta(days=n) for n in range(max((last - start).days, 0))]


# -- rate limiting and caching -----------------------------------------------------------------------
class _RateLimiter:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: Dict[str, Tuple[float, int]] = {}

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()

    def hit(self, key: str, window: float = RATE_WINDOW_SECONDS) -> Tuple[int, float]:
        """Count one request; return (requests in the current window, window reset time). ``window``: the window's
        length in seconds (60 divided by the vendor's ``rate_time_scale``)."""
        now = self._clock()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now >= started + window:
                started, count = now, 0
            count += 1
            self._windows[key] = (started, count)
            return count, started + window


class _Cache:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: Dict[Tuple[Any, ...], Tuple[float, Any]] = {}

    def get(self, key: Tuple[Any, ...]) -> Tuple[bool, Any]:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] <= self._clock():
                self._items.pop(key, None)
                return False, None
            return True, hit[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def put(self, key: Tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._items[key] = (self._clock() + CACHE_SECONDS, value)


def _range_and_connection(body: Dict[str, Any], workspace: "_Workspace") -> Tuple[Any, Any, Optional[Response]]:
    """(dateRange, the LinkedIn connection of ``platformId``, None), or the 400/404 answer as the third item; shared
    by /linkedin-followers and /linkedin-profile-summary, which validate the two the same way."""
    date_range, problem = _parse_date_range(body.get("dateRange"))
    if problem:
        return None, None, problem
    connection = workspace.linkedin(body["platformId"])
    if connection is None:
        return None, None, _error(404, "LinkedIn connection not found")
    return date_range, connection, None


# -- request-body parsing ----------------------------------------------------------------------------
def _parse_query_types(body: Dict[str, Any]) -> Tuple[List[str], bool, Optional[Response]]:
    """(metrics, single, error). ``single`` is True for the ``queryType`` form."""
    plural = body.get("queryTypes")
    single = body.get("queryType")
    if plural in (None, "", False, 0, []) and single in (None, "", False, 0):
        return [], False, _error(400, "queryType or queryTypes is required")
    if plural not in (None, "", False, 0, []):
        items = plural if isinstance(plural, list) else [plural]
        if any(isinstance(item, str) and item.upper() == "ALL" for item in items):
            return list(METRICS), False, None
        invalid = [item for item in items if not isinstance(item, str) or item.upper() not in METRICS]
        if invalid:
            listed = ", ".join(str(item) for item in invalid)
            return [], False, _error(
                400,
                f"Invalid queryTypes: {listed}. Must be one of: IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION, "
                'COMMENT, or "ALL"',
            )
        wanted: List[str] = []
        for item in items:
            if item.upper() not in wanted:
                wanted.append(item.upper())
        return wanted, False, None
    if not isinstance(single, str) or single not in METRICS:
        return [], True, _error(400, QUERY_TYPE_ERROR)
    return [single], True, None


DateRange = Tuple[date, date]


def _platform_id_problem(body: Dict[str, Any]) -> Optional[Response]:
    """The followers / profile-summary platformId checks: absent, not a string, empty. Any other string passes
    ("the format is not checked against a strict pattern") and is looked up (404 when unknown)."""
    platform_id = body.get("platformId")
    if platform_id is None:
        return _error(400, "platformId is required")
    if not isinstance(platform_id, str):
        return _error(400, "platformId must be a string")
    if not platform_id.strip():
        return _error(400, "Invalid platformId")
    return None


def _parse_date_range(value: Any) -> Tuple[Optional[DateRange], Optional[Response]]:
    if value in (None, False, 0, ""):
        return None, None
    if not isinstance(value, (dict, list)):
        return None, _error(400, "dateRange must be an object")
    start = value.get("start") if isinstance(value, dict) else None
    end = value.get("end") if isinstance(value, dict) else None
    if not isinstance(start, dict) or not isinstance(end, dict):
        return None, _error(400, "dateRange must have both 'start' and 'end' objects")
    if any(not part.get(name) for part in (start, end) for name in ("year", "month", "day")):
        return None, _error(400, "dateRange.start and dateRange.end must have: year, month, day")
    try:
        first = date(*(int(str(start[name])) for name in ("year", "month", "day")))
        last = date(*(int(str(end[name])) for name in ("year", "month", "day")))
    except (TypeError, ValueError):
        return None, _error(400, "Invalid dateRange: start and end must be valid dates")
    if last <= first:
        return None, _error(400, "Invalid dateRange: end must be after start")
    if (last - first).days > MAX_RANGE_DAYS:
        return None, _error(400, f"Invalid dateRange: the range cannot exceed {MAX_RANGE_DAYS} days")
    return (first, last), None


def _range_key(date_range: Optional[DateRange]) -> Optional[Tuple[str, str]]:
    return (date_range[0].isoformat(), date_range[1].isoformat()) if date_range else None


# -- the vendor --------------------------------------------------------------------------------------
class PostPostEmulator(Vendor):
    prefix = "/postpost/api/v1"
    name = "postpost"

    def __init__(
        self,
        scale: int = 1,
        rate_limit_per_minute: Optional[int] = None,
        clock: Optional[Callable[[], float]] = None,
        now: Optional[datetime] = None,
    ) -> None:
        super().__init__(scale, now)
        self.rate_limit_per_minute = rate_limit_per_minute
        self._clock: Callable[[], float] = clock or time.time
        self._limiter = _RateLimiter(self._clock)
        self._cache = _Cache(self._clock)
        self._lock = threading.Lock()
        self._day: Optional[date] = None
        self._groups: List[PostGroup] = []
        self._by_id: Dict[str, PostGroup] = {}
        self._by_posted: Dict[Tuple[str, str], PostEntry] = {}

    # -- data set ------------------------------------------------------------------------------------
    def groups(self) -> List[PostGroup]:
        today = self.now().date()
        with self._lock:
            if self._day != today:
                self._groups = build_groups(today, self.scale)
                self._by_id = {g.id: g for g in self._groups}
                self._by_posted = {
                    (e.connection.platform_id, e.posted_id): e
                    for g in self._groups for e in g.entries if e.posted_id and e.connection.platform == "linkedin"
                }
                self._day = today
            return self._groups

    def reset(self) -> None:
        """Test helper (not part of the API): forget the 30-minute cache and the rate-limit windows."""
        self._cache.clear()
        self._limiter.clear()

    # -- rate limits (see ``Vendor``) -------------------------------------------------------------------------
    def set_rate_limit(self, limit: Optional[int]) -> None:
        """``limit`` requests per key per (scaled) 60 s window, enforced; None: advertised only (the default)."""
        super().set_rate_limit(limit)
        self.rate_limit_per_minute = int(limit) if limit is not None else None

    def rate_limit(self) -> Optional[int]:
        return self.rate_limit_per_minute

    def reset_rate_limits(self) -> None:
        self._limiter.clear()

    def published_linkedin_posts(self) -> List[Dict[str, Any]]:
        """Test helper (not part of the API): every LinkedIn-published entry, newest first, with its quirk."""
        rows: List[Dict[str, Any]] = []
        for group in self.groups():
            for entry in group.entries:
                if entry.connection.platform == "linkedin" and entry.posted_id:
                    rows.append({
                        "postGroupId": group.id,
                        "groupStatus": group.status,
                        "platformId": entry.connection.platform_id,
                        "postedId": entry.posted_id,
                        "publishedAt": entry.published_at,
                        "ordinal": entry.ordinal,
                        "quirk": entry.quirk.kind if entry.quirk else None,
                        "quirkMetrics": list(entry.quirk.metrics) if entry.quirk else [],
                        "metrics": post_metric_values(entry, self.now().date()),
                    })
        rows.sort(key=lambda r: r["ordinal"])
        return rows

    # -- request plumbing ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        key = request.header("x-api-key") or request.header("x-publora-key")
        advertised = self.rate_limit_per_minute or ADVERTISED_RATE_LIMIT
        window = self.rate_window(RATE_WINDOW_SECONDS)
        kind = _VALID_KEYS.get(key or "")
        if not key or kind is None or kind == "orphan":
            message = "API key is required" if not key else ("Invalid API key owner" if kind == "orphan" else "Invalid API key")
            response = _error(401, message)
            response.headers.update({
                "X-RateLimit-Limit": str(advertised),
                "X-RateLimit-Remaining": str(advertised),
                "X-RateLimit-Reset": str(int(math.ceil(self._clock() + window))),
            })
            return response
        count, reset_at = self._limiter.hit(key, window)
        headers = {
            "X-RateLimit-Limit": str(advertised),
            "X-RateLimit-Remaining": str(max(advertised - count, 0)),
            "X-RateLimit-Reset": str(int(math.ceil(reset_at))),
        }
        if self.rate_limit_per_minute is not None and count > self.rate_limit_per_minute:
            retry_after = max(int(math.ceil(reset_at - self._clock())), 1)
            response = Response(429, {"success": False, "error": "Rate limit exceeded", "retryAfter": retry_after})
        elif kind == "starter":
            response = _error(403, "API access is not enabled for this account")
        else:
            response = self._check_managed_user(request) or self._route(request, _WORKSPACES[key])
        response.headers.update(headers)
        return response

    @staticmethod
    def _check_managed_user(request: Request) -> Optional[Response]:
        user = request.header("x-postpost-user-id")
        if user is None:
            return None
        if not OBJECT_ID.match(user):
            return _error(400, "Invalid x-postpost-user-id")
        return _error(403, "User is not managed by key")

    def _route(self, request: Request, workspace: _Workspace) -> Response:
        path = request.path[len(self.prefix):].rstrip("/") or "/"
        if request.method == "GET":
            if path == "/platform-connections":
                return self._platform_connections(workspace)
            if path == "/list-posts":
                return self._list_posts(request, workspace)
            if path.startswith("/get-post/") and "/" not in path[len("/get-post/"):]:
                return self._get_post(path[len("/get-post/"):], workspace)
        if request.method == "POST" and (path in self._POST_ROUTES or path.startswith("/test-connection/")):
            try:
                body = request.json()
            except ValueError:
                return _error(400, "Invalid JSON body")
            if path.startswith("/test-connection/"):
                platform_id = path[len("/test-connection/"):]
                return self._test_connection(platform_id, workspace) if "/" not in platform_id else _error(404, "Not found")
            return self._POST_ROUTES[path](self, body if isinstance(body, dict) else {}, workspace)
        return _error(404, "Not found")

    # -- GET /platform-connections -------------------------------------------------------------------
    def _platform_connections(self, workspace: _Workspace) -> Response:
        return Response(200, {"success": True, "connections": [self._connection_item(c) for c in workspace.connections]})

    def _connection_item(self, connection: Connection) -> Dict[str, Any]:
        now = self.now()
        midnight = datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
        last_posts = [
            e.published_at for g in self.groups() for e in g.entries
            if e.connection is connection and e.published_at is not None
        ]
        item: Dict[str, Any] = {
            "platformId": connection.platform_id,
            "username": connection.username,
            "displayName": connection.display_name,
            "profileImageUrl": connection.profile_image_url,
            "profileUrl": connection.profile_url,
            "accessTokenExpiresAt": None,
            "tokenStatus": "unknown",
            "tokenExpiresIn": None,
            "lastSuccessfulPost": _iso(max(last_posts)) if last_posts else None,
            "lastError": None,
        }
        if connection.token_valid_hours is not None:
            expires = midnight + timedelta(hours=connection.token_valid_hours)
            left = expires - now
            hours = int(left.total_seconds() // 3600)
            item["accessTokenExpiresAt"] = _iso(expires)
            if left <= timedelta(0):
                item["tokenStatus"], item["tokenExpiresIn"] = "expired", "expired"
            else:
                item["tokenStatus"] = "expiring_soon" if left < timedelta(days=7) else "valid"
                item["tokenExpiresIn"] = (
                    f"{hours // 24}d {hours % 24}h" if hours >= 24 else (f"{hours}h" if hours >= 1 else "< 1h")
                )
        if connection.last_error is not None:
            message, hours_before = connection.last_error
            item["lastError"] = {"message": message, "occurredAt": _iso(midnight - timedelta(hours=hours_before))}
        return item

    # -- POST /test-connection/{platformId} ----------------------------------------------------------
    def _test_connection(self, platform_id: str, workspace: _Workspace) -> Response:
        connection = workspace.by_id(platform_id)
        if connection is None:
            return _error(404, CONNECTION_NOT_FOUND)
        item = self._connection_item(connection)
        if connection.token_expired:
            status, message, permissions = "error", "Access token has expired. Please reconnect your account.", []
        else:
            status, message = "ok", "Connection is working"
            permissions = list(LINKEDIN_PERMISSIONS if connection.platform == "linkedin" else TWITTER_PERMISSIONS)
        return Response(200, {
            "status": status,
            "message": message,
            "permissions": permissions,
            "tokenExpiresIn": item["tokenExpiresIn"],
            "lastSuccessfulPost": item["lastSuccessfulPost"],
            "lastError": item["lastError"],
        })

    # -- GET /list-posts -----------------------------------------------------------------------------
    def _list_posts(self, request: Request, workspace: _Workspace) -> Response:
        page = max(_js_int(request.param("page"), 1), 1)
        limit = min(max(_js_int(request.param("limit"), 20), 1), 100)
        status = request.param("status") or None
        if status is not None and status not in STATUSES:
            return _error(400, "Invalid status. Must be one of: " + ", ".join(STATUSES))
        sort_by = request.param("sortBy") or "createdAt"
        if sort_by not in SORT_FIELDS:
            return _error(400, "Invalid sortBy. Must be one of: " + ", ".join(SORT_FIELDS))
        ascending = request.param("sortOrder") == "asc"
        bounds: Dict[str, datetime] = {}
        for name, end_of_day in (("fromDate", False), ("toDate", True)):
            raw = request.param(name)
            if raw:
                try:
                    bounds[name] = _parse_when(raw, end_of_day)
                except ValueError:
                    return _error(400, f"Invalid {name} format")
        platform = request.param("platform") or None

        selected = []
        for group in (self.groups() if workspace.has_posts else []):
            if status is not None and group.status != status:
                continue
            if platform is not None and not any(
                e.connection.platform_id.startswith(platform + "-") for e in group.entries
            ):
                continue
            if bounds:
                when = group.scheduled_time
                if when is None:
                    continue
                if "fromDate" in bounds and when < bounds["fromDate"]:
                    continue
                if "toDate" in bounds and when > bounds["toDate"]:
                    continue
            selected.append(group)

        attribute = {"createdAt": "created_at", "scheduledTime": "scheduled_time", "updatedAt": "updated_at"}[sort_by]

        def sort_key(group: PostGroup) -> Tuple[int, float, str]:
            value: Optional[datetime] = getattr(group, attribute)
            return (0, 0.0, group.id) if value is None else (1, value.timestamp(), group.id)

        selected.sort(key=sort_key, reverse=not ascending)
        total = len(selected)
        total_pages = math.ceil(total / limit)
        chunk = selected[(page - 1) * limit: page * limit]
        return Response(200, {
            "success": True,
            "posts": [self._list_item(group) for group in chunk],
            "pagination": {
                "page": page, "limit": limit, "totalItems": total, "totalPages": total_pages,
                "hasNextPage": page < total_pages, "hasPrevPage": page > 1,
            },
        })

    @staticmethod
    def _list_item(group: PostGroup) -> Dict[str, Any]:
        return {
            "postGroupId": group.id,
            "content": group.content,
            "status": group.status,
            "scheduledTime": _iso(group.scheduled_time) if group.scheduled_time else None,
            "createdAt": _iso(group.created_at),
            "updatedAt": _iso(group.updated_at),
            "platforms": [
                {"platformId": e.connection.platform_id, "platform": e.connection.platform, "status": e.status}
                for e in group.entries
            ],
            "mediaUrls": list(group.media_urls),
        }

    # -- GET /get-post/{postGroupId} -----------------------------------------------------------------
    def _get_post(self, group_id: str, workspace: _Workspace) -> Response:
        if not OBJECT_ID.match(group_id):
            return _error(500, "Failed to fetch post group")
        self.groups()
        group = self._by_id.get(group_id.lower()) if workspace.has_posts else None
        if group is None:
            return _error(404, "Post group not found")
        posts = []
        for entry in group.entries:
            item: Dict[str, Any] = {
                "_id": entry.oid,
                "platform": entry.connection.platform,
                "platformId": entry.connection.raw_id,
                "content": group.content,
                "status": entry.status,
            }
            if entry.posted_id:
                item["postedId"] = entry.posted_id
            if entry.error:
                item["error"] = dict(entry.error)
            posts.append(item)
        return Response(200, {"success": True, "postGroupId": group.id, "posts": posts})

    # -- POST /linkedin-post-statistics --------------------------------------------------------------
    def _post_statistics(self, body: Dict[str, Any], workspace: _Workspace) -> Response:
        posted_id, platform_id = body.get("postedId"), body.get("platformId")
        if not posted_id or not platform_id:
            return _error(400, "postedId and platformId are required")
        if not isinstance(posted_id, str) or not isinstance(platform_id, str):
            return _error(400, "postedId and platformId must be strings")
        metrics, single, problem = _parse_query_types(body)
        if problem:
            return problem
        connection = workspace.linkedin(platform_id)
        if connection is None:
            return _error(404, "LinkedIn connection not found")
        urn = f"urn:li:share:{posted_id}" if posted_id.isdigit() else posted_id
        self.groups()
        entry = self._by_posted.get((connection.platform_id, urn)) if workspace.has_posts else None
        today = self.now().date()
        values = post_metric_values(entry, today) if entry else {}

        def fetch(metric: str) -> Tuple[str, Optional[int]]:
            if entry is None:
                return "failed", None
            quirk = entry.quirk
            if quirk and metric in quirk.metrics:
                if quirk.kind == "fetch_failure":
                    return "failed", None
                if quirk.kind == "unavailable":
                    return "unavailable", None
                return "ok", -1
            return "ok", values[metric]

        return self._answer(("post", connection.platform_id, urn), metrics, single, fetch, extra={})

    def _answer(
        self,
        cache_prefix: Tuple[Any, ...],
        metrics: Sequence[str],
        single: bool,
        fetch: Callable[[str], Tuple[str, Any]],
        extra: Dict[str, Any],
    ) -> Response:
        """The seed's single- and multi-metric answer forms, with the 30-minute per-metric cache."""
        results: Dict[str, Any] = {}
        errors: List[Dict[str, str]] = []
        cached: List[str] = []
        for metric in metrics:
            hit, value = self._cache.get(cache_prefix + (metric,))
            if hit:
                results[metric] = value
                cached.append(metric)
                continue
            outcome, value = fetch(metric)
            if outcome == "failed":
                results[metric] = None
                errors.append({"metric": metric, "error": FETCH_ERROR})
            elif outcome == "unavailable":
                results[metric] = None
            else:
                results[metric] = value
                self._cache.put(cache_prefix + (metric,), value)
        if single:
            if errors:
                return _error(500, FETCH_ERROR)
            field_name = "count" if cache_prefix[0] == "post" else "data"
            return Response(200, {"success": True, field_name: results[metrics[0]], **extra, "cached": bool(cached)})
        body: Dict[str, Any] = {"success": not errors, "metrics": results}
        if errors:
            body["errors"] = errors
        body.update(extra)
        if cached:
            body["cachedMetrics"] = cached
        body["cached"] = bool(cached)
        return Response(200, body)

    # -- POST /linkedin-account-statistics -----------------------------------------------------------
    def _account_statistics(self, body: Dict[str, Any], workspace: _Workspace) -> Response:
        platform_id = body.get("platformId")
        if not platform_id:
            return _error(400, "platformId is required")
        if not isinstance(platform_id, str):
            return _error(400, "platformId must be a string")
        metrics, single, problem = _parse_query_types(body)
        if problem:
            return problem
        aggregation = body.get("aggregation")
        if aggregation is None:
            aggregation = "TOTAL"
        if not isinstance(aggregation, str):
            return _error(400, "aggregation must be a string")
        aggregation = aggregation.upper()
        if aggregation not in ("DAILY", "TOTAL"):
            return _error(400, "Invalid aggregation. Must be one of: DAILY, TOTAL")
        date_range, problem = _parse_date_range(body.get("dateRange"))
        if problem:
            return problem
        if aggregation == "DAILY" and "MEMBERS_REACHED" in metrics:
            return _error(400, "MEMBERS_REACHED with DAILY aggregation is not supported by LinkedIn API")
        connection = workspace.linkedin(platform_id)
        if connection is None:
            return _error(404, "LinkedIn connection not found")
        today = self.now().date()
        if date_range is None:
            start = ACCOUNT_HISTORY_START[connection.platform_id] if aggregation == "TOTAL" else today - timedelta(days=DEFAULT_WINDOW_DAYS)
            days = _days(start, today, today)
        else:
            days = _days(date_range[0], date_range[1], today)

        def fetch(metric: str) -> Tuple[str, Any]:
            if connection.token_expired:  # LinkedIn refuses every call
                return "failed", None
            if metric == "MEMBERS_REACHED":  # TOTAL only (DAILY was refused above)
                if connection.reach_unavailable:
                    return "unavailable", None
                impressions = sum(account_day_values(connection.platform_id, d)[0] for d in days)
                return "ok", int(round(impressions * _REACH_RATIO[connection.platform_id]))
            index = _DAY_INDEX[metric]
            if aggregation == "TOTAL":
                return "ok", sum(account_day_values(connection.platform_id, d)[index] for d in days)
            return "ok", [
                {
                    "count": account_day_values(connection.platform_id, d)[index],
                    "dateRange": {"start": _ymd(d), "end": _ymd(d + timedelta(days=1))},
                }
                for d in days
            ]

        prefix = ("account", connection.platform_id, aggregation, _range_key(date_range), today.isoformat())
        return self._answer(prefix, metrics, single, fetch, extra={"aggregation": aggregation})

    # -- POST /linkedin-followers --------------------------------------------------------------------
    def _followers(self, body: Dict[str, Any], workspace: _Workspace) -> Response:
        problem = _platform_id_problem(body)
        if problem:
            return problem
        period = body.get("period")
        if period is not None and not isinstance(period, str):
            return _error(400, "period must be a string")
        period = (period or "lifetime").lower()
        if period not in ("lifetime", "daily"):
            return _error(400, "Invalid period. Must be one of: lifetime, daily")
        if period == "daily" and body.get("dateRange") in (None, False, 0, ""):
            return _error(400, "dateRange is required for daily period")
        date_range, connection, problem = _range_and_connection(body, workspace)
        if problem:
            return problem
        if connection.token_expired:
            return _error(500, FOLLOWERS_FETCH_ERROR)
        today = self.now().date()
        key = ("followers", connection.platform_id, period, _range_key(date_range) if period == "daily" else None,
               today.isoformat())
        hit, value = self._cache.get(key)
        if not hit:
            if period == "lifetime":
                value = {"followersCount": self._followers_total(connection, today)}
            else:
                assert date_range is not None
                data = [
                    {"date": d.isoformat(), "count": account_day_values(connection.platform_id, d)[4]}
                    for d in _days(date_range[0], date_range[1], today)
                ]
                value = {"data": data, "totalGrowth": sum(row["count"] for row in data)}
            self._cache.put(key, value)
        return Response(200, {"success": True, **value, "cached": hit})

    @staticmethod
    def _followers_total(connection: Connection, today: date) -> int:
        start = ACCOUNT_HISTORY_START[connection.platform_id]
        return connection.base_followers + sum(
            account_day_values(connection.platform_id, d)[4] for d in _days(start, today, today)
        )

    # -- POST /linkedin-profile-summary --------------------------------------------------------------
    def _profile_summary(self, body: Dict[str, Any], workspace: _Workspace) -> Response:
        problem = _platform_id_problem(body)
        if problem:
            return problem
        date_range, connection, problem = _range_and_connection(body, workspace)
        if problem:
            return problem
        asked = [m for m in SUMMARY_METRICS if m != "followersPeriod" or date_range is not None]
        failed = [m for m in asked if connection.token_expired or m in connection.summary_failures]
        messages = OPENAPI_SUMMARY_ERRORS if connection.summary_errors_as_strings else SUMMARY_ERRORS
        errors: List[Any] = [
            messages[m] if connection.summary_errors_as_strings else {"metric": m, "error": messages[m]} for m in failed
        ]
        if len(failed) == len(asked):
            return Response(502, {"success": False, "error": ALL_FAILED_ERROR, "errors": errors})

        today = self.now().date()
        start, end = date_range or (today - timedelta(days=DEFAULT_WINDOW_DAYS), today)
        rows = [account_day_values(connection.platform_id, d) for d in _days(start, end, today)]
        impressions = sum(r[0] for r in rows)
        values: Dict[str, Optional[int]] = {
            "followersLifetime": self._followers_total(connection, today),
            "followersPeriod": sum(r[4] for r in rows),
            "post_IMPRESSION": impressions,
            # LinkedIn answers -1 for this account's reach: null, and not an error
            "post_MEMBERS_REACHED": None if connection.reach_unavailable else int(round(impressions * _REACH_RATIO[connection.platform_id])),
            "post_REACTION": sum(r[2] for r in rows),
            "post_COMMENT": sum(r[3] for r in rows),
            "post_RESHARE": sum(r[1] for r in rows),
        }
        for metric in failed:
            values[metric] = 0  # a failed fetch is written as 0, not null, and listed in errors[]
        followers: Dict[str, Any] = {"total": values["followersLifetime"]}
        if date_range is not None:
            followers["periodGrowth"] = values["followersPeriod"]
        profile = {"followers": followers, "posts": {field: values[metric] for metric, field in SUMMARY_FIELDS.items()}}
        if errors:
            return Response(200, {"success": False, "partialData": True, "profile": profile, "errors": errors})
        return Response(200, {"success": True, "profile": profile})

    _POST_ROUTES: Dict[str, Callable[["PostPostEmulator", Dict[str, Any], _Workspace], Response]] = {
        "/linkedin-post-statistics": _post_statistics,
        "/linkedin-account-statistics": _account_statistics,
        "/linkedin-followers": _followers,
        "/linkedin-profile-summary": _profile_summary,
    }
