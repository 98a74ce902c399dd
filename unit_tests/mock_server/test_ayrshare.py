"""Ayrshare streams read in-process against HttpMocker: the requests the connector sends, and what a user gets.

Today is frozen at 2026-11-23T12:00:00Z, so every date-derived request parameter (lastDays, startDate, endDate)
is exact; ``time.sleep`` is patched, so retries and backoff run in milliseconds and their waits can be asserted.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional
from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, FailureType, Level, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder
from freezegun import freeze_time

from source_social_analytics.source import SourceSocialAnalytics

from .ayrshare_builders import (
    API_KEY,
    AyrshareRequestBuilder,
    ConfigBuilder,
    HistoryPostBuilder,
    LinkBuilder,
    error_response,
    facebook_post_entry,
    facebook_social_analytics,
    history_response,
    instagram_social_analytics,
    links_response,
    post_analytics_response,
    social_response,
    truncated_response,
    tweet_entry,
    twitter_social_analytics,
)

NOW = "2026-11-23T12:00:00Z"
TODAY = "2026-11-23"
PROFILE_KEY_A = "AX1XGG-9jK3M5LS-GR5RX5G-LLCK8EA"
PROFILE_KEY_B = "BX2YHH-8kL4N6MT-HS6SY6H-MMDL9FB"


def _account_id(key: str) -> str:
    return "profile-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _read(config: Dict[str, Any], stream: str, state: Optional[list] = None, sync_mode: SyncMode = SyncMode.incremental) -> EntrypointOutput:
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    source = SourceSocialAnalytics(config=config, catalog=catalog, state=state)
    return read(source, config, catalog, state)


def _records(output: EntrypointOutput) -> List[Dict[str, Any]]:
    return [message.record.data for message in output.records]


def _states(output: EntrypointOutput, stream: str) -> List[Dict[str, Any]]:
    return [
        message.state.stream.stream_state.__dict__
        for message in output.state_messages
        if message.state.stream.stream_descriptor.name == stream
    ]


def _logs(output: EntrypointOutput, level: Level, containing: str) -> List[str]:
    return [message.log.message for message in output.logs if message.log.level == level and containing in message.log.message]


def _all_messages_as_text(output: EntrypointOutput) -> str:
    return "\n".join(json.dumps(AirbyteMessageSerializer.dump(message)) for message in output.get_message_iterator())


def _sent_headers(http_mocker: HttpMocker) -> List[Dict[str, str]]:
    """The headers of every request that reached the mock (requests_mock's history)."""
    return [dict(request.headers) for request in http_mocker._mocker.request_history]


class _AyrshareTestCase(TestCase):
    """Freezes today and patches ``time.sleep`` (the CDK's backoff waits) for every test."""

    def setUp(self) -> None:
        self._freezer = freeze_time(NOW)
        self._freezer.start()
        self._sleep_patcher = patch("time.sleep")
        self.sleep = self._sleep_patcher.start()

    def tearDown(self) -> None:
        self._sleep_patcher.stop()
        self._freezer.stop()


# ================================================================================================ link_analytics
class TestLinkAnalyticsIncremental(_AyrshareTestCase):
    STREAM = "link_analytics"

    @HttpMocker()
    def test_first_sync_asks_for_the_days_since_start_date_and_types_the_values(self, http_mocker: HttpMocker) -> None:
        """start_date 2026-11-14, today 11-23T12:00: 9 whole days back + today = lastDays=10, in ONE request.
        The vendor's string counts ("6", "1") come out as integers, its Firestore ``created`` as ISO UTC."""
        request = AyrshareRequestBuilder.links(last_days=10).build()
        http_mocker.get(request, links_response(LinkBuilder(created="2026-11-20T10:00:11Z")))

        output = _read(ConfigBuilder().with_start_date("2026-11-14").build(), self.STREAM)

        http_mocker.assert_number_of_calls(request, 1)
        assert not output.errors
        [record] = _records(output)
        assert record["short_link"] == "https://ayr.app/l/Nz3L"
        assert record["created_at"] == "2026-11-20T10:00:11Z"
        assert record["clicks"] == 7 and isinstance(record["clicks"], int)
        assert record["event_stats"] == [
            {"event": "CLICK", "platform": "OTHER", "count": 6},
            {"event": "CLICK", "platform": "IOS", "count": 1},
        ]
        assert record["account_id"] == "primary"
        assert record["provider"] == "ayrshare"
        assert record["retrieved_at"] == NOW

    @HttpMocker()
    def test_a_link_without_event_stats_has_unknown_clicks_not_zero(self, http_mocker: HttpMocker) -> None:
        """A link the vendor sends without ``linkEventStats`` has clicks unknown: the record holds no 0."""
        http_mocker.get(
            AyrshareRequestBuilder.links(last_days=10).build(),
            links_response(LinkBuilder().with_event_stats(None)),
        )

        output = _read(ConfigBuilder().with_start_date("2026-11-14").build(), self.STREAM)

        [record] = _records(output)
        assert record.get("clicks") is None
        assert record["event_stats"] == []

    @HttpMocker()
    def test_state_after_the_read_holds_the_newest_created_at(self, http_mocker: HttpMocker) -> None:
        """Two links created 11-18 and 11-20: the final state's cursor is the newer one, per profile and overall."""
        http_mocker.get(
            AyrshareRequestBuilder.links(last_days=10).build(),
            links_response(
                LinkBuilder(short_link="https://ayr.app/l/old", created="2026-11-18T08:00:00Z"),
                LinkBuilder(short_link="https://ayr.app/l/new", created="2026-11-20T10:00:11Z"),
            ),
        )

        output = _read(ConfigBuilder().with_start_date("2026-11-14").build(), self.STREAM)

        assert len(_records(output)) == 2
        final = _states(output, self.STREAM)[-1]
        assert final["state"] == {"created_at": "2026-11-20T10:00:11Z"}
        assert final["states"] == [{"partition": {"account_id": "primary"}, "cursor": {"created_at": "2026-11-20T10:00:11Z"}}]

    @HttpMocker()
    def test_second_sync_from_state_minus_lookback_asks_for_fewer_days(self, http_mocker: HttpMocker) -> None:
        """State 2026-11-20T10:00:11Z minus the 3-day lookback = 11-17T10:00:11, 6 days and 2 h before now:
        lastDays=7, not the first sync's 10 (lastDays=10 is left unmocked: asking for it again would fail)."""
        config = ConfigBuilder().with_start_date("2026-11-14").with_lookback_days(3).build()
        state = StateBuilder().with_stream_state(
            self.STREAM,
            {
                "use_global_cursor": False,
                "states": [{"partition": {"account_id": "primary"}, "cursor": {"created_at": "2026-11-20T10:00:11Z"}}],
                "state": {"created_at": "2026-11-20T10:00:11Z"},
                "lookback_window": 0,
            },
        ).build()
        request = AyrshareRequestBuilder.links(last_days=7).build()
        http_mocker.get(request, links_response(LinkBuilder(short_link="https://ayr.app/l/newer", created="2026-11-22T16:30:00Z")))

        output = _read(config, self.STREAM, state)

        http_mocker.assert_number_of_calls(request, 1)
        assert [r["short_link"] for r in _records(output)] == ["https://ayr.app/l/newer"]
        assert _states(output, self.STREAM)[-1]["state"] == {"created_at": "2026-11-22T16:30:00Z"}

    @HttpMocker()
    def test_a_window_older_than_30_days_is_clamped_to_30_and_the_user_is_warned(self, http_mocker: HttpMocker) -> None:
        """start_date 2026-09-24 is 60 days back: the API reaches 1..30 days, so lastDays=30 (never 61), and a
        WARN says the older days cannot be synced."""
        request = AyrshareRequestBuilder.links(last_days=30).build()
        http_mocker.get(request, links_response(LinkBuilder()))

        output = _read(ConfigBuilder().with_start_date("2026-09-24").build(), self.STREAM)

        http_mocker.assert_number_of_calls(request, 1)
        assert len(_records(output)) == 1
        assert len(_logs(output, Level.WARN, "link_analytics: the sync window starts 2026-09-24")) == 1


# ================================================================================================ social_statistics
class TestSocialStatisticsFullRefresh(_AyrshareTestCase):
    STREAM = "social_statistics"

    @HttpMocker()
    def test_one_request_per_configured_platform_and_their_numbers(self, http_mocker: HttpMocker) -> None:
        """provider.platforms [instagram, x]: exactly one POST per platform, body {"platforms": ["instagram"]} and
        {"platforms": ["twitter"]} (Ayrshare's name for X); each record carries its platform's numbers, today's
        date, and nulls (never 0) for what the vendor did not send."""
        instagram = AyrshareRequestBuilder.social("instagram").build()
        twitter = AyrshareRequestBuilder.social("twitter").build()
        http_mocker.post(instagram, social_response("instagram", instagram_social_analytics(followers=5120)))
        http_mocker.post(twitter, social_response("twitter", twitter_social_analytics()))

        output = _read(ConfigBuilder().with_platforms(["instagram", "x"]).build(), self.STREAM, sync_mode=SyncMode.full_refresh)

        http_mocker.assert_number_of_calls(instagram, 1)
        http_mocker.assert_number_of_calls(twitter, 1)
        records = {r["platform"]: r for r in _records(output)}
        assert set(records) == {"instagram", "x"}
        ig = records["instagram"]
        assert (ig["followers"], ig["following"], ig["posts"], ig["impressions"], ig["reach"]) == (5120, 180, 240, 15000, 9000)
        assert ig["date"] == TODAY and ig["account_id"] == "primary"
        assert ig["vendor_updated_at"] == "2026-11-23T11:50:00Z"
        assert ig.get("views") is None and ig.get("shares") is None
        x = records["x"]
        assert (x["followers"], x["posts"]) == (7800, 1290)
        assert x.get("impressions") is None and x.get("following") is None

    @HttpMocker()
    def test_a_platform_not_linked_is_skipped_with_one_warning_and_the_others_still_come(self, http_mocker: HttpMocker) -> None:
        """facebook answers HTTP 400 code 156 (not linked): no facebook record, no failure, exactly ONE WARN line
        for it (and not the same line again at INFO); instagram's record still comes."""
        http_mocker.post(AyrshareRequestBuilder.social("instagram").build(), social_response("instagram", instagram_social_analytics()))
        facebook = AyrshareRequestBuilder.social("facebook").build()
        http_mocker.post(facebook, error_response(400, 156, "facebook is not linked. Please link at https://app.ayrshare.com/social-accounts"))

        output = _read(ConfigBuilder().with_platforms(["instagram", "facebook"]).build(), self.STREAM, sync_mode=SyncMode.full_refresh)

        assert not output.errors
        http_mocker.assert_number_of_calls(facebook, 1)  # a 400 is not retried
        assert [r["platform"] for r in _records(output)] == ["instagram"]
        skip = "Skipping the account analytics of one platform: Ayrshare answered HTTP 400 (facebook is not linked"
        assert len(_logs(output, Level.WARN, skip)) == 1
        assert "code 156" in _logs(output, Level.WARN, skip)[0]
        assert _logs(output, Level.INFO, skip) == []


class TestSocialStatisticsIncremental(_AyrshareTestCase):
    STREAM = "social_statistics"

    @HttpMocker()
    def test_the_snapshot_is_keyed_on_today_and_moves_the_state_to_today(self, http_mocker: HttpMocker) -> None:
        """A snapshot stream: one request, the record dated today, and the final state's cursor is today."""
        http_mocker.post(AyrshareRequestBuilder.social("facebook").build(), social_response("facebook", facebook_social_analytics()))

        output = _read(ConfigBuilder().with_platforms(["facebook"]).build(), self.STREAM)

        [record] = _records(output)
        assert (record["followers"], record["impressions"], record["engagement"], record["likes"]) == (3050, 21000, 640, 349)
        final = _states(output, self.STREAM)[-1]
        assert final["state"] == {"date": TODAY}
        assert final["states"] == [{"partition": {"account_id": "primary", "platform": "facebook"}, "cursor": {"date": TODAY}}]


# ================================================================================================ post_analytics
class TestPostAnalyticsIncremental(_AyrshareTestCase):
    STREAM = "post_analytics"

    @HttpMocker()
    def test_history_window_then_one_analytics_request_per_published_post(self, http_mocker: HttpMocker) -> None:
        """start_date 11-20: ONE /history request for 2026-11-20T00:00:00Z..now (lastDays=4, limit=500), then one
        POST /analytics/post per post that reached a network. p3 failed to publish: its analytics request is left
        unmocked, so asking for it would fail the read. The X thread gives one record per tweet, in order."""
        history = AyrshareRequestBuilder.history("2026-11-20T00:00:00Z", NOW, last_days=4).build()
        http_mocker.get(
            history,
            history_response(
                HistoryPostBuilder("p1", "2026-11-21T09:00:00Z", ["facebook", "twitter"]),
                HistoryPostBuilder("p2", "2026-11-22T09:00:00Z", ["facebook"]),
                HistoryPostBuilder("p3", "2026-11-22T10:00:00Z", ["linkedin"]).failed(),
            ),
        )
        p1 = AyrshareRequestBuilder.post_analytics("p1").build()
        p2 = AyrshareRequestBuilder.post_analytics("p2").build()
        http_mocker.post(
            p1,
            post_analytics_response(
                "p1",
                facebook=facebook_post_entry(native_id="104923907983682_1", likes=12),
                twitter=[tweet_entry("1288968500063775749", "1/2", likes=4, impressions=300), tweet_entry("1288968500063775750", "2/2", likes=2, impressions=120)],
            ),
        )
        http_mocker.post(p2, post_analytics_response("p2", facebook=facebook_post_entry(native_id="104923907983682_2", likes=30)))

        output = _read(ConfigBuilder().with_start_date("2026-11-20").build(), self.STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(history, 1)
        http_mocker.assert_number_of_calls(p1, 1)
        http_mocker.assert_number_of_calls(p2, 1)
        records = sorted(_records(output), key=lambda r: (r["post_id"], r["platform"], r["thread_position"]))
        assert [(r["post_id"], r["platform"], r["platform_post_id"], r["thread_position"]) for r in records] == [
            ("p1", "facebook", "104923907983682_1", 1),
            ("p1", "x", "1288968500063775749", 1),
            ("p1", "x", "1288968500063775750", 2),
            ("p2", "facebook", "104923907983682_2", 1),
        ]
        tweet_2 = records[2]
        assert (tweet_2["likes"], tweet_2["impressions"], tweet_2["comments"], tweet_2["shares"]) == (2, 120, 1, 2)
        assert tweet_2.get("reach") is None and tweet_2.get("saves") is None
        assert records[0]["likes"] == 12 and records[0]["reach"] == 540
        assert all(r["account_id"] == "primary" for r in records)
        assert {r["post_id"]: r["published_at"] for r in records} == {"p1": "2026-11-21T09:00:00Z", "p2": "2026-11-22T09:00:00Z"}
        assert all(r["metric_errors"] == [] for r in records)

    @HttpMocker()
    def test_a_post_gone_at_the_network_is_skipped_with_one_warning_naming_it(self, http_mocker: HttpMocker) -> None:
        """gone answers HTTP 404 code 186: no record for it, no failure, ONE WARN naming the post id (none at
        INFO), and kept's records still come; the 404 is not retried."""
        http_mocker.get(
            AyrshareRequestBuilder.history("2026-11-20T00:00:00Z", NOW, last_days=4).build(),
            history_response(HistoryPostBuilder("kept", "2026-11-21T09:00:00Z"), HistoryPostBuilder("gone8IT96IYEodNu", "2026-11-22T09:00:00Z")),
        )
        http_mocker.post(AyrshareRequestBuilder.post_analytics("kept").build(), post_analytics_response("kept", facebook=facebook_post_entry()))
        gone = AyrshareRequestBuilder.post_analytics("gone8IT96IYEodNu").build()
        http_mocker.post(gone, error_response(404, 186, "Post ID not found.", id="gone8IT96IYEodNu"))

        output = _read(ConfigBuilder().with_start_date("2026-11-20").build(), self.STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(gone, 1)
        assert [r["post_id"] for r in _records(output)] == ["kept"]
        warnings = _logs(output, Level.WARN, "Skipping Ayrshare post gone8IT96IYEodNu")
        assert len(warnings) == 1
        assert "code 186" in warnings[0]
        assert _logs(output, Level.INFO, "Skipping Ayrshare post") == []

    @HttpMocker()
    def test_state_after_the_read_and_the_next_sync_starts_from_it_minus_lookback(self, http_mocker: HttpMocker) -> None:
        """First read: the state records the newest post listed (11-22T09:00). Second read with that state and a
        3-day lookback asks /history only from 11-19T09:00:00Z (lastDays=5), not from start_date 11-14."""
        config = ConfigBuilder().with_start_date("2026-11-14").with_lookback_days(3).build()
        http_mocker.get(
            AyrshareRequestBuilder.history("2026-11-14T00:00:00Z", "2026-11-20T23:59:59Z", last_days=10).build(),
            history_response(HistoryPostBuilder("p1", "2026-11-15T09:00:00Z")),
        )
        http_mocker.get(
            AyrshareRequestBuilder.history("2026-11-21T00:00:00Z", NOW, last_days=3).build(),
            history_response(HistoryPostBuilder("p2", "2026-11-22T09:00:00Z")),
        )
        http_mocker.post(AyrshareRequestBuilder.post_analytics("p1").build(), post_analytics_response("p1", facebook=facebook_post_entry(native_id="fb1")))
        p2 = AyrshareRequestBuilder.post_analytics("p2").build()
        http_mocker.post(p2, post_analytics_response("p2", facebook=facebook_post_entry(native_id="fb2")))

        first = _read(config, self.STREAM)

        assert sorted(r["post_id"] for r in _records(first)) == ["p1", "p2"]
        final = first.most_recent_state.stream_state.__dict__
        assert final["state"] == {"published_at": "2026-11-22T09:00:00Z"}
        assert final["parent_state"]["ayrshare_history"]["state"] == {"published_at": "2026-11-22T09:00:00Z"}

        second_history = AyrshareRequestBuilder.history("2026-11-19T09:00:00Z", NOW, last_days=5).build()
        http_mocker.get(second_history, history_response(HistoryPostBuilder("p2", "2026-11-22T09:00:00Z")))
        state = StateBuilder().with_stream_state(self.STREAM, final).build()

        second = _read(config, self.STREAM, state)

        http_mocker.assert_number_of_calls(second_history, 1)
        http_mocker.assert_number_of_calls(p2, 2)
        assert [r["post_id"] for r in _records(second)] == ["p2"]


class TestHistoryWindowSplitting(_AyrshareTestCase):
    STREAM = "post_analytics"

    @HttpMocker()
    def test_a_full_history_window_is_read_again_in_two_halves(self, http_mocker: HttpMocker) -> None:
        """11-16..11-22 (one 7-day window) answers 500 posts, the limit: the list may be cut, so the connector asks
        again for 11-16T00:00:00..11-19T11:59:59 and 11-19T12:00:00..11-22T23:59:59. The posts of both halves are
        read (one analytics request each). The 500 of the full answer count toward the limit but never reached a
        network, so that without the split the read ends at once with no record instead of retrying 500 unmocked
        analytics requests."""
        config = ConfigBuilder().with_start_date("2026-11-16").with_end_date("2026-11-22").build()
        full = AyrshareRequestBuilder.history("2026-11-16T00:00:00Z", "2026-11-22T23:59:59Z", last_days=8).build()
        first_half = AyrshareRequestBuilder.history("2026-11-16T00:00:00Z", "2026-11-19T11:59:59Z", last_days=8).build()
        second_half = AyrshareRequestBuilder.history("2026-11-19T12:00:00Z", "2026-11-22T23:59:59Z", last_days=5).build()
        http_mocker.get(full, history_response(*[HistoryPostBuilder(f"full{i:03d}", f"2026-11-17T{i // 60 % 24:02d}:{i % 60:02d}:00Z").failed() for i in range(500)]))
        http_mocker.get(first_half, history_response(HistoryPostBuilder("early", "2026-11-17T09:00:00Z")))
        http_mocker.get(second_half, history_response(HistoryPostBuilder("late", "2026-11-21T09:00:00Z")))
        for post_id in ("early", "late"):
            http_mocker.post(AyrshareRequestBuilder.post_analytics(post_id).build(), post_analytics_response(post_id, facebook=facebook_post_entry(native_id=f"fb-{post_id}")))

        output = _read(config, self.STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(full, 1)
        http_mocker.assert_number_of_calls(first_half, 1)
        http_mocker.assert_number_of_calls(second_half, 1)
        assert sorted(r["post_id"] for r in _records(output)) == ["early", "late"]


# ================================================================================================ profile keys
class TestProfileKeys(_AyrshareTestCase):
    @HttpMocker()
    def test_each_profile_is_read_with_its_key_and_records_carry_only_its_hash(self, http_mocker: HttpMocker) -> None:
        """Two profile keys: one /analytics/links request per key, each with its Profile-Key header (a request
        with the wrong key matches no mock). Records and state carry account_id profile-<sha256[:12]>, and neither
        key appears anywhere in the output: records, state, logs, traces."""
        request_a = AyrshareRequestBuilder.links(last_days=10).with_profile_key(PROFILE_KEY_A).build()
        request_b = AyrshareRequestBuilder.links(last_days=10).with_profile_key(PROFILE_KEY_B).build()
        http_mocker.get(request_a, links_response(LinkBuilder(short_link="https://ayr.app/l/aaa")))
        http_mocker.get(request_b, links_response(LinkBuilder(short_link="https://ayr.app/l/bbb")))

        output = _read(ConfigBuilder().with_profile_keys([PROFILE_KEY_A, PROFILE_KEY_B]).build(), "link_analytics")

        http_mocker.assert_number_of_calls(request_a, 1)
        http_mocker.assert_number_of_calls(request_b, 1)
        assert {r["short_link"]: r["account_id"] for r in _records(output)} == {
            "https://ayr.app/l/aaa": "profile-896bf6b2e79f",
            "https://ayr.app/l/bbb": _account_id(PROFILE_KEY_B),
        }
        assert {s["partition"]["account_id"] for s in _states(output, "link_analytics")[-1]["states"]} == {
            _account_id(PROFILE_KEY_A), _account_id(PROFILE_KEY_B)
        }
        text = _all_messages_as_text(output)
        assert PROFILE_KEY_A not in text and PROFILE_KEY_B not in text
        assert API_KEY not in text
        records_and_state = json.dumps([r for r in _records(output)]) + json.dumps(_states(output, "link_analytics"))
        assert "****" not in records_and_state  # not merely masked on the way out: never put there

    @HttpMocker()
    def test_post_analytics_asks_each_profiles_posts_with_that_profiles_key(self, http_mocker: HttpMocker) -> None:
        """/history and /analytics/post are both sent with the profile's own key: post pa of profile A is
        mocked only for key A, so a request with B's key (or none) would find no mock."""
        for key, post_id in ((PROFILE_KEY_A, "pa"), (PROFILE_KEY_B, "pb")):
            http_mocker.get(
                AyrshareRequestBuilder.history("2026-11-20T00:00:00Z", NOW, last_days=4).with_profile_key(key).build(),
                history_response(HistoryPostBuilder(post_id, "2026-11-21T09:00:00Z")),
            )
            http_mocker.post(
                AyrshareRequestBuilder.post_analytics(post_id).with_profile_key(key).build(),
                post_analytics_response(post_id, facebook=facebook_post_entry(native_id=f"fb-{post_id}")),
            )

        output = _read(ConfigBuilder().with_start_date("2026-11-20").with_profile_keys([PROFILE_KEY_A, PROFILE_KEY_B]).build(), "post_analytics")

        assert not output.errors
        assert {r["post_id"]: r["account_id"] for r in _records(output)} == {"pa": _account_id(PROFILE_KEY_A), "pb": _account_id(PROFILE_KEY_B)}
        text = _all_messages_as_text(output)
        assert PROFILE_KEY_A not in text and PROFILE_KEY_B not in text

    @HttpMocker()
    def test_without_profile_keys_no_profile_key_header_is_sent(self, http_mocker: HttpMocker) -> None:
        """The primary profile is the account itself: a Profile-Key header (even an empty or "None" one) would
        address another profile, so none may be sent."""
        http_mocker.get(AyrshareRequestBuilder.links(last_days=10).build(), links_response(LinkBuilder()))

        output = _read(ConfigBuilder().build(), "link_analytics")

        assert [r["account_id"] for r in _records(output)] == ["primary"]
        headers = _sent_headers(http_mocker)
        assert len(headers) == 1
        assert "Profile-Key" not in headers[0]
        assert headers[0]["Authorization"] == f"Bearer {API_KEY}"


# ================================================================================================ errors
class TestErrorHandling(_AyrshareTestCase):
    @HttpMocker()
    def test_401_is_a_config_error_naming_the_api_key_and_is_not_retried(self, http_mocker: HttpMocker) -> None:
        """A rejected key cannot heal by waiting: exactly 1 call, a config_error trace naming provider.api_key and
        carrying the vendor's message, no record, no sleep."""
        request = AyrshareRequestBuilder.links(last_days=10).build()
        http_mocker.get(request, error_response(401, 102, "API Key not valid."))

        output = _read(ConfigBuilder().build(), "link_analytics")

        http_mocker.assert_number_of_calls(request, 1)
        assert _records(output) == []
        stream_errors = [e.trace.error for e in output.errors if e.trace.error.stream_descriptor is not None]
        assert len(stream_errors) == 1
        assert stream_errors[0].failure_type == FailureType.config_error
        assert stream_errors[0].stream_descriptor.name == "link_analytics"
        assert "provider.api_key" in stream_errors[0].message
        assert "HTTP 401: API Key not valid." in stream_errors[0].message
        assert not [c for c in self.sleep.call_args_list if c.args and c.args[0] > 0]

    @HttpMocker()
    def test_503_twice_then_200_reads_the_records_after_3_calls(self, http_mocker: HttpMocker) -> None:
        """Two 503s are retried with backoff (sleep patched); the third answer's record is read, no error."""
        request = AyrshareRequestBuilder.links(last_days=10).build()
        http_mocker.get(
            request,
            [error_response(503, 500, "Service unavailable"), error_response(503, 500, "Service unavailable"), links_response(LinkBuilder())],
        )

        output = _read(ConfigBuilder().build(), "link_analytics")

        http_mocker.assert_number_of_calls(request, 3)
        assert not output.errors
        assert [r["short_link"] for r in _records(output)] == ["https://ayr.app/l/Nz3L"]
        assert len([c for c in self.sleep.call_args_list if c.args and c.args[0] > 0]) == 2

    @HttpMocker()
    def test_a_truncated_200_is_retried_then_fails_the_stream_without_moving_its_state(self, http_mocker: HttpMocker) -> None:
        """A 200 whose JSON is cut off is not an empty answer: 1 call + 5 retries = 6, then the stream fails
        with a message naming /analytics/social, and no STATE moves social_statistics past the saved 11-20."""
        request = AyrshareRequestBuilder.social("instagram").build()
        http_mocker.post(request, truncated_response())
        saved = {
            "use_global_cursor": False,
            "states": [{"partition": {"account_id": "primary", "platform": "instagram"}, "cursor": {"date": "2026-11-20"}}],
            "state": {"date": "2026-11-20"},
            "lookback_window": 0,
        }
        state = StateBuilder().with_stream_state("social_statistics", saved).build()

        output = _read(ConfigBuilder().with_platforms(["instagram"]).build(), "social_statistics", state)

        http_mocker.assert_number_of_calls(request, 6)
        assert _records(output) == []
        stream_errors = [e.trace.error for e in output.errors if e.trace.error.stream_descriptor is not None]
        assert len(stream_errors) == 1
        assert stream_errors[0].stream_descriptor.name == "social_statistics"
        assert "/analytics/social" in stream_errors[0].message
        assert "not JSON" in stream_errors[0].message
        cursors = [entry["cursor"]["date"] for s in _states(output, "social_statistics") for entry in s.get("states", [])]
        cursors += [s["state"]["date"] for s in _states(output, "social_statistics") if "state" in s]
        assert cursors and all(cursor <= "2026-11-20" for cursor in cursors), cursors

    @HttpMocker()
    def test_429_with_retry_after_waits_what_the_vendor_asked_not_the_backoff(self, http_mocker: HttpMocker) -> None:
        """429 with ``Retry-After: 1``: the one wait is the header's 1 s (+ the CDK's fixed 1 s margin = 2.0),
        not the exponential backoff's 10 s; the retry's record is read (2 calls)."""
        request = AyrshareRequestBuilder.links(last_days=10).build()
        http_mocker.get(
            request,
            [error_response(429, 429, "Too many requests.", headers={"Retry-After": "1"}), links_response(LinkBuilder())],
        )

        output = _read(ConfigBuilder().build(), "link_analytics")

        http_mocker.assert_number_of_calls(request, 2)
        assert not output.errors
        assert len(_records(output)) == 1
        waits = [c.args[0] for c in self.sleep.call_args_list if c.args and c.args[0] > 0]
        # the retry's wait (the header's 1 s + the CDK's 1 s), and no other longer: the profile's rate unit pauses for
        # the same 1 s (it waits again here only because the patched sleep lets no time pass), never the backoff's 10 s
        assert waits[0] == 2.0 and max(waits) <= 2.0, waits
