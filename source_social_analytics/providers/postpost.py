"""PostPost / Publora: everything PostPost-specific in one place (seed 003, api-notes §4).

- ``PostPostConfig``: the provider's config checks; ``PROVIDER``: its registry entry (providers/__init__.py).
- Extractors, one per endpoint body: accounts (``/platform-connections``), LinkedIn entries (``/get-post``),
  statistics (post, and account TOTAL), DAILY account rows and daily follower gains (``/linkedin-followers``);
  each docstring says what goes in and out. ``PostPostDailyRecordFields`` puts a day's gain on its row, and
  ``AccountPartitionsUnderFollowers`` migrates account states saved before the followers parents.
- ``PostPostRateLimitBackoff``: a 429's ``retryAfter`` body field (or ``X-RateLimit-Reset``).
- The metric mapping (fixed by CONTRACT §3): IMPRESSION / MEMBERS_REACHED / REACTION / COMMENT / RESHARE.
"""
from __future__ import annotations

import json
import time
from dataclasses import InitVar, dataclass
from datetime import date as _date
from typing import Any, Dict, Iterable, List, Literal, Mapping, MutableMapping, Optional, Union

import requests
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config
from pydantic import field_validator

from ..config import IdList, Provider, ProviderConfig, Secret
from ..components.errors import json_or_none, unknown_ids_error
from ..components.extractors import JsonBodyExtractor, json_body
from ..components.metrics import ACCOUNT_COLUMNS, METRIC_COLUMNS, normalize, to_number
from ..components.record_fields import RecordFields, slice_value



class PostPostConfig(ProviderConfig):
    provider_type: Literal["postpost"]
    api_key: Secret
    platform_ids: IdList = None

    @field_validator("platform_ids")
    @classmethod
    def _linkedin_only(cls, values: Optional[List[str]]) -> Optional[List[str]]:
        for value in values or []:
            if not value.startswith("linkedin-") or value == "linkedin-":  # the spec's pattern: ^linkedin-.+
                raise ValueError(f"every id must be a LinkedIn connection id such as 'linkedin-Tz9W5i6ZYG', got {value!r}")
        return values




# ============================================================================================ components
# CONTRACT §3, fixed: PostPost metric -> our column.
METRICS: Dict[str, str] = {
    "IMPRESSION": "impressions",
    "MEMBERS_REACHED": "reach",
    "REACTION": "likes",
    "COMMENT": "comments",
    "RESHARE": "shares",
}
_MAPPING = {column: (metric,) for metric, column in METRICS.items()}
# DAILY: LinkedIn has no daily MEMBERS_REACHED, so `reach` is never read from a daily row.
_DAILY_MAPPING = {column: sources for column, sources in _MAPPING.items() if column != "reach"}
LINKEDIN_PREFIX = "linkedin-"


def compound_platform_id(platform_id: Any) -> Optional[str]:
    """``Tz9W5i6ZYG`` (get-post's raw id) or ``linkedin-Tz9W5i6ZYG`` -> ``linkedin-Tz9W5i6ZYG``."""
    if not isinstance(platform_id, str) or not platform_id:
        return None
    return platform_id if platform_id.startswith(LINKEDIN_PREFIX) else LINKEDIN_PREFIX + platform_id


def _count(value: Any) -> Optional[Union[int, float]]:
    """A LinkedIn count: ``null`` and ``-1`` (LinkedIn's "unavailable", sent as a number) are None."""
    number = to_number(value)
    return None if number is None or number < 0 else number


def metric_values(body: Mapping[str, Any], requested: Optional[str] = None) -> Dict[str, Any]:
    """``{METRIC: value}`` from either documented answer form.

    Multi-metric: ``{"metrics": {"IMPRESSION": 15420, ...}}``; single metric (``queryType``): ``{"count": 1542}``
    (post statistics) or ``{"data": 15420 | [rows]}`` (account statistics), which name no metric: ``requested``
    (the request's ``queryType``) does.
    """
    metrics = body.get("metrics")
    if isinstance(metrics, Mapping):
        return {str(name).upper(): value for name, value in metrics.items()}
    if requested:
        for key in ("count", "data"):
            if key in body:
                return {requested.upper(): body[key]}
    return {}


