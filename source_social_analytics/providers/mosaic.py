"""Mosaic: everything Mosaic-specific in one place (seeds 001, 002, api-notes §3).

- ``MosaicConfig``: the provider's config checks; ``PROVIDER``: its registry entry (providers/__init__.py).
- ``MosaicConnectionsExtractor``: ``GET /social/connections``; checks ``provider.social_connection_ids``.
- ``MosaicPostsExtractor``: ``GET /social/posts`` -> the analytics calls to make (one per post, or one per
  connection when a post has several destinations on one platform).
- ``MosaicPostAnalyticsExtractor``: ``GET /social/post/{post_id}/analytics`` -> one record per
  ``analytics.platforms[]`` entry, the normalized metrics copied as they are (null stays null).
- ``MosaicRecordFields``: the record's ``account_id``, the connection its platform's entry belongs to.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Literal, Mapping, MutableMapping, Optional


from ..config import IdList, Provider, ProviderConfig, Secret
from ..components.dates import to_utc_iso
from ..components.errors import unknown_ids_error
from ..components.extractors import JsonBodyExtractor
from ..components.metrics import METRIC_COLUMNS, normalize
from ..components.record_fields import RecordFields


class MosaicConfig(ProviderConfig):
    provider_type: Literal["mosaic"]
    api_key: Secret
    social_connection_ids: IdList = None


PROVIDER = Provider(
    name="mosaic",
    config_model=MosaicConfig,
    # its first request is GET /social/connections: one cheap authenticated call, which also checks
    # provider.social_connection_ids
    check_stream="post_analytics",
)

# Posts that reached a network (api-notes §3.3); failed, scheduled, pending and rejected posts have no analytics.
ANALYTICS_STATUSES = ("posted", "partial_failure")
# A destination's own status, when the list carries one (the public page shows none): these have analytics.
# A destination's status is not documented (api-notes §3.3 shows none): every destination is asked for
# unless it says it did not go out.
NOT_POSTED_DESTINATION = ("failed", "error", "rejected", "scheduled", "pending", "pending_approval", "processing", "cancelled", "canceled")
# Mosaic's fixed metric object (seed 001): each key is the same-named column (CONTRACT §3). `reach` is not
# among them, so it stays None.
NORMALIZED_METRICS = {column: (column,) for column in METRIC_COLUMNS if column != "reach"}


def _chosen_ids(config: Mapping[str, Any]) -> Optional[List[str]]:
    ids = (config.get("provider") or {}).get("social_connection_ids")
    return list(ids) if ids else None


@dataclass
class MosaicConnectionsExtractor(JsonBodyExtractor):
    """The connected accounts the sync covers, from ``GET /social/connections``, as one record.

    In:  ``{"connected_accounts": [{"social_connection_id": "4df2f2b9-…", "platform": "x", …},
         {"social_connection_id": "7f9388af-…", "platform": "linkedin", …}]}`` and
         ``provider.social_connection_ids: ["7f9388af-…"]``
    Out: ``{"accounts": "7f9388af-…"}`` (the chosen ids, sorted and comma-joined; ``"all"`` without a filter).
         It is the one partition of the posts list, so changing the filter starts its posts from start_date.
         A chosen id that is not among the connections raises a ``config_error`` naming
         ``provider.social_connection_ids`` and the unknown ids.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        accounts = body.get("connected_accounts") if isinstance(body, Mapping) else None
        known = {str(a["social_connection_id"]) for a in accounts or [] if isinstance(a, Mapping) and a.get("social_connection_id")}
        chosen = _chosen_ids(self.config)
        if chosen is None:
            yield {"accounts": "all"}
            return
        unknown = [i for i in chosen if i not in known]
        if unknown:
            raise unknown_ids_error(
                "provider.social_connection_ids", unknown,
                f"which Mosaic does not know: this API key's organization has the connections {', '.join(sorted(known)) or '(none)'}",
                "Remove the unknown ids, or leave the field empty to sync every connection.",
            )
        yield {"accounts": ",".join(sorted(chosen))}


