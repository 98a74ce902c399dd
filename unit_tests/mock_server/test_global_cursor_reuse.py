"""post_analytics keeps one global cursor over its posts: it is built once per sync, not once per post, and the
records and state are those of the CDK's per-post build (global_cursor_reuse.py)."""
from __future__ import annotations

from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.sources.declarative.incremental.concurrent_partition_cursor import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from source_social_analytics import global_cursor_reuse
from unit_tests.mock_server.test_mosaic import (
    analytics_request, analytics_response, config, connections_request, connections_response, days_ago, post,
    posts_request, posts_response, records, run,
)

POSTS = [f"p{n:02d}" for n in range(30)]


def _mock_thirty_posts(http_mocker: HttpMocker) -> None:
    http_mocker.get(connections_request(), connections_response())
    http_mocker.get(posts_request(), posts_response([post(p, 1 + n / 10) for n, p in enumerate(POSTS)], None))
    for post_id in POSTS:
        http_mocker.get(analytics_request(post_id), analytics_response(post_id))


class _CountedCursorBuilds:
    """Counts the ConcurrentCursors the CDK's factory builds for one stream's manifest cursor."""

    def __init__(self, cursor_field: str) -> None:
        self.cursor_field, self.builds = cursor_field, 0
        self._original = ModelToComponentFactory.create_concurrent_cursor_from_datetime_based_cursor

    def __enter__(self) -> "_CountedCursorBuilds":
        counter, original = self, self._original

        def counting(factory, *args, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("component_definition", {}).get("cursor_field") == counter.cursor_field:
                counter.builds += 1
            return original(factory, *args, **kwargs)

        self._patch = patch.object(ModelToComponentFactory, "create_concurrent_cursor_from_datetime_based_cursor", counting)
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self._patch.stop()


class TestGlobalCursorReuse(TestCase):
    @HttpMocker()
    def test_thirty_posts_build_the_post_analytics_cursor_a_handful_of_times_not_thirty(self, http_mocker: HttpMocker) -> None:
        _mock_thirty_posts(http_mocker)

        with _CountedCursorBuilds("published_at") as counted:
            output = run(config())

        assert sorted(r["post_id"] for r in records(output)) == POSTS
        assert output.most_recent_state.stream_state.__dict__["state"] == {"published_at": days_ago(1)}
        # the first post's; the CDK alone builds one per post: 30
        assert counted.builds == 1

    @HttpMocker()
    def test_the_same_records_and_state_as_a_cursor_per_post(self, http_mocker: HttpMocker) -> None:
        _mock_thirty_posts(http_mocker)
        state = StateBuilder().with_stream_state("post_analytics", {
            "use_global_cursor": True, "state": {"published_at": days_ago(3)}, "lookback_window": 1,
        }).build()

        reused = run(config(start_days_ago=30), state=state)
        with patch.object(ConcurrentPerPartitionCursor, "_create_cursor", global_cursor_reuse._original_create_cursor):
            per_post = run(config(start_days_ago=30), state=state)

        def rows(output):  # the workers answer in any order; retrieved_at is the clock's
            return sorted((dict(r, retrieved_at=None) for r in records(output)), key=lambda r: r["post_id"])

        assert len(records(reused)) == len(POSTS) and rows(reused) == rows(per_post)
        assert [s.state.stream.stream_state for s in reused.state_messages] == [s.state.stream.stream_state for s in per_post.state_messages]


def test_a_cursor_with_state_per_partition_still_gets_one_cursor_per_partition() -> None:
    built = []

    class Partitioned:
        _use_global_cursor = False

    def original(self, cursor_state, runtime_lookback_window=0):  # type: ignore[no-untyped-def]
        built.append(type("Cursor", (), {"stream_slices": lambda self: iter(())})())
        return built[-1]

    with patch.object(global_cursor_reuse, "_original_create_cursor", original):
        first = global_cursor_reuse._create_cursor_once_in_global_mode(Partitioned(), {"date": "2026-11-01"})
        second = global_cursor_reuse._create_cursor_once_in_global_mode(Partitioned(), {"date": "2026-11-01"})
        glob = Partitioned()
        glob._use_global_cursor = True
        third = global_cursor_reuse._create_cursor_once_in_global_mode(glob, {"date": "2026-11-01"}, 3600)
        fourth = global_cursor_reuse._create_cursor_once_in_global_mode(glob, {"date": "2026-11-01"}, 3600)
        fifth = global_cursor_reuse._create_cursor_once_in_global_mode(glob, {"date": "2026-11-02"}, 3600)
        fresh = Partitioned()
        fresh._use_global_cursor = True
        no_state = global_cursor_reuse._create_cursor_once_in_global_mode(fresh, None)  # a state without a cursor
        assert global_cursor_reuse._create_cursor_once_in_global_mode(fresh, None) is no_state

    assert first is not second  # per-partition mode: the CDK's behaviour, one cursor each
    assert third is fourth  # global mode, same inputs: built once
    assert fifth is not fourth  # other inputs: a new cursor
    assert len(built) == 5