def metric_errors(body: Mapping[str, Any]) -> List[Dict[str, str]]:
    """The partial failures (HTTP 200, ``success: false``, ``errors[]``) as ``[{metric, error}]``."""
    return [
        {"metric": str(error.get("metric") or "*").upper(), "error": str(error.get("error") or error.get("message") or "failed")}
        for error in body.get("errors") or []
        if isinstance(error, Mapping)
    ]


def _requested_metric(response: requests.Response) -> Optional[str]:
    """The ``queryType`` of the request that produced ``response`` (single-metric form only)."""
    try:
        sent = json.loads(response.request.body or b"{}") if response.request is not None else {}
    except (TypeError, ValueError):
        return None
    value = sent.get("queryType") if isinstance(sent, Mapping) else None
    return value if isinstance(value, str) else None


def _cache_flags(body: Mapping[str, Any]) -> Dict[str, Any]:
    return {"cached": body.get("cached"), "cachedMetrics": list(body.get("cachedMetrics") or [])}


def _ymd(value: Any) -> Optional[str]:
    """``{"year": 2024, "month": 1, "day": 15}`` -> ``2024-01-15``."""
    if not isinstance(value, Mapping):
        return None
    try:
        return _date(int(value["year"]), int(value["month"]), int(value["day"])).isoformat()
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class _PostPostExtractor(JsonBodyExtractor):
    """Reads the request's ``queryType`` too: the single-metric answer does not name its metric."""

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        # passed along, not kept on the extractor: the workers share one extractor
        yield from self.records_from(json_body(response), _requested_metric(response))


@dataclass
class PostPostStatisticsExtractor(_PostPostExtractor):
    """One record from ``POST /linkedin-post-statistics`` or a TOTAL ``POST /linkedin-account-statistics``.

    In:  ``{"success": false, "metrics": {"IMPRESSION": 15420, "MEMBERS_REACHED": null, "REACTION": 456,
         "COMMENT": -1, "RESHARE": null}, "errors": [{"metric": "RESHARE", "error": "Failed to fetch metric from
         LinkedIn"}], "cachedMetrics": ["IMPRESSION"], "cached": true}``
    Out: ``{"impressions": 15420, "reach": None, "likes": 456, "comments": None, "shares": None, …every other
         metric column None, "raw_metrics": {"metrics": {…as sent…}, "errors": [...], "cached": true,
         "cachedMetrics": ["IMPRESSION"], "success": false}, "metric_errors": [{"metric": "RESHARE", "error":
         "Failed to fetch metric from LinkedIn"}]}``. MEMBERS_REACHED null without an errors entry (LinkedIn's -1)
         and COMMENT -1 are null with no error. The single-metric form ``{"count": 1542}`` / ``{"data": 15420}``
         gives the requested metric's column. With ``account_level`` (TOTAL account statistics) the record has the
         account columns too and the vendor's object goes in ``raw`` (``metric_errors`` inside it).
    """

    account_level: bool = False

    def records_from(self, body: Any, requested: Optional[str] = None) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        counts = {name: _count(value) for name, value in metric_values(body, requested).items()}
        columns = METRIC_COLUMNS + ACCOUNT_COLUMNS if self.account_level else METRIC_COLUMNS
        record: Dict[str, Any] = normalize(counts, _MAPPING, columns)
        raw = {key: body[key] for key in ("success", "metrics", "count", "data", "errors", "aggregation") if key in body}
        raw.update(_cache_flags(body))
        if self.account_level:
            record["raw"] = raw
            record["raw"]["metric_errors"] = metric_errors(body)
        else:
            record["raw_metrics"] = raw
            record["metric_errors"] = metric_errors(body)
        yield record