@dataclass
class MosaicPostsExtractor(JsonBodyExtractor):
    """The analytics calls to make for one page of ``GET /social/posts`` (newest ``created_at`` first).

    In:  ``{"posts": [{"post_id": "2d8ca860-…", "status": "posted", "created_at": "2026-03-09T10:00:00Z",
         "scheduled_at": "2026-03-10T16:00:00Z", "destinations": [{"social_connection_id": "4df2…", "platform": "x"},
         {"social_connection_id": "c3a9…", "platform": "x"}, {"social_connection_id": "7f93…", "platform": "linkedin"}]}],
         "next_cursor": null}``
    Out: one call per destination when a post has two on one platform (the API then answers the first only):
         ``{"call": "2d8ca860-…:4df2…", "post_id": "2d8ca860-…", "social_connection_id": "4df2…",
         "created_at": "2026-03-09T10:00:00Z", "published_at": "2026-03-10T16:00:00Z", "accounts": {"x": "4df2…"}}``,
         then ``…:c3a9…`` and ``…:7f93…``; otherwise one call per post, ``"call": "<post_id>"``,
         ``"social_connection_id": None``, ``"accounts": {"x": "4df2…", "linkedin": "7f93…"}`` (whose account
         each platform's entry is). ``published_at`` is ``scheduled_at`` (when the post went out), else
         ``created_at``. Posts with another status give nothing: they have no analytics. With
         ``provider.social_connection_ids``, only those destinations (each asked by its id when the post also
         went to other accounts).
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        posts = body.get("posts") if isinstance(body, Mapping) else None
        for post in posts or []:
            if isinstance(post, Mapping) and post.get("post_id") and post.get("status") in ANALYTICS_STATUSES:
                yield from self.calls(post, _chosen_ids(self.config))

    @staticmethod
    def calls(post: Mapping[str, Any], chosen: Optional[List[str]]) -> Iterable[Dict[str, Any]]:
        created_at = to_utc_iso(post.get("created_at"))
        common = {
            "post_id": str(post["post_id"]),
            "created_at": created_at,
            "published_at": to_utc_iso(post.get("scheduled_at")) or created_at or to_utc_iso(post.get("updated_at")),
        }
        listed = [d for d in post.get("destinations") or [] if isinstance(d, Mapping) and d.get("social_connection_id")]
        if not listed and chosen is None:
            # The list shows no destination (an older revision lists only `platforms`): one call for the post;
            # the analytics answer names its account (top-level social_connection_id).
            yield {"call": common["post_id"], **common, "social_connection_id": None, "accounts": {}}
            return
        posted = [d for d in listed if str(d.get("status") or "").lower() not in NOT_POSTED_DESTINATION]
        wanted = [d for d in posted if chosen is None or d["social_connection_id"] in chosen]
        if not wanted:
            return
        repeated = any(count > 1 for count in Counter(d.get("platform") for d in posted).values())
        if not repeated and len(wanted) == len(posted):
            accounts = {d.get("platform"): d["social_connection_id"] for d in wanted}
            yield {"call": common["post_id"], **common, "social_connection_id": None, "accounts": accounts}
            return
        for destination in wanted:
            connection = destination["social_connection_id"]
            yield {
                "call": f"{common['post_id']}:{connection}",
                **common,
                "social_connection_id": connection,
                "accounts": {destination.get("platform"): connection},
            }


@dataclass
class MosaicPostAnalyticsExtractor(JsonBodyExtractor):
    """One record per ``analytics.platforms[]`` entry of ``GET /social/post/{post_id}/analytics``.

    In:  the seed's answer ``{"post_id": "2d8ca860-…", "platform": "x", "social_connection_id": "4df2f2b9-…",
         "analytics": {"status": "success", "platforms": [{"platform": "x", "platform_post_id": "1901625213503277588",
         "post_url": "https://x.com/mosaic_so/status/1901625213503277588", "metrics": {"likes": 42, …, "video_views": null, …},
         "raw_metrics": {"likeCount": 42, …}}]}, "stats": {…}}``
    Out: ``{"post_id": "2d8ca860-…", "platform": "x", "platform_post_id": "1901625213503277588", "post_url": "…",
         "account_id": "4df2f2b9-…", "likes": 42, "comments": 7, "shares": 5, "impressions": 18420, "views": 9120,
         "video_views": None, …, "bookmarks": 18, "quotes": 3, "reach": None, "raw_metrics": {"likeCount": 42, …},
         "metric_errors": []}``. The metrics are Mosaic's own normalized ones, copied (null stays None, never 0);
         the legacy ``stats`` object is not read. ``account_id`` here is the top-level ``social_connection_id``
         for the entry of its platform (else None); the manifest sets it from the partition, which knows each
         platform's account. A null ``platform_post_id`` (TikTok) falls back to ``raw_metrics.itemId``, else
         ``<post_id>:<platform>``, so that the primary key is never null.
    """

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:
        if not isinstance(body, Mapping) or not isinstance(body.get("analytics"), Mapping):
            return
        analytics = body["analytics"]
        status = analytics.get("status")
        errors = [] if status in (None, "success") else [{"metric": "*", "error": f"Mosaic analytics status: {status}"}]
        for entry in analytics.get("platforms") or []:
            if isinstance(entry, Mapping) and entry.get("platform"):
                yield self.record(body, entry, errors)

    @staticmethod
    def record(body: Mapping[str, Any], entry: Mapping[str, Any], errors: List[Dict[str, str]]) -> Dict[str, Any]:
        post_id = str(body.get("post_id") or "")
        platform = str(entry["platform"]).lower()
        raw = entry.get("raw_metrics") if isinstance(entry.get("raw_metrics"), Mapping) else None
        native = entry.get("platform_post_id") or (raw or {}).get("itemId") or f"{post_id}:{platform}"
        # the answer's top-level account is the entry's when the platforms agree (or the answer names none)
        top_account = body.get("social_connection_id") if str(body.get("platform") or "").lower() in (platform, "") else None
        return {
            "post_id": post_id,
            "platform": platform,
            "platform_post_id": str(native),
            "post_url": entry.get("post_url"),
            "account_id": top_account,
            **normalize(entry.get("metrics") or {}, NORMALIZED_METRICS),
            "raw_metrics": dict(raw) if raw is not None else None,
            "metric_errors": list(errors),
        }


@dataclass
class MosaicRecordFields(RecordFields):
    """post_analytics' ``account_id`` (CONTRACT §3: Mosaic's social_connection_id, never null): the connection
    the analytics call asked for, else the post's destination on the entry's platform, else what the entry
    names, else ``unknown-<platform>-account``."""

    def more_fields(self, record: Dict[str, Any], stream_slice: Any) -> None:
        extra = (stream_slice.extra_fields if stream_slice is not None else None) or {}
        platform = record.get("platform")
        record["account_id"] = (
            extra.get("social_connection_id")
            or (extra.get("accounts") or {}).get(platform)
            or record.get("account_id")
            or f"unknown-{platform}-account"
        )
