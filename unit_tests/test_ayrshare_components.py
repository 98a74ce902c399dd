"""Ayrshare extractors on the vendor's real payload shapes (seed 004, api-notes §1)."""
import json

import pytest
import requests

from source_social_analytics.providers.ayrshare import (
    AyrshareHistoryExtractor,
    AyrshareLinkExtractor,
    AyrsharePostAnalyticsExtractor,
    AyrshareSocialExtractor,
)
from source_social_analytics.components.metrics import METRIC_COLUMNS
from unit_tests.payloads import extract_with, json_response

CONFIG = {"provider": {"provider_type": "ayrshare", "api_key": "k"}}


def response(body) -> requests.Response:
    return json_response(body, "https://app.ayrshare.com/api/test")


def extract(extractor_class, body, config=CONFIG):
    return extract_with(extractor_class, body, config, "https://app.ayrshare.com/api/test")


class TestHistory:
    CURRENT = {
        "history": [
            {
                "id": "rhn6u7wwz2WxGv6MZGK9",
                "post": "This is the post I sent",
                "platforms": ["twitter", "facebook"],
                "postIds": [
                    {"status": "success", "id": "1288968500063775749", "platform": "twitter", "postUrl": "https://twitter.com/x"},
                    {"status": "error", "platform": "facebook"},
                ],
                "errors": [],
                "type": "now",
                "created": "2022-05-20T17:25:06Z",
                "status": "success",
                "scheduleDate": {"_seconds": 1604578889, "_nanoseconds": 211000000, "utc": "2020-11-05T12:21:29Z"},
            },
            {
                "id": "second",
                "platforms": ["instagram"],
                "postIds": [{"status": "success", "id": "1789", "platform": "instagram"}],
                "created": "2022-05-21T08:00:00Z",
                "status": "success",
                "scheduleDate": "2022-05-22T09:30:00.000Z",
            },
            {"id": "failed", "platforms": ["linkedin"], "postIds": [], "created": "2022-05-23T08:00:00Z", "status": "error"},
        ]
    }

    def test_publish_date_is_created_for_an_immediate_post_and_the_schedule_date_for_a_scheduled_one(self):
        posts = extract(AyrshareHistoryExtractor, self.CURRENT)
        assert [p["id"] for p in posts] == ["rhn6u7wwz2WxGv6MZGK9", "second", "failed"]
        assert posts[0]["published_at"] == "2022-05-20T17:25:06Z"  # "type": "now": created, not the docs' odd scheduleDate
        assert posts[1]["published_at"] == "2022-05-22T09:30:00Z"  # no type, a plain ISO scheduleDate

    def test_both_schedule_date_forms_of_a_scheduled_post(self):
        firestore = {"id": "s1", "type": "scheduled", "created": "2022-05-20T17:25:06Z", "platforms": ["x"], "status": "success",
                     "scheduleDate": {"_seconds": 1604578889, "_nanoseconds": 211000000, "utc": "2020-11-05T12:21:29Z"}}
        plain = {**firestore, "id": "s2", "scheduleDate": "2020-11-05T12:21:29.000Z"}
        assert [p["published_at"] for p in extract(AyrshareHistoryExtractor, {"history": [firestore, plain]})] == ["2020-11-05T12:21:29Z"] * 2

    def test_only_platforms_that_succeeded_count_as_published(self):
        posts = extract(AyrshareHistoryExtractor, self.CURRENT)
        assert posts[0]["published_platforms"] == ["twitter"]
        assert posts[2]["published_platforms"] == []

    def test_legacy_top_level_array_with_create_date(self):
        legacy = [
            {"id": "old1", "platforms": ["facebook"], "status": "success",
             "create_date": {"_seconds": 1601215211, "_nanoseconds": 413000000}},
        ]
        posts = extract(AyrshareHistoryExtractor, legacy)
        assert posts == [{
            "id": "old1", "published_at": "2020-09-27T14:00:11Z", "platforms": ["facebook"],
            "published_platforms": ["facebook"], "status": "success",
        }]

    def test_created_is_used_when_not_scheduled(self):
        posts = extract(AyrshareHistoryExtractor, {"history": [{"id": "a", "created": "2026-11-01T10:00:00Z", "status": "success"}]})
        assert posts[0]["published_at"] == "2026-11-01T10:00:00Z"


