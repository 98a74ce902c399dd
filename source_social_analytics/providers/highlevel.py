"""HighLevel (LeadConnector) Social Planner: everything HighLevel-specific in one place (seed 000, api-notes §2).

- ``HighLevelConfig``: the provider's config checks; ``PROVIDER``: its registry entry (providers/__init__.py).
- ``HighLevelAccountsExtractor``: the accounts the statistics API supports, in batch order (one log line
  naming the others).
- ``window_dates``: the date rule (``dayRange`` holds weekday names, not dates).
- ``HighLevelDailyExtractor`` (account_statistics) and ``HighLevelPeriodExtractor`` (social_statistics):
  one statistics answer (a whole dashboard) flattened into rows.
- ``HighLevelRateLimitBackoff``: waits out the ``X-RateLimit-*`` window on a 429.
- ``HighLevelOAuth``: the CDK's OAuth authenticator, with HighLevel's paused-location answer made a clear
  transient error instead of an unexplained HTTPError.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import InitVar, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Dict, Iterable, List, Literal, Mapping, MutableMapping, Optional, Sequence, Union

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.streams.http.error_handlers.backoff_strategy import BackoffStrategy
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config import IdList, Provider, ProviderConfig, Secret
from ..components.errors import unknown_ids_error
from ..components.rate_budget import PacedAuthenticator, RateBudget
from ..components.extractors import JsonBodyExtractor, json_body
from ..components.metrics import Mapping_, dig, normalize, to_number

logger = logging.getLogger("airbyte")

PLATFORMS = ("facebook", "instagram", "linkedin", "google", "pinterest", "youtube", "tiktok")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PROFILES_PER_REQUEST = 100  # the API answers 400 above it; the manifest's GroupingPartitionRouter says the same


class PrivateIntegrationToken(BaseModel):
    model_config = ConfigDict(extra="allow")
    auth_type: Literal["private_integration_token"]
    access_token: Secret


class OAuthCredentials(BaseModel):
    """A Marketplace app's Location refresh token; access_token and token_expiry_date are the connector's to keep."""

    model_config = ConfigDict(extra="allow")
    auth_type: Literal["oauth2.0"]
    client_id: Secret
    client_secret: Secret
    refresh_token: Secret
    access_token: Optional[str] = None
    token_expiry_date: Optional[str] = None


class HighLevelConfig(ProviderConfig):
    provider_type: Literal["highlevel"]
    credentials: Optional[Annotated[Union[PrivateIntegrationToken, OAuthCredentials], Field(discriminator="auth_type")]] = None
    access_token: Optional[Secret] = None  # a Private Integration Token, as earlier versions asked for it
    location_id: Secret
    profile_ids: IdList = None
    platforms: Optional[List[Literal[PLATFORMS]]] = None  # type: ignore[valid-type]
    api_version: Literal["2021-07-28", "v3"] = "2021-07-28"

    @field_validator("location_id")
    @classmethod
    def _one_path_segment(cls, value: str) -> str:
        # it goes into the URL path (/social-media-posting/{location_id}/accounts): `/`, `?`, `#` or `%` would
        # send the token to another address than the location's
        if any(char in value for char in "/?#%\\"):
            raise ValueError(f"must be the location's id alone, such as 've9EPM428h8vShlRW1KT' (no `/`, `?`, `#`, `%` or `\\`), got {value!r}")
        return value

    @model_validator(mode="after")
    def _one_credential(self) -> "HighLevelConfig":
        if self.credentials is None and self.access_token is None:
            raise ValueError(
                "`provider.credentials` is required: a Private Integration Token, or OAuth 2.0 (client_id, client_secret "
                "and refresh_token of a Marketplace app)"
            )
        if self.credentials is not None and self.access_token is not None:
            raise ValueError(
                "`provider.access_token` and `provider.credentials` are both set: keep only provider.credentials "
                "(provider.access_token is the Private Integration Token as earlier versions asked for it)"
            )
        return self


PROVIDER = Provider(
    name="highlevel",
    published_rate=(100, 10, "HighLevel allows 100 requests per 10 seconds per location"),
    config_model=HighLevelConfig,
    # its first request is GET /social-media-posting/{locationId}/accounts: one cheap authenticated call
    # that also proves the token may read this location
    check_stream="account_statistics",
)


# -- accounts ----------------------------------------------------------------------------------------------
def unsupported_reason(account: Mapping[str, Any]) -> Optional[str]:
    """Why the statistics API cannot count an account (seed 000: LinkedIn PAGE only, TikTok BUSINESS only)."""
    platform = str(account.get("platform") or "").lower()
    kind = str(account.get("type") or "").lower()
    if platform not in PLATFORMS:
        return f"platform {platform or 'unknown'} has no statistics"
    if account.get("isExpired") is True:
        return "expired (reconnect it in HighLevel)"
    if platform == "linkedin" and kind != "page":
        return f"LinkedIn {kind or 'unknown type'}, only pages are supported"
    if platform == "tiktok" and kind != "business":
        return f"TikTok {kind or 'unknown type'}, only business accounts are supported"
    return None


@dataclass
class HighLevelAccountsExtractor(JsonBodyExtractor):
    """``GET /social-media-posting/{locationId}/accounts`` -> the accounts to ask statistics for.

    In:  ``{"results": {"accounts": [{"profileId": "67a5…", "platform": "facebook", "type": "page", "isExpired": false,
         "name": "Brand HQ"}, {"profileId": "aF3K…", "platform": "linkedin", "type": "profile", "name": "Jane"}]}}``
    Out: ``{"profileId": "67a5…", "platform": "facebook", "type": "page", "name": "Brand HQ"}`` only, and one INFO
         line: ``HighLevel: 1 account(s) left out, the statistics API does not support them: Jane (linkedin,
         profileId aF3K…): LinkedIn profile, only pages are supported``.

    ``provider.profile_ids``, when set, keeps only those accounts (an id the location does not list is a
    config_error naming it, before any statistics request); ``provider.platforms`` keeps only those platforms. Accounts come sorted by platform and profileId,
    so that the batches of 100 are stable and a platform's accounts share a batch as far as possible.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        provider = self.config.get("provider") or {}
        wanted = provider.get("profile_ids") or None
        platforms = set(provider.get("platforms") or ()) or None
        accounts = [a for a in (dig(body, "results.accounts") or []) if isinstance(a, Mapping) and a.get("profileId")]
        kept, left_out = [], []
        for account in accounts:
            if wanted is not None and account["profileId"] not in wanted:
                continue
            reason = unsupported_reason(account)
            if reason:
                left_out.append(f"{account.get('name') or '?'} ({account.get('platform')}, profileId {account['profileId']}): {reason}")
            elif platforms is None or account.get("platform") in platforms:
                kept.append(account)
        if left_out:
            logger.info(
                f"HighLevel: {len(left_out)} account(s) left out, the statistics API does not support them: " + "; ".join(left_out)
            )
        if wanted is not None:
            missing = sorted(set(wanted) - {a["profileId"] for a in accounts})
            if missing:  # the statistics API would ignore them silently: the user would miss those accounts unawares
                known = sorted(f"{a['profileId']} ({a.get('platform')})" for a in accounts)
                listed = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
                raise unknown_ids_error(
                    "provider.profile_ids", missing,
                    f"which this HighLevel location does not have (its accounts: {listed or 'none'})",
                    "Remove them, or leave profile_ids empty to sync every account of the location.",
                )
        for account in sorted(kept, key=lambda a: (str(a.get("platform")), str(a["profileId"]))):
            yield {key: account.get(key) for key in ("profileId", "platform", "type", "name")}