@dataclass
class AccountPartitionsUnderFollowers(StateMigration):
    """Saved states of account_statistics and social_statistics from before their accounts came through a followers
    parent (0.1.0 until 2026-12-04): each account's partition gains the parent's partition, so its own cursor is
    found again instead of falling back to the stream's oldest.

    In:  ``{"states": [{"partition": {"account_id": "linkedin-A", "parent_slice": {}}, "cursor": {"date": "2026-10-04"}}], …}``
    Out: ``{"states": [{"partition": {"account_id": "linkedin-A", "parent_slice": {"account_id": "linkedin-A",
         "parent_slice": {}}}, "cursor": {"date": "2026-10-04"}}], …}`` (everything else as it was)
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    @staticmethod
    def _old(entry: Any) -> bool:
        partition = entry.get("partition") if isinstance(entry, Mapping) else None
        return isinstance(partition, Mapping) and "account_id" in partition and partition.get("parent_slice") == {}

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        states = stream_state.get("states") if isinstance(stream_state, Mapping) else None
        return isinstance(states, list) and any(self._old(entry) for entry in states)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        def nested(entry: Any) -> Any:
            if not self._old(entry):
                return entry
            account = entry["partition"]["account_id"]
            return {**entry, "partition": {"account_id": account, "parent_slice": {"account_id": account, "parent_slice": {}}}}

        return {**stream_state, "states": [nested(entry) for entry in stream_state["states"]]}


@dataclass
class PostPostFollowerGainsExtractor(JsonBodyExtractor):
    """``POST /linkedin-followers`` with ``period: daily`` -> one record: the account's new followers per day.

    In:  ``{"success": true, "data": [{"date": "2024-01-15", "count": 10}, {"date": "2024-01-16", "count": 15}],
         "totalGrowth": 25, "cached": false}``
    Out: ``{"gains": {"2024-01-15": 10, "2024-01-16": 15}}`` — ``count`` is the day's growth, never a follower
         count (api-notes-2 §4.1); a count that is not a number is None. A body without ``data`` gives
         ``{"gains": {}}``: every day's gain unknown (null), never 0.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        rows = body.get("data") if isinstance(body, Mapping) else None
        gains = {
            str(row["date"])[:10]: to_number(row.get("count"))
            for row in (rows if isinstance(rows, list) else [])
            if isinstance(row, Mapping) and row.get("date")
        }
        yield {"gains": gains}


@dataclass
class PostPostDailyRecordFields(RecordFields):
    """RecordFields, plus ``followers_gained``: the row's day looked up in the account's daily gains that the
    partition carries (``extra_fields.gains``, from PostPostFollowerGainsExtractor). A day LinkedIn did not
    report is None, never 0."""

    def more_fields(self, record: Dict[str, Any], stream_slice: Any) -> None:
        gains = slice_value(stream_slice, "extra_fields.gains")
        record["followers_gained"] = gains.get(record.get("date")) if isinstance(gains, Mapping) else None


@dataclass
class PostPostDailyExtractor(_PostPostExtractor):
    """One record per day from a DAILY ``POST /linkedin-account-statistics``; the day is the row's dateRange start.

    In:  ``{"success": true, "aggregation": "DAILY", "metrics": {"IMPRESSION": [{"count": 1200, "dateRange":
         {"start": {"year": 2024, "month": 1, "day": 15}, "end": {"year": 2024, "month": 1, "day": 16}}}, …],
         "REACTION": [{"count": 31, "dateRange": {…15…}}]}, "cached": false}``
         (or the single-metric form ``{"data": [rows], "aggregation": "DAILY"}`` for the requested ``queryType``)
    Out: ``{"date": "2024-01-15", "impressions": 1200, "likes": 31, "comments": None, "reach": None, …,
         "raw": {"counts": {"IMPRESSION": 1200, "REACTION": 31}, "metric_errors": [], "cached": false,
         "cachedMetrics": []}}`` — one per day any metric has a row for. ``reach`` is always None: LinkedIn has
         no daily MEMBERS_REACHED. A metric that failed (``errors[]``) is None on every day and named in
         ``raw.metric_errors``; a ``-1`` or null count is None.
    """

    def records_from(self, body: Any, requested: Optional[str] = None) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        errors = metric_errors(body)
        days: Dict[str, Dict[str, Any]] = {}
        for name, rows in metric_values(body, requested).items():
            for row in rows if isinstance(rows, list) else []:
                day = _ymd((row.get("dateRange") or {}).get("start")) if isinstance(row, Mapping) else None
                if day:
                    days.setdefault(day, {})[name] = row.get("count")
        for day in sorted(days):
            counts = days[day]
            values = normalize({name: _count(value) for name, value in counts.items()}, _DAILY_MAPPING, METRIC_COLUMNS + ACCOUNT_COLUMNS)
            record: Dict[str, Any] = {"date": day, **values}
            record["raw"] = {"counts": counts, "metric_errors": errors, **_cache_flags(body)}
            yield record


