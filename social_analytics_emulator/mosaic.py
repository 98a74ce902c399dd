"""Mosaic (mosaic.so) social posting analytics, as its pages (seeds 001/002) and api-notes §3 describe it,
served under ``/mosaic`` (the real base URL is ``https://api.mosaic.so``).

Endpoints emulated
- ``GET /whoami`` -> ``{user_id, email, is_admin, api_key_id, created_at, last_used_at}`` (§3.1).
- ``GET /social/connections`` -> ``{"connected_accounts": [{social_connection_id, platform, account_name,
  account_username, profile_url}]}``; ``GET /social/connections/{id}`` -> the single shape with
  ``connected``, ``username``, ``display_name``, ``user_image`` added (§3.2).
- ``GET /social/posts`` -> ``{"posts": [...], "next_cursor": ...}`` (§3.3), newest ``created_at`` first.
- ``GET /social/post/{post_id}`` -> one post, same shape as a list item (§3.4).
- ``GET /social/post/{post_id}/analytics`` -> exactly the seed's shape (seeds 001/002, §3.5).

Quirks reproduced on purpose, because the documentation states them
- Auth is ``Authorization: Bearer mk_...``; the older ``X-API-Key: mk_...`` header is accepted too. A key that
  is missing, not ``mk_``-prefixed or unknown gets 401 ``{"detail": ..., "error": "invalid_api_key"}``.
- Error bodies are ``{"detail": ..., "error": <code>}`` with the §3.6 codes (``validation_error`` 400,
  ``invalid_api_key`` 401, ``not_found`` 404, ``parameter_out_of_range`` 422, ``rate_limit`` 429). Routing errors
  are FastAPI's bare ``{"detail": "Not Found"}`` (404) and ``{"detail": "Method Not Allowed"}`` (405).
- Several connections on one platform: two X accounts (``x_main`` and ``x_second``).
- Analytics: every ``metrics`` and ``totals`` object has all thirteen keys; a metric the platform (or the
  account's permissions) does not give is ``null``, never ``0`` and never omitted. ``totals`` sums only the
  metrics returned in this response (``null`` where no returned entry has the metric). ``raw_metrics`` carries the
  platform's own field names; ``stats`` is the legacy Ayrshare-style payload ``{"status", "<platform>": {"id",
  "analytics"}}`` keyed by Mosaic platform name (``x``, not ``twitter``); ``metadata`` is ``{}``.
- X raw names and mapping are the seed's: likes<-likeCount, comments<-replyCount, shares<-repostCount,
  impressions<-impressionCount, views<-viewCount, bookmarks<-bookmarkCount, quotes<-quoteCount.
- Null metrics per platform (normalized keys that are always null for that platform):
    x:         video_views, video_viewers, video_watch_time_ms, engagement, clicks, saves
    linkedin:  views, video_views, video_viewers, video_watch_time_ms, saves, bookmarks, quotes
    instagram: impressions, video_views, video_viewers, video_watch_time_ms, clicks, bookmarks, quotes
               (+ saves on posts where ``savedCount`` is not reported, about half of them)
    facebook:  views, engagement, clicks, saves, bookmarks, quotes
               (+ video_views, video_viewers, video_watch_time_ms on posts without a video)
    tiktok:    impressions, engagement, clicks, saves, bookmarks, quotes
               (+ video_viewers, video_watch_time_ms on videos published more than 60 days ago)
    youtube:   impressions, video_viewers, engagement, clicks, saves, bookmarks, quotes

[INFERRED] choices (not stated by the documentation; design decisions of this emulator)
- Keys: the only valid key is ``API_KEY``. Rate limiting is off unless ``rate_limit_per_minute`` is given (or
  ``set_rate_limit(n)``, i.e. the emulator's ``rate_limits: {"mosaic": n}`` setting): then more than that many
  authenticated requests per key in a sliding 60 s window get 429 ``{"detail": "Too many requests", "error":
  "rate_limit"}`` with a ``Retry-After`` header (whole seconds until the oldest counted request leaves the window,
  rounded up, at least 1). Refused requests are not counted. Mosaic documents only the 429 ``rate_limit`` code:
  no limit and no headers for ``/social`` (api-notes §3.7, api-notes-2 §6), so no ``X-RateLimit-*`` headers are
  sent. ``rate_time_scale`` (see ``Vendor``) divides the 60 s window and the ``Retry-After`` value. Test hook:
  ``MosaicEmulator.clock`` (monotonic seconds) is the rate clock and may be replaced on an instance.
- ``/social/posts``: ``limit`` above 100 or below 1 -> 422 ``parameter_out_of_range`` (no clamping); a
  non-integer ``limit``, an unknown ``status``/``platform``, a malformed ``social_connection_id`` or a cursor that
  does not decode -> 400 ``validation_error``. A well-formed but unknown ``social_connection_id`` -> empty list.
- The cursor is opaque (url-safe base64 of the last item's ``created_at`` and ``post_id``: keyset pagination,
  ties broken by ``post_id`` descending); ``next_cursor`` is ``null`` on the last page, including when the last
  page is exactly full.
- Each post has ``created_at``; timestamps are ``YYYY-MM-DDTHH:MM:SSZ`` like the seed's ``scheduled_at``.
  ``scheduled_at`` is ``null`` for posts published immediately (about a third of the published ones), in the
  future for ``scheduled`` and ``pending_approval`` posts. ``thumbnail_url`` is ``null`` for text-only posts.
- Each destination carries, besides the documented five fields, ``status`` (posted / failed / the post's status
  for unpublished posts), ``platform_post_id`` and ``post_url`` (native id and URL, ``null`` unless posted),
  and ``error`` (a message, only on failed destinations). A ``partial_failure`` post's last destination failed.
- ``analytics.platforms[]`` entries have exactly the seed's keys (platform, platform_post_id, post_url, metrics,
  raw_metrics) -- no per-entry ``social_connection_id``, since the seed shows none; the connection is the
  top-level ``social_connection_id`` (or, without the query parameter, found through the post's destinations).
- Analytics without ``social_connection_id``: the top-level ``platform``/``social_connection_id`` are the post's
  first destination's; ``analytics.platforms`` holds one entry per *platform* among the posted destinations,
  for the first posted destination of that platform (the legacy ``stats`` object can hold only one entry per
  platform). So on a post with two X destinations the second X account is NOT in the answer; asking with
  ``social_connection_id`` gives that account alone (one entry, top-level fields set to it). A
  ``social_connection_id`` that is not a destination of the post -> 404 ``not_found``.
- Failed destinations are left out of ``analytics.platforms``. A post without any posted destination (scheduled,
  pending_approval, processing, failed, rejected), or a request for a failed destination, gets 200 with
  ``analytics.status`` ``"pending"`` (not yet published) or ``"error"`` (failed/rejected), ``platforms: []``,
  all-null ``totals`` and ``stats: {"status": <same>}``.
- The deleted post (``DELETED_POST_ID``) was deleted at the network after publishing: Mosaic still lists it as
  ``posted`` (and ``GET /social/post/{id}`` returns it), but its analytics answer 404
  ``{"detail": "Post not found", "error": "not_found"}`` like an unknown post. A malformed post id is a 404 too.
- TikTok: like Ayrshare's TikTok payload, the source carries no top-level id, so ``platform_post_id`` is
  ``null`` in analytics (the id is ``raw_metrics.itemId``; the destination in the post list has it) and
  ``stats.tiktok`` has ``postUrl`` instead of ``id``. TikTok ``totalTimeWatched`` is in seconds
  (``video_watch_time_ms`` = x1000), YouTube ``estimatedMinutesWatched`` in minutes (x60000); TikTok
  ``reach`` -> video_viewers; YouTube/TikTok views fill both ``views`` and ``video_views``.
- LinkedIn ``engagement`` is Ayrshare's engagement *rate* (a float, e.g. 0.0412), passed through as is.
- Instagram ``reachCount`` is reach, not impressions, so ``impressions`` is null for Instagram.
- Metrics are deterministic per (post, destination) and grow with the post's age (age/(age+2) of a per-pair
  ceiling), the age being taken at the start of the current UTC hour so numbers are stable within an hour.

Data set (deterministic for the current UTC day; every time is relative to today's 00:00 UTC)
- ``250 * scale`` posts, ``created_at`` spread evenly over the last 120 days (all before today's midnight),
  newest = index 0. Statuses by index: 0 processing; 1, 3, 7, 13, 19 scheduled; 2, 11 pending_approval;
  40 rejected; otherwise index % 23 == 10 failed, index % 17 == 8 partial_failure, else posted.
- Index 5 is ``TWO_X_POST_ID`` (the seed's example post id): posted to x_main, x_second and linkedin.
  Index 9 is ``DELETED_POST_ID``: posted to x_main, deleted since.
- At limit=100 and scale 1 the pages hold 100, 100 and 50 posts.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from .base import Request, Response, Vendor

API_KEY = "mk_emu_4f9c2a7d1e8b36055a0c7e2b"
API_KEY_ID = "0b7d4c1e-9a62-4f0e-8d3b-5c2a1e6f7a90"
USER_ID = "5e1f0c3a-2b7d-4e96-a1c8-3f4d2b6e9a17"
USER_EMAIL = "analytics-emulator@mosaic.example"

PLATFORMS = ("x", "linkedin", "instagram", "facebook", "tiktok", "youtube")
STATUSES = ("scheduled", "pending_approval", "processing", "posted", "partial_failure", "failed", "rejected")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
POSTS_PER_SCALE = 250
HISTORY_DAYS = 120
TIKTOK_INACTIVE_AFTER_DAYS = 60


@dataclass(frozen=True)
class Connection:
    id: str
    platform: str
    account_name: str
    account_username: str
    profile_url: str
    user_image: str


_CONNECTION_LIST: List[Tuple[str, Connection]] = [
    ("x_main", Connection("4df2f2b9-4c5f-4b3a-9581-1bcb8b4f7d01", "x", "Mosaic", "mosaic_so",
                          "https://x.com/mosaic_so", "https://pbs.twimg.com/profile_images/mosaic_so.jpg")),
    ("x_second", Connection("c3a91e5d-6b2f-4d8a-9e07-8f1b2a4c6d35", "x", "Mosaic Engineering", "mosaic_eng",
                            "https://x.com/mosaic_eng", "https://pbs.twimg.com/profile_images/mosaic_eng.jpg")),
    ("linkedin", Connection("7f9388af-26e8-4e68-a52b-6b9a0ef3a017", "linkedin", "Mosaic", "mosaic-so",
                            "https://www.linkedin.com/company/mosaic-so", "https://media.licdn.com/dms/image/mosaic-so.png")),
    ("instagram", Connection("a8e2d4f1-3c5b-4a79-b6e0-2d9f7c1b8e46", "instagram", "Mosaic", "mosaic.so",
                             "https://www.instagram.com/mosaic.so", "https://scontent.cdninstagram.com/mosaic.so.jpg")),
    ("tiktok", Connection("5b7c9e2a-8d1f-4e3b-a6c4-9f0e2d7b1a58", "tiktok", "Mosaic", "mosaic.so",
                          "https://www.tiktok.com/@mosaic.so", "https://p16-sign.tiktokcdn.com/mosaic.so.jpeg")),
    ("facebook", Connection("e6d3b8a1-4f2c-4b9e-8a57-1c0d3e9f6b24", "facebook", "Mosaic", "mosaicso",
                            "https://www.facebook.com/mosaicso", "https://graph.facebook.com/mosaicso/picture")),
    ("youtube", Connection("9c1a7e4b-2d6f-4c8e-b3a9-6e5f0d2c7b13", "youtube", "Mosaic", "mosaic_so",
                           "https://www.youtube.com/@mosaic_so", "https://yt3.ggpht.com/mosaic_so.jpg")),
]
CONNECTIONS: Dict[str, str] = {name: conn.id for name, conn in _CONNECTION_LIST}
_CONNECTIONS_BY_ID: Dict[str, Connection] = {conn.id: conn for _, conn in _CONNECTION_LIST}
_BY_NAME: Dict[str, Connection] = dict(_CONNECTION_LIST)


def _post_uuid(index: int) -> str:
    digest = hashlib.sha256(f"mosaic-post:{index}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# Special posts, by index (0 = newest).
_SPECIAL_STATUS: Dict[int, str] = {
    0: "processing", 1: "scheduled", 2: "pending_approval", 3: "scheduled", 7: "scheduled",
    11: "pending_approval", 13: "scheduled", 19: "scheduled", 40: "rejected",
}
TWO_X_INDEX = 5
DELETED_INDEX = 9
TWO_X_POST_ID = "2d8ca860-f8e0-4f3f-9f2c-337ead6ed91e"  # the seed's example post id
DELETED_POST_ID = "6a0f3e2d-91b4-4c7a-8e5d-0b2c9f4a1d67"
PROCESSING_POST_ID = _post_uuid(0)
SCHEDULED_POST_ID = _post_uuid(1)
PENDING_APPROVAL_POST_ID = _post_uuid(2)
PARTIAL_FAILURE_POST_ID = _post_uuid(8)
FAILED_POST_ID = _post_uuid(10)
REJECTED_POST_ID = _post_uuid(40)

METRIC_KEYS = (
    "likes", "comments", "shares", "impressions", "views", "video_views", "video_viewers",
    "video_watch_time_ms", "engagement", "clicks", "saves", "bookmarks", "quotes",
)

_TOPICS = (
    "Launch day recap from the Mosaic team", "Behind the scenes of our video agent", "Customer story",
    "Product update", "Weekly tips for editors", "Live demo replay", "Hiring: join the team",
    "Release notes", "Community spotlight", "How we automate clipping",
)


@dataclass
class Destination:
    connection: Connection
    status: str  # posted | failed | the post's status when not published
    platform_post_id: Optional[str] = None
    post_url: Optional[str] = None
    error: Optional[str] = None


@dataclass
class Post:
    index: int
    post_id: str
    status: str
    description: str
    media: str  # text | image | video
    created_at: datetime
    scheduled_at: Optional[datetime]
    destinations: List[Destination] = field(default_factory=list)
    deleted: bool = False

    @property
    def published_at(self) -> datetime:
        return self.scheduled_at or self.created_at

    @property
    def platforms(self) -> List[str]:
        seen: List[str] = []
        for dest in self.destinations:
            if dest.connection.platform not in seen:
                seen.append(dest.connection.platform)
        return seen


# -- helpers ---------------------------------------------------------------------------------------------

def _iso(moment: Optional[datetime]) -> Optional[str]:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, code: str, detail: str, headers: Optional[Dict[str, str]] = None) -> Response:
    return Response(status, {"detail": detail, "error": code}, dict(headers or {}))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return False
    return len(text) == 36


def _digits(seed: str, count: int) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return str(number % (10 ** count)).zfill(count)


def _native(post_id: str, conn: Connection) -> Tuple[str, str]:
    """The destination's native post id and public URL."""
    seed = f"{post_id}:{conn.id}"
    if conn.platform == "x":
        native = "19" + _digits(seed, 17)
        return native, f"https://x.com/{conn.account_username}/status/{native}"
    if conn.platform == "linkedin":
        native = "urn:li:share:7" + _digits(seed, 18)
        return native, f"https://www.linkedin.com/feed/update/{native}"
    if conn.platform == "instagram":
        native = "179" + _digits(seed, 14)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        digest = hashlib.sha256(seed.encode()).digest()
        shortcode = "".join(alphabet[b % 64] for b in digest[:11])
        return native, f"https://www.instagram.com/p/{shortcode}/"
    if conn.platform == "tiktok":
        native = "74" + _digits(seed, 17)
        return native, f"https://www.tiktok.com/@{conn.account_username}/video/{native}"
    if conn.platform == "facebook":
        native = f"104923907983682_{_digits(seed, 16)}"
        return native, f"https://www.facebook.com/{native}"
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    native = "".join(alphabet[b % 64] for b in hashlib.sha256(seed.encode()).digest()[:11])
    return native, f"https://youtu.be/{native}"


