"""Ayrshare with ``provider.native_posts`` (the networks' own post lists) and youtube_playlists, in process against
HttpMocker: the requests the connector sends, and what a user gets.

Today is frozen at 2026-11-23T12:00:00Z and start_date is 2026-11-14, so the native lists' window is
2026-11-14T00:00:00Z..2026-11-23T12:00:00Z on a first sync; ``time.sleep`` is patched. A request a test leaves
unmocked fails the read if the connector sends it: that is how "not asked" is asserted.
"""
from __future__ import annotations

from typing import Any, Dict, List

from airbyte_cdk.models import FailureType, Level, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from .ayrshare_builders import (
    AyrshareRequestBuilder,
    ConfigBuilder,
    HistoryPostBuilder,
    error_response,
    facebook_native_post,
    history_response,
    instagram_native_post,
    json_response,
    native_history_request,
    native_page,
    pinterest_native_post,
    playlists_request,
    playlists_response,
    sent_posts_request,
    social_id_request,
    with_native_posts,
    youtube_native_post,
    youtube_social_id_answer,
)
from .test_ayrshare import NOW, TODAY, _AyrshareTestCase, _logs, _read, _records, _states

STREAM = "post_analytics"
# GET /history over the whole sync period, once per profile: 2026-11-14 .. now, 9 whole days + today
SENT = sent_posts_request("2026-11-14T00:00:00Z", NOW, last_days=10)


def _config(platforms: List[str], lookback_days: int = 3) -> Dict[str, Any]:
    return with_native_posts(ConfigBuilder().with_platforms(platforms).with_lookback_days(lookback_days)).build()


def _native_state(platform: str, cursor: str) -> list:
    partition = {"parent_slice": {"account_id": "primary", "parent_slice": {}}, "platform": platform}
    return StateBuilder().with_stream_state(
        STREAM,
        {"use_global_cursor": False, "states": [{"partition": partition, "cursor": {"published_at": cursor}}],
         "state": {"published_at": cursor}, "lookback_window": 0},
    ).build()


