"""Config, request and response builders for the Ayrshare mock-server tests.

Payload shapes follow the vendor page (seed 004) and api-notes §1: ``GET /analytics/links`` answers a top-level
array whose counts are strings and whose ``created`` is a Firestore timestamp; ``POST /analytics/social`` answers
``{"status": "success", "<platform>": {"analytics": {...}}}``; ``GET /history`` answers ``{"history": [...]}``;
``POST /analytics/post`` answers one object per platform (an array for an X thread); errors are the flat
``{"action", "status": "error", "code", "message"}`` body.
"""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

from airbyte_cdk.test.mock_http import HttpRequest, HttpResponse

BASE_URL = "https://app.ayrshare.com/api"
API_KEY = "2MPXPKQ-S03M5LS-GR5RX5G-AZCK8EA"  # the docs' example format of a Primary Profile key
HISTORY_LIMIT = "500"


# ------------------------------------------------------------------------------------------------ config
class ConfigBuilder:
    """An Ayrshare config as a user writes it; the source fills defaults and derived values itself."""

    def __init__(self) -> None:
        self._config: Dict[str, Any] = {
            "provider": {"provider_type": "ayrshare", "api_key": API_KEY, "base_url": BASE_URL},
            "start_date": "2026-11-14",
            "lookback_window_days": 3,
        }

    def with_start_date(self, day: str) -> "ConfigBuilder":
        self._config["start_date"] = day
        return self

    def with_end_date(self, day: str) -> "ConfigBuilder":
        self._config["end_date"] = day
        return self

    def with_lookback_days(self, days: int) -> "ConfigBuilder":
        self._config["lookback_window_days"] = days
        return self

    def with_platforms(self, platforms: List[str]) -> "ConfigBuilder":
        self._config["provider"]["platforms"] = list(platforms)
        return self

    def with_profile_keys(self, keys: List[str]) -> "ConfigBuilder":
        self._config["provider"]["profile_keys"] = list(keys)
        return self

    def build(self) -> Dict[str, Any]:
        return copy.deepcopy(self._config)


# ------------------------------------------------------------------------------------------------ requests
class AyrshareRequestBuilder:
    """One Ayrshare request as the connector must send it: path, exact query, body and headers (a subset)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._query: Dict[str, str] = {}
        self._body: Optional[Mapping[str, Any]] = None
        self._headers: Dict[str, str] = {"Authorization": f"Bearer {API_KEY}"}

    # the four endpoints the Ayrshare streams call
    @classmethod
    def links(cls, last_days: int) -> "AyrshareRequestBuilder":
        return cls("/analytics/links").with_query(lastDays=str(last_days))

    @classmethod
    def social(cls, platform: str) -> "AyrshareRequestBuilder":
        return cls("/analytics/social").with_body({"platforms": [platform]})

    @classmethod
    def history(cls, start: str, end: str, last_days: int) -> "AyrshareRequestBuilder":
        return cls("/history").with_query(
            startDate=start, endDate=end, lastDays=str(last_days), limit=HISTORY_LIMIT, lastRecords=HISTORY_LIMIT
        )

    @classmethod
    def post_analytics(cls, post_id: str, platforms: Optional[List[str]] = None) -> "AyrshareRequestBuilder":
        body: Dict[str, Any] = {"id": post_id}
        if platforms:
            body["platforms"] = list(platforms)
        return cls("/analytics/post").with_body(body)

    def with_query(self, **params: str) -> "AyrshareRequestBuilder":
        self._query.update(params)
        return self

    def with_body(self, body: Mapping[str, Any]) -> "AyrshareRequestBuilder":
        self._body = body
        return self

    def with_profile_key(self, key: str) -> "AyrshareRequestBuilder":
        self._headers["Profile-Key"] = key
        return self

    def build(self) -> HttpRequest:
        return HttpRequest(
            url=f"{BASE_URL}{self._path}",
            query_params=dict(self._query) if self._query else None,
            headers=dict(self._headers),
            body=self._body,
        )


# ------------------------------------------------------------------------------------------------ responses
def firestore_timestamp(iso: str) -> Dict[str, int]:
    """``2026-11-20T10:00:11Z`` as Ayrshare's Firestore form ``{"_seconds": …, "_nanoseconds": …}``."""
    moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return {"_seconds": int(moment.timestamp()), "_nanoseconds": 413000000}


