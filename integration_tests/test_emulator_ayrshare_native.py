"""The Ayrshare emulator's native-post endpoints (``ayrshare_native.py``) behave as api-notes-2 §1.1, §1.2 and §2
describe: ``GET /history/{platform}``, analytics by social id, ``GET /analytics/youTubePlaylists``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from social_analytics_emulator.ayrshare import (
    API_KEY,
    NATIVE_PROFILE_KEY,
    PREMIUM_PROFILE_KEY,
    PROFILE_KEYS,
    AyrshareEmulator,
)
from social_analytics_emulator.ayrshare_native import (
    COLLAB_CHANNEL,
    HISTORY_PLATFORMS,
    NATIVE_ONLY,
    OWN_CHANNEL,
    SOCIAL_ID_PLATFORMS,
)
from social_analytics_emulator.server import Emulator

NOW = datetime(2026, 3, 20, 15, 30, tzinfo=timezone.utc)  # a fixed "now": nothing here follows the wall clock
NATIVE_LINKED = ["bluesky", "facebook", "instagram", "linkedin", "pinterest", "threads", "tiktok", "twitter", "youtube"]
# api-notes-2 §1.1's table (Ayrshare's own test asserts these)
REQUIRED_FIELDS = {
    "instagram": {"commentsCount", "created", "id", "likeCount", "mediaProductType", "mediaType", "post", "postUrl", "username"},
    "facebook": {"commentsCount", "created", "id", "isPopular", "likeCount", "post", "postUrl", "sharesCount", "statusType"},
    "linkedin": {"clickCount", "commentCount", "created", "engagement", "impressionCount", "id", "lastModified", "likeCount",
                 "post", "postUrl", "publishedAt", "shareCount", "status", "uniqueImpressionsCount", "visibility"},
    "twitter": {"authorId", "created", "editHistoryTweetIds", "id", "postUrl", "publicMetrics"},
    "bluesky": {"created", "cid", "id", "likeCount", "replyCount", "repostCount", "post", "postUrl"},
    "tiktok": {"created", "id", "likeCount", "mediaType", "post", "postUrl", "videoDuration", "videoViews",
               "audienceCountries", "impressionSources"},
    "threads": {"hasReplies", "id", "isQuotePost", "mediaProductType", "mediaType", "owner", "permalink", "replyAudience",
                "shortcode", "text", "timestamp", "username"},
    "youtube": {"id", "created", "post", "postUrl"},
    "pinterest": {"id", "created", "post", "postUrl"},
}
PLAYLIST_KEYS = {"averageTimeInPlaylist", "averageViewDuration", "description", "estimatedMinutesWatched",
                 "estimatedRedMinutesWatched", "id", "playlistStarts", "thumbNail", "title", "views", "viewsPerPlaylistStart"}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with Emulator([AyrshareEmulator(now=NOW)]) as emulator:
        yield emulator.url + "/api"


def headers(profile_key: Optional[str] = NATIVE_PROFILE_KEY) -> Dict[str, str]:
    sent = {"Authorization": f"Bearer {API_KEY}"}
    if profile_key:
        sent["Profile-Key"] = profile_key
    return sent


def history(base: str, platform: str, profile_key: Optional[str] = NATIVE_PROFILE_KEY, **params: Any) -> requests.Response:
    return requests.get(f"{base}/history/{platform}", headers=headers(profile_key), params=params, timeout=10)


def by_social_id(base: str, native_id: str, platforms: Any, profile_key: Optional[str] = NATIVE_PROFILE_KEY) -> requests.Response:
    body = {"id": native_id, "platforms": platforms, "searchPlatformId": True}
    return requests.post(f"{base}/analytics/post", headers=headers(profile_key), json=body, timeout=10)


def all_pages(base: str, platform: str, profile_key: Optional[str] = NATIVE_PROFILE_KEY, **params: Any) -> List[List[Dict[str, Any]]]:
    pages: List[List[Dict[str, Any]]] = []
    cursor = None
    while True:
        query = dict(params, **({"next": cursor} if cursor else {}))
        answer = history(base, platform, profile_key, **query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["posts"])
        cursor = (body.get("meta") or {}).get("pagination", {}).get("next")
        if not cursor:
            assert "meta" not in body
            return pages
        assert len(pages) < 50


def created(post: Dict[str, Any]) -> datetime:
    if "timestamp" in post:  # threads: raw Meta names
        return datetime.strptime(post["timestamp"], "%Y-%m-%dT%H:%M:%S%z")
    return datetime.strptime(post["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def assert_error(answer: requests.Response, status: int, code: Optional[int] = None) -> Dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["status"] == "error" and isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code
    return body


def ayrshare_history(base: str, profile_key: Optional[str] = NATIVE_PROFILE_KEY) -> List[Dict[str, Any]]:
    answer = requests.get(f"{base}/history", headers=headers(profile_key), params={"lastDays": 0, "limit": 1000}, timeout=10)
    assert answer.status_code == 200
    return answer.json()["history"]


# -- GET /history/{platform} -----------------------------------------------------------------------------------
@pytest.mark.parametrize("platform", NATIVE_LINKED)
def test_history_platform_envelope_fields_and_newest_first(base: str, platform: str) -> None:
    answer = history(base, platform, limit=100)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-ratelimit-max"] and answer.headers["x-ratelimit-count"]
    body = answer.json()
    assert set(body) == {"status", "posts", "lastUpdated", "nextUpdate"}  # everything on one page: no meta
    assert body["status"] == "success"
    assert datetime.fromisoformat(body["lastUpdated"].replace("Z", "+00:00")) < datetime.fromisoformat(body["nextUpdate"].replace("Z", "+00:00"))
    posts = body["posts"]
    assert len(posts) >= 4
    for post in posts:
        assert REQUIRED_FIELDS[platform] <= set(post), (platform, set(post))
        assert isinstance(post["id"], str) and post["id"]
    moments = [created(post) for post in posts]
    assert moments == sorted(moments, reverse=True)
    assert all(NOW - timedelta(days=61) < moment < NOW for moment in moments)
    assert len({post["id"] for post in posts}) == len(posts)


def test_history_platform_per_platform_details(base: str) -> None:
    [threads] = all_pages(base, "threads", limit=100)
    assert not {"post", "created", "postUrl", "likeCount"} & set().union(*threads)  # raw Meta names, no metrics
    for platform in ("youtube", "pinterest"):  # field names unknown: no inline metrics
        [posts] = all_pages(base, platform, limit=100)
        assert set().union(*posts) <= REQUIRED_FIELDS[platform] | {"channelId"}
    [linkedin] = all_pages(base, "linkedin", limit=100)
    assert {p["status"] for p in linkedin} == {"PUBLISHED"} and {p["visibility"] for p in linkedin} <= {"PUBLIC", "CONNECTIONS", "LOGGED_IN"}
    [bluesky] = all_pages(base, "bluesky", limit=100)
    assert all(p["id"].startswith("at://did:plc:") and "/app.bsky.feed.post/" in p["id"] for p in bluesky)
    [twitter] = all_pages(base, "twitter", limit=100)
    assert all(set(p["publicMetrics"]) >= {"likeCount", "quoteCount", "replyCount", "retweetCount"} for p in twitter)
    assert any("nonPublicMetrics" in p and "organicMetrics" in p for p in twitter)
    [instagram] = all_pages(base, "instagram", limit=100)
    assert any("mediaUrl" not in p for p in instagram) and any("mediaUrl" in p for p in instagram)  # copyrighted media
    [facebook] = all_pages(base, "facebook", limit=100)
    assert all(p["id"].startswith("104923907983682_") and "lastUpdated" in p for p in facebook)


def test_history_platform_default_limit_and_limit_rules(base: str) -> None:
    default = history(base, "facebook").json()
    assert len(default["posts"]) == 10 and default["meta"]["pagination"]["next"]
    for bad in ("0", "501", "ten", "-3"):
        assert_error(history(base, "facebook", limit=bad), 400)
    body = assert_error(history(base, "facebook", limit=101), 400)
    assert "skipAnalytics" in body["message"]
    assert_error(history(base, "facebook", limit=500, skipAnalytics="false"), 400)
    skipped = history(base, "facebook", limit=500, skipAnalytics="true")
    assert skipped.status_code == 200
    ids_only = skipped.json()["posts"]
    assert all(set(post) == {"id"} for post in ids_only)
    full = [post["id"] for page in all_pages(base, "facebook", limit=100) for post in page]
    assert [post["id"] for post in ids_only] == full
    assert history(base, "facebook", limit=100).status_code == 200


def test_history_platform_pages_to_the_end_with_the_next_cursor(base: str) -> None:
    pages = all_pages(base, "facebook", limit=10)
    total = 5 + NATIVE_ONLY["facebook"]  # 5 posts sent through Ayrshare + those made on Facebook
    assert [len(page) for page in pages] == [10, 10, 10, total - 30]
    ids = [post["id"] for page in pages for post in page]
    assert len(set(ids)) == len(ids) == total
    moments = [created(post) for page in pages for post in page]
    assert moments == sorted(moments, reverse=True)
    # an exactly full last page has no cursor either
    exact = history(base, "facebook", limit=total).json()
    assert len(exact["posts"]) == total and "meta" not in exact
    # the same pages with skipAnalytics
    assert [post["id"] for page in all_pages(base, "facebook", limit=7, skipAnalytics="true") for post in page] == ids
    # another platform pages too, and a cursor is tied to its platform
    twitter = all_pages(base, "twitter", limit=3)
    assert len(twitter) >= 3 and all(len(page) == 3 for page in twitter[:-1])
    cursor = history(base, "facebook", limit=10).json()["meta"]["pagination"]["next"]
    assert_error(history(base, "twitter", next=cursor), 400)
    assert_error(history(base, "facebook", next="not-a-cursor"), 400)


def test_history_platform_since_until_filter_facebook_only(base: str) -> None:
    since, until = (NOW - timedelta(days=40)).date(), (NOW - timedelta(days=20)).date()
    everything = [post for page in all_pages(base, "facebook", limit=100) for post in page]
    expected = [p["id"] for p in everything if since <= created(p).date() <= until]
    assert 0 < len(expected) < len(everything)
    window = [post for page in all_pages(base, "facebook", limit=4, since=since.isoformat(), until=until.isoformat()) for post in page]
    assert [p["id"] for p in window] == expected
    only_since = history(base, "facebook", limit=100, since=since.isoformat()).json()["posts"]
    assert [p["id"] for p in only_since] == [p["id"] for p in everything if created(p).date() >= since]
    assert_error(history(base, "facebook", since="last tuesday"), 400)
    for platform in ("instagram", "linkedin", "youtube"):  # ignored elsewhere, even when malformed
        plain = history(base, platform, limit=100).json()["posts"]
        assert history(base, platform, limit=100, since=since.isoformat(), until=until.isoformat()).json()["posts"] == plain
        assert history(base, platform, limit=100, since="garbage").json()["posts"] == plain


def test_history_platform_data_type(base: str) -> None:
    stories = history(base, "instagram", limit=100, dataType="stories").json()["posts"]
    posts = history(base, "instagram", limit=100, dataType="posts").json()["posts"]
    both = history(base, "instagram", limit=100).json()["posts"]
    assert stories and {p["mediaProductType"] for p in stories} == {"STORY"}
    assert posts and "STORY" not in {p["mediaProductType"] for p in posts}
    assert len(stories) + len(posts) == len(both)
    assert history(base, "facebook", dataType="stories").json()["posts"] == []
    assert_error(history(base, "instagram", dataType="reels"), 400)
    assert history(base, "linkedin", limit=100, dataType="stories").json()["posts"] == history(base, "linkedin", limit=100).json()["posts"]


def test_history_platform_errors(base: str) -> None:
    for platform in ("gmb", "reddit", "telegram"):  # not history platforms
        assert_error(history(base, platform), 400)
    body = assert_error(history(base, "snapchat"), 400, code=156)  # a history platform, not linked
    assert "is not linked" in body["message"]
    assert_error(history(base, "youtube", PROFILE_KEYS["brand-eu"]), 400, code=156)
    assert_error(history(base, "twitter", userName="someone"), 400)  # userName with a Profile-Key
    assert history(base, "twitter", None, userName="someone").status_code == 200  # API key only: allowed
    assert requests.get(f"{base}/history/facebook", timeout=10).status_code == 401
    assert requests.get(f"{base}/history/facebook", headers=headers("NO-SUCH-KEY"), timeout=10).status_code == 403
    assert requests.get(f"{base}/history/notaplatform", headers=headers(), timeout=10).status_code == 404
    assert set(HISTORY_PLATFORMS) == {"bluesky", "facebook", "instagram", "linkedin", "pinterest", "snapchat", "threads",
                                      "tiktok", "twitter", "youtube"}


def test_native_ids_of_posts_sent_through_ayrshare_are_their_post_ids(base: str) -> None:
    sent = ayrshare_history(base)
    assert len(sent) == 12
    for platform in ("facebook", "instagram", "linkedin", "twitter", "youtube", "tiktok"):
        listed = {post["id"] for page in all_pages(base, platform, limit=100, skipAnalytics="true") for post in page}
        from_ayrshare = {pid["id"] for item in sent for pid in item["postIds"] if pid["platform"] == platform}
        assert from_ayrshare and from_ayrshare <= listed, platform
        assert len(listed - from_ayrshare) >= 4, platform  # posts made at the network, never sent through Ayrshare
    # the primary profile: its own successful Ayrshare posts, minus the one deleted at the network since
    primary = ayrshare_history(base, None)
    [gone] = [item for item in primary if item["status"] == "success"
              and requests.post(f"{base}/analytics/post", headers=headers(None), json={"id": item["id"]}, timeout=10).status_code == 404]
    listed = {post["id"] for page in all_pages(base, "facebook", None, limit=100) for post in page}
    expected = {pid["id"] for item in primary if item is not gone for pid in item["postIds"] if pid["platform"] == "facebook"}
    assert listed == expected
    for pid in gone["postIds"]:
        if pid["platform"] in SOCIAL_ID_PLATFORMS:  # the others are refused before the id is looked at
            assert_error(by_social_id(base, pid["id"], [pid["platform"]], None), 404, code=186)


# -- POST /analytics/post {searchPlatformId: true} -------------------------------------------------------------
def test_social_id_answers_what_the_ayrshare_id_answers_for_the_same_post(base: str) -> None:
    checked = 0
    for item in ayrshare_history(base):
        by_ayrshare = requests.post(f"{base}/analytics/post", headers=headers(), json={"id": item["id"]}, timeout=10).json()
        for pid in item["postIds"]:
            platform = pid["platform"]
            answer = by_social_id(base, pid["id"], [platform])
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert set(body) == {"status", platform} and body["status"] == "success"
            mine, theirs = body[platform], by_ayrshare[platform]
            if platform == "twitter" and isinstance(theirs, list):  # a thread: the tweet alone, in an array
                assert isinstance(mine, list) and len(mine) == 1
                mine, theirs = mine[0], theirs[0]
            else:
                assert isinstance(mine, dict)
            assert mine == theirs
            if platform != "tiktok":  # TikTok carries its id as analytics.itemId, as /analytics/post does
                assert mine["id"] == pid["id"]
            checked += 1
    assert checked >= 15


def test_social_id_for_posts_made_at_the_network_and_history_metrics_agree(base: str) -> None:
    pairs = {"facebook": ("likeCount", "likeCount"), "linkedin": ("impressionCount", "impressionCount"),
             "instagram": ("likeCount", "likeCount"), "tiktok": ("videoViews", "videoViews")}
    for platform, (history_key, analytics_key) in pairs.items():
        posts = history(base, platform, limit=6).json()["posts"]
        for post in posts:
            answer = by_social_id(base, post["id"], [platform])
            assert answer.status_code == 200, answer.text
            entry = answer.json()[platform]
            assert entry["postUrl"] == post["postUrl"]
            assert entry["analytics"][analytics_key] == post[history_key]
    # twitter: a standalone tweet is an object, every tweet of the thread an array of one
    tweets = [post for page in all_pages(base, "twitter", limit=100) for post in page]
    shapes = [type(by_social_id(base, tweet["id"], ["twitter"]).json()["twitter"]).__name__ for tweet in tweets]
    assert shapes.count("list") == 3 and shapes.count("dict") == len(tweets) - 3
    for tweet in tweets:
        entry = by_social_id(base, tweet["id"], ["twitter"]).json()["twitter"]
        entry = entry[0] if isinstance(entry, list) else entry
        assert entry["analytics"]["publicMetrics"] == tweet["publicMetrics"]


def test_social_id_youtube_videos_the_account_does_not_own_come_back_as_zeros(base: str) -> None:
    videos = [post for page in all_pages(base, "youtube", limit=100) for post in page]
    collabs = [v for v in videos if v["channelId"] == COLLAB_CHANNEL[0]]
    owned = [v for v in videos if v["channelId"] == OWN_CHANNEL[0]]
    assert len(collabs) == 3 and len(owned) == len(videos) - 3 >= 5
    for video in collabs:
        answer = by_social_id(base, video["id"], ["youtube"])
        assert answer.status_code == 200, answer.text
        entry = answer.json()["youtube"]
        assert entry["id"] == video["id"]
        analytics = entry["analytics"]
        numbers = {k: v for k, v in analytics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        assert numbers and set(numbers.values()) == {0}
        assert analytics["title"] == video["post"] and analytics["channelTitle"] == COLLAB_CHANNEL[1]
    owned_numbers = [by_social_id(base, v["id"], ["youtube"]).json()["youtube"]["analytics"]["views"] for v in owned]
    assert all(views > 0 for views in owned_numbers)


def test_social_id_errors(base: str) -> None:
    facebook_id = history(base, "facebook", limit=1).json()["posts"][0]["id"]
    pinterest_id = history(base, "pinterest", limit=1).json()["posts"][0]["id"]
    assert "pinterest" not in SOCIAL_ID_PLATFORMS
    body = assert_error(by_social_id(base, pinterest_id, ["pinterest"]), 400)  # linked, but not for analytics by id
    assert "pinterest" in body["message"]
    assert_error(by_social_id(base, facebook_id, ["facebook", "instagram"]), 400)  # exactly one platform
    assert_error(by_social_id(base, facebook_id, []), 400)
    assert_error(by_social_id(base, facebook_id, "facebook"), 400)
    missing = requests.post(f"{base}/analytics/post", headers=headers(), json={"platforms": ["facebook"], "searchPlatformId": True}, timeout=10)
    assert_error(missing, 400)
    unknown = assert_error(by_social_id(base, "104923907983682_999999999999999", ["facebook"]), 404, code=186)
    assert unknown == {"action": "analytics", "status": "error", "code": 186, "message": "Post ID not found.",
                       "id": "104923907983682_999999999999999"}
    assert_error(by_social_id(base, facebook_id, ["instagram"]), 404, code=186)  # an id of another platform
    ayrshare_id = ayrshare_history(base)[0]["id"]
    assert_error(by_social_id(base, ayrshare_id, ["facebook"]), 404, code=186)  # an Ayrshare id is not a social id
    assert_error(by_social_id(base, facebook_id, ["facebook"], PROFILE_KEYS["brand-eu"]), 400, code=156)  # not linked


def test_social_id_below_the_business_plan_is_403_while_history_works(base: str) -> None:
    posts = history(base, "facebook", PREMIUM_PROFILE_KEY, limit=100)
    assert posts.status_code == 200 and len(posts.json()["posts"]) == 3 + 3
    assert history(base, "instagram", PREMIUM_PROFILE_KEY).status_code == 200
    body = assert_error(by_social_id(base, posts.json()["posts"][0]["id"], ["facebook"], PREMIUM_PROFILE_KEY), 403)
    assert "Access Denied" in body["message"] and "Business" in body["message"]
    sent = ayrshare_history(base, PREMIUM_PROFILE_KEY)
    answer = requests.post(f"{base}/analytics/post", headers=headers(PREMIUM_PROFILE_KEY), json={"id": sent[0]["id"]}, timeout=10)
    assert answer.status_code == 200  # analytics by Ayrshare id is a Premium feature


def test_the_ayrshare_id_endpoint_is_unchanged_without_search_platform_id(base: str) -> None:
    item = ayrshare_history(base, None)[0]
    plain = requests.post(f"{base}/analytics/post", headers=headers(None), json={"id": item["id"]}, timeout=10)
    explicit = requests.post(f"{base}/analytics/post", headers=headers(None), json={"id": item["id"], "searchPlatformId": False}, timeout=10)
    assert plain.status_code == explicit.status_code == 200
    assert plain.json() == explicit.json() and plain.json()["id"] == item["id"]
    native = item["postIds"][0]
    assert_error(requests.post(f"{base}/analytics/post", headers=headers(None), json={"id": native["id"]}, timeout=10), 404, code=186)


# -- GET /analytics/youTubePlaylists ---------------------------------------------------------------------------
def test_youtube_playlists_shape(base: str) -> None:
    answer = requests.get(f"{base}/analytics/youTubePlaylists", headers=headers(), timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert list(body) == ["status", "channelId", "playLists", "lastUpdated", "nextUpdate"]
    assert body["status"] == "success" and body["channelId"] == OWN_CHANNEL[0]
    assert len(body["playLists"]) == 3
    for playlist in body["playLists"]:
        assert set(playlist) == PLAYLIST_KEYS and "itemCount" not in playlist
        assert set(playlist["thumbNail"]) == {"url", "width", "height"}
        assert isinstance(playlist["averageTimeInPlaylist"], float) and isinstance(playlist["views"], int)
        assert playlist["viewsPerPlaylistStart"] == round(playlist["views"] / playlist["playlistStarts"], 1)
    again = requests.get(f"{base}/analytics/youTubePlaylists", headers=headers(), timeout=10)
    assert again.content == answer.content
    assert requests.get(f"{base}/analytics/youTubePlaylists", headers=headers(None), timeout=10).status_code == 200
    for key in (PREMIUM_PROFILE_KEY, PROFILE_KEYS["brand-eu"]):  # no YouTube linked
        body = assert_error(requests.get(f"{base}/analytics/youTubePlaylists", headers=headers(key), timeout=10), 400, code=156)
        assert body["platform"] == "youtube"


def test_native_answers_depend_on_the_vendor_now_only(base: str) -> None:
    paths = ["/history/facebook?limit=5", "/history/youtube?limit=50", "/analytics/youTubePlaylists"]
    with Emulator([AyrshareEmulator(now=NOW)]) as other:
        for path in paths:
            first = requests.get(base + path, headers=headers(), timeout=10)
            second = requests.get(other.url + "/api" + path, headers=headers(), timeout=10)
            assert first.status_code == 200 and first.content == second.content, path
        native_id = history(base, "linkedin", limit=1).json()["posts"][0]["id"]
        body = {"id": native_id, "platforms": ["linkedin"], "searchPlatformId": True}
        assert (requests.post(base + "/analytics/post", headers=headers(), json=body, timeout=10).content
                == requests.post(other.url + "/api/analytics/post", headers=headers(), json=body, timeout=10).content)
