"""Ayrshare's native-post and playlist components on the vendor's payload shapes (api-notes-2 §1.1, §1.2, §2)."""
import logging

import pytest
from airbyte_cdk.sources.types import StreamSlice

from source_social_analytics.components.metrics import zeros_as_unknown
from source_social_analytics.config import ConfigError, validate_config
from source_social_analytics.providers.ayrshare import (
    HISTORY_PLATFORMS,
    AyrshareDerivedConfig,
    AyrshareNativePostsExtractor,
    AyrshareNativePostsFilter,
    AyrshareNativeRecordFields,
    AyrshareNativeStateMigration,
    AyrsharePlaylistsExtractor,
    AyrshareSentPostsExtractor,
)
from unit_tests.payloads import extract_with

CONFIG = {"provider": {"provider_type": "ayrshare", "api_key": "k", "_native_platforms": ["facebook", "instagram", "twitter"]}}


def page(platform, posts, **extra):
    body = {"status": "success", "posts": posts, "lastUpdated": "2023-01-18T03:09:59.757Z", "nextUpdate": "2023-01-18T03:42:29.757Z", **extra}
    return extract_with(AyrshareNativePostsExtractor, body, CONFIG, f"https://app.ayrshare.com/api/history/{platform}")


class TestNativePostsExtractor:
    FACEBOOK = {  # the docs' example (api-notes-2 §1.1)
        "id": "104619420979033_758005082307127", "created": "2022-06-14T23:43:21Z", "post": "Launch day!",
        "postUrl": "https://www.facebook.com/104619420979033_758005082307127", "commentsCount": 13, "likeCount": 38,
        "sharesCount": 2, "isPopular": False, "statusType": "added_photos", "clicksUnique": 31, "engagedUsers": 3,
        "impressionsUnique": 0, "fullPicture": "https://scontent.example/p.jpg",
        "likedBy": [{"id": "7101149746568432", "name": "John Smith"}], "lastUpdated": "2022-06-14T23:43:38.359Z",
    }

    def test_a_facebook_post_of_the_docs_with_its_inline_metrics(self):
        [record] = page("facebook", [self.FACEBOOK])
        assert record["platform"] == "facebook" and record["platform_post_id"] == "104619420979033_758005082307127"
        assert record["published_at"] == "2022-06-14T23:43:21Z" and record["vendor_updated_at"] == "2022-06-14T23:43:38Z"
        assert (record["likes"], record["comments"], record["shares"], record["clicks"], record["engagement"], record["reach"]) == (38, 13, 2, 31, 3, 0)
        assert record["impressions"] is None and record["saves"] is None  # not sent: null, never 0
        assert record["raw_metrics"]["statusType"] == "added_photos" and "likedBy" not in record["raw_metrics"]
        assert record["metric_errors"] == []

    def test_the_other_documented_shapes(self):
        linkedin = {"id": "urn:li:share:6504", "created": "2026-03-01T10:00:00Z", "publishedAt": 1772359200000, "lastModified": 1772359300000,
                    "post": "x", "postUrl": "https://www.linkedin.com/feed/update/urn:li:share:6504", "status": "PUBLISHED", "visibility": "PUBLIC",
                    "impressionCount": 410, "uniqueImpressionsCount": 336, "likeCount": 12, "commentCount": 2, "shareCount": 1,
                    "clickCount": 9, "engagement": 0.058}
        bluesky = {"id": "at://did:plc:abc/app.bsky.feed.post/3k2", "cid": "bafyrei", "created": "2026-03-02T10:00:00Z", "post": "y",
                   "postUrl": "https://bsky.app/profile/brand/post/3k2", "likeCount": 5, "replyCount": 1, "repostCount": 2, "quoteCount": 0}
        [li] = page("linkedin", [linkedin])
        assert (li["impressions"], li["reach"], li["likes"], li["clicks"], li["engagement"]) == (410, 336, 12, 9, None)  # a rate stays raw
        [bs] = page("bluesky", [bluesky])
        assert bs["platform_post_id"] == "at://did:plc:abc/app.bsky.feed.post/3k2" and (bs["likes"], bs["shares"], bs["quotes"]) == (5, 2, 0)

    def test_a_post_without_metrics_has_no_raw_metrics_so_it_is_asked_by_social_id(self):
        threads = {"id": "908439228496650771", "text": "t", "timestamp": "2026-11-28T08:46:00+0000",
                   "permalink": "https://www.threads.net/@brand/post/COSg", "mediaProductType": "THREADS"}
        youtube = {"id": "0e94c7edb22", "created": "2026-11-25T15:16:00Z", "post": "v", "postUrl": "https://youtu.be/0e94c7edb22"}
        [th] = page("threads", [threads])
        assert th["published_at"] == "2026-11-28T08:46:00Z" and th["post_url"] == "https://www.threads.net/@brand/post/COSg"
        assert th["raw_metrics"] is None and th["likes"] is None
        [yt] = page("youtube", [youtube])
        assert yt["raw_metrics"] is None

    def test_an_x_post_is_x_and_zeros_of_youtube_are_unknown(self):
        tweet = {"id": "1288968500063775749", "created": "2026-11-21T10:00:00.000Z", "postUrl": "https://twitter.com/b/status/1",
                 "publicMetrics": {"likeCount": 4, "quoteCount": 0, "replyCount": 1, "retweetCount": 2, "impressionCount": 300}}
        [x] = page("twitter", [tweet])
        assert (x["platform"], x["likes"], x["comments"], x["shares"], x["impressions"]) == ("x", 4, 1, 2, 300)
        [yt] = page("youtube", [{"id": "v1", "created": "2026-11-21T10:00:00Z", "views": 0, "likes": 0, "comments": 0}])
        assert yt["views"] is None and yt["likes"] is None and yt["metric_errors"][0]["metric"] == "*"
        assert yt["raw_metrics"]["views"] == 0

    def test_a_post_without_an_id_or_a_date_is_left_out_and_a_top_level_array_is_read(self):
        body = [{"id": "1", "created": "2026-11-21T10:00:00Z", "likeCount": 1}, {"created": "2026-11-21T10:00:00Z"}, {"id": "3"}]
        records = extract_with(AyrshareNativePostsExtractor, body, CONFIG, "https://app.ayrshare.com/api/history/instagram")
        assert [r["platform_post_id"] for r in records] == ["1"]

    @pytest.mark.parametrize("body", [None, {"status": "success"}, {"status": "success", "posts": None}])
    def test_empty_answers(self, body):
        assert extract_with(AyrshareNativePostsExtractor, body, CONFIG, "https://app.ayrshare.com/api/history/instagram") == []