def json_response(body: Any, status_code: int = 200, headers: Optional[Mapping[str, str]] = None) -> HttpResponse:
    return HttpResponse(body=json.dumps(body), status_code=status_code, headers=dict(headers or {}))


def error_body(code: int, message: str, action: str = "analytics", **extra: Any) -> Dict[str, Any]:
    """Ayrshare's flat error body (api-notes §1.6)."""
    return {"action": action, "status": "error", "code": code, "message": message, **extra}


def error_response(status_code: int, code: int, message: str, headers: Optional[Mapping[str, str]] = None, **extra: Any) -> HttpResponse:
    return json_response(error_body(code, message, **extra), status_code=status_code, headers=headers)


def truncated_response(prefix: str = '{"status": "success", "instagram": {"analytics": {"followersCount": 51') -> HttpResponse:
    """An HTTP 200 whose JSON body was cut off mid-way (a proxy or a dropped connection)."""
    return HttpResponse(body=prefix, status_code=200)


class LinkBuilder:
    """One item of ``GET /analytics/links`` (seed 004 / api-notes §1.4): counts are strings."""

    def __init__(self, short_link: str = "https://ayr.app/l/Nz3L", created: str = "2026-11-20T10:00:11Z") -> None:
        self._item: Dict[str, Any] = {
            "linkEventStats": [
                {"count": "6", "event": "CLICK", "platform": "OTHER"},
                {"count": "1", "event": "CLICK", "platform": "IOS"},
            ],
            "link": "https://bookriot.com/book-riots-deals-of-the-day-for-september-27-2020/",
            "shortLink": short_link,
            "created": firestore_timestamp(created),
        }

    def with_event_stats(self, stats: Optional[List[Dict[str, str]]]) -> "LinkBuilder":
        if stats is None:
            self._item.pop("linkEventStats", None)
        else:
            self._item["linkEventStats"] = stats
        return self

    def build(self) -> Dict[str, Any]:
        return copy.deepcopy(self._item)


def links_response(*links: LinkBuilder) -> HttpResponse:
    return json_response([link.build() for link in links])


def instagram_social_analytics(followers: int = 5120) -> Dict[str, Any]:
    """``instagram.analytics`` of ``POST /analytics/social`` (fields from Ayrshare's own analytics_social test)."""
    return {
        "id": "17841400000000000", "igId": 123456, "username": "brand", "name": "Brand",
        "followersCount": followers, "followsCount": 180, "mediaCount": 240, "impressionsCount": 15000,
        "reachCount": 9000, "profileViewsCount": 310, "websiteClicksCount": 12, "likeCount": 800,
        "commentsCount": 60, "emailContactsCount": 0, "phoneCallClicksCount": 0, "textMessageClicksCount": 0,
        "biography": "Launch news", "profilePictureUrl": "https://scontent.cdninstagram.com/brand.jpg",
    }


def facebook_social_analytics() -> Dict[str, Any]:
    return {
        "id": "104923907983682", "name": "Brand", "link": "https://www.facebook.com/brand", "verified": False,
        "fanCount": 2900, "followersCount": 3050, "pageFanRemoves": 4, "pageImpressions": 21000,
        "pageImpressionsPaid": 0, "pagePostEngagements": 640, "pagePostsImpressions": 18000,
        "pagePostsImpressionsPaid": 0, "pageVideoViews": 410, "pageVideoViewsPaid": 0,
        "reactions": {"like": 300, "love": 40, "wow": 3, "haha": 5, "sorry": 0, "anger": 1, "total": 349},
    }


def twitter_social_analytics() -> Dict[str, Any]:
    return {
        "id": "1288968500063775749", "name": "Brand", "username": "brand", "displayName": "Brand",
        "description": "We ship", "location": "Berlin", "url": "https://brand.example", "verified": False,
        "protected": False, "created": "2019-02-01T10:00:00.000Z", "profileImageUrl": "https://pbs.twimg.com/b.jpg",
        "followersCount": 7800, "listedCount": 12, "tweetCount": 1290,
    }


def social_response(platform: str, analytics: Mapping[str, Any], last_updated: str = "2026-11-23T11:50:00.000Z") -> HttpResponse:
    return json_response(
        {"status": "success", platform: {"analytics": dict(analytics), "lastUpdated": last_updated, "nextUpdate": "2026-11-23T12:00:00.000Z"}}
    )