class TestPostAnalytics:
    BODY = {
        "status": "success",
        "id": "eIT96IYEodNuzU4oMmwG",
        "facebook": {
            "id": "104923907983682_108683297607743",
            "postUrl": "https://www.facebook.com/104923907983682_108683297607743",
            "analytics": {"commentsCount": 3, "likeCount": 12, "sharesCount": 1, "impressionsUnique": 540,
                          "reactions": {"like": 10, "total": 12}, "videoViews": 0},
            "lastUpdated": "2024-05-01T12:00:00.000Z",
        },
        "instagram": {
            "id": "17895695668004550",
            "postUrl": "https://www.instagram.com/p/Cabc123/",
            "analytics": {"likeCount": 40, "commentsCount": 5, "savedCount": 2, "reachCount": 900, "viewsCount": 1100},
        },
        "twitter": [
            {"id": "1288968500063775749", "postUrl": "https://twitter.com/brand/status/1288968500063775749",
             "analytics": {"publicMetrics": {"likeCount": 4, "quoteCount": 0, "replyCount": 1, "retweetCount": 2, "impressionCount": 300}}},
            {"id": "1288968500063775750", "postUrl": "https://twitter.com/brand/status/1288968500063775750",
             "analytics": {"publicMetrics": {"likeCount": 1, "quoteCount": 0, "replyCount": 0, "retweetCount": 0}}},
        ],
        "tiktok": {"postUrl": "https://www.tiktok.com/@brand/video/7123",
                   "analytics": {"itemId": "7123", "likeCount": 20, "commentsCount": 2, "shareCount": 1, "videoViews": 800}},
    }

    def test_one_record_per_destination_and_per_tweet_of_a_thread(self):
        records = extract(AyrsharePostAnalyticsExtractor, self.BODY)
        keys = [(r["platform"], r["platform_post_id"], r["thread_position"]) for r in records]
        assert keys == [
            ("facebook", "104923907983682_108683297607743", 1),
            ("instagram", "17895695668004550", 1),
            ("x", "1288968500063775749", 1),
            ("x", "1288968500063775750", 2),
            ("tiktok", "7123", 1),  # TikTok has no top-level id: its itemId is the network's id
        ]
        assert all(r["post_id"] == "eIT96IYEodNuzU4oMmwG" for r in records)

    def test_with_platforms_chosen_only_their_entries_are_records(self):
        # provider.platforms ["x", "tiktok"] -> _request_platforms ["tiktok", "twitter"] (AyrshareDerivedConfig)
        config = {"provider": {"provider_type": "ayrshare", "_request_platforms": ["tiktok", "twitter"]}}
        body = {**self.BODY, "errors": [{"status": "error", "code": 161, "message": "expired", "platform": "linkedin"}]}
        records = extract_with(AyrsharePostAnalyticsExtractor, body, config, "https://app.ayrshare.com/api/analytics/post")
        assert [(r["platform"], r["thread_position"]) for r in records] == [("x", 1), ("x", 2), ("tiktok", 1)]

    def test_contract_mappings(self):
        by_platform = {(r["platform"], r["thread_position"]): r for r in extract(AyrsharePostAnalyticsExtractor, self.BODY)}
        instagram = by_platform[("instagram", 1)]
        assert (instagram["likes"], instagram["comments"], instagram["saves"], instagram["reach"]) == (40, 5, 2, 900)
        tweet = by_platform[("x", 1)]
        assert (tweet["likes"], tweet["comments"], tweet["shares"], tweet["quotes"], tweet["impressions"]) == (4, 1, 2, 0, 300)
        assert by_platform[("facebook", 1)]["video_views"] == 0  # a real zero from the vendor stays 0

    def test_missing_metrics_are_none_never_zero(self):
        records = {(r["platform"], r["thread_position"]): r for r in extract(AyrsharePostAnalyticsExtractor, self.BODY)}
        second_tweet = records[("x", 2)]
        assert second_tweet["impressions"] is None  # X sends no impressionCount for it
        instagram = records[("instagram", 1)]
        for column in ("impressions", "shares", "bookmarks", "video_watch_time_ms", "clicks"):
            assert instagram[column] is None
        assert set(METRIC_COLUMNS) <= set(instagram)

    def test_raw_metrics_kept_and_no_errors(self):
        record = extract(AyrsharePostAnalyticsExtractor, self.BODY)[0]
        assert record["raw_metrics"] == self.BODY["facebook"]["analytics"]
        assert record["metric_errors"] == []
        assert record["vendor_updated_at"] == "2024-05-01T12:00:00Z"

    def test_platform_that_failed_is_a_record_with_its_error_not_a_silent_gap(self):
        body = {"status": "error", "id": "p1",
                "linkedin": {"status": "error", "code": 161, "message": "LinkedIn authorization expired"}}
        [record] = extract(AyrsharePostAnalyticsExtractor, body)
        assert record["platform"] == "linkedin"
        assert record["metric_errors"] == [{"metric": "*", "error": "LinkedIn authorization expired (code 161)"}]
        assert all(record[c] is None for c in METRIC_COLUMNS)

    def test_errors_array_form(self):
        body = {"status": "error", "id": "p2", "errors": [{"action": "analytics", "status": "error", "code": 272, "message": "X authorization", "platform": "twitter"}]}
        [record] = extract(AyrsharePostAnalyticsExtractor, body)
        assert (record["platform"], record["metric_errors"][0]["error"]) == ("x", "X authorization (code 272)")