class TestNativePaging(_AyrshareTestCase):
    @HttpMocker()
    def test_pages_follow_meta_pagination_next_and_stop_at_the_page_reaching_past_the_window(self, http_mocker: HttpMocker) -> None:
        """instagram's list is newest first. Page 1 (next c2) ends 11-15, inside the window: page 2 is asked with
        next=c2. Page 2 ends 11-10, before the window's start (11-14): paging stops although it names a cursor c3,
        whose page is left unmocked. Only the window's posts are records, their metrics the inline ones."""
        sent = SENT.build()
        http_mocker.get(sent, history_response())
        page_1 = native_history_request("instagram").build()
        page_2 = native_history_request("instagram", next="c2").build()
        http_mocker.get(page_1, native_page([instagram_native_post("ig-23", "2026-11-23T08:00:00Z", likes=7),
                                             instagram_native_post("ig-15", "2026-11-15T08:00:00Z")], next_cursor="c2"))
        http_mocker.get(page_2, native_page([instagram_native_post("ig-14", "2026-11-14T10:00:00Z", likes=9),
                                             instagram_native_post("ig-10", "2026-11-10T08:00:00Z")], next_cursor="c3"))

        output = _read(_config(["instagram"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(sent, 1)
        http_mocker.assert_number_of_calls(page_1, 1)
        http_mocker.assert_number_of_calls(page_2, 1)
        records = {r["platform_post_id"]: r for r in _records(output)}
        assert sorted(records) == ["ig-14", "ig-15", "ig-23"]  # ig-10 is older than the window
        newest = records["ig-23"]
        assert (newest["likes"], newest["comments"], newest["platform"], newest["published_via"]) == (7, 5, "instagram", "native")
        assert newest["post_id"] == "ig-23" and newest["account_id"] == "primary" and newest["provider"] == "ayrshare"
        assert newest.get("reach") is None and newest.get("saves") is None  # the list does not carry them: null, not 0
        assert newest["raw_metrics"]["mediaType"] == "IMAGE"

    @HttpMocker()
    def test_a_short_page_with_a_cursor_is_followed_and_an_empty_page_ends_the_list(self, http_mocker: HttpMocker) -> None:
        """Fewer posts than the limit but a cursor: the next page is asked (the list may page below its limit); an
        empty page ends the list even though it names a cursor again (its page is left unmocked)."""
        http_mocker.get(SENT.build(), history_response())
        short = native_history_request("instagram").build()
        empty = native_history_request("instagram", next="c2").build()
        http_mocker.get(short, native_page([instagram_native_post("ig-23", "2026-11-23T08:00:00Z")], next_cursor="c2"))
        http_mocker.get(empty, native_page([], next_cursor="c3"))

        output = _read(_config(["instagram"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(empty, 1)
        assert [r["platform_post_id"] for r in _records(output)] == ["ig-23"]

    @HttpMocker()
    def test_a_last_page_without_meta_ends_the_list_and_facebook_gets_since_and_until(self, http_mocker: HttpMocker) -> None:
        """Facebook's list takes since/until (the window's days); the answer has no ``meta``: the list ends there.
        ``likedBy`` (people's names) is not kept in raw_metrics."""
        http_mocker.get(SENT.build(), history_response())
        page = native_history_request("facebook", since="2026-11-14", until="2026-11-23").build()
        http_mocker.get(page, native_page([facebook_native_post("104619420979033_758005082307127", "2026-11-20T23:43:21Z")]))

        output = _read(_config(["facebook"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(page, 1)
        [record] = _records(output)
        assert (record["likes"], record["comments"], record["shares"], record["clicks"], record["engagement"]) == (38, 13, 2, 31, 3)
        assert record["reach"] == 0  # impressionsUnique: 0 was sent, so it is a real 0
        assert "likedBy" not in record["raw_metrics"]
        assert record["vendor_updated_at"] == "2026-11-23T11:43:38Z"


class TestSentThroughAyrshareIsOneRecord(_AyrshareTestCase):
    @HttpMocker()
    def test_a_post_sent_through_ayrshare_keeps_its_ayrshare_id_and_is_read_once(self, http_mocker: HttpMocker) -> None:
        """GET /history says Ayrshare post p1 went to instagram as network post instagram-p1. The instagram list holds
        that post and one made in the app: two records, one per post. instagram-p1 is keyed as without native posts
        (post_id p1, platform_post_id instagram-p1), published_via ayrshare; the app's post has its network id as
        post_id, published_via native. No POST /analytics/post at all (none is mocked): both carry metrics inline."""
        http_mocker.get(SENT.build(), history_response(HistoryPostBuilder("p1", "2026-11-20T09:00:00Z", ["instagram", "facebook"])))
        http_mocker.get(native_history_request("instagram").build(), native_page([
            instagram_native_post("17895695668004550", "2026-11-21T10:00:00Z", likes=12),
            instagram_native_post("instagram-p1", "2026-11-20T09:00:00Z", likes=40),
        ]))

        output = _read(_config(["instagram"]), STREAM)

        assert not output.errors
        records = sorted(_records(output), key=lambda r: r["post_id"])
        assert [(r["post_id"], r["platform_post_id"], r["published_via"], r["likes"]) for r in records] == [
            ("17895695668004550", "17895695668004550", "native", 12),
            ("p1", "instagram-p1", "ayrshare", 40),
        ]
        assert [r["thread_position"] for r in records] == [1, 1]


class TestAnalyticsBySocialId(_AyrshareTestCase):
    @HttpMocker()
    def test_a_post_without_inline_metrics_is_asked_by_its_network_id_and_zeros_of_a_video_not_owned_are_null(self, http_mocker: HttpMocker) -> None:
        """YouTube's list carries no metric: each video of the window is asked with POST /analytics/post
        {"id": <video id>, "platforms": ["youtube"], "searchPlatformId": true}. The channel's own video gets its
        numbers; a collaboration it does not own answers 0 for every number: null, with the reason in metric_errors."""
        http_mocker.get(SENT.build(), history_response())
        http_mocker.get(native_history_request("youtube").build(), native_page([
            youtube_native_post("0e94c7edb22", "2026-11-22T15:16:00Z"),
            youtube_native_post("5a84a10c175", "2026-11-21T16:44:00Z", channel_id="UCq8PartnerStudio0Collab"),
        ]))
        own = social_id_request("0e94c7edb22", "youtube").build()
        collab = social_id_request("5a84a10c175", "youtube").build()
        http_mocker.post(own, youtube_social_id_answer("0e94c7edb22", views=4089, likes=78, comments=15))
        http_mocker.post(collab, youtube_social_id_answer("5a84a10c175", views=0, likes=0, comments=0, owned=False))

        output = _read(_config(["youtube"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(own, 1)
        http_mocker.assert_number_of_calls(collab, 1)
        records = {r["platform_post_id"]: r for r in _records(output)}
        owned = records["0e94c7edb22"]
        assert (owned["views"], owned["likes"], owned["comments"], owned["video_watch_time_ms"]) == (4089, 78, 15, 553 * 60000)
        assert owned["metric_errors"] == [] and owned["raw_metrics"]["channelTitle"] == "Brand"
        not_owned = records["5a84a10c175"]
        for column in ("views", "likes", "comments", "shares", "video_watch_time_ms"):
            assert not_owned.get(column) is None, column
        assert not_owned["raw_metrics"]["views"] == 0  # the vendor's own answer is kept as it came
        assert [e["metric"] for e in not_owned["metric_errors"]] == ["*"]
        assert "not own" in not_owned["metric_errors"][0]["error"]

    @HttpMocker()
    def test_an_x_answer_as_an_array_with_a_top_level_id_is_read(self, http_mocker: HttpMocker) -> None:
        """A tweet listed without metrics is asked by id; the answer may hold X as an array (a thread's tweet) and a
        top-level ``id``: the tweet's own entry gives the numbers."""
        http_mocker.get(SENT.build(), history_response())
        http_mocker.get(native_history_request("twitter").build(), native_page([
            {"id": "1288968500063775750", "created": "2026-11-22T10:00:00Z", "postUrl": "https://twitter.com/brand/status/1288968500063775750"},
        ]))
        http_mocker.post(social_id_request("1288968500063775750", "twitter").build(), json_response({
            "status": "success", "id": "1288968500063775750",
            "twitter": [{"id": "1288968500063775750", "postUrl": "https://twitter.com/brand/status/1288968500063775750",
                         "analytics": {"publicMetrics": {"likeCount": 4, "quoteCount": 0, "replyCount": 1, "retweetCount": 2, "impressionCount": 300}}}],
        }))

        output = _read(_config(["x"]), STREAM)

        assert not output.errors
        [record] = _records(output)
        assert (record["platform"], record["likes"], record["impressions"], record["quotes"]) == ("x", 4, 300, 0)
        assert record["published_via"] == "native" and record.get("thread_position") is None

    @HttpMocker()
    def test_403_for_the_plan_is_a_config_error_naming_native_posts_and_is_not_retried(self, http_mocker: HttpMocker) -> None:
        """Analytics by social ID is for the Business and Enterprise plans: a 403 ends the stream as a config_error
        that says so and names provider.native_posts, after exactly one call."""
        http_mocker.get(SENT.build(), history_response())
        http_mocker.get(native_history_request("youtube").build(), native_page([youtube_native_post("0e94c7edb22", "2026-11-22T15:16:00Z")]))
        refused = social_id_request("0e94c7edb22", "youtube").build()
        http_mocker.post(refused, error_response(403, 403, "Access Denied - the request is not allowed."))

        output = _read(_config(["youtube"]), STREAM)

        http_mocker.assert_number_of_calls(refused, 1)
        assert _records(output) == []
        [error] = [e.trace.error for e in output.errors if e.trace.error.stream_descriptor is not None]
        assert error.failure_type == FailureType.config_error
        assert "provider.native_posts" in error.message and "Business" in error.message
        assert "Access Denied" in error.message

    @HttpMocker()
    def test_a_network_the_endpoint_refuses_is_skipped_with_one_warning_and_the_others_complete(self, http_mocker: HttpMocker) -> None:
        """pinterest's posts carry no metrics; analytics by social ID answers 400 for pinterest. Its first post's
        call is the only one (the second post's call is left unmocked), one WARN names pinterest, no pinterest
        record, no failure; instagram's records come."""
        http_mocker.get(SENT.build(), history_response())
        http_mocker.get(native_history_request("pinterest").build(), native_page([
            pinterest_native_post("1026045630320681212", "2026-11-22T08:45:00Z"),
            pinterest_native_post("434293732721323606", "2026-11-18T14:29:00Z"),
        ]))
        first = social_id_request("1026045630320681212", "pinterest").build()
        http_mocker.post(first, error_response(400, 400, "Analytics by social ID is not available for pinterest.", platform="pinterest"))
        http_mocker.get(native_history_request("instagram").build(), native_page([instagram_native_post("ig-1", "2026-11-21T10:00:00Z")]))

        output = _read(_config(["pinterest", "instagram"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(first, 1)
        assert [r["platform"] for r in _records(output)] == ["instagram"]
        warnings = _logs(output, Level.WARN, "pinterest")
        assert len(warnings) == 1 and "Skipping analytics by social ID for pinterest" in warnings[0]
        assert _logs(output, Level.INFO, "Skipping analytics by social ID") == []

    @HttpMocker()
    def test_a_network_not_linked_is_left_out_and_said_once(self, http_mocker: HttpMocker) -> None:
        """The list of a network the profile has not linked answers 400 code 156: no record from it, one WARN (the
        user named it in provider.platforms), and the other list is read."""
        http_mocker.get(SENT.build(), history_response())
        unlinked = native_history_request("snapchat").build()
        http_mocker.get(unlinked, error_response(400, 156, "snapchat is not linked. Please link it in the Social Accounts page."))
        http_mocker.get(native_history_request("instagram").build(), native_page([instagram_native_post("ig-1", "2026-11-21T10:00:00Z")]))

        output = _read(_config(["snapchat", "instagram"]), STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(unlinked, 1)
        assert [r["platform"] for r in _records(output)] == ["instagram"]
        assert len(_logs(output, Level.WARN, "native posts of snapchat")) == 1


class TestNativeIncremental(_AyrshareTestCase):
    @HttpMocker()
    def test_state_is_per_profile_and_network_and_the_next_sync_reads_only_the_lookback_window(self, http_mocker: HttpMocker) -> None:
        """First sync: instagram's one page ends 11-12, before start_date: paging stops (page c2 unmocked); each
        network's cursor is its newest post. Second sync from that state, lookback 3 days: facebook's cursor 11-21T09:00
        minus 3 days gives since=11-18; instagram's window starts 11-19T10:00, so of the same page only ig-22 is read
        again. GET /history for the Ayrshare ids is asked once per sync."""
        config = _config(["facebook", "instagram"])
        sent = SENT.build()
        instagram = native_history_request("instagram").build()
        http_mocker.get(sent, history_response())
        http_mocker.get(native_history_request("facebook", since="2026-11-14", until="2026-11-23").build(),
                        native_page([facebook_native_post("fb-21", "2026-11-21T09:00:00Z")]))
        http_mocker.get(instagram, native_page([
            instagram_native_post("ig-22", "2026-11-22T10:00:00Z"), instagram_native_post("ig-18", "2026-11-18T10:00:00Z"),
            instagram_native_post("ig-12", "2026-11-12T10:00:00Z"),
        ], next_cursor="c2"))

        first = _read(config, STREAM)

        assert not first.errors and len(_records(first)) == 3
        final = _states(first, STREAM)[-1]
        cursors = {entry["partition"]["platform"]: entry["cursor"]["published_at"] for entry in final["states"]}
        assert cursors == {"facebook": "2026-11-21T09:00:00Z", "instagram": "2026-11-22T10:00:00Z"}
        assert {entry["partition"]["parent_slice"]["account_id"] for entry in final["states"]} == {"primary"}

        second_facebook = native_history_request("facebook", since="2026-11-18", until="2026-11-23").build()
        http_mocker.get(second_facebook, native_page([facebook_native_post("fb-21", "2026-11-21T09:00:00Z", likes=45)]))

        second = _read(config, STREAM, StateBuilder().with_stream_state(STREAM, final).build())

        assert not second.errors
        http_mocker.assert_number_of_calls(sent, 2)
        http_mocker.assert_number_of_calls(second_facebook, 1)
        http_mocker.assert_number_of_calls(instagram, 2)  # one page per sync
        assert sorted((r["platform_post_id"], r["likes"]) for r in _records(second)) == [("fb-21", 45), ("ig-22", 40)]

    @HttpMocker()
    def test_a_state_saved_without_native_posts_starts_the_native_lists_from_start_date(self, http_mocker: HttpMocker) -> None:
        """Turning native_posts on: the saved state is Ayrshare's own list's (a global cursor, parent ayrshare_history);
        it says nothing of the network lists, which are read from start_date (facebook since=11-14, not 11-19)."""
        http_mocker.get(SENT.build(), history_response())
        from_start = native_history_request("facebook", since="2026-11-14", until="2026-11-23").build()
        http_mocker.get(from_start, native_page([facebook_native_post("fb-15", "2026-11-15T09:00:00Z")]))
        saved = {"use_global_cursor": True, "state": {"published_at": "2026-11-22T09:00:00Z"}, "lookback_window": 10,
                 "parent_state": {"ayrshare_history": {"state": {"published_at": "2026-11-22T09:00:00Z"}}}}

        output = _read(_config(["facebook"]), STREAM, StateBuilder().with_stream_state(STREAM, saved).build())

        assert not output.errors
        http_mocker.assert_number_of_calls(from_start, 1)
        assert [r["platform_post_id"] for r in _records(output)] == ["fb-15"]


class TestYoutubePlaylists(_AyrshareTestCase):
    STREAM = "youtube_playlists"

    @HttpMocker()
    def test_one_record_per_playlist_of_the_vendors_example_dated_today(self, http_mocker: HttpMocker) -> None:
        """The vendor's example (capital L in playLists, thumbNail): one request per profile, one record per playlist
        with the numbers as sent, the playlist object kept in raw; the snapshot is today's and so is the state."""
        request = playlists_request().build()
        http_mocker.get(request, playlists_response())

        output = _read(ConfigBuilder().build(), self.STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(request, 1)
        [record] = _records(output)
        assert (record["playlist_id"], record["channel_id"], record["title"]) == ("PLcLpmVOb3fDaf7Mps", "UCsp6CnxiNbUU0AJtuYKZw", "Super Playlist")
        assert (record["views"], record["estimated_minutes_watched"], record["estimated_red_minutes_watched"]) == (55, 21, 23)
        assert (record["average_view_duration"], record["average_time_in_playlist"]) == (3.1, 2.2)
        assert (record["playlist_starts"], record["views_per_playlist_start"]) == (23, 32)
        assert record["thumbnail_url"] == "https://i.ytimg.com/vi/default.jpg"
        assert record["raw"]["thumbNail"]["width"] == 120
        assert (record["date"], record["account_id"], record["vendor_updated_at"]) == (TODAY, "primary", "2023-01-18T03:09:59Z")
        assert _states(output, self.STREAM)[-1]["state"] == {"date": TODAY}

    @HttpMocker()
    def test_youtube_not_linked_gives_no_record_and_one_warning(self, http_mocker: HttpMocker) -> None:
        request = playlists_request().build()
        http_mocker.get(request, error_response(400, 156, "youtube is not linked. Please link it in the Social Accounts page.", platform="youtube"))

        output = _read(ConfigBuilder().build(), self.STREAM)

        assert not output.errors
        http_mocker.assert_number_of_calls(request, 1)
        assert _records(output) == []
        warnings = _logs(output, Level.WARN, "YouTube playlists")
        assert len(warnings) == 1 and "not linked" in warnings[0]

    @HttpMocker()
    def test_platforms_without_youtube_ask_nothing(self, http_mocker: HttpMocker) -> None:
        """provider.platforms [instagram]: no playlists request (none is mocked), no record, no error."""
        output = _read(ConfigBuilder().with_platforms(["instagram"]).build(), self.STREAM, sync_mode=SyncMode.full_refresh)

        assert not output.errors and _records(output) == []


class TestTurningNativePostsOff(_AyrshareTestCase):
    @HttpMocker()
    def test_ayrshares_own_list_goes_on_from_the_native_states_cursor(self, http_mocker: HttpMocker) -> None:
        """native_posts turned off again: Ayrshare's own list goes on from the saved cursor (11-22T09:00) minus the
        3-day lookback, as any incremental sync; its posts were read under the same keys while native posts were on.
        The window from start_date is left unmocked."""
        window = AyrshareRequestBuilder.history("2026-11-19T09:00:00Z", NOW, last_days=5).build()
        http_mocker.get(window, history_response(HistoryPostBuilder("p2", "2026-11-22T09:00:00Z")))
        http_mocker.post(AyrshareRequestBuilder.post_analytics("p2").build(),
                         json_response({"status": "success", "id": "p2", "facebook": {"id": "fb2", "analytics": {"likeCount": 3}}}))

        output = _read(ConfigBuilder().build(), STREAM, _native_state("facebook", "2026-11-22T09:00:00Z"))

        assert not output.errors
        http_mocker.assert_number_of_calls(window, 1)
        [record] = _records(output)
        assert (record["post_id"], record["platform_post_id"], record["published_via"], record["likes"]) == ("p2", "fb2", "ayrshare", 3)