@dataclass
class PostPostPostEntriesExtractor(JsonBodyExtractor):
    """The LinkedIn entries with statistics from ``GET /get-post/{postGroupId}``.

    In:  ``{"success": true, "postGroupId": "507f…", "posts": [{"_id": "663a…", "platform": "linkedin",
         "platformId": "Tz9W5i6ZYG", "status": "published", "postedId": "urn:li:share:7654321"},
         {"platform": "linkedin", "platformId": "Hk4Qm2PxVb", "status": "failed", "error": {…}}, {"platform": "twitter", …}]}``
    Out: ``{"post_group_id": "507f…", "posted_id": "urn:li:share:7654321", "account_id": "linkedin-Tz9W5i6ZYG",
         "entry_id": "663a…", "status": "published"}`` — only LinkedIn entries with a ``postedId`` (failed and
         unpublished entries have none: they have no statistics). The raw ``platformId`` gets its ``linkedin-`` prefix.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        for entry in body.get("posts") or []:
            if not isinstance(entry, Mapping) or str(entry.get("platform", "")).lower() != "linkedin":
                continue
            account = compound_platform_id(entry.get("platformId"))
            if not entry.get("postedId") or not account:
                continue
            yield {
                "post_group_id": body.get("postGroupId"),
                "posted_id": str(entry["postedId"]),
                "account_id": account,
                "entry_id": entry.get("_id"),
                "status": entry.get("status"),
            }


@dataclass
class PostPostAccountsExtractor(JsonBodyExtractor):
    """The accounts to sync, from ``GET /platform-connections``: ``provider.platform_ids`` if set, else every
    ``linkedin-*`` connection (the statistics are LinkedIn-only).

    In:  ``{"success": true, "connections": [{"platformId": "linkedin-Tz9W5i6ZYG", "displayName": "John Doe",
         "tokenStatus": "valid"}, {"platformId": "twitter-123456789", …}]}``
    Out: ``{"account_id": "linkedin-Tz9W5i6ZYG", "display_name": "John Doe", "token_status": "valid"}``. A
         configured id that is not among the connections raises a config_error naming it and
         ``provider.platform_ids``, before any statistics request.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        connections = {
            item["platformId"]: item
            for item in (body.get("connections") if isinstance(body, Mapping) else None) or []
            if isinstance(item, Mapping) and isinstance(item.get("platformId"), str)
        }
        chosen = list((self.config.get("provider") or {}).get("platform_ids") or [])
        unknown = [platform_id for platform_id in chosen if platform_id not in connections]
        if unknown:
            raise unknown_ids_error(
                "provider.platform_ids", unknown,
                "which PostPost does not know as LinkedIn connections (its LinkedIn connections: "
                f"{', '.join(sorted(p for p in connections if p.startswith(LINKEDIN_PREFIX))) or 'none'})",
                "Remove it, or leave platform_ids empty to sync every LinkedIn connection.",
            )
        for platform_id in chosen or sorted(p for p in connections if p.startswith(LINKEDIN_PREFIX)):
            item = connections[platform_id]
            yield {"account_id": platform_id, "display_name": item.get("displayName"), "token_status": item.get("tokenStatus")}