class TestSentPostsExtractor:
    HISTORY = {"history": [
        {"id": "rhn6u7wwz2WxGv6MZGK9", "status": "success", "platforms": ["twitter", "facebook"], "postIds": [
            {"status": "success", "id": "1288968500063775749", "platform": "twitter", "postUrl": "https://twitter.com/x"},
            {"status": "success", "id": "104923907983682_108683297607743", "platform": "facebook"},
        ]},
        {"id": "failed", "status": "error", "platforms": ["instagram"], "postIds": [{"status": "error", "platform": "instagram"}]},
        {"id": "gmb-only", "status": "success", "postIds": [{"status": "success", "id": "g1", "platform": "gmb"}]},
    ]}

    def test_one_record_per_native_list_with_the_ayrshare_ids_of_its_network_posts(self):
        records = extract_with(AyrshareSentPostsExtractor, self.HISTORY, CONFIG, "https://app.ayrshare.com/api/history")
        assert records == [
            {"platform": "facebook", "ayrshare_post_ids": {"104923907983682_108683297607743": "rhn6u7wwz2WxGv6MZGK9"}},
            {"platform": "instagram", "ayrshare_post_ids": {}},
            {"platform": "twitter", "ayrshare_post_ids": {"1288968500063775749": "rhn6u7wwz2WxGv6MZGK9"}},
        ]

    def test_the_legacy_array_is_read_and_a_full_answer_is_warned_about(self, caplog):
        items = [{"id": f"p{i}", "postIds": [{"status": "success", "id": f"n{i}", "platform": "instagram"}]} for i in range(500)]
        with caplog.at_level(logging.WARNING, logger="airbyte"):
            records = extract_with(AyrshareSentPostsExtractor, items, CONFIG, "https://app.ayrshare.com/api/history")
        assert len({r["platform"]: r for r in records}["instagram"]["ayrshare_post_ids"]) == 500
        assert any("500 posts, its limit" in r.getMessage() for r in caplog.records)