class HistoryPostBuilder:
    """One item of ``GET /history`` in the current object form (api-notes §1.5)."""

    def __init__(self, post_id: str, published_at: str, platforms: Optional[List[str]] = None) -> None:
        platforms = platforms or ["facebook"]
        self._item: Dict[str, Any] = {
            "id": post_id,
            "post": f"Post {post_id}",
            "platforms": list(platforms),
            "postIds": [
                {"status": "success", "id": f"{platform}-{post_id}", "platform": platform, "postUrl": f"https://{platform}.example/{post_id}"}
                for platform in platforms
            ],
            "errors": [],
            "urls": [],
            "type": "now",
            "created": published_at,
            "status": "success",
            "scheduleDate": {**firestore_timestamp(published_at), "utc": published_at},
        }

    def failed(self) -> "HistoryPostBuilder":
        """A post that reached no network: it has no analytics."""
        self._item["status"] = "error"
        self._item["postIds"] = []
        self._item["errors"] = [{"action": "post", "status": "error", "code": 110, "message": "Status is a duplicate.", "platform": self._item["platforms"][0]}]
        return self

    def build(self) -> Dict[str, Any]:
        return copy.deepcopy(self._item)


def history_response(*posts: HistoryPostBuilder) -> HttpResponse:
    return json_response({"history": [post.build() for post in posts]})


def facebook_post_entry(native_id: str = "104923907983682_108683297607743", likes: int = 12) -> Dict[str, Any]:
    return {
        "id": native_id,
        "postUrl": f"https://www.facebook.com/{native_id}",
        "analytics": {
            "commentsCount": 3, "likeCount": likes, "sharesCount": 1, "impressionsUnique": 540,
            "reactions": {"like": 10, "love": 2, "wow": 0, "haha": 0, "sorry": 0, "anger": 0, "total": 12},
            "reactionsByType": {"like": 10, "love": 2},
            "videoViews": 0, "videoViewsUnique": 0, "videoViewTime": 0,
        },
        "lastUpdated": "2026-11-23T11:00:00.000Z",
        "nextUpdate": "2026-11-23T11:10:00.000Z",
    }


def tweet_entry(tweet_id: str, text: str, likes: int, impressions: int) -> Dict[str, Any]:
    return {
        "id": tweet_id,
        "postUrl": f"https://twitter.com/brand/status/{tweet_id}",
        "analytics": {
            "created": "2026-11-21T10:00:00.000Z", "name": "Brand", "username": "brand", "post": text,
            "publicMetrics": {"likeCount": likes, "quoteCount": 0, "replyCount": 1, "retweetCount": 2, "impressionCount": impressions},
            "nonPublicMetrics": {"impressionCount": impressions, "userProfileClicks": 3},
            "organicMetrics": {"impressionCount": impressions, "likeCount": likes, "replyCount": 1, "retweetCount": 2, "userProfileClicks": 3},
        },
    }


def post_analytics_response(post_id: str, **platforms: Any) -> HttpResponse:
    """``POST /analytics/post``: ``{"status": "success", "id": …, "<platform>": {…} or [{…}, …]}``."""
    return json_response({"status": "success", "id": post_id, **platforms})


# ------------------------------------------------------------------------------------------------ native posts
# provider.native_posts (api-notes-2 §1.1, §1.2, §2): GET /history/{platform} answers
# {"status": "success", "posts": [...], "lastUpdated", "nextUpdate"} and, while more pages exist, a top-level
# "meta": {"pagination": {"next": <cursor>}}; analytics by social ID answers {"status": "success", "<platform>": {...}}.
NATIVE_LIMIT = "100"


def with_native_posts(config: ConfigBuilder) -> ConfigBuilder:
    config._config["provider"]["native_posts"] = True
    return config


def native_history_request(platform: str, **params: str) -> AyrshareRequestBuilder:
    """``GET /history/{platform}?limit=100`` (+ ``since``/``until`` for facebook, ``next`` for a later page)."""
    return AyrshareRequestBuilder(f"/history/{platform}").with_query(limit=NATIVE_LIMIT, **params)


def sent_posts_request(start: str, end: str, last_days: int) -> AyrshareRequestBuilder:
    """``GET /history`` for the whole sync period, once per profile: which network posts went out through Ayrshare."""
    return AyrshareRequestBuilder.history(start, end, last_days)