# -- the date rule -----------------------------------------------------------------------------------------
def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def window_dates(day_range: Sequence[Any], end: date, start: Optional[date] = None) -> List[date]:
    """The calendar day of each entry of ``dayRange`` (weekday names such as "Mon", aligned by index).

    The window ends on ``end``: the requested ``currentRange.endDate`` (v3), else yesterday (UTC), since both
    versions' default window is the last 7 days excluding today. The names must be those of the days
    ``end - n + 1 … end``. If they are not, the same window shifted by one day either way (a location whose
    time zone is ahead of or behind UTC) is accepted with a warning. Anything else (names that fit no such
    window, or a length other than the requested window's) is dated by position, the last entry on ``end``,
    with a warning: the docs only say the array names the period's days, so a vendor that answers them in
    another order or length still gives its numbers (days outside the window are filtered out).

    >>> window_dates(["Mon", "Tue"], end=date(2026, 11, 17))
    [datetime.date(2026, 11, 16), datetime.date(2026, 11, 17)]
    """
    names = [str(name).strip().lower()[:3] for name in day_range]
    count = len(names)
    if count == 0:
        return []
    positional = [end - timedelta(days=count - 1 - index) for index in range(count)]
    if start is not None and (end - start).days + 1 != count:
        logger.warning(
            f"HighLevel answered {count} days (dayRange {list(day_range)}) for the window {start}..{end} of "
            f"{(end - start).days + 1} days: the rows are dated by position, the last one on {end}; days outside "
            "the window are left out."
        )
        return positional
    for shift in (0, 1, -1):
        last = end + timedelta(days=shift)
        days = [last - timedelta(days=count - 1 - index) for index in range(count)]
        if names == [WEEKDAYS[day.weekday()] for day in days]:
            if shift:
                logger.warning(
                    f"HighLevel's dayRange {list(day_range)} matches the window ending {last}, not {end} as requested: "
                    "the location's time zone is probably not UTC; the rows are dated by the names."
                )
            return days
    logger.warning(
        f"HighLevel's dayRange {list(day_range)} does not name the days of the window ending {end} "
        f"(expected {[WEEKDAYS[day.weekday()].title() for day in positional]}): the rows are dated by position, "
        f"the last one on {end}."
    )
    return positional


