"""Mosaic post_analytics in-process against HttpMocker: paging, the window, state, destinations, errors.

Unmatched requests raise, so a page or a post that is deliberately left unmocked proves it is never requested.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional
from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.models import Status, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import _run_command, read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.state_builder import StateBuilder

from source_social_analytics.source import SourceSocialAnalytics

BASE = "https://api.mosaic.so"
KEY = "mk_test_4f9c2a7d1e8b"
X_MAIN = "4df2f2b9-4c5f-4b3a-9581-1bcb8b4f7d01"
X_SECOND = "c3a91e5d-6b2f-4d8a-9e07-8f1b2a4c6d35"
LINKEDIN = "7f9388af-26e8-4e68-a52b-6b9a0ef3a017"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
METRICS = ("likes", "comments", "shares", "impressions", "views", "video_views", "video_viewers",
           "video_watch_time_ms", "engagement", "clicks", "saves", "bookmarks", "quotes")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_ago(days: float) -> str:
    return iso(NOW - timedelta(days=days))


# -- config / request / response builders ------------------------------------------------------------------
def config(start_days_ago: int = 10, lookback: int = 7, **provider: Any) -> Dict[str, Any]:
    return {
        "provider": {"provider_type": "mosaic", "api_key": KEY, **provider},
        "start_date": (NOW - timedelta(days=start_days_ago)).strftime("%Y-%m-%d"),
        "lookback_window_days": lookback,
    }


def connections_request() -> HttpRequest:
    return HttpRequest(f"{BASE}/social/connections", headers={"Authorization": f"Bearer {KEY}"})


def posts_request(cursor: Optional[str] = None) -> HttpRequest:
    params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
    return HttpRequest(f"{BASE}/social/posts", query_params=params, headers={"Authorization": f"Bearer {KEY}"})


def analytics_request(post_id: str, connection: Optional[str] = None) -> HttpRequest:
    params = {"social_connection_id": connection} if connection else None
    return HttpRequest(f"{BASE}/social/post/{post_id}/analytics", query_params=params)


def connections_response() -> HttpResponse:
    accounts = [{"social_connection_id": c, "platform": p, "account_name": "Mosaic"} for c, p in ((X_MAIN, "x"), (X_SECOND, "x"), (LINKEDIN, "linkedin"))]
    return HttpResponse(json.dumps({"connected_accounts": accounts}))


def post(post_id: str, created_days_ago: float, status: str = "posted", destinations=((X_MAIN, "x"),)) -> Dict[str, Any]:
    return {
        "post_id": post_id,
        "status": status,
        "description": "…",
        "scheduled_at": None,
        "created_at": days_ago(created_days_ago),
        "platforms": sorted({p for _, p in destinations}),
        "destinations": [{"social_connection_id": c, "platform": p} for c, p in destinations],
    }


def posts_response(posts: List[Dict[str, Any]], next_cursor: Optional[str]) -> HttpResponse:
    return HttpResponse(json.dumps({"posts": posts, "next_cursor": next_cursor}))


def metrics(likes: Optional[int] = 10, **overrides: Any) -> Dict[str, Any]:
    values: Dict[str, Any] = {name: None for name in METRICS}
    values.update({"likes": likes, "comments": 2, "impressions": 300}, **overrides)
    return values


def analytics_response(post_id: str, entries=(("x", X_MAIN),), **metric_overrides: Any) -> HttpResponse:
    platforms = [
        {
            "platform": platform,
            "platform_post_id": f"{platform}-{post_id}-{connection[:4]}",
            "post_url": f"https://example.com/{post_id}",
            "metrics": metrics(**metric_overrides),
            "raw_metrics": {"likeCount": metric_overrides.get("likes", 10)},
        }
        for platform, connection in entries
    ]
    first_platform, first_connection = entries[0]
    return HttpResponse(json.dumps({
        "post_id": post_id, "platform": first_platform, "social_connection_id": first_connection,
        "analytics": {"status": "success", "totals": metrics(), "platforms": platforms, "metadata": {}},
        "stats": {"status": "success"},
    }))


def catalog():
    return CatalogBuilder().with_stream("post_analytics", SyncMode.incremental).build()


def run(cfg: Dict[str, Any], state=None, expecting_exception: bool = False):
    source = SourceSocialAnalytics(config=cfg, catalog=catalog(), state=state)
    return read(source, cfg, catalog(), state, expecting_exception=expecting_exception)


def records(output) -> List[Dict[str, Any]]:
    return [message.record.data for message in output.records]


# -- tests -------------------------------------------------------------------------------------------------
class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_every_page_in_the_window_is_read_and_paging_stops_at_the_window_start(self, http_mocker: HttpMocker) -> None:
        """start_date is 10 days ago. Page 2 ends with a post created 12 days ago: its next_cursor ("c3") is
        left unmocked, so a third page request would fail the test; the 12-day-old post gets no analytics call."""
        connections, page_1, page_2 = connections_request(), posts_request(), posts_request("c2")
        http_mocker.get(connections, connections_response())
        http_mocker.get(page_1, posts_response([post("p1", 1), post("p2", 2), post("p3", 3, status="failed")], "c2"))
        http_mocker.get(page_2, posts_response([post("p4", 5), post("p5", 7, status="scheduled"), post("old", 12)], "c3"))
        for post_id in ("p1", "p2", "p4"):
            http_mocker.get(analytics_request(post_id), analytics_response(post_id))

        output = run(config())

        rows = records(output)
        assert sorted(r["post_id"] for r in rows) == ["p1", "p2", "p4"]
        http_mocker.assert_number_of_calls(connections, 1)
        http_mocker.assert_number_of_calls(page_1, 1)
        http_mocker.assert_number_of_calls(page_2, 1)
        assert {r["account_id"] for r in rows} == {X_MAIN}
        assert all(r["provider"] == "mosaic" and r["metric_errors"] == [] for r in rows)
        state = output.most_recent_state.stream_state.__dict__
        assert state["state"] == {"published_at": days_ago(1)}

    @HttpMocker()
    def test_two_x_destinations_give_two_records_with_their_own_account(self, http_mocker: HttpMocker) -> None:
        """One analytics call per connection (the API answers one X account per call); LinkedIn is asked by id too."""
        destinations = ((X_MAIN, "x"), (X_SECOND, "x"), (LINKEDIN, "linkedin"))
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post("two-x", 1, destinations=destinations)], None))
        for platform, connection in (("x", X_MAIN), ("x", X_SECOND), ("linkedin", LINKEDIN)):
            http_mocker.get(analytics_request("two-x", connection), analytics_response("two-x", entries=((platform, connection),)))

        rows = records(run(config()))

        assert sorted((r["platform"], r["account_id"]) for r in rows) == sorted([("x", X_MAIN), ("x", X_SECOND), ("linkedin", LINKEDIN)])
        assert len({(r["account_id"], r["post_id"], r["platform"], r["platform_post_id"]) for r in rows}) == 3

    @HttpMocker()
    def test_a_post_on_two_platforms_is_one_call_and_each_entry_gets_its_platforms_account(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post("both", 1, destinations=((LINKEDIN, "linkedin"), (X_SECOND, "x")))], None))
        both = analytics_request("both")
        http_mocker.get(both, analytics_response("both", entries=(("linkedin", LINKEDIN), ("x", X_SECOND))))

        rows = records(run(config()))

        assert {r["platform"]: r["account_id"] for r in rows} == {"linkedin": LINKEDIN, "x": X_SECOND}
        http_mocker.assert_number_of_calls(both, 1)

    @HttpMocker()
    def test_null_metrics_stay_null_never_zero(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post("nulls", 1)], None))
        http_mocker.get(analytics_request("nulls"), analytics_response("nulls", likes=None, shares=0))

        [row] = records(run(config()))

        assert row.get("likes") is None and row.get("video_views") is None and row.get("reach") is None
        assert row["shares"] == 0 and row["comments"] == 2 and row["impressions"] == 300


class TestIncremental(TestCase):
    @HttpMocker()
    def test_a_second_read_reads_posts_from_the_cursor_minus_the_lookback(self, http_mocker: HttpMocker) -> None:
        """Saved cursors: 5 days ago; lookback 2 days -> the window starts 7 days ago. The page ends with a post
        created 8 days ago: no analytics call for it (unmocked) and no next page (its cursor is unmocked)."""
        cursor = days_ago(5)
        state = StateBuilder().with_stream_state("post_analytics", {
            "use_global_cursor": True,
            "state": {"published_at": cursor},
            "lookback_window": 1,
            "parent_state": {"mosaic_posts": {
                "use_global_cursor": False,
                "states": [{"partition": {"accounts": "all", "parent_slice": {}}, "cursor": {"created_at": cursor}}],
                "state": {"created_at": cursor},
                "lookback_window": 1,
                "parent_state": {},
            }},
        }).build()
        http_mocker.get(connections_request(), connections_response())
        page_1 = posts_request()
        http_mocker.get(page_1, posts_response([post("new", 1), post("in-lookback", 6.5), post("before", 8)], "c2"))
        for post_id in ("new", "in-lookback"):
            http_mocker.get(analytics_request(post_id), analytics_response(post_id))

        output = run(config(start_days_ago=30, lookback=2), state=state)

        assert sorted(r["post_id"] for r in records(output)) == ["in-lookback", "new"]
        http_mocker.assert_number_of_calls(page_1, 1)
        final = output.most_recent_state.stream_state.__dict__
        assert final["state"] == {"published_at": days_ago(1)}
        assert final["parent_state"]["mosaic_posts"]["state"] == {"created_at": days_ago(1)}


class TestErrorHandling(TestCase):
    @HttpMocker()
    def test_a_deleted_post_is_skipped_with_a_warning_naming_it(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post("alive", 1), post("deleted-post", 2)], None))
        http_mocker.get(analytics_request("alive"), analytics_response("alive"))
        deleted = analytics_request("deleted-post")
        http_mocker.get(deleted, HttpResponse(json.dumps({"detail": "Post not found", "error": "not_found"}), 404))

        output = run(config())

        assert [r["post_id"] for r in records(output)] == ["alive"]
        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN"]
        assert any(w.startswith("Skipping Mosaic post deleted-post") for w in warnings), warnings
        assert not output.errors
        http_mocker.assert_number_of_calls(deleted, 1)  # not retried

    @HttpMocker()
    def test_an_invalid_key_is_a_config_error_naming_provider_api_key(self, http_mocker: HttpMocker) -> None:
        connections = connections_request()
        http_mocker.get(connections, HttpResponse(json.dumps({"detail": "Invalid API key", "error": "invalid_api_key"}), 401))

        output = run(config(), expecting_exception=True)

        [error] = [e.trace.error for e in output.errors if "provider.api_key" in e.trace.error.message and e.trace.error.internal_message != "Concurrent read failure"]
        assert error.failure_type.value == "config_error" and "invalid_api_key" in error.message
        http_mocker.assert_number_of_calls(connections, 1)  # not retried
        assert KEY not in json.dumps([m.log.message for m in output.logs])

    @HttpMocker()
    def test_check_fails_clearly_on_a_bad_key(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), HttpResponse(json.dumps({"detail": "Invalid API key", "error": "invalid_api_key"}), 401))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "config.json")
            with open(path, "w") as handle:
                json.dump(config(), handle)
            output = _run_command(SourceSocialAnalytics(config=config()), ["check", "--config", path])
        status = output.connection_status_messages[0].connectionStatus
        assert status.status == Status.FAILED and "provider.api_key" in status.message

    @HttpMocker()
    def test_an_unknown_connection_id_is_a_config_error_naming_it(self, http_mocker: HttpMocker) -> None:
        unknown = "00000000-0000-4000-8000-000000000000"
        http_mocker.get(connections_request(), connections_response())

        output = run(config(social_connection_ids=[X_MAIN, unknown]), expecting_exception=True)

        messages = [e.trace.error.message for e in output.errors]
        assert any("provider.social_connection_ids" in m and unknown in m for m in messages), messages
        assert not output.records

    @HttpMocker()
    def test_rate_limit_is_retried_with_backoff(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post("p1", 1)], None))
        p1 = analytics_request("p1")
        http_mocker.get(
            p1,
            [
                HttpResponse(json.dumps({"detail": "Too many requests", "error": "rate_limit"}), 429, headers={"Retry-After": "1"}),
                analytics_response("p1"),
            ],
        )
        with patch("time.sleep") as sleep:
            output = run(config())
        assert [r["post_id"] for r in records(output)] == ["p1"]
        http_mocker.assert_number_of_calls(p1, 2)
        assert sleep.called


class TestUndocumentedShapes(TestCase):
    """What the docs leave open (api-notes §3.3): the answer's name for the page token, the end of the list,
    a post listed without destinations."""

    @HttpMocker()
    def test_a_token_named_cursor_pages_on_and_has_more_false_stops(self, http_mocker: HttpMocker) -> None:
        """Page 2 says has_more: false while still carrying a token: the page it names is left unmocked."""
        page_1, page_2 = posts_request(), posts_request("t2")
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(page_1, HttpResponse(json.dumps({"posts": [post("q1", 1)], "cursor": "t2", "has_more": True})))
        http_mocker.get(page_2, HttpResponse(json.dumps({"posts": [post("q2", 2)], "cursor": "t3", "has_more": False})))
        for post_id in ("q1", "q2"):
            http_mocker.get(analytics_request(post_id), analytics_response(post_id))

        output = run(config())

        assert sorted(r["post_id"] for r in records(output)) == ["q1", "q2"]
        http_mocker.assert_number_of_calls(page_1, 1)
        http_mocker.assert_number_of_calls(page_2, 1)

    @HttpMocker()
    def test_a_post_listed_without_destinations_is_still_asked_for_its_analytics(self, http_mocker: HttpMocker) -> None:
        bare = {**post("bare", 1), "destinations": []}
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([bare], None))
        http_mocker.get(analytics_request("bare"), analytics_response("bare", entries=(("x", X_SECOND),)))

        [row] = records(run(config()))

        assert (row["post_id"], row["account_id"], row["platform"]) == ("bare", X_SECOND, "x")