def _status_for(index: int) -> str:
    if index in _SPECIAL_STATUS:
        return _SPECIAL_STATUS[index]
    if index in (TWO_X_INDEX, DELETED_INDEX):
        return "posted"
    if index % 23 == 10:
        return "failed"
    if index % 17 == 8:
        return "partial_failure"
    return "posted"


# -- data set --------------------------------------------------------------------------------------------

def build_posts(today: date, scale: int = 1) -> List[Post]:
    """The posts for one UTC day, newest ``created_at`` first."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    total = POSTS_PER_SCALE * max(1, scale)
    spacing = (HISTORY_DAYS * 1440 - 60) / total  # minutes between two posts
    posts: List[Post] = []
    for index in range(total):
        rng = random.Random(f"mosaic:{index}")
        minutes_ago = 30 + index * spacing + rng.uniform(0, spacing * 0.4)
        created = (midnight - timedelta(minutes=minutes_ago)).replace(microsecond=0)
        status = _status_for(index)
        post_id = _post_uuid(index)

        # destinations
        if index == TWO_X_INDEX:
            post_id = TWO_X_POST_ID
            conns = [_BY_NAME["x_main"], _BY_NAME["x_second"], _BY_NAME["linkedin"]]
        elif index == DELETED_INDEX:
            post_id = DELETED_POST_ID
            conns = [_BY_NAME["x_main"]]
        else:
            low = 2 if status == "partial_failure" else 1
            platforms = rng.sample(list(PLATFORMS), k=rng.randint(low, 3))
            conns = []
            for platform in platforms:
                if platform == "x":
                    conns.append(_BY_NAME["x_second"] if rng.random() < 0.25 else _BY_NAME["x_main"])
                else:
                    conns.append(_BY_NAME[platform])

        # media: TikTok and YouTube need a video, Instagram an image or a video
        media = rng.choice(("text", "image", "image", "video", "video"))
        kinds = {c.platform for c in conns}
        if kinds & {"tiktok", "youtube"}:
            media = "video"
        elif "instagram" in kinds and media == "text":
            media = "image"

        # schedule
        if status in ("scheduled", "pending_approval"):
            scheduled: Optional[datetime] = midnight + timedelta(days=rng.randint(1, 14), hours=rng.randint(8, 20))
        elif status == "processing":
            scheduled = created + timedelta(minutes=5)
        elif rng.random() < 1 / 3:
            scheduled = None  # published immediately
        else:
            latest = midnight - timedelta(minutes=5)
            scheduled = min(created + timedelta(hours=rng.randint(1, 48)), latest)
            scheduled = max(scheduled, created)

        post = Post(
            index=index,
            post_id=post_id,
            status=status,
            description=f"{rng.choice(_TOPICS)} #{total - index}",
            media=media,
            created_at=created,
            scheduled_at=scheduled,
            deleted=index == DELETED_INDEX,
        )
        for position, conn in enumerate(conns):
            if status in ("posted", "partial_failure") and not (status == "partial_failure" and position == len(conns) - 1):
                native, url = _native(post_id, conn)
                post.destinations.append(Destination(conn, "posted", native, url))
            elif status in ("failed", "partial_failure"):
                post.destinations.append(
                    Destination(conn, "failed", error=f"{conn.platform}: the network rejected the post (duplicate content)")
                )
            else:
                post.destinations.append(Destination(conn, status))
        posts.append(post)
    posts.sort(key=lambda p: (p.created_at, p.post_id), reverse=True)
    return posts


# -- metrics ---------------------------------------------------------------------------------------------

def _growth(published: datetime, now: datetime) -> float:
    """Metrics keep growing after publication: age/(age+2) of a ceiling, age in days."""
    age_days = max((now - published).total_seconds() / 86400.0, 0.0)
    return age_days / (age_days + 2.0)


def _raw_metrics(post: Post, dest: Destination, now: datetime) -> Dict[str, Any]:
    """The platform's own analytics payload, Ayrshare field names (api-notes §1.2, seed for X)."""
    conn = dest.connection
    rng = random.Random(f"{post.post_id}:{conn.id}")
    grow = _growth(post.published_at, now)

    def n(low: int, high: int) -> int:
        return int(rng.randint(low, high) * grow)

    created = _iso(post.published_at)
    if conn.platform == "x":
        impressions = n(800, 25000)
        return {
            "likeCount": n(5, 120), "replyCount": n(0, 20), "repostCount": n(0, 15),
            "impressionCount": impressions, "viewCount": impressions // 2,
            "bookmarkCount": n(0, 30), "quoteCount": n(0, 6),
        }
    if conn.platform == "linkedin":
        impressions = n(300, 9000)
        likes, comments, shares, clicks = n(3, 150), n(0, 25), n(0, 12), n(0, 90)
        return {
            "impressionCount": impressions, "uniqueImpressionsCount": int(impressions * 0.7),
            "likeCount": likes, "commentCount": comments, "shareCount": shares, "clickCount": clicks,
            "engagement": round((likes + comments + shares + clicks) / impressions, 4) if impressions else 0,
        }
    if conn.platform == "instagram":
        likes, comments = n(10, 400), n(0, 40)
        raw: Dict[str, Any] = {
            "caption": post.description, "created": created, "username": conn.account_username,
            "mediaType": "VIDEO" if post.media == "video" else "IMAGE",
            "mediaProductType": "REELS" if post.media == "video" else "FEED",
            "likeCount": likes, "commentsCount": comments, "sharesCount": n(0, 25),
            "reachCount": n(400, 8000), "viewsCount": n(600, 12000), "engagementCount": likes + comments,
        }
        if int(hashlib.sha256(post.post_id.encode()).hexdigest(), 16) % 2 == 0:
            raw["savedCount"] = n(0, 40)  # saves are reported only for some media / permissions
        return raw
    if conn.platform == "facebook":
        reactions = {"like": n(5, 90), "love": n(0, 25), "wow": n(0, 6), "haha": n(0, 6), "sorry": 0, "anger": 0}
        reactions["total"] = sum(reactions.values())
        raw = {
            "likeCount": reactions["like"], "commentsCount": n(0, 20), "sharesCount": n(0, 10),
            "impressionsUnique": n(300, 6000), "reactions": reactions,
            "reactionsByType": {k: v for k, v in reactions.items() if k != "total" and v},
        }
        if post.media == "video":
            video_views = n(100, 4000)
            raw.update({
                "videoViews": video_views, "videoViewsUnique": int(video_views * rng.uniform(0.5, 0.9)),
                "videoViewTime": n(50_000, 900_000),
            })
        return raw
    if conn.platform == "tiktok":
        native, url = dest.platform_post_id or "", dest.post_url or ""
        raw = {
            "itemId": native, "created": created, "mediaType": "video", "tags": [],
            "likeCount": n(20, 900), "commentsCount": n(0, 60), "shareCount": n(0, 45), "videoViews": n(800, 40000),
            "embedUrl": f"https://www.tiktok.com/embed/{native}", "url": url, "postUrl": url,
            "thumbnailUrl": f"https://p16-sign.tiktokcdn.com/{native}.jpeg", "thumbnailWidth": 576, "thumbnailHeight": 1024,
        }
        if (now - post.published_at) <= timedelta(days=TIKTOK_INACTIVE_AFTER_DAYS):
            total_seconds = n(2000, 90000)
            raw.update({
                "reach": n(600, 30000), "fullVideoWatchedRate": round(rng.uniform(0.05, 0.4), 4),
                "totalTimeWatched": total_seconds, "averageTimeWatched": round(rng.uniform(3, 25), 2),
            })
        return raw
    # youtube
    return {
        "title": post.description, "channelTitle": conn.account_name, "views": n(100, 15000), "likes": n(0, 500),
        "comments": n(0, 60), "shares": n(0, 30), "estimatedMinutesWatched": n(50, 8000),
        "averageViewDuration": n(20, 180), "averageViewPercentage": round(rng.uniform(15, 70), 1),
        "subscribersGained": n(0, 25),
    }