def test_record_fields_key_a_post_sent_through_ayrshare_by_its_ayrshare_id():
    fields = AyrshareNativeRecordFields(config=CONFIG, parameters={}, from_slice={"account_id": "partition.parent_slice.account_id"})
    stream_slice = StreamSlice(partition={"platform": "twitter", "parent_slice": {"account_id": "primary"}}, cursor_slice={},
                               extra_fields={"ayrshare_post_ids": {"1288": "rhn6"}})
    sent, made_on_x, made_on_ig = {"platform": "x", "platform_post_id": "1288"}, {"platform": "x", "platform_post_id": "9"}, {"platform": "instagram", "platform_post_id": "7"}
    for record in (sent, made_on_x, made_on_ig):
        fields.transform(record, stream_slice=stream_slice)
    assert (sent["post_id"], sent["published_via"], sent["thread_position"], sent["account_id"]) == ("rhn6", "ayrshare", 1, "primary")
    assert (made_on_x["post_id"], made_on_x["published_via"], made_on_x["thread_position"]) == ("9", "native", None)
    assert (made_on_ig["post_id"], made_on_ig["thread_position"]) == ("7", 1)


def test_the_filter_keeps_the_windows_posts_that_have_metrics():
    window = StreamSlice(partition={}, cursor_slice={"start_time": "2026-11-14T00:00:00Z", "end_time": "2026-11-23T12:00:00Z"})
    records = [
        {"published_at": "2026-11-20T00:00:00Z", "raw_metrics": {"likeCount": 1}},
        {"published_at": "2026-11-20T00:00:00Z", "raw_metrics": None},  # its analytics were refused
        {"published_at": "2026-11-10T00:00:00Z", "raw_metrics": {"likeCount": 1}},  # older than the window
    ]
    kept = list(AyrshareNativePostsFilter(config=CONFIG, parameters={}).filter_records(records, {}, window))
    assert kept == records[:1]


def test_a_state_saved_without_native_posts_is_dropped_and_a_native_one_kept():
    migration = AyrshareNativeStateMigration(config=CONFIG, parameters={})
    old = {"use_global_cursor": True, "state": {"published_at": "2026-11-22T09:00:00Z"}, "parent_state": {"ayrshare_history": {}}}
    native = {"use_global_cursor": False, "states": [{"partition": {"platform": "facebook"}, "cursor": {"published_at": "2026-11-22T09:00:00Z"}}]}
    assert migration.should_migrate(old) and migration.migrate(old) == {}
    assert not migration.should_migrate(native)