def _request_body(response: requests.Response) -> Mapping[str, Any]:
    raw = response.request.body if response.request is not None else None
    try:
        body = json.loads(raw or b"{}")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, Mapping) else {}


def _day(value: Any) -> Optional[date]:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def profile_batch(profile_ids: Sequence[Any]) -> str:
    """A stable id of the set of profiles one request summed: ``b-`` + 12 hex digits of SHA-256 of the sorted ids."""
    joined = ",".join(sorted(str(pid) for pid in profile_ids))
    return "b-" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


@dataclass
class _StatisticsExtractor(JsonBodyExtractor):
    """Reads the request beside the answer: the window (``currentRange``) and the batch (``profileIds``)."""

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        request = _request_body(response)
        window = request.get("currentRange") if isinstance(request.get("currentRange"), Mapping) else {}
        start, end = _day(window.get("startDate")), _day(window.get("endDate"))
        batch = profile_batch(request.get("profileIds") or [])
        for row in self.rows(json_body(response), start, end or utc_today() - timedelta(days=1)):
            row["profile_batch"] = batch
            yield row

    def rows(self, body: Any, start: Optional[date], end: date) -> Iterable[MutableMapping[str, Any]]:  # pragma: no cover
        raise NotImplementedError


# platformTotals.<metric>.<platform>.series and postPerformance.posts.<platform>: column -> path template. The
# followers series is new followers per day (a gain: its `total` is the series' sum, as for impressions), never a
# follower count: it goes to `followers_gained`, and `followers` (a count) stays absent for HighLevel.
DAILY_SERIES: Mapping[str, str] = {
    "impressions": "platformTotals.impressions.{p}.series",
    "followers_gained": "platformTotals.followers.{p}.series",
    "likes": "platformTotals.likes.{p}.series",
    "posts": "postPerformance.posts.{p}",
}


@dataclass
class HighLevelDailyExtractor(_StatisticsExtractor):
    """``POST /social-media-posting/statistics`` -> one row per platform per day (account_statistics).

    In:  ``{"results": {"dayRange": ["Mon", …, "Sun"], "platformTotals": {"impressions": {"google": {"total": 0,
         "series": [0, 0, 0, 0, 0, 0, 0]}}, …}, "postPerformance": {"posts": {"google": [0, …]}}}}`` for a window
         ending Sun 2026-11-22
    Out: ``{"platform": "google", "date": "2026-11-16", "impressions": 0, "followers_gained": 0, "likes": 0, "posts": 0}``
         … through ``"2026-11-22"`` (dates by ``window_dates``); a metric whose series is absent or shorter is None.

    The series are the vendor's sums over the request's profiles (one batch of at most 100 accounts).
    ``postPerformance.{impressions,likes,comments}`` (across platforms) are not per platform: not mapped.
    """

    def rows(self, body: Any, start: Optional[date], end: date) -> Iterable[MutableMapping[str, Any]]:
        results = dig(body, "results") or {}
        days = window_dates(results.get("dayRange") or [], end, start)
        platforms = sorted(
            {p for path in DAILY_SERIES.values() for p in (dig(results, path.split(".{p}")[0]) or {})}
        )
        for platform in platforms:
            series = {column: dig(results, path.format(p=platform)) for column, path in DAILY_SERIES.items()}
            for index, day in enumerate(days):
                row: Dict[str, Any] = {"platform": platform, "date": day.isoformat()}
                for column, values in series.items():
                    row[column] = to_number(values[index]) if isinstance(values, list) and index < len(values) else None
                yield row