_Mapper = Callable[[Dict[str, Any]], Optional[float]]


def _field(name: str, factor: int = 1) -> _Mapper:
    def pick(raw: Dict[str, Any]) -> Optional[float]:
        value = raw.get(name)
        return None if value is None else value * factor
    return pick


_NORMALIZATION: Dict[str, Dict[str, _Mapper]] = {
    "x": {
        "likes": _field("likeCount"), "comments": _field("replyCount"), "shares": _field("repostCount"),
        "impressions": _field("impressionCount"), "views": _field("viewCount"),
        "bookmarks": _field("bookmarkCount"), "quotes": _field("quoteCount"),
    },
    "linkedin": {
        "likes": _field("likeCount"), "comments": _field("commentCount"), "shares": _field("shareCount"),
        "impressions": _field("impressionCount"), "clicks": _field("clickCount"), "engagement": _field("engagement"),
    },
    "instagram": {
        "likes": _field("likeCount"), "comments": _field("commentsCount"), "shares": _field("sharesCount"),
        "views": _field("viewsCount"), "engagement": _field("engagementCount"), "saves": _field("savedCount"),
    },
    "facebook": {
        "likes": _field("likeCount"), "comments": _field("commentsCount"), "shares": _field("sharesCount"),
        "impressions": _field("impressionsUnique"), "video_views": _field("videoViews"),
        "video_viewers": _field("videoViewsUnique"), "video_watch_time_ms": _field("videoViewTime"),
    },
    "tiktok": {
        "likes": _field("likeCount"), "comments": _field("commentsCount"), "shares": _field("shareCount"),
        "views": _field("videoViews"), "video_views": _field("videoViews"), "video_viewers": _field("reach"),
        "video_watch_time_ms": _field("totalTimeWatched", 1000),
    },
    "youtube": {
        "likes": _field("likes"), "comments": _field("comments"), "shares": _field("shares"),
        "views": _field("views"), "video_views": _field("views"),
        "video_watch_time_ms": _field("estimatedMinutesWatched", 60_000),
    },
}