class TestPlaylistsExtractor:
    EXAMPLE = {  # the vendor's example (api-notes-2 §2)
        "status": "success", "channelId": "UCsp6CnxiNbUU0AJtuYKZw",
        "playLists": [{"averageTimeInPlaylist": 2.2, "averageViewDuration": 3.1, "description": "A great list",
                       "estimatedMinutesWatched": 21, "estimatedRedMinutesWatched": 23, "id": "PLcLpmVOb3fDaf7Mps",
                       "playlistStarts": 23, "thumbNail": {"url": "https://i.ytimg.com/vi/default.jpg", "width": 120, "height": 90},
                       "title": "Super Playlist", "views": 55, "viewsPerPlaylistStart": 32}],
        "lastUpdated": "2023-01-18T03:09:59.757Z", "nextUpdate": "2023-01-18T03:42:29.757Z",
    }

    def test_the_vendors_example(self):
        [record] = extract_with(AyrsharePlaylistsExtractor, self.EXAMPLE, CONFIG, "https://app.ayrshare.com/api/analytics/youTubePlaylists")
        assert record == {
            "playlist_id": "PLcLpmVOb3fDaf7Mps", "channel_id": "UCsp6CnxiNbUU0AJtuYKZw", "title": "Super Playlist",
            "description": "A great list", "thumbnail_url": "https://i.ytimg.com/vi/default.jpg", "views": 55,
            "estimated_minutes_watched": 21, "estimated_red_minutes_watched": 23, "average_view_duration": 3.1,
            "average_time_in_playlist": 2.2, "playlist_starts": 23, "views_per_playlist_start": 32,
            "vendor_updated_at": "2023-01-18T03:09:59Z", "raw": self.EXAMPLE["playLists"][0],
        }

    def test_lower_case_keys_missing_numbers_and_an_error_body(self, caplog):
        body = {"status": "success", "playlists": [{"id": "PL1", "thumbnail": {"url": "u"}, "views": "12"}]}
        [record] = extract_with(AyrsharePlaylistsExtractor, body, CONFIG, "https://x/api/analytics/youTubePlaylists")
        assert (record["views"], record["thumbnail_url"], record["playlist_starts"]) == (12, "u", None)
        with caplog.at_level(logging.WARNING, logger="airbyte"):
            error = {"action": "analytics", "status": "error", "code": 156, "message": "youtube is not linked."}
            assert extract_with(AyrsharePlaylistsExtractor, error, CONFIG, "https://x/api/analytics/youTubePlaylists") == []
        assert len([r for r in caplog.records if "YouTube playlists" in r.getMessage()]) == 1


class TestConfig:
    def derived(self, **provider):
        config = {"provider": {"provider_type": "ayrshare", "api_key": "k", **provider}}
        AyrshareDerivedConfig().transform(config)
        return config["provider"]

    def test_native_lists_only_when_asked_and_only_the_history_apis_networks(self):
        assert self.derived()["_native_platforms"] == []
        assert self.derived(native_posts=True)["_native_platforms"] == list(HISTORY_PLATFORMS)
        assert self.derived(native_posts=True, platforms=["x", "gmb", "youtube"])["_native_platforms"] == ["twitter", "youtube"]

    def test_playlists_are_read_unless_provider_platforms_leaves_youtube_out(self):
        assert self.derived()["_playlist_account_ids"] == ["primary"]
        assert self.derived(platforms=["youtube"])["_playlist_account_ids"] == ["primary"]
        assert self.derived(platforms=["instagram"])["_playlist_account_ids"] == []

    def test_native_posts_must_be_a_boolean(self):
        base = {"provider": {"provider_type": "ayrshare", "api_key": "k", "native_posts": "yes"}}
        with pytest.raises(ConfigError, match=r"`provider.native_posts`"):
            validate_config(base)
        assert validate_config({"provider": {"provider_type": "ayrshare", "api_key": "k", "native_posts": True}}).provider.native_posts is True


def test_all_zero_metrics_are_unknown_but_one_real_number_keeps_the_zeros():
    values = {"views": 0, "likes": 0, "reach": None}
    assert zeros_as_unknown(values) and values == {"views": None, "likes": None, "reach": None}
    values = {"views": 0, "likes": 3}
    assert not zeros_as_unknown(values) and values == {"views": 0, "likes": 3}
    assert not zeros_as_unknown({"views": None})
