"""Ayrshare: everything Ayrshare-specific in one place (seed 004, api-notes §1).

- ``AyrshareConfig``: the provider's config checks; ``PROVIDER``: its registry entry (providers/__init__.py).
- ``AyrshareDerivedConfig``: the derived config values the manifest's streams read.
- ``AyrshareHistoryErrorHandler``: /history has no pagination; a window that comes back full is split.
- Four extractors, one per endpoint body, each saying in its docstring what goes in and what comes out.
- Native posts (``provider.native_posts``, api-notes-2 §1.1, §1.2): the components of the second definition of
  ``post_analytics`` (``definitions.ayrshare.native_post_analytics_stream``), and ``youtube_playlists`` (§2).
- The metric mappings (vendor field -> our column) at the bottom, documented in the docs page (docs/integrations/sources/social-analytics.md).
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import InitVar, dataclass
from datetime import timedelta
from typing import Any, Dict, Iterable, List, Literal, Mapping, MutableMapping, Optional, Set, Union
from urllib.parse import parse_qs, urlsplit

import requests
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.expanders.record_expander import RecordExpander
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import ConfigTransformation
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from pydantic import Field

from ..config import Provider, ProviderConfig, Secret, SecretList
from ..components.dates import to_utc_iso
from ..components.errors import VendorErrorHandler, json_or_none, vendor_message
from ..components.extractors import JsonBodyExtractor, json_body
from ..components.metrics import ACCOUNT_COLUMNS, METRIC_COLUMNS, Mapping_, dig, normalize, to_number, zeros_as_unknown
from ..components.record_fields import RecordFields
from .ayrshare_x_cap import AyrsharePostAnalyticsErrorHandler
from ..components.window_filter import InWindowRecordFilter, in_window

logger = logging.getLogger("airbyte")

# Ayrshare's platform names; "x" is accepted as the modern name of "twitter".
PLATFORMS = (
    "bluesky", "facebook", "gmb", "instagram", "linkedin", "pinterest", "reddit",
    "snapchat", "telegram", "threads", "tiktok", "twitter", "x", "youtube",
)
# The networks POST /analytics/post documents (seed 004).
POST_ANALYTICS_PLATFORMS = ("facebook", "instagram", "linkedin", "pinterest", "tiktok", "twitter", "youtube")
# What POST /analytics/social accepts (seed 004); the default request when `platforms` is not set.
SOCIAL_PLATFORMS = ("facebook", "gmb", "instagram", "linkedin", "pinterest", "reddit", "tiktok", "twitter", "youtube")
# The networks of GET /history/{platform} (api-notes-2 §1.1; not gmb, reddit, telegram): provider.native_posts.
HISTORY_PLATFORMS = ("bluesky", "facebook", "instagram", "linkedin", "pinterest", "snapchat", "threads", "tiktok", "twitter", "youtube")


class AyrshareConfig(ProviderConfig):
    provider_type: Literal["ayrshare"]
    api_key: Secret
    profile_keys: SecretList = None
    platforms: Optional[List[Literal[PLATFORMS]]] = None  # type: ignore[valid-type]
    # every post on the linked accounts, not only those sent through Ayrshare (the native post lists)
    native_posts: bool = Field(default=False, strict=True)


def account_id(profile_key: Optional[str]) -> str:
    """CONTRACT §3: `primary`, or `profile-` + the first 12 hex digits of SHA-256 of the Profile-Key."""
    if not profile_key:
        return "primary"
    return "profile-" + hashlib.sha256(profile_key.encode("utf-8")).hexdigest()[:12]


class AyrshareDerivedConfig(ConfigTransformation):
    """The derived config values the Ayrshare streams read; they start with `_`.

    In:  ``{"provider": {"provider_type": "ayrshare", "profile_keys": ["AX1…"], "platforms": ["x", "instagram"]}}``
    Out: ``provider._account_ids: ["profile-1a2b3c4d5e6f"]``, ``provider._profile_key_by_account:
         {"profile-1a2b3c4d5e6f": "AX1…"}``, ``provider._request_platforms: ["instagram", "twitter"]``,
         ``provider._social_platforms: ["instagram", "twitter"]``, ``provider._native_platforms: []`` (with
         ``native_posts: true``: ``["instagram", "twitter"]``, the native post lists to read),
         ``provider._playlist_account_ids: []`` (youtube_playlists' profiles: every one when youtube is wanted).

    Partitions carry only the non-secret account id; the Profile-Key header is looked up from it at request
    time, so neither state nor records ever hold a key. Every key is added to the CDK's secret mask here, at
    source construction, before anything can print the config.
    """

    def transform(self, config: MutableMapping[str, Any]) -> None:
        provider = config.get("provider")
        if not isinstance(provider, dict) or provider.get("provider_type") != "ayrshare":
            return
        keys = [key for key in provider.get("profile_keys") or [] if isinstance(key, str) and key]
        for key in keys:
            add_to_secrets(key)
        provider["_profile_key_by_account"] = {account_id(key): key for key in keys}
        provider["_account_ids"] = list(provider["_profile_key_by_account"]) or [account_id(None)]
        chosen = [p for p in provider.get("platforms") or [] if isinstance(p, str)]
        # Ayrshare calls X "twitter"; records say "x" (CONTRACT §3), requests must say "twitter".
        request_names = sorted({"twitter" if p == "x" else p for p in chosen})
        provider["_request_platforms"] = request_names
        # POST /analytics/post documents these networks only (seed 004); asking for another may be refused
        provider["_post_platforms"] = [p for p in request_names if p in POST_ANALYTICS_PLATFORMS]
        provider["_social_platforms"] = [p for p in request_names if p in SOCIAL_PLATFORMS] if request_names else list(SOCIAL_PLATFORMS)
        native = provider.get("native_posts") is True
        provider["_native_platforms"] = [p for p in request_names or HISTORY_PLATFORMS if p in HISTORY_PLATFORMS] if native else []
        provider["_playlist_account_ids"] = list(provider["_account_ids"]) if not request_names or "youtube" in request_names else []


PROVIDER = Provider(
    name="ayrshare",
    published_rate=(300, 300, "Ayrshare allows 300 requests per 5 minutes per User Profile"),
    config_model=AyrshareConfig,
    check_stream="link_analytics",  # one request, no parent stream, same plan as the rest of the sync
    reach_days={"link_analytics": 30},  # GET /analytics/links: lastDays 1..30
    earliest_start_date="2020-01-01",  # /history lists posts sent through Ayrshare, whose API dates from 2020
)


@dataclass
class AyrshareHistoryErrorHandler(VendorErrorHandler):
    """``GET /history`` answers at most ``limit`` posts and has no pagination: a full answer is split.

    In:  HTTP 200 with 500 posts for ``startDate=2026-11-01T00:00:00Z&endDate=2026-11-07T23:59:59Z&limit=500``
    Out: ``ErrorResolution(SPLIT_REQUEST_WINDOW)``: the retriever reads the two halves instead (down to one
         day, ``request_window_splitting.min_split_window``). A window of one day or less that is still full
         is kept, with a warning naming the profile and the day: posts past the limit cannot be listed.
    """

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        resolution = super().interpret_response(response_or_exception)
        response = response_or_exception
        if resolution.response_action != ResponseAction.SUCCESS or not isinstance(response, requests.Response) or not response.ok:
            return resolution
        body = json_or_none(response)
        items = body.get("history") if isinstance(body, Mapping) else body
        query = parse_qs(urlsplit(response.request.url).query)
        limit = int((query.get("limit") or ["500"])[0])
        if not isinstance(items, list) or len(items) < limit:
            return resolution
        start, end = (query.get("startDate") or [""])[0], (query.get("endDate") or [""])[0]
        start_at, end_at = to_utc_iso(start), to_utc_iso(end)
        if start_at and end_at and _span(start_at, end_at) > timedelta(days=1):
            return ErrorResolution(
                response_action=ResponseAction.SPLIT_REQUEST_WINDOW,
                error_message=f"Ayrshare /history answered {len(items)} posts (its limit) for {start}..{end}: reading the window in two halves.",
            )
        profile = account_id(response.request.headers.get("Profile-Key"))
        logger.warning(
            "Ayrshare /history answered %s posts, its limit, for profile %s on %s: the posts past the limit that day "
            "cannot be listed and are missing from post_analytics.", len(items), profile, (start or "the window")[:10],
        )
        return resolution


def _span(start_iso: str, end_iso: str) -> timedelta:
    from datetime import datetime

    parse = lambda text: datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")  # noqa: E731 - to_utc_iso's format
    return parse(end_iso) - parse(start_iso)


def platform_name(ayrshare_platform: str) -> str:
    """Our lower-case platform name; Ayrshare's `twitter` is `x` (CONTRACT §3)."""
    name = (ayrshare_platform or "").lower()
    return "x" if name == "twitter" else name


def _is_error(entry: Any) -> bool:
    return isinstance(entry, Mapping) and str(entry.get("status", "")).lower() == "error"


@dataclass
class AyrshareHistoryExtractor(JsonBodyExtractor):
    """Posts from ``GET /history``, in either documented form, with one ``published_at``.

    In:  ``{"history": [{"id": "rhn6…", "created": "2022-05-20T17:25:06Z", "scheduleDate": {"_seconds": …,
         "utc": "…"} | "2020-11-05T12:21:29Z", "postIds": [{"status": "success", "platform": "twitter", "id": "…"}], …}]}``
         or the legacy top-level array whose items carry ``create_date: {_seconds, _nanoseconds}``.
    Out: ``{"id": "rhn6…", "published_at": "2020-11-05T12:21:29Z", "platforms": ["twitter"],
         "published_platforms": ["twitter"], "status": "success"}`` per post; a post that reached no network
         has ``published_platforms: []`` (the manifest filters those out: they have no analytics).
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        items = body.get("history") if isinstance(body, Mapping) else body
        if not isinstance(items, list):
            return
        for item in items:
            if isinstance(item, Mapping) and item.get("id"):
                yield self.post(item)

    @staticmethod
    def post(item: Mapping[str, Any]) -> Dict[str, Any]:
        # scheduleDate is when a *scheduled* post went out; an immediate one ("type": "now") went out when it
        # was created (the docs' example shows a "now" post whose scheduleDate is years before its creation)
        kind = str(item.get("type") or "").lower()
        scheduled = kind.startswith("schedul") or (not kind and item.get("scheduleDate") is not None)
        created = to_utc_iso(item.get("created")) or to_utc_iso(item.get("create_date"))
        schedule_date = to_utc_iso(item.get("scheduleDate"))
        published_at = (schedule_date or created) if scheduled else (created or schedule_date)
        platforms = [p for p in item.get("platforms") or [] if isinstance(p, str)]
        post_ids = item.get("postIds")
        if isinstance(post_ids, list):
            published = [
                entry.get("platform")
                for entry in post_ids
                if isinstance(entry, Mapping) and entry.get("platform") and str(entry.get("status", "success")).lower() == "success"
            ]
        else:  # legacy items without postIds: trust the post's own status
            published = platforms if str(item.get("status", "")).lower() == "success" else []
        return {
            "id": item["id"],
            "published_at": published_at,
            "platforms": platforms,
            "published_platforms": sorted(set(published)),
            "status": item.get("status"),
        }


def chosen_platforms(config: Mapping[str, Any]) -> Set[str]:
    """``provider.platforms`` in Ayrshare's names (``_request_platforms``, AyrshareDerivedConfig); empty: every one."""
    return set((config.get("provider") or {}).get("_request_platforms") or ())


@dataclass
class AyrshareHistoryFilter(InWindowRecordFilter):
    """The ``/history`` posts that have analytics to ask for: sent to a network (``published_platforms``), published
    in the window (servers that ignore startDate/endDate answer more), and, with ``provider.platforms``, sent to
    one of those platforms. ``published_at`` as written by AyrshareHistoryExtractor, compared as text."""

    cursor_field: str = "published_at"

    def keep(self, record: Mapping[str, Any], start: Optional[str], end: Optional[str]) -> bool:
        published = record.get("published_platforms")
        if not published or not record.get(self.cursor_field) or not super().keep(record, start, end):
            return False
        wanted = chosen_platforms(self.config)
        return not wanted or any(platform in wanted for platform in published)


@dataclass
class AyrsharePostAnalyticsExtractor(JsonBodyExtractor):
    """One record per destination from ``POST /analytics/post``; one per tweet of an X thread.

    In:  ``{"status": "success", "id": "eIT9…", "facebook": {"id": "1049…", "postUrl": "…", "analytics": {"likeCount": 12, …}},
         "twitter": [{"id": "1288…", "analytics": {"publicMetrics": {…}}}, {"id": "1289…", …}],
         "tiktok": {"postUrl": "…", "analytics": {"itemId": "7123", …}}}``
    Out: ``{"post_id": "eIT9…", "platform": "x", "platform_post_id": "1288…", "post_url": …, "thread_position": 1,
         "likes": 4, "impressions": None, …, "raw_metrics": {…}, "metric_errors": []}``.
         A platform the vendor reports as failed gives a record with every metric None and the vendor's
         message in ``metric_errors``, so that the gap is visible rather than silent. (A post the networks
         no longer know answers 404 code 186; the manifest's error handler skips it with a warning.)
         With ``provider.platforms`` set, only those platforms' entries (``_request_platforms``, Ayrshare's
         names): the answer may hold every network of the post.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        post_id = body.get("id")
        wanted = chosen_platforms(self.config)
        seen = set()
        for key, value in body.items():
            if key not in PLATFORMS:  # only the networks' keys: any other object in the answer is not a platform
                continue
            if wanted and key not in wanted:
                continue
            entries = value if isinstance(value, list) else [value]
            if not entries or not all(isinstance(entry, Mapping) for entry in entries):
                continue
            seen.add(key)
            for position, entry in enumerate(entries, start=1):
                yield self.record(post_id, key, entry, position)
        for error in body.get("errors") or []:
            platform = error.get("platform") if isinstance(error, Mapping) else None
            if platform and platform not in seen and (not wanted or platform in wanted):
                seen.add(platform)
                yield self.record(post_id, platform, error, 1)

    @staticmethod
    def record(post_id: Any, platform: str, entry: Mapping[str, Any], position: int) -> Dict[str, Any]:
        analytics = entry.get("analytics") if isinstance(entry.get("analytics"), Mapping) else None
        mapping = POST_METRICS.get(platform, {})
        metrics = normalize(analytics or {}, mapping)
        errors: List[Dict[str, str]] = []
        if _is_error(entry) or analytics is None:
            message = entry.get("message") or "Ayrshare returned no analytics for this platform"
            code = entry.get("code")
            errors.append({"metric": "*", "error": f"{message} (code {code})" if code is not None else str(message)})
        native_id = entry.get("id") or (analytics or {}).get("itemId") or (analytics or {}).get("id")
        return {
            "post_id": post_id,
            "platform": platform_name(platform),
            "platform_post_id": str(native_id) if native_id is not None else f"{post_id}:{platform}:{position}",
            "post_url": entry.get("postUrl") or (analytics or {}).get("postUrl"),
            "thread_position": position,
            **metrics,
            "raw_metrics": dict(analytics) if analytics is not None else None,
            "metric_errors": errors,
            "vendor_updated_at": to_utc_iso(entry.get("lastUpdated")),
        }


@dataclass
class AyrshareLinkExtractor(JsonBodyExtractor):
    """Shortened links from ``GET /analytics/links`` (a top-level array).

    In:  ``[{"linkEventStats": [{"count": "6", "event": "CLICK", "platform": "OTHER"}], "link": "https://…",
         "shortLink": "https://ayr.app/l/Nz3L", "created": {"_seconds": 1601215211, "_nanoseconds": 413000000}}]``
    Out: ``{"short_link": "https://ayr.app/l/Nz3L", "link": "https://…", "created_at": "2020-09-27T14:00:11Z",
         "clicks": 6, "event_stats": [{"event": "CLICK", "platform": "OTHER", "count": 6}]}``.
         ``clicks`` sums the CLICK events (0 when events are listed but none is a click); when the vendor
         sends no ``linkEventStats`` at all it is None (unknown), not 0.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        items = body if isinstance(body, list) else (body or {}).get("links") if isinstance(body, Mapping) else None
        for item in items or []:
            if isinstance(item, Mapping) and item.get("shortLink"):
                yield self.link(item)

    @staticmethod
    def link(item: Mapping[str, Any]) -> Dict[str, Any]:
        raw_stats = item.get("linkEventStats")
        stats = [
            {"event": entry.get("event"), "platform": entry.get("platform"), "count": to_number(entry.get("count"))}
            for entry in raw_stats or []
            if isinstance(entry, Mapping)
        ]
        clicks: Optional[int] = None
        if isinstance(raw_stats, list):  # events reported: no CLICK among them is a real 0
            clicks = int(sum(s["count"] for s in stats if str(s["event"]).upper() == "CLICK" and s["count"] is not None))
        return {
            "short_link": item["shortLink"],
            "link": item.get("link"),
            "created_at": to_utc_iso(item.get("created")),
            "clicks": clicks,
            "event_stats": stats,
        }


@dataclass
class AyrshareSocialExtractor(JsonBodyExtractor):
    """One record per platform from ``POST /analytics/social``.

    In:  ``{"status": "success", "instagram": {"analytics": {"followersCount": 5120, "followsCount": 180, …},
         "lastUpdated": "…"}, "errors": [{"platform": "gmb", "code": 156, "message": "gmb is not linked"}]}``
    Out: ``{"platform": "instagram", "followers": 5120, "following": 180, "posts": 240, "impressions": 15000, …,
         "raw": {…the analytics object…}}``. A platform that answered with an error (typically: not linked to
         the profile) gives no record and a warning naming the platform and the vendor's message.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        for key, value in body.items():
            if key in ("status", "errors", "code", "message", "action", "id"):
                continue
            if not isinstance(value, Mapping):
                continue
            analytics = value.get("analytics")
            if _is_error(value) or not isinstance(analytics, Mapping):
                self._report(key, value)
                continue
            yield self.record(key, value, analytics)
        for error in body.get("errors") or []:
            if isinstance(error, Mapping):
                self._report(error.get("platform") or "?", error)

    def _report(self, platform: str, error: Mapping[str, Any]) -> None:
        """A platform the user asked for by name and did not get is a warning; when every platform is asked
        for (no provider.platforms), the ones not linked to the profile are expected and only logged.
        (When Ayrshare says it with HTTP 400 instead, the manifest's platform_refused_400 filter skips it with a
        warning.)"""
        chosen = (self.config.get("provider") or {}).get("platforms")
        log = logger.warning if chosen else logger.info
        log(
            "Ayrshare gave no account analytics for platform %s: %s (code %s); the other platforms go on.%s",
            platform, error.get("message") or "no analytics object", error.get("code"),
            " Link the platform to the profile, or remove it from provider.platforms." if chosen else "",
        )

    @staticmethod
    def record(platform: str, value: Mapping[str, Any], analytics: Mapping[str, Any]) -> Dict[str, Any]:
        mapping = SOCIAL_METRICS.get(platform, {})
        values = normalize(analytics, mapping, METRIC_COLUMNS + ACCOUNT_COLUMNS)
        if platform == "linkedin" and values["followers"] is None:
            organic = to_number(dig(analytics, "followers.organicFollowerCount"))
            paid = to_number(dig(analytics, "followers.paidFollowerCount"))
            if organic is not None or paid is not None:
                values["followers"] = (organic or 0) + (paid or 0)
        raw = dict(analytics)
        return {"platform": platform_name(platform), **values, "raw": raw, "vendor_updated_at": to_utc_iso(value.get("lastUpdated"))}


# --- native posts: provider.native_posts (api-notes-2 §1.1, §1.2) -------------------------------------------------
# The components of the second definition of post_analytics (definitions.ayrshare.native_post_analytics_stream):
# per profile and network, the network's own post list (GET /history/{platform}), whose posts carry their metrics
# inline; the ones that carry none are asked by social id. Posts sent through Ayrshare are in those lists too, so
# each post is read once; its Ayrshare id comes from GET /history (postIds[].id).

ZEROS_NOTE = (
    "YouTube reported 0 for every metric, which Ayrshare does for a video the channel does not own "
    "(a collaboration): the metrics are unknown, not 0"
)


def native_metrics(platform: str, analytics: Mapping[str, Any]) -> Dict[str, Any]:
    """The metric columns of one native post, from the post's inline fields or its social-id analytics object
    (the same names, api-notes-2 §1.1: POST_METRICS); for YouTube, all zeros are unknowns (zeros_as_unknown)."""
    values: Dict[str, Any] = normalize(analytics, POST_METRICS.get(platform, {}))
    errors = [{"metric": "*", "error": ZEROS_NOTE}] if platform == "youtube" and zeros_as_unknown(values) else []
    return {**values, "metric_errors": errors}


@dataclass
class AyrshareSentPostsExtractor(JsonBodyExtractor):
    """Which network posts of a profile went out through Ayrshare, from ``GET /history``: one record per native post
    list the sync reads (``provider._native_platforms``), the partitions of the native ``post_analytics``.

    In:  ``{"history": [{"id": "rhn6…", "status": "success", "postIds": [{"status": "success", "platform": "twitter",
         "id": "1288…"}, {"status": "success", "platform": "facebook", "id": "1049…_1086…"}]}, …]}`` (or the legacy
         top-level array)
    Out: ``{"platform": "twitter", "ayrshare_post_ids": {"1288…": "rhn6…"}}``, ``{"platform": "facebook",
         "ayrshare_post_ids": {"1049…_1086…": "rhn6…"}}``, and ``{"platform": "instagram", "ayrshare_post_ids": {}}``
         for a wanted network no post went to. A full answer (``limit`` posts) is warned about: posts sent through
         Ayrshare before the oldest of them are recorded as native ones.
    """

    limit: int = 500

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        items = body.get("history") if isinstance(body, Mapping) else body
        items = items if isinstance(items, list) else []
        sent: Dict[str, Dict[str, str]] = {p: {} for p in (self.config.get("provider") or {}).get("_native_platforms") or ()}
        for item in items:
            if not isinstance(item, Mapping) or not item.get("id"):
                continue
            for entry in item.get("postIds") or []:
                if (
                    isinstance(entry, Mapping)
                    and entry.get("platform") in sent
                    and entry.get("id") not in (None, "")
                    and str(entry.get("status", "success")).lower() == "success"
                ):
                    sent[entry["platform"]][str(entry["id"])] = str(item["id"])
        if len(items) >= self.limit:
            logger.warning(
                "Ayrshare /history answered %s posts, its limit, for one profile: a post sent through Ayrshare before the "
                "oldest of them is recorded as a native post (published_via native, post_id the network's id). A later "
                "start_date avoids it.", len(items),
            )
        for platform, ids in sent.items():
            yield {"platform": platform, "ayrshare_post_ids": ids}


@dataclass
class AyrshareNativePostsExtractor(JsonBodyExtractor):
    """One page of ``GET /history/{platform}`` (the network's own post list): one record per post, with the metrics
    it carries inline (api-notes-2 §1.1).

    In:  ``{"status": "success", "posts": [{"id": "1046…_7580…", "created": "2022-06-14T23:43:21Z", "postUrl": "…",
         "likeCount": 38, "commentsCount": 13, "sharesCount": 2, …}], "meta": {"pagination": {"next": "…"}}}`` on
         ``…/history/facebook``
    Out: ``{"platform": "facebook", "platform_post_id": "1046…_7580…", "published_at": "2022-06-14T23:43:21Z",
         "post_url": "…", "likes": 38, "comments": 13, "shares": 2, …, "raw_metrics": {…the post…},
         "metric_errors": []}``. A post with no metric the mapping knows (the docs show none for YouTube, Pinterest,
         Snapchat and Threads) has ``raw_metrics: None``: AyrshareAnalyticsBySocialId asks for its analytics.
         Threads' raw Meta names (``timestamp``, ``permalink``) stand for ``created``/``postUrl``; ``likedBy`` (who
         liked a Facebook post) is not kept; a post without an id or a date is left out. The platform is the
         page's, the last segment of its URL; a top-level array of posts is read too.
    """

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        platform = urlsplit(response.request.url if response.request is not None else response.url).path.rstrip("/").rsplit("/", 1)[-1]
        body = json_body(response)
        posts = body.get("posts") if isinstance(body, Mapping) else body
        for post in posts if isinstance(posts, list) else []:
            record = self.record(platform, post) if isinstance(post, Mapping) else None
            if record is not None:
                yield record

    @staticmethod
    def record(platform: str, post: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        published_at = to_utc_iso(post.get("created")) or to_utc_iso(post.get("timestamp")) or to_utc_iso(post.get("publishedAt"))
        if post.get("id") in (None, "") or published_at is None:
            return None
        values = native_metrics(platform, post)
        inline = any(values[column] is not None for column in METRIC_COLUMNS) or bool(values["metric_errors"])
        return {
            "platform": platform_name(platform),
            "platform_post_id": str(post["id"]),
            "post_url": post.get("postUrl") or post.get("permalink"),
            "published_at": published_at,
            **values,
            "raw_metrics": {key: value for key, value in post.items() if key != "likedBy"} if inline else None,
            "vendor_updated_at": to_utc_iso(post.get("lastUpdated")),
        }


@dataclass
class AyrshareNativeRecordFields(RecordFields):
    """RecordFields, and which posts went out through Ayrshare: the partition's ``ayrshare_post_ids`` (from
    AyrshareSentPostsExtractor) map a network id to its Ayrshare post.

    In:  ``{"platform": "x", "platform_post_id": "1288…", …}`` in a partition whose extra field ``ayrshare_post_ids`` is
         ``{"1288…": "rhn6…"}``
    Out: ``post_id: "rhn6…", published_via: "ayrshare", thread_position: 1`` (the same key as the record of that post
         without native posts); a post made on the network: ``post_id`` its network id, ``published_via: "native"``,
         ``thread_position`` 1 (None for a tweet: whether it is part of a thread is not listed).
    """

    def more_fields(self, record: Dict[str, Any], stream_slice: Optional[StreamSlice]) -> None:
        sent = ((stream_slice.extra_fields if stream_slice is not None else None) or {}).get("ayrshare_post_ids") or {}
        ayrshare_id = sent.get(record.get("platform_post_id"))
        record["post_id"] = ayrshare_id or record.get("platform_post_id")
        record["published_via"] = "ayrshare" if ayrshare_id else "native"
        record["thread_position"] = None if not ayrshare_id and record.get("platform") == "x" else 1


# What Ayrshare answered the analytics-by-social-id call in flight on this thread: the HTTP status of an ignored
# refusal, else None. Set by AyrshareSocialIdErrorHandler, read by AyrshareAnalyticsBySocialId right after its call:
# an ignored answer never reaches an extractor (the CDK parses only 2xx answers), so this is how the caller tells a
# refused network (400: not offered for it) from a refused post (404).
_SOCIAL_ID_REFUSAL = threading.local()


@dataclass
class AyrshareSocialIdErrorHandler(AyrsharePostAnalyticsErrorHandler):
    """The post-analytics error handler (X/Twitter analytics cap included: providers/ayrshare_x_cap.py) for analytics by
    social ID, that also notes, for the thread that asked, the status of an answer it ignores (a capped X post: 429,
    and X is not asked again for that profile in this sync).

    In:  HTTP 400 ``{"action": "analytics", "status": "error", "code": 400, "message": "… not available for pinterest"}``
    Out: the filters' resolution unchanged (IGNORE, with its warning); ``refused_status()`` on this thread is 400 until
         the next call.
    """

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        resolution = super().interpret_response(response_or_exception)
        if resolution.response_action == ResponseAction.IGNORE and isinstance(response_or_exception, requests.Response):
            _SOCIAL_ID_REFUSAL.status = response_or_exception.status_code
        return resolution

    @staticmethod
    def forget() -> None:
        _SOCIAL_ID_REFUSAL.status = None

    @staticmethod
    def refused_status() -> Optional[int]:
        return getattr(_SOCIAL_ID_REFUSAL, "status", None)


@dataclass
class AyrshareAnalyticsBySocialId(RecordTransformation):
    """The metrics of a native post that carries none inline, from ``POST /analytics/post`` with ``{"id": <network
    id>, "platforms": [<platform>], "searchPlatformId": true}`` (analytics by social ID, Business plan; api-notes-2
    §1.2), read through ``analytics``: the CDK's RecordExpander, whose ``truncated_list_retriever`` (declared in the
    manifest on the Ayrshare requester: its authenticator, rate limit, retries and error filters) fetches one
    record's data; it is handed ``{"ask_by_social_id": true, "account_id", "platform", "native_id"}``.

    In:  ``{"platform": "youtube", "platform_post_id": "21405b02e7f", "published_at": …, "views": None, …,
         "raw_metrics": None}``, published in the slice's window
    Out: the same record with ``views: 4137, likes: 93, …, raw_metrics: {…the analytics object…}``. A YouTube video
         the channel does not own answers 0 for every number: those are null, and metric_errors says why.
         Ayrshare refusing the call for the platform (a 4xx other than 404: not offered for that network on this
         account; its filter warned, once) leaves the platform's other posts of the profile unasked for the rest of
         the sync; a 404 refuses that post only. A refused post keeps ``raw_metrics: None``, so
         AyrshareNativePostsFilter leaves it out. A 403 (the plan) fails the stream as a config_error naming
         provider.native_posts (the requester's filter).
    A record that has metrics already, or lies outside the window (the filter drops it), costs no request. The
    stream transforms before it filters (``transform_before_filtering``): a transformation is the one stage that
    sees the window; the extractor would ask for every post of a page, the older ones past the window too.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    analytics: RecordExpander

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._lock = threading.Lock()
        self._refused: Set[tuple] = set()  # (account_id, platform) pairs Ayrshare refused this sync

    def transform(
        self,
        record: Dict[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        if record.get("raw_metrics") is not None or stream_slice is None:
            return
        window = stream_slice.cursor_slice or {}
        if not in_window(record.get("published_at"), window.get("start_time"), window.get("end_time")):
            return
        account = (stream_slice.partition.get("parent_slice") or {}).get("account_id")
        platform = stream_slice.partition.get("platform")
        with self._lock:
            if (account, platform) in self._refused:
                return
        native_id = record.get("platform_post_id")
        ask = {"ask_by_social_id": True, "account_id": account, "platform": platform, "native_id": native_id}
        AyrshareSocialIdErrorHandler.forget()
        answers = [dict(answer) for answer in self.analytics.expand_record(ask)]
        refused = AyrshareSocialIdErrorHandler.refused_status()
        if refused is not None:  # its filter said why, once: the network is not asked again, a 404 is that post's alone
            if refused != 404:
                with self._lock:
                    self._refused.add((account, platform))
            return
        entry = next((a for a in answers if a.get("platform_post_id") == native_id), answers[0] if answers else None)
        if entry is None or entry.get("raw_metrics") is None:
            logger.warning(
                "Skipping %s post %s: Ayrshare's analytics by social ID answered without its analytics (%s); the sync goes on.",
                platform, native_id, "; ".join(e["error"] for e in (entry or {}).get("metric_errors") or []) or "no entry for it",
            )
            return
        values = native_metrics(platform, entry["raw_metrics"])
        record.update({column: values[column] for column in METRIC_COLUMNS})
        record["raw_metrics"] = entry["raw_metrics"]
        record["metric_errors"] = list(entry.get("metric_errors") or []) + values["metric_errors"]
        record["post_url"] = record.get("post_url") or entry.get("post_url")
        record["vendor_updated_at"] = record.get("vendor_updated_at") or entry.get("vendor_updated_at")


@dataclass
class AyrshareNativePostsFilter(InWindowRecordFilter):
    """The native posts of the window that have metrics (inline or by social id: ``raw_metrics`` set); a post whose
    analytics Ayrshare refused is left out. ``published_at`` as AyrshareNativePostsExtractor writes it."""

    cursor_field: str = "published_at"

    def keep(self, record: Mapping[str, Any], start: Optional[str], end: Optional[str]) -> bool:
        return record.get("raw_metrics") is not None and super().keep(record, start, end)


@dataclass
class AyrshareNativeStateMigration(StateMigration):
    """A post_analytics state saved without native posts (one cursor for Ayrshare's own post list, its parent's under
    ``parent_state.ayrshare_history``) says nothing of the native post lists: they start from start_date. The other
    way round needs nothing: Ayrshare's list goes on from the native state's cursor (minus the lookback), and the
    posts sent through Ayrshare before it were read under the same keys while native posts were on.

    In:  ``{"use_global_cursor": true, "state": {"published_at": "2026-11-22T09:00:00Z"}, "parent_state":
         {"ayrshare_history": {…}}, "lookback_window": 12}``
    Out: ``{}``
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        if not isinstance(stream_state, Mapping):
            return False
        return "ayrshare_history" in (stream_state.get("parent_state") or {}) or stream_state.get("use_global_cursor") is True

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        return {}


# GET /analytics/youTubePlaylists (api-notes-2 §2): each playlist's numbers as the vendor sends them (their window
# and units are not documented), in snake_case columns.
PLAYLIST_METRICS = {
    "views": "views",
    "estimated_minutes_watched": "estimatedMinutesWatched",
    "estimated_red_minutes_watched": "estimatedRedMinutesWatched",
    "average_view_duration": "averageViewDuration",
    "average_time_in_playlist": "averageTimeInPlaylist",
    "playlist_starts": "playlistStarts",
    "views_per_playlist_start": "viewsPerPlaylistStart",
}


@dataclass
class AyrsharePlaylistsExtractor(JsonBodyExtractor):
    """One record per playlist from ``GET /analytics/youTubePlaylists`` (the vendor's example; note the capitals).

    In:  ``{"status": "success", "channelId": "UCsp6…", "playLists": [{"id": "PLcL…", "title": "Super Playlist",
         "description": "A great list", "views": 55, "estimatedMinutesWatched": 21, "estimatedRedMinutesWatched": 23,
         "averageViewDuration": 3.1, "averageTimeInPlaylist": 2.2, "playlistStarts": 23, "viewsPerPlaylistStart": 32,
         "thumbNail": {"url": "https://i.ytimg.com/vi/default.jpg", "width": 120, "height": 90}}],
         "lastUpdated": "2023-01-18T03:09:59.757Z", "nextUpdate": "…"}``
    Out: ``{"playlist_id": "PLcL…", "channel_id": "UCsp6…", "title": "Super Playlist", "description": "A great list",
         "thumbnail_url": "https://i.ytimg.com/vi/default.jpg", "views": 55, "estimated_minutes_watched": 21, …,
         "vendor_updated_at": "2023-01-18T03:09:59Z", "raw": {…the playlist…}}``; a metric not sent is None.
         ``playlists``/``thumbnail`` in lower case are read too. An answer with ``status: "error"`` gives no record
         and a warning (YouTube not linked is usually an HTTP 400, which the manifest's filter skips).
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping):
            return
        if _is_error(body):
            logger.warning(
                "Skipping the YouTube playlists of one profile: Ayrshare answered %s (code %s). Usually YouTube is not "
                "linked to the profile.", body.get("message") or "an error", body.get("code"),
            )
            return
        playlists = body.get("playLists") if "playLists" in body else body.get("playlists")
        for item in playlists if isinstance(playlists, list) else []:
            if not isinstance(item, Mapping) or item.get("id") in (None, ""):
                continue
            thumbnail = item.get("thumbNail") or item.get("thumbnail")
            yield {
                "playlist_id": str(item["id"]),
                "channel_id": body.get("channelId"),
                "title": item.get("title"),
                "description": item.get("description"),
                "thumbnail_url": thumbnail.get("url") if isinstance(thumbnail, Mapping) else None,
                **{column: to_number(item.get(field)) for column, field in PLAYLIST_METRICS.items()},
                "vendor_updated_at": to_utc_iso(body.get("lastUpdated")),
                "raw": dict(item),
            }


# --- metric mappings: vendor field (dotted path) -> our column --------------------------------------------
# Fixed by CONTRACT §3: instagram likeCount/commentsCount/savedCount/reachCount; twitter publicMetrics
# likeCount/replyCount/retweetCount/quoteCount/impressionCount. The rest are our choices, documented in the docs page.
# LinkedIn's `engagement` is a rate (0.053), not a count, so it is left in raw_metrics, not in `engagement`.
POST_METRICS: Dict[str, Mapping_] = {
    "facebook": {
        "likes": ("likeCount", "reactions.like"),
        "comments": ("commentsCount",),
        "shares": ("sharesCount",),
        "reach": ("impressionsUnique", "postImpressionsUnique"),
        "video_views": ("videoViews",),
        "video_viewers": ("videoViewsUnique",),
        "video_watch_time_ms": ("videoViewTime",),
        "engagement": ("engagedUsers",),
        "clicks": ("clicksUnique",),
    },
    "instagram": {
        "likes": ("likeCount",),
        "comments": ("commentsCount",),
        "saves": ("savedCount",),
        "reach": ("reachCount",),
        "views": ("viewsCount",),
        "impressions": ("impressionsCount",),
        "shares": ("sharesCount",),
        "engagement": ("engagementCount",),
        "video_views": ("plays",),
    },
    "twitter": {
        "likes": ("publicMetrics.likeCount",),
        "comments": ("publicMetrics.replyCount",),
        "shares": ("publicMetrics.retweetCount",),
        "quotes": ("publicMetrics.quoteCount",),
        "impressions": ("publicMetrics.impressionCount", "nonPublicMetrics.impressionCount", "organicMetrics.impressionCount"),
        "video_views": ("publicMetrics.videoViewCount",),
        "clicks": ("nonPublicMetrics.urlLinkClicks",),
    },
    "linkedin": {
        "likes": ("likeCount",),
        "comments": ("commentCount",),
        "shares": ("shareCount",),
        "impressions": ("impressionCount",),
        "reach": ("uniqueImpressionsCount",),
        "clicks": ("clickCount",),
        "video_views": ("videoViews",),
    },
    "tiktok": {
        "likes": ("likeCount",),
        "comments": ("commentsCount",),
        "shares": ("shareCount",),
        "video_views": ("videoViews",),
        "reach": ("reach",),
        "video_watch_time_ms": (("totalTimeWatched", 1000),),
    },
    "youtube": {
        "views": ("views", "viewCount"),
        "likes": ("likes", "likeCount"),
        "comments": ("comments", "commentCount"),
        "shares": ("shares",),
        "video_watch_time_ms": (("estimatedMinutesWatched", 60000),),
    },
    "pinterest": {
        "likes": ("totalReactions",),
        "comments": ("totalComments",),
    },
    "threads": {
        "views": ("views",),
        "likes": ("likes",),
        "comments": ("replies",),
        "shares": ("reposts",),
        "quotes": ("quotes",),
    },
    "bluesky": {
        "likes": ("likeCount",),
        "comments": ("replyCount",),
        "shares": ("repostCount",),
        "quotes": ("quoteCount",),
    },
}

SOCIAL_METRICS: Dict[str, Mapping_] = {
    "facebook": {
        "followers": ("followersCount", "fanCount"),
        "impressions": ("pageImpressions",),
        "engagement": ("pagePostEngagements",),
        "video_views": ("pageVideoViews",),
        "likes": ("reactions.total", "likeCount"),
        "comments": ("commentsCount",),
        "shares": ("sharesCount",),
    },
    "instagram": {
        "followers": ("followersCount",),
        "following": ("followsCount",),
        "posts": ("mediaCount",),
        "impressions": ("impressionsCount",),
        "reach": ("reachCount",),
        "views": ("viewsCount",),
        "likes": ("likeCount",),
        "comments": ("commentsCount",),
        "clicks": ("websiteClicksCount",),
    },
    "twitter": {
        "followers": ("followersCount",),
        "following": ("followingCount", "friendsCount"),
        "posts": ("tweetCount",),
    },
    "linkedin": {
        "followers": ("followers.totalFollowerCount",),
        "impressions": ("impressionCount",),
        "reach": ("uniqueImpressionsCount",),
        "clicks": ("clickCount",),
        "likes": ("likeCount",),
        "comments": ("commentCount",),
        "shares": ("shareCount",),
        "views": ("views.allPageViews",),
    },
    "tiktok": {
        "followers": ("followerCount",),
        "following": ("followingCount",),
        "posts": ("videoCountTotal",),
        "likes": ("likeCountTotal",),
        "comments": ("commentCountTotal",),
        "shares": ("shareCountTotal",),
        "views": ("viewCountTotal",),
    },
    "youtube": {
        "followers": ("subscriberCount",),
        "posts": ("videoCount",),
        "views": ("views",),
        "likes": ("likes",),
        "comments": ("comments",),
        "shares": ("shares",),
        "video_watch_time_ms": (("estimatedMinutesWatched", 60000),),
    },
    "threads": {
        "followers": ("followersCount",),
        "views": ("views",),
        "likes": ("likes",),
        "comments": ("replies",),
        "shares": ("reposts",),
        "quotes": ("quotes",),
    },
}