# breakdowns of one platform -> our columns (the docs page, "HighLevel mappings")
PERIOD_MAPPING: Mapping_ = {
    "posts": ("posts.platforms.{p}.value",),
    "impressions": ("impressions.platforms.{p}.value",),
    "reach": ("reach.platforms.{p}.value",),
    "likes": ("engagement.{p}.likes",),
    "comments": ("engagement.{p}.comments",),
    "shares": ("engagement.{p}.shares",),
}
PERIOD_COLUMNS = ("posts", "impressions", "reach", "likes", "comments", "shares")


@dataclass
class HighLevelPeriodExtractor(_StatisticsExtractor):
    """``POST /social-media-posting/statistics`` -> one row per platform per period (social_statistics).

    In:  ``{"results": {"dayRange": [7 names], "breakdowns": {"posts": {"total": 356, "totalChange": -39.35,
         "platforms": {"instagram": {"value": 46, "change": -71.95}}}, "impressions": {…}, "reach": {…},
         "engagement": {"instagram": {"likes": 9, "comments": 2, "shares": 1, "change": 12.5}}},
         "platformTotals": {"followers": {"instagram": {"total": 31, "series": […]}}}, "demographics": {…}}}``
    Out: ``{"platform": "instagram", "period_start": "2026-11-16", "period_end": "2026-11-22", "date": "2026-11-22",
         "posts": 46, "impressions": …, "reach": …, "likes": 9, "comments": 2, "shares": 1, "followers_gained": 31, "raw": {"change":
         {"posts": -71.95, "impressions": …, "reach": …, "engagement": 12.5}, "platform_totals": {"followers": 31,
         …}, "demographics": {…}, "totals": {…}, "total_change": {"posts": -39.35, …}}}``

    Demographics and ``totals`` are location-wide (over the request's profiles), so every row's ``raw`` holds them.
    """

    def rows(self, body: Any, start: Optional[date], end: date) -> Iterable[MutableMapping[str, Any]]:
        results = dig(body, "results") or {}
        days = window_dates(results.get("dayRange") or [], end, start)
        if not days:
            return
        breakdowns = results.get("breakdowns") if isinstance(results.get("breakdowns"), Mapping) else {}
        platforms = sorted(
            set(dig(breakdowns, "engagement") or {})
            | {p for metric in ("posts", "impressions", "reach") for p in (dig(breakdowns, f"{metric}.platforms") or {})}
        )
        for platform in platforms:
            mapping = {column: tuple(s.format(p=platform) for s in sources) for column, sources in PERIOD_MAPPING.items()}
            row: Dict[str, Any] = {
                "platform": platform,
                "date": days[-1].isoformat(),
                "period_start": days[0].isoformat(),
                "period_end": days[-1].isoformat(),
                **normalize(breakdowns, mapping, PERIOD_COLUMNS),
                # the followers gained over the period: the sum of the daily gains (a gain, not a count)
                "followers_gained": to_number(dig(results, f"platformTotals.followers.{platform}.total")),
            }
            row["raw"] = {
                "change": {
                    **{m: to_number(dig(breakdowns, f"{m}.platforms.{platform}.change")) for m in ("posts", "impressions", "reach")},
                    "engagement": to_number(dig(breakdowns, f"engagement.{platform}.change")),
                },
                "platform_totals": {
                    m: to_number(dig(results, f"platformTotals.{m}.{platform}.total")) for m in ("impressions", "followers", "likes")
                },
                "total_change": {m: to_number(dig(breakdowns, f"{m}.totalChange")) for m in ("posts", "impressions", "reach")},
                "totals": results.get("totals"),
                "demographics": results.get("demographics"),
            }
            yield row