def _normalize(platform: str, raw: Dict[str, Any]) -> Dict[str, Optional[float]]:
    mapping = _NORMALIZATION[platform]
    return {key: (mapping[key](raw) if key in mapping else None) for key in METRIC_KEYS}


def _totals(entries: List[Dict[str, Any]]) -> Dict[str, Optional[float]]:
    totals: Dict[str, Optional[float]] = {}
    for key in METRIC_KEYS:
        values = [entry["metrics"][key] for entry in entries if entry["metrics"][key] is not None]
        if not values:
            totals[key] = None
        else:
            total = sum(values)
            totals[key] = round(total, 4) if isinstance(total, float) else total
    return totals


# -- rate limiting ---------------------------------------------------------------------------------------

RATE_WINDOW_SECONDS = 60.0


class _RateLimiter:
    """Sliding window (60 s, divided by the vendor's ``rate_time_scale``) per API key."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._calls: Dict[str, Deque[float]] = defaultdict(deque)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    def retry_after(self, key: str, window: float = RATE_WINDOW_SECONDS) -> Optional[int]:
        """None when the call is allowed (and counted), else whole seconds to wait (rounded up, at least 1)."""
        now = self.clock()
        with self._lock:
            calls = self._calls[key]
            while calls and now - calls[0] >= window:
                calls.popleft()
            if len(calls) >= self.per_minute:
                return max(1, math.ceil(window - (now - calls[0])))
            calls.append(now)
            return None


# -- the vendor ------------------------------------------------------------------------------------------

class MosaicEmulator(Vendor):
    prefix = "/mosaic"
    name = "mosaic"

    def __init__(self, scale: int = 1, rate_limit_per_minute: Optional[int] = None, now: Optional[datetime] = None) -> None:
        super().__init__(scale, now)
        self.clock: Callable[[], float] = time.monotonic  # the rate clock (a test hook; seconds)
        self._limiter = _RateLimiter(rate_limit_per_minute, lambda: self.clock()) if rate_limit_per_minute else None
        self._lock = threading.Lock()
        self._cache_day: Optional[date] = None
        self._posts: List[Post] = []
        self._by_id: Dict[str, Post] = {}

    def posts(self) -> List[Post]:
        """Today's data set, newest first (rebuilt when the UTC day changes)."""
        today = self.now().date()
        with self._lock:
            if self._cache_day != today:
                self._posts = build_posts(today, self.scale)
                self._by_id = {p.post_id: p for p in self._posts}
                self._cache_day = today
            return self._posts

    def post(self, post_id: str) -> Optional[Post]:
        self.posts()
        return self._by_id.get(post_id)

    # -- rate limits (see ``Vendor``) ---------------------------------------------------------------------
    def set_rate_limit(self, limit: Optional[int]) -> None:
        """``limit`` requests per key per (scaled) 60 s, exactly; None: not enforced (the default)."""
        super().set_rate_limit(limit)
        self._limiter = _RateLimiter(int(limit), lambda: self.clock()) if limit else None

    def rate_limit(self) -> Optional[int]:
        return self._limiter.per_minute if self._limiter is not None else None

    def reset_rate_limits(self) -> None:
        if self._limiter is not None:
            self._limiter.reset()

    # -- request plumbing ---------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        key = self._api_key(request)
        if key is None:
            return _error(401, "invalid_api_key", "Missing API key. Send 'Authorization: Bearer mk_...'.")
        if not key.startswith("mk_") or key != API_KEY:
            return _error(401, "invalid_api_key", "Invalid API key")
        if self._limiter is not None:
            wait = self._limiter.retry_after(key, self.rate_window(RATE_WINDOW_SECONDS))
            if wait is not None:
                return _error(429, "rate_limit", "Too many requests", {"Retry-After": str(wait)})
        return self._route(request)

    @staticmethod
    def _api_key(request: Request) -> Optional[str]:
        auth = request.header("Authorization")
        if auth is not None:
            scheme, _, token = auth.strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else ""
        legacy = request.header("X-API-Key")
        return legacy.strip() if legacy is not None else None

    def _route(self, request: Request) -> Response:
        path = request.path[len(self.prefix) :]
        parts = [p for p in path.split("/") if p]
        routes: List[Tuple[bool, Callable[[], Response]]] = [
            (parts == ["whoami"], lambda: self._whoami()),
            (parts == ["social", "connections"], lambda: self._connections()),
            (len(parts) == 3 and parts[:2] == ["social", "connections"], lambda: self._connection(parts[2])),
            (parts == ["social", "posts"], lambda: self._list_posts(request)),
            (len(parts) == 3 and parts[:2] == ["social", "post"], lambda: self._get_post(request, parts[2])),
            (len(parts) == 4 and parts[:2] == ["social", "post"] and parts[3] == "analytics",
             lambda: self._analytics(request, parts[2])),
        ]
        for matches, handler in routes:
            if matches:
                if request.method != "GET":
                    return Response(405, {"detail": "Method Not Allowed"}, {"Allow": "GET"})
                return handler()
        return Response(404, {"detail": "Not Found"})

    # -- GET /whoami ---------------------------------------------------------------------------------
    def _whoami(self) -> Response:
        now = self.now()
        return Response(200, {
            "user_id": USER_ID,
            "email": USER_EMAIL,
            "is_admin": False,
            "api_key_id": API_KEY_ID,
            "created_at": "2025-09-01T12:00:00Z",
            "last_used_at": _iso(now),
        })

    # -- connections ---------------------------------------------------------------------------------
    @staticmethod
    def _connection_summary(conn: Connection) -> Dict[str, Any]:
        return {
            "social_connection_id": conn.id,
            "platform": conn.platform,
            "account_name": conn.account_name,
            "account_username": conn.account_username,
            "profile_url": conn.profile_url,
        }

    def _connections(self) -> Response:
        return Response(200, {"connected_accounts": [self._connection_summary(c) for _, c in _CONNECTION_LIST]})

    def _connection(self, connection_id: str) -> Response:
        conn = _CONNECTIONS_BY_ID.get(connection_id)
        if conn is None:
            return _error(404, "not_found", "Social connection not found")
        return Response(200, {
            "social_connection_id": conn.id,
            "platform": conn.platform,
            "connected": True,
            "account_name": conn.account_name,
            "account_username": conn.account_username,
            "profile_url": conn.profile_url,
            "username": conn.account_username,
            "display_name": conn.account_name,
            "user_image": conn.user_image,
        })

    # -- posts ---------------------------------------------------------------------------------------
    @staticmethod
    def _post_body(post: Post, only: Optional[str] = None) -> Dict[str, Any]:
        destinations = []
        for dest in post.destinations:
            if only is not None and dest.connection.id != only:
                continue
            item: Dict[str, Any] = {
                "social_connection_id": dest.connection.id,
                "platform": dest.connection.platform,
                "account_name": dest.connection.account_name,
                "account_username": dest.connection.account_username,
                "profile_url": dest.connection.profile_url,
                "status": dest.status,
                "platform_post_id": dest.platform_post_id,
                "post_url": dest.post_url,
            }
            if dest.error is not None:
                item["error"] = dest.error
            destinations.append(item)
        thumbnail = None if post.media == "text" else f"https://cdn.yourdomain.com/media/{post.post_id}-thumbnail.jpg"
        return {
            "post_id": post.post_id,
            "status": post.status,
            "description": post.description,
            "thumbnail_url": thumbnail,
            "scheduled_at": _iso(post.scheduled_at),
            "created_at": _iso(post.created_at),
            "platforms": post.platforms,
            "destinations": destinations,
        }

    @staticmethod
    def _encode_cursor(post: Post) -> str:
        raw = json.dumps({"c": _iso(post.created_at), "i": post.post_id}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(text: str) -> Optional[Tuple[datetime, str]]:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            data = json.loads(raw.decode())
            moment = datetime.strptime(data["c"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            return moment, str(data["i"])
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def _list_posts(self, request: Request) -> Response:
        raw_limit = request.param("limit")
        if raw_limit is None or raw_limit == "":
            limit = DEFAULT_LIMIT
        else:
            try:
                limit = int(raw_limit)
            except ValueError:
                return _error(400, "validation_error", "limit must be an integer")
            if not 1 <= limit <= MAX_LIMIT:
                return _error(422, "parameter_out_of_range", f"limit must be between 1 and {MAX_LIMIT}")
        status = request.param("status") or None
        if status is not None and status not in STATUSES:
            return _error(400, "validation_error", f"status must be one of: {', '.join(STATUSES)}")
        platform = request.param("platform") or None
        if platform is not None and platform not in PLATFORMS:
            return _error(400, "validation_error", f"platform must be one of: {', '.join(PLATFORMS)}")
        connection_id = request.param("social_connection_id") or None
        if connection_id is not None and not _is_uuid(connection_id):
            return _error(400, "validation_error", "social_connection_id must be a UUID")
        after: Optional[Tuple[datetime, str]] = None
        cursor = request.param("cursor") or None
        if cursor is not None:
            after = self._decode_cursor(cursor)
            if after is None:
                return _error(400, "validation_error", "Invalid cursor")

        matching: List[Post] = []
        for post in self.posts():  # newest first
            if after is not None and (post.created_at, post.post_id) >= after:
                continue
            if status is not None and post.status != status:
                continue
            if platform is not None and platform not in post.platforms:
                continue
            if connection_id is not None and all(d.connection.id != connection_id for d in post.destinations):
                continue
            matching.append(post)
            if len(matching) > limit:
                break
        page = matching[:limit]
        next_cursor = self._encode_cursor(page[-1]) if len(matching) > limit else None
        return Response(200, {"posts": [self._post_body(p) for p in page], "next_cursor": next_cursor})

    def _get_post(self, request: Request, post_id: str) -> Response:
        post = self.post(post_id)
        if post is None:
            return _error(404, "not_found", "Post not found")
        only = request.param("social_connection_id") or None
        if only is not None and all(d.connection.id != only for d in post.destinations):
            return _error(404, "not_found", "Social connection not found for this post")
        return Response(200, self._post_body(post, only))

    # -- analytics -----------------------------------------------------------------------------------
    def _analytics(self, request: Request, post_id: str) -> Response:
        post = self.post(post_id)
        if post is None or post.deleted:
            return _error(404, "not_found", "Post not found")
        wanted = request.param("social_connection_id") or None
        if wanted is not None and not _is_uuid(wanted):
            return _error(400, "validation_error", "social_connection_id must be a UUID")

        if wanted is not None:
            chosen = [d for d in post.destinations if d.connection.id == wanted]
            if not chosen:
                return _error(404, "not_found", "Social connection not found for this post")
            anchor = chosen[0]
            live = [d for d in chosen if d.status == "posted"]
        else:
            anchor = post.destinations[0]
            live = []
            seen_platforms = set()
            for dest in post.destinations:
                if dest.status == "posted" and dest.connection.platform not in seen_platforms:
                    seen_platforms.add(dest.connection.platform)
                    live.append(dest)

        if not live:
            state = "error" if post.status in ("failed", "rejected", "partial_failure") else "pending"
            return Response(200, {
                "post_id": post.post_id,
                "platform": anchor.connection.platform,
                "social_connection_id": anchor.connection.id,
                "analytics": {"status": state, "totals": _totals([]), "platforms": [], "metadata": {}},
                "stats": {"status": state},
            })

        now = self.now().replace(minute=0, second=0, microsecond=0)
        entries: List[Dict[str, Any]] = []
        stats: Dict[str, Any] = {"status": "success"}
        for dest in live:
            platform = dest.connection.platform
            raw = _raw_metrics(post, dest, now)
            native_in_source = None if platform == "tiktok" else dest.platform_post_id
            entries.append({
                "platform": platform,
                "platform_post_id": native_in_source,
                "post_url": dest.post_url,
                "metrics": _normalize(platform, raw),
                "raw_metrics": raw,
            })
            if platform == "tiktok":
                stats[platform] = {"postUrl": dest.post_url, "analytics": raw}
            else:
                stats[platform] = {"id": dest.platform_post_id, "analytics": raw}
        return Response(200, {
            "post_id": post.post_id,
            "platform": anchor.connection.platform,
            "social_connection_id": anchor.connection.id,
            "analytics": {"status": "success", "totals": _totals(entries), "platforms": entries, "metadata": {}},
            "stats": stats,
        })
