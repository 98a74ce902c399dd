"""InWindowRecordFilter keeps what the CDK's client-side incremental filter keeps, by comparing text."""
from __future__ import annotations

from airbyte_cdk.sources.types import StreamSlice

from source_social_analytics.providers.mosaic import MosaicPostsExtractor
from source_social_analytics.components.window_filter import InWindowRecordFilter

WINDOW = StreamSlice(partition={"accounts": "all"}, cursor_slice={"start_time": "2026-11-01T00:00:00Z", "end_time": "2026-11-23T12:00:00Z"})


def _kept(records, stream_slice=WINDOW):
    keep = InWindowRecordFilter(config={}, parameters={}, cursor_field="created_at")
    return [r["post_id"] for r in keep.filter_records(records, stream_state={}, stream_slice=stream_slice)]


def test_the_window_bounds_are_inclusive_and_outside_is_dropped() -> None:
    records = [
        {"post_id": "newer", "created_at": "2026-11-23T12:00:01Z"},
        {"post_id": "end", "created_at": "2026-11-23T12:00:00Z"},
        {"post_id": "inside", "created_at": "2026-11-10T08:30:00Z"},
        {"post_id": "start", "created_at": "2026-11-01T00:00:00Z"},
        {"post_id": "older", "created_at": "2026-10-31T23:59:59Z"},
    ]
    assert _kept(records) == ["end", "inside", "start"]


def test_vendor_timestamps_with_offsets_compare_right_once_the_extractor_wrote_them_in_utc() -> None:
    """Mosaic's created_at may carry an offset or milliseconds: the posts extractor writes UTC first."""
    body = {"posts": [
        {"post_id": "late-evening-in-new-york", "status": "posted", "created_at": "2026-10-31T21:30:00-04:00"},  # 01:30Z Nov 1
        {"post_id": "just-before", "status": "posted", "created_at": "2026-10-31T23:59:59.999Z"},
    ]}
    records = list(MosaicPostsExtractor(config={"provider": {}}, parameters={}).records_from(body))
    assert _kept(records) == ["late-evening-in-new-york"]


def test_a_record_without_a_value_is_kept_as_the_cdk_keeps_it() -> None:
    assert _kept([{"post_id": "no-date", "created_at": None}, {"post_id": "missing"}]) == ["no-date", "missing"]


def test_ayrshare_history_keeps_posts_sent_to_a_network_in_the_window_and_on_the_chosen_platforms() -> None:
    """/history items through AyrshareHistoryExtractor (the shape the filter sees), then the filter."""
    from source_social_analytics.providers.ayrshare import AyrshareHistoryExtractor, AyrshareHistoryFilter

    def item(post_id, created, *platforms, status="success"):
        return {"id": post_id, "status": status, "type": "now", "created": created, "platforms": list(platforms),
                "postIds": [{"status": status, "platform": p, "id": f"{p}-{post_id}"} for p in platforms]}

    body = {"history": [
        item("after-the-window", "2026-11-23T12:00:01Z", "twitter"),
        item("x-and-facebook", "2026-11-20T09:00:00Z", "twitter", "facebook"),
        item("linkedin-only", "2026-11-19T09:00:00Z", "linkedin"),
        item("never-sent", "2026-11-18T09:00:00Z", "twitter", status="error"),
        item("first-second", "2026-11-01T00:00:00Z", "facebook"),
        item("before-the-window", "2026-10-31T23:59:59Z", "twitter"),
    ]}
    posts = list(AyrshareHistoryExtractor(config={}, parameters={}).records_from(body))

    def kept(request_platforms):
        keep = AyrshareHistoryFilter(config={"provider": {"_request_platforms": request_platforms}}, parameters={})
        return [p["id"] for p in keep.filter_records(posts, stream_state={}, stream_slice=WINDOW)]

    assert kept([]) == ["x-and-facebook", "linkedin-only", "first-second"]
    assert kept(["twitter"]) == ["x-and-facebook"]
    assert kept(["linkedin", "facebook"]) == ["x-and-facebook", "linkedin-only", "first-second"]