# -- rate limits -------------------------------------------------------------------------------------------
@dataclass
class HighLevelRateLimitBackoff(BackoffStrategy):
    """On a 429, wait for HighLevel's window to pass: ``X-RateLimit-Interval-Milliseconds`` when
    ``X-RateLimit-Remaining`` is 0 (api-notes §2.6: 100 requests per 10 s per location).

    In:  HTTP 429 with ``X-RateLimit-Remaining: 0``, ``X-RateLimit-Interval-Milliseconds: 10000``
    Out: ``10.0`` (seconds). Without those headers (or with calls remaining): None, the next strategy decides.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def backoff_time(self, response_or_exception: Optional[Union[requests.Response, requests.RequestException]], attempt_count: int) -> Optional[float]:
        if not isinstance(response_or_exception, requests.Response):
            return None
        headers = response_or_exception.headers
        remaining = to_number(headers.get("X-RateLimit-Remaining"))
        interval = to_number(headers.get("X-RateLimit-Interval-Milliseconds"))
        if remaining is None or remaining > 0 or not interval or interval <= 0:
            return None
        return float(interval) / 1000.0


# -- OAuth 2.0 ---------------------------------------------------------------------------------------------
LOCATION_NOT_ACTIVE = "Location is not active"
INVALID_GRANT = "Invalid grant"


@dataclass
class HighLevelOAuth(PacedAuthenticator, DeclarativeAuthenticator):
    """The CDK's single-use-refresh-token OAuth authenticator (``oauth``, built from the manifest's
    ``OAuthAuthenticator`` with ``refresh_token_updater``), which does the refresh, the lock, the expiry and the
    CONNECTOR_CONFIG message. One HighLevel answer it cannot know is named here: the token endpoint's
    ``400 {"message": "Location is not active"}`` (a paused sub-account or lapsed subscription). The refresh
    token is *not* spent by it and works again once the location is active (api-notes-2 §5.1), so it is a
    transient error that says so, never the CDK's bare ``HTTPError`` nor a re-authorise config_error.

    In:  the token endpoint answers 400 ``{"statusCode":400,"message":"Location is not active"}``
    Out: ``AirbyteTracedException(transient_error, "HighLevel answered the token refresh with 'Location is not
         active' ...")``; every other answer exactly as the CDK's authenticator handles it.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    oauth: Any = None
    # the rate limit per app per location (components/rate_budget.py), as VendorKeyAuthenticator's
    rate_limit: Optional[Mapping[str, Any]] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.oauth is None:
            raise ValueError("HighLevelOAuth needs `oauth`: the OAuthAuthenticator it wraps")
        provider = self.config.get("provider") or {}
        credentials = provider.get("credentials") or {}
        self._budget = RateBudget.from_manifest(
            self.rate_limit, "HighLevel", f"{credentials.get('client_id')}\n{provider.get('location_id')}", self.config
        )


    @property
    def auth_header(self) -> str:
        return str(self.oauth.auth_header)

    @property
    def token(self) -> str:
        with _token_refresh_answers_explained():
            return str(self.oauth.token)

    def get_auth_header(self) -> Mapping[str, Any]:
        with _token_refresh_answers_explained():
            return self.oauth.get_auth_header()

    def refresh_and_set_access_token(self) -> None:
        """The hook the CDK's HTTP client calls on a 401 (REFRESH_TOKEN_THEN_RETRY)."""
        with _token_refresh_answers_explained():
            self.oauth.refresh_and_set_access_token()


class _token_refresh_answers_explained:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        if not isinstance(error, requests.exceptions.HTTPError) or error.response is None:
            return False
        try:
            body = json_body(error.response)
        except ValueError:
            return False
        message = body.get("message") if isinstance(body, Mapping) else None
        if error.response.status_code == 400 and str(message or "").startswith(INVALID_GRANT):
            # a used, revoked or expired refresh token in any wording (the CDK's own check matches one exactly)
            text = (
                f"HighLevel refused the refresh token ('{message}'): it was used already (refresh tokens are single-use), "
                "revoked, or is older than a year. Re-authenticate this source (a new Location refresh token in "
                "provider.credentials.refresh_token)."
            )
            raise AirbyteTracedException(message=text, internal_message=text, failure_type=FailureType.config_error) from None
        if error.response.status_code != 400 or message != LOCATION_NOT_ACTIVE:
            return False
        text = (
            "HighLevel answered the OAuth token refresh with HTTP 400 'Location is not active': the sub-account "
            "(provider.location_id) is paused, or its subscription or agency is inactive. The refresh token is kept and "
            "works again once the location is active; nothing was read, and the next sync resumes from its state."
        )
        raise AirbyteTracedException(message=text, internal_message=text, failure_type=FailureType.transient_error) from None