class TestLinks:
    BODY = [
        {
            "linkEventStats": [
                {"count": "6", "event": "CLICK", "platform": "OTHER"},
                {"count": "1", "event": "CLICK", "platform": "IOS"},
                {"count": "3", "event": "REDIRECT", "platform": "IOS"},
            ],
            "link": "https://bookriot.com/book-riots-deals-of-the-day-for-september-27-2020/",
            "shortLink": "https://ayr.app/l/Nz3L",
            "created": {"_seconds": 1601215211, "_nanoseconds": 413000000},
        }
    ]

    def test_string_counts_become_integers_and_clicks_sum_click_events(self):
        [record] = extract(AyrshareLinkExtractor, self.BODY)
        assert record["clicks"] == 7
        assert record["event_stats"] == [
            {"event": "CLICK", "platform": "OTHER", "count": 6},
            {"event": "CLICK", "platform": "IOS", "count": 1},
            {"event": "REDIRECT", "platform": "IOS", "count": 3},
        ]

    def test_firestore_timestamp_becomes_iso_utc(self):
        [record] = extract(AyrshareLinkExtractor, self.BODY)
        assert record["created_at"] == "2020-09-27T14:00:11Z"
        assert record["short_link"] == "https://ayr.app/l/Nz3L"

    def test_no_event_stats_means_unknown_clicks(self):
        [record] = extract(AyrshareLinkExtractor, [{"shortLink": "https://ayr.app/l/x", "created": {"_seconds": 1}}])
        assert record["clicks"] is None and record["event_stats"] == []

    def test_events_without_clicks_are_a_real_zero(self):
        [record] = extract(AyrshareLinkExtractor, [{"shortLink": "s", "linkEventStats": [], "created": {"_seconds": 1}}])
        assert record["clicks"] == 0


class TestSocial:
    BODY = {
        "status": "success",
        "instagram": {"analytics": {"followersCount": 5120, "followsCount": 180, "mediaCount": 240,
                                    "impressionsCount": 15000, "reachCount": 9000}},
        "linkedin": {"analytics": {"impressionCount": 4200, "engagement": 0.053,
                                   "followers": {"organicFollowerCount": 2300, "paidFollowerCount": 5}}},
        "youtube": {"analytics": {"subscriberCount": 1500, "videoCount": 42, "views": 3100, "estimatedMinutesWatched": 2}},
        "twitter": {"analytics": {"followersCount": 10, "tweetCount": 99}},
        "errors": [{"action": "analytics", "status": "error", "code": 156, "message": "gmb is not linked", "platform": "gmb"}],
    }

    def test_followers_following_posts_and_raw(self):
        records = {r["platform"]: r for r in extract(AyrshareSocialExtractor, self.BODY)}
        assert set(records) == {"instagram", "linkedin", "youtube", "x"}
        assert (records["instagram"]["followers"], records["instagram"]["following"], records["instagram"]["posts"]) == (5120, 180, 240)
        assert records["linkedin"]["followers"] == 2305
        assert records["linkedin"]["engagement"] is None  # a rate, kept in raw only
        assert records["linkedin"]["raw"]["engagement"] == 0.053
        assert records["youtube"]["followers"] == 1500 and records["youtube"]["video_watch_time_ms"] == 120000
        assert records["x"]["following"] is None

    def test_unlinked_platform_named_by_the_user_is_a_warning(self, caplog):
        config = {"provider": {"provider_type": "ayrshare", "api_key": "k", "platforms": ["gmb", "instagram"]}}
        with caplog.at_level("INFO", logger="airbyte"):
            extract(AyrshareSocialExtractor, self.BODY, config)
        [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
        assert "gmb" in warning.getMessage() and "provider.platforms" in warning.getMessage()

    def test_unlinked_platform_not_asked_for_by_name_is_only_info(self, caplog):
        with caplog.at_level("INFO", logger="airbyte"):
            extract(AyrshareSocialExtractor, self.BODY)
        assert not [r for r in caplog.records if r.levelname == "WARNING"]
        assert any("gmb" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", [None, "oops", {"status": "success"}])
def test_extractors_tolerate_empty_bodies(body):
    for extractor in (AyrshareHistoryExtractor, AyrsharePostAnalyticsExtractor, AyrshareLinkExtractor, AyrshareSocialExtractor):
        assert extract(extractor, body) == []



def test_only_network_keys_of_a_post_answer_become_records():
    """An object that is not a network (a `meta` block) gives no bogus all-null record."""
    body = {"status": "success", "id": "p1", "meta": {"requestId": "r1"},
            "instagram": {"id": "17895", "postUrl": "https://instagram.com/p/x", "analytics": {"likeCount": 3}}}
    records = extract(AyrsharePostAnalyticsExtractor, body)
    assert [(r["platform"], r["likes"]) for r in records] == [("instagram", 3)]


def test_a_firestore_timestamp_without_underscores_is_read():
    from source_social_analytics.components.dates import to_utc_iso

    assert to_utc_iso({"seconds": 1601215211, "nanoseconds": 413000000}) == "2020-09-27T14:00:11Z"