def social_id_request(native_id: str, platform: str) -> AyrshareRequestBuilder:
    return AyrshareRequestBuilder("/analytics/post").with_body({"id": native_id, "platforms": [platform], "searchPlatformId": True})


def playlists_request() -> AyrshareRequestBuilder:
    return AyrshareRequestBuilder("/analytics/youTubePlaylists")


def native_page(posts: List[Dict[str, Any]], next_cursor: Optional[str] = None) -> HttpResponse:
    body: Dict[str, Any] = {
        "status": "success", "posts": posts,
        "lastUpdated": "2026-11-23T11:56:00.000Z", "nextUpdate": "2026-11-23T12:26:00.000Z",
    }
    if next_cursor:
        body["meta"] = {"pagination": {"next": next_cursor}}
    return json_response(body)


def facebook_native_post(native_id: str, created: str, likes: int = 38) -> Dict[str, Any]:
    """The docs' /history/facebook post (api-notes-2 §1.1), with its inline metrics and ``likedBy``."""
    return {
        "id": native_id, "created": created, "post": "Launch day!", "postUrl": f"https://www.facebook.com/{native_id}",
        "commentsCount": 13, "likeCount": likes, "sharesCount": 2, "isPopular": False, "statusType": "added_photos",
        "clicksUnique": 31, "engagedUsers": 3, "impressionsUnique": 0, "fullPicture": "https://scontent.example/p.jpg",
        "likedBy": [{"id": "7101149746568432", "name": "John Smith"}], "lastUpdated": "2026-11-23T11:43:38.359Z",
    }


def instagram_native_post(native_id: str, created: str, likes: int = 40) -> Dict[str, Any]:
    """A /history/instagram post: the fields Ayrshare's own test asserts (api-notes-2 §1.1)."""
    return {
        "id": native_id, "created": created, "post": "Launch day", "postUrl": f"https://www.instagram.com/p/{native_id[:11]}/",
        "username": "brand", "mediaType": "IMAGE", "mediaProductType": "FEED", "mediaUrl": "https://scontent.example/i.jpg",
        "likeCount": likes, "commentsCount": 5,
    }


def youtube_native_post(native_id: str, created: str, channel_id: str = "UCxxxxBrand") -> Dict[str, Any]:
    """A /history/youtube post: its field names are not documented; no inline metric is assumed."""
    return {"id": native_id, "created": created, "post": "A video", "postUrl": f"https://youtu.be/{native_id}", "channelId": channel_id}


def pinterest_native_post(native_id: str, created: str) -> Dict[str, Any]:
    return {"id": native_id, "created": created, "post": "A pin", "postUrl": f"https://www.pinterest.com/pin/{native_id}"}


def youtube_social_id_answer(native_id: str, views: int, likes: int, comments: int, owned: bool = True) -> HttpResponse:
    """Analytics by social ID for a YouTube video; a video the channel does not own answers 0 for every number."""
    numbers = {"views": views, "likes": likes, "comments": comments, "shares": 0 if not owned else 4,
               "estimatedMinutesWatched": 0 if not owned else 553, "averageViewDuration": 0 if not owned else 83,
               "averageViewPercentage": 0 if not owned else 54.0}
    return json_response({"status": "success", "youtube": {
        "id": native_id, "postUrl": f"https://youtu.be/{native_id}",
        "analytics": {"channelTitle": "Brand" if owned else "Partner Studio", "title": "A video", **numbers},
    }})


def playlists_response() -> HttpResponse:
    """The vendor's example of ``GET /analytics/youTubePlaylists`` (api-notes-2 §2), capitals and all."""
    return json_response({
        "status": "success",
        "channelId": "UCsp6CnxiNbUU0AJtuYKZw",
        "playLists": [{
            "averageTimeInPlaylist": 2.2, "averageViewDuration": 3.1, "description": "A great list",
            "estimatedMinutesWatched": 21, "estimatedRedMinutesWatched": 23, "id": "PLcLpmVOb3fDaf7Mps",
            "playlistStarts": 23, "thumbNail": {"url": "https://i.ytimg.com/vi/default.jpg", "width": 120, "height": 90},
            "title": "Super Playlist", "views": 55, "viewsPerPlaylistStart": 32,
        }],
        "lastUpdated": "2023-01-18T03:09:59.757Z",
        "nextUpdate": "2023-01-18T03:42:29.757Z",
    })