@dataclass
class PostPostRateLimitBackoff(BackoffStrategy):
    """How long to wait before retrying a 429: the body's ``retryAfter``, else until ``X-RateLimit-Reset``.

    In:  HTTP 429 ``{"success": false, "error": "Rate limit exceeded", "retryAfter": 45}`` -> ``45.0``;
         HTTP 429 with ``X-RateLimit-Reset: <now + 20>`` and no body field -> about ``20.0``.
    Out: None for anything else (the next strategy decides: Retry-After, then exponential). ``X-RateLimit-Remaining:
         0`` alone never causes a wait: PostPost advertises it without enforcing it.
    """

    parameters: InitVar[Mapping[str, Any]] = None
    config: Optional[Mapping[str, Any]] = None
    max_wait_seconds: float = 600

    def backoff_time(self, response_or_exception: Optional[Union[requests.Response, requests.RequestException]], attempt_count: int) -> Optional[float]:
        response = response_or_exception
        if not isinstance(response, requests.Response) or response.status_code != 429:
            return None
        body = json_or_none(response)
        wait = to_number(body.get("retryAfter")) if isinstance(body, Mapping) else None
        if wait is None:
            reset = to_number(response.headers.get("X-RateLimit-Reset"))
            wait = reset - time.time() if reset is not None else None
        if wait is None or wait < 0:
            return None
        return float(min(max(wait, 1.0), self.max_wait_seconds))


PROVIDER = Provider(
    name="postpost",
    published_rate=(120, 60, "Publora allows 120 requests a minute per API key on its Pro plan, 30 on Free"),
    config_model=PostPostConfig,
    check_stream="social_statistics",
)


# -- profile summary ---------------------------------------------------------------------------------------------
# The summary's failure names (api-notes-2 §4.2: objects {metric, error} in PostPost's docs, strings in its OpenAPI,
# {"metric": "followers"} in Publora's older page) for the two figures we read from it.
COUNT_FAILURES = ("followerslifetime", "followers")
GAIN_FAILURES = ("followersperiod",)


def summary_failures(errors: Any) -> Dict[str, bool]:
    """Which of the two follower figures ``errors[]`` says failed: ``{"count": bool, "gain": bool}``."""
    failed = {"count": False, "gain": False}
    for entry in errors if isinstance(errors, list) else []:
        metric = str(entry.get("metric") or "") if isinstance(entry, Mapping) else ""
        said = str(entry.get("error") or "") if isinstance(entry, Mapping) else str(entry)
        text = f"{metric} {said}".lower()
        if metric.lower() in GAIN_FAILURES or "growth" in text:
            failed["gain"] = True
        elif metric.lower() in COUNT_FAILURES or "follower" in text:
            failed["count"] = True
    return failed


@dataclass
class PostPostProfileSummaryExtractor(JsonBodyExtractor):
    """``POST /linkedin-profile-summary`` → the account's follower count and its gain over the asked period.

    The API writes 0, not null, for a figure it failed to fetch and names it in ``errors[]`` (objects or strings):
    that figure is null, never a fake 0. ``periodGrowth`` is only present when a dateRange was sent (it is).

    In:  ``{"success": false, "partialData": true, "profile": {"followers": {"total": 5000, "periodGrowth": 0}},
         "errors": [{"metric": "followersPeriod", "error": "Failed to fetch follower growth"}]}``
    Out: ``{"followersCount": 5000, "periodGrowth": None}``
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        followers = (body.get("profile") or {}).get("followers") if isinstance(body.get("profile"), Mapping) else None
        followers = followers if isinstance(followers, Mapping) else {}
        failed = summary_failures(body.get("errors"))
        yield {
            "followersCount": None if failed["count"] else to_number(followers.get("total")),
            "periodGrowth": None if failed["gain"] else to_number(followers.get("periodGrowth")),
        }
