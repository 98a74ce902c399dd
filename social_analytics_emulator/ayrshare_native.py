"""Ayrshare's native-post endpoints: posts on the networks, whether or not they were sent through Ayrshare.

Written from api-notes-2 §1.1, §1.2, §2 and §8 and seed 004 only. Served by ``ayrshare.AyrshareEmulator`` (same
``/api`` prefix, API key, ``Profile-Key``, rate limit and flat error body ``{action, status:"error", code, message}``):

``GET /api/history/{platform}`` (api-notes-2 §1.1)
    The 10 platforms of HISTORY_PLATFORMS. ``gmb``/``reddit``/``telegram`` → HTTP 400 code 400 "History is not
    available for <p>" (the seed's documented "missing or wrong platform" 400) [INFERRED]. Any other segment is
    not a platform: the module's usual 404. A platform not linked → 400 code 156 "<p> is not linked..." [INFERRED
    in the notes]. Params: ``limit`` 1–500, default 10 (else 400); above 100 without ``skipAnalytics=true`` → 400
    code 400 [the notes: "errors", no body shown; the body is INFERRED]; ``skipAnalytics=true`` → every post is
    ``{"id": …}`` only; ``next`` → the page after the cursor (400 when it is not one of ours, or is another
    platform's); ``since``/``until`` (``YYYY-MM-DD`` or ISO date-time, inclusive: on/after, on/before the whole
    day) filter **facebook only** and are ignored elsewhere (even when malformed); ``dataType`` ``posts``|``stories``
    for facebook and instagram (anything else there → 400; ignored elsewhere; the data set has Instagram stories but
    no Facebook ones, so facebook + ``stories`` is an empty list); ``pagePublished`` is accepted and changes nothing
    (every Facebook post of the data set is the Page's own); ``userId``/``userName`` with a ``Profile-Key`` on
    twitter → 400 (documented), without one they are ignored. Order: platform, link, then the parameters.
    Answer ``{"status":"success","posts":[…],"lastUpdated","nextUpdate"}``, newest first, plus a top-level
    ``"meta":{"pagination":{"next":<cursor>}}`` only when a further page exists [placement INFERRED in the notes]:
    the last page has no ``meta`` (even when it is exactly full). The cursor is opaque (base64url of platform,
    time and id of the page's last post), so it keeps its place if the client changes filters.
    The lists: every post the profile sent through Ayrshare that succeeded and still exists at the network (its
    native id is the ``postIds[].id`` of ``GET /history``; every tweet of a thread is its own post, tweet 0 being the
    one in ``postIds``), plus, for the profiles of this module, posts made at the networks themselves.
    Post fields are api-notes-2 §1.1's table: instagram, facebook, linkedin, twitter, bluesky, tiktok as listed
    (plus, for facebook, the docs example's ``impressionsUnique, clicksUnique, engagedUsers, reactions, from,
    fullPicture`` (photos), per-post ``lastUpdated``; for bluesky the docs' ``indexedAt, labels, quoteCount,
    viewer``); threads with the raw Meta names and **no metrics** (the notes show none). Metrics are the same
    numbers ``/analytics/post`` gives for the same post. [INFERRED]: youtube, pinterest and snapchat (field names
    unknown) carry **no inline metrics**, only ``id, created, post, postUrl`` (youtube adds ``channelId``): a client
    must ask analytics by social id. LinkedIn ``publishedAt``/``lastModified`` are epoch milliseconds (as
    LinkedIn's own API) [INFERRED]; TikTok ``audienceCountries`` = ``[{country, percentage}]`` and
    ``impressionSources`` = ``[{impressionSource, percentage}]`` [INFERRED]; X ``publicMetrics.impressionCount``,
    ``nonPublicMetrics`` and ``organicMetrics`` follow ``/analytics/post`` (the latter two only within 30 days).

``POST /api/analytics/post`` with ``"searchPlatformId": true`` (api-notes-2 §1.2; without it, or with ``false``, the
    call is the unchanged Ayrshare-id endpoint). Checks in order: plan (a profile below Business → **403**
    code 403 "Access Denied - the request is not allowed. Analytics by social ID is available on the Business and
    Enterprise plans." [INFERRED]); ``platforms`` exactly one string (else 400 code 400); a platform the endpoint
    does not support for the account (SOCIAL_ID_PLATFORMS: facebook, instagram, linkedin, tiktok, twitter, youtube;
    e.g. the linked ``pinterest``) → **400** code 400 "Analytics by social ID is not available for <p>" [chosen]; no
    ``id`` → 400; platform not linked → 400 code 156; an id that is not one of the profile's posts on that platform
    → **404** code 186 "Post ID not found." with ``id`` [INFERRED in the notes]. Answer
    ``{"status":"success","<platform>":{…}}`` with no top-level ``id`` [UNKNOWN in the notes; chosen]; the platform
    object is what ``/analytics/post`` gives for the same post (``id, postUrl, analytics`` with the same field
    names; facebook/tiktok add ``lastUpdated``/``nextUpdate``; tiktok has no top-level ``id``, as there). X: an
    **array of one** when the tweet belongs to a thread, an object otherwise [INFERRED]. YouTube videos the account
    does not own (collaborations listed in its history, see below): ``title`` and ``channelTitle`` (the owner's)
    present, every numeric metric 0 [DOC].
    Served beside ``_post_analytics``, not through it; ``AyrshareEmulator.handle`` applies its X daily cap (when on)
    to any ``/analytics/post`` answer carrying ``twitter``, so these count against it too.

``GET /api/analytics/youTubePlaylists`` (api-notes-2 §2): the vendor example's shape exactly, ``{status, channelId,
    playLists:[{averageTimeInPlaylist, averageViewDuration, description, estimatedMinutesWatched,
    estimatedRedMinutesWatched, id, playlistStarts, thumbNail{url,width,height}, title, views,
    viewsPerPlaylistStart}], lastUpdated, nextUpdate}``; no ``itemCount``; numbers fixed per profile and UTC day.
    YouTube not linked → 400 code 156 [INFERRED in the notes]. Any plan of this data set may call it.

Profiles (keys in ``ayrshare.NATIVE_PROFILE_KEYS``; plans in PLANS, everything else Business):
- ``brand-native`` (NATIVE_PROFILE_KEY, Business): linked bluesky, facebook, instagram, linkedin, pinterest,
  threads, tiktok, twitter, youtube (not snapchat). 12 posts sent through Ayrshare (NATIVE_AYRSHARE_SETS; post 5
  is a 3-tweet thread) plus posts made at the networks (NATIVE_ONLY), over the last ~60 days: facebook 5 + 26 = 31
  (4 pages at ``limit=10``), instagram 4 + 12 + 2 stories, linkedin 4 + 7, twitter 2 posts (4 tweets) + 5,
  youtube 3 + 4 own + 3 collaborations owned by another channel (COLLAB_CHANNEL: listed with that ``channelId``;
  analytics by social id gives zeros), tiktok 1 + 4, pinterest 4, bluesky 4, threads 4. Pinterest is linked but
  analytics by social id answers 400 for it.
- ``brand-premium`` (PREMIUM_PROFILE_KEY, **Premium** plan): facebook + instagram; 4 posts sent through Ayrshare
  plus 3 + 3 made at the networks. ``/history/{platform}`` works (History is Premium+); analytics by social id →
  403; no YouTube, so ``youTubePlaylists`` → 400 code 156. (A real Premium account has no Profile-Keys: the plan
  belongs to the account. The emulator keeps one API key and puts the plan on a profile.)
- The other profiles (primary, brand-eu, brand-us, brand-bulk; Business) list their own Ayrshare posts only.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from .ayrshare import (
    NATIVE_PROFILE_KEY,
    NATIVE_PROFILE_KEYS,
    PREMIUM_PROFILE_KEY,
    Post,
    Profile,
    _error,
    _iso,
    _parse_when,
    _post_id,
)
from .base import Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from .ayrshare import AyrshareEmulator

__all__ = [
    "HISTORY_PLATFORMS", "SOCIAL_ID_PLATFORMS", "PLANS", "NATIVE_PROFILE_KEY", "PREMIUM_PROFILE_KEY",
    "NATIVE_PROFILE_KEYS", "NativePost", "NativeProfile", "build_native_profiles", "native_posts",
    "history_platform", "wants_social_id", "post_analytics_by_social_id", "youtube_playlists",
]

HISTORY_PLATFORMS = (
    "bluesky", "facebook", "instagram", "linkedin", "pinterest", "snapchat", "threads", "tiktok", "twitter", "youtube",
)
# Analytics by social ID: the platforms of the docs page ayrshare.com/docs/apis/analytics/social-by-id (api-notes-2 §1.2)
SOCIAL_ID_PLATFORMS = ("facebook", "instagram", "linkedin", "tiktok", "twitter", "youtube")
PLANS = {"brand-premium": "premium"}  # every other profile: "business"
HISTORY_DEFAULT_LIMIT = 10
HISTORY_MAX_LIMIT = 500
HISTORY_MAX_LIMIT_WITH_ANALYTICS = 100
FACEBOOK_PAGE_ID = "104923907983682"  # the page of ayrshare._native_id
OWN_CHANNEL = ("UCxxxxBrand", "Brand")  # the channel of ayrshare's /analytics/social youtube answer
COLLAB_CHANNEL = ("UCq8PartnerStudio0Collab", "Partner Studio")
# brand-native's posts sent through Ayrshare, newest first (index 5: a 3-tweet thread)
NATIVE_AYRSHARE_SETS = [
    ["facebook", "instagram"], ["linkedin", "twitter"], ["youtube"], ["facebook", "linkedin"], ["instagram"],
    ["twitter"], ["facebook", "instagram", "linkedin"], ["tiktok", "youtube"], ["facebook"], ["linkedin"],
    ["instagram"], ["facebook", "youtube"],
]
NATIVE_THREAD_INDEX, NATIVE_THREAD_LENGTH = 5, 3
# posts made at the networks (not through Ayrshare), per platform
NATIVE_ONLY = {
    "facebook": 26, "instagram": 12, "linkedin": 7, "twitter": 5, "youtube": 4,
    "pinterest": 4, "tiktok": 4, "bluesky": 4, "threads": 4,
}
NATIVE_YOUTUBE_COLLABS = 3
NATIVE_INSTAGRAM_STORIES = 2
PREMIUM_AYRSHARE_SETS = [["facebook"], ["instagram"], ["facebook", "instagram"], ["facebook"]]
PREMIUM_ONLY = {"facebook": 3, "instagram": 3}


@dataclass
class NativePost:
    """One post at one network. ``post`` is the Ayrshare post it was sent as (``via_ayrshare``), or a stand-in
    Post (never listed by ``/history``) that carries the time, text and seed of a post made at the network."""

    platform: str
    post: Post
    tweet: int = 0
    via_ayrshare: bool = False
    story: bool = False  # instagram story (dataType=stories)
    owner: Optional[Tuple[str, str]] = None  # youtube: (channelId, title) of the owning channel when not this account
    media: Tuple[str, str] = ("IMAGE", "FEED")  # instagram (mediaType, mediaProductType)
    copyrighted: bool = False  # instagram: licensed audio, so no mediaUrl

    @property
    def published(self) -> datetime:
        return self.post.published + timedelta(seconds=self.tweet)

    @property
    def id(self) -> str:
        if self.platform == "bluesky":
            did, rkey = _digest(self.post.id, 24), _digest(self.post.id + ":rkey", 13)
            return f"at://did:plc:{did}/app.bsky.feed.post/{rkey}"
        from .ayrshare import AyrshareEmulator

        return AyrshareEmulator._native_id(self.post, self.platform, self.tweet)


@dataclass
class NativeProfile(Profile):
    native_only: List[NativePost] = field(default_factory=list)


def _digest(text: str, length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    raw = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % 32] for b in raw)[:length]


def plan_of(profile: Profile) -> str:
    return PLANS.get(profile.name, "business")


# -- data -----------------------------------------------------------------------------------------------------
def build_native_profiles(today: date) -> Dict[str, NativeProfile]:
    """The profiles of this module for one UTC day (deterministic)."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    native = _profile(
        "brand-native", "Brand Native",
        ["bluesky", "facebook", "instagram", "linkedin", "pinterest", "threads", "tiktok", "twitter", "youtube"],
        NATIVE_AYRSHARE_SETS, NATIVE_ONLY, midnight,
    )
    native.posts[NATIVE_THREAD_INDEX].thread_length = NATIVE_THREAD_LENGTH
    rng = random.Random("ayrshare-native:brand-native:extras")
    for k in range(NATIVE_YOUTUBE_COLLABS):
        stand_in = _stand_in("brand-native", "youtube-collab", k, f"Collab with {COLLAB_CHANNEL[1]} #{NATIVE_YOUTUBE_COLLABS - k}",
                             midnight - timedelta(days=3.3 + k * 17.0, minutes=rng.randint(0, 50)), rng)
        native.native_only.append(NativePost("youtube", stand_in, owner=COLLAB_CHANNEL))
    for k in range(NATIVE_INSTAGRAM_STORIES):
        stand_in = _stand_in("brand-native", "instagram-story", k, f"Brand Native story #{NATIVE_INSTAGRAM_STORIES - k}",
                             midnight - timedelta(hours=3 + 9 * k, minutes=rng.randint(0, 50)), rng)
        native.native_only.append(NativePost("instagram", stand_in, story=True, media=("IMAGE", "STORY")))
    premium = _profile("brand-premium", "Brand Premium", ["facebook", "instagram"], PREMIUM_AYRSHARE_SETS, PREMIUM_ONLY, midnight)
    profiles = {native.name: native, premium.name: premium}
    for profile in profiles.values():
        profile.by_id = {post.id: post for post in profile.posts}
    return profiles


def _stand_in(profile: str, platform: str, index: int, text: str, published: datetime, rng: random.Random) -> Post:
    return Post(id=f"native:{profile}:{platform}:{index}", text=text, platforms=[platform.split("-")[0]], created=published,
                published=published, scheduled=False, seed=rng.randint(1, 10_000))


def _profile(name: str, title: str, platforms: List[str], sent: List[List[str]], made_at_network: Dict[str, int],
             midnight: datetime) -> NativeProfile:
    profile = NativeProfile(name=name, title=title, platforms=platforms)
    rng = random.Random(f"ayrshare-native:{name}")
    for index, chosen in enumerate(sent):  # newest first, as ayrshare.build_profiles lays its posts out
        days_ago = 1.2 + index * (55.0 / len(sent))
        published = midnight - timedelta(days=days_ago) + timedelta(minutes=rng.randint(0, 50))
        scheduled = index % 3 == 1
        profile.posts.append(Post(
            id=_post_id(name, index), text=f"{title} update #{len(sent) - index}", platforms=sorted(chosen),
            created=published - timedelta(hours=rng.randint(2, 48)) if scheduled else published,
            published=published, scheduled=scheduled, seed=rng.randint(1, 10_000),
        ))
    for platform, count in made_at_network.items():
        prng = random.Random(f"ayrshare-native:{name}:{platform}")
        for j in range(count):
            days_ago = 0.25 + (j + 0.5) * (59.0 / count)
            published = midnight - timedelta(days=days_ago, minutes=prng.randint(0, 50))
            stand_in = _stand_in(name, platform, j, f"{title} {platform} post #{count - j}", published, prng)
            media = ("IMAGE", "FEED")
            if platform == "instagram":
                media = [("VIDEO", "REELS"), ("CAROUSEL_ALBUM", "FEED"), ("IMAGE", "FEED")][min(j % 4, 2)]
            profile.native_only.append(NativePost(platform, stand_in, media=media,
                                                  copyrighted=platform == "instagram" and j == 0))
    return profile


def native_posts(profile: Profile, platform: str) -> List[NativePost]:
    """The posts ``/history/{platform}`` lists for a profile, newest first (see the module docstring)."""
    items: List[NativePost] = []
    for post in profile.posts:
        if post.status != "success" or post.gone_at_networks or platform not in post.platforms:
            continue
        for tweet in range(post.thread_length if platform == "twitter" else 1):
            items.append(NativePost(platform, post, tweet=tweet, via_ayrshare=True))
    items += [item for item in getattr(profile, "native_only", []) if item.platform == platform]
    items.sort(key=lambda item: (item.published, item.id), reverse=True)
    return items


# -- metrics (shared by history and analytics by social id) ----------------------------------------------------
def _analytics(vendor: "AyrshareEmulator", item: NativePost, now: datetime) -> Dict[str, Any]:
    """What ``/analytics/post`` answers for this post on this platform (its ``<platform>`` object)."""
    entry = vendor._platform_analytics(item.post, item.platform, now, item.tweet)
    analytics = entry["analytics"]
    if item.platform == "instagram" and not item.via_ayrshare:
        analytics["mediaType"], analytics["mediaProductType"] = item.media
        if item.story:  # stories have no likes or comments
            analytics["likeCount"] = analytics["commentsCount"] = 0
    if item.platform == "youtube" and item.owner is not None:
        # not this account's video: metadata, and 0 for every numeric metric (api-notes-2 §1.2)
        for key, value in list(analytics.items()):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                analytics[key] = 0
        analytics["channelTitle"] = item.owner[1]
    return entry


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _history_post(vendor: "AyrshareEmulator", profile: Profile, item: NativePost, now: datetime) -> Dict[str, Any]:
    platform, native = item.platform, item.id
    created, text = _stamp(item.published), item.post.text
    rng = random.Random(f"ayrshare-native:history:{item.post.seed}:{platform}:{item.tweet}")
    if platform in SOCIAL_ID_PLATFORMS:
        entry = _analytics(vendor, item, now)
        a = entry["analytics"]
        url = entry["postUrl"]
    else:
        a, url = {}, _other_url(platform, native)
    if platform == "facebook":
        photo = item.post.seed % 3 != 1
        post: Dict[str, Any] = {
            "id": native, "created": created, "post": text, "postUrl": url,
            "commentsCount": a["commentsCount"], "likeCount": a["likeCount"], "sharesCount": a["sharesCount"],
            "isPopular": a["reactions"]["total"] >= 60,
            "statusType": "added_photos" if photo else "mobile_status_update",
            "impressionsUnique": a["impressionsUnique"], "clicksUnique": rng.randint(0, 40),
            "engagedUsers": a["reactions"]["total"] + a["commentsCount"] + a["sharesCount"], "reactions": a["reactions"],
            "from": {"name": profile.title, "id": FACEBOOK_PAGE_ID},
        }
        if photo:
            post["fullPicture"] = f"https://scontent.xx.fbcdn.example/v/{native}.jpg"
        post["lastUpdated"] = entry["lastUpdated"]
        return post
    if platform == "instagram":
        media_type, product = item.media if not item.via_ayrshare else (a["mediaType"], a["mediaProductType"])
        post = {
            "id": native, "created": created, "post": text, "postUrl": url, "username": a["username"],
            "mediaType": media_type, "mediaProductType": product,
            "likeCount": a["likeCount"], "commentsCount": a["commentsCount"],
        }
        if not item.copyrighted:  # Instagram drops mediaUrl for copyrighted media (api-notes-2 §1.1)
            post["mediaUrl"] = f"https://scontent.cdninstagram.example/{native}.{'mp4' if media_type == 'VIDEO' else 'jpg'}"
        return post
    if platform == "linkedin":
        published_ms = int(item.published.timestamp() * 1000)
        return {
            "id": native, "created": created, "post": text, "postUrl": url,
            "publishedAt": published_ms, "lastModified": published_ms + rng.randint(0, 3_600_000),
            "status": "PUBLISHED", "visibility": "LOGGED_IN" if item.post.seed % 7 == 3 else "PUBLIC",
            "impressionCount": a["impressionCount"], "uniqueImpressionsCount": int(a["impressionCount"] * 0.82),
            "likeCount": a["likeCount"], "commentCount": a["commentCount"], "shareCount": a["shareCount"],
            "clickCount": a["clickCount"], "engagement": a["engagement"],
        }
    if platform == "twitter":
        post = {
            "id": native, "created": created, "postUrl": url, "authorId": "1288968500063775749",
            "editHistoryTweetIds": [native], "publicMetrics": a["publicMetrics"],
        }
        for key in ("nonPublicMetrics", "organicMetrics"):
            if key in a:
                post[key] = a[key]
        return post
    if platform == "tiktok":
        countries = [("US", 0.46), ("GB", 0.18), ("DE", 0.12), ("FR", 0.09)]
        sources = [("For You", 0.71), ("Follow", 0.14), ("Personal Profile", 0.09), ("Search", 0.06)]
        return {
            "id": native, "created": created, "post": text, "postUrl": url, "mediaType": a["mediaType"],
            "videoDuration": rng.randint(8, 90), "videoViews": a["videoViews"], "likeCount": a["likeCount"],
            "audienceCountries": [{"country": c, "percentage": p} for c, p in countries],
            "impressionSources": [{"impressionSource": s, "percentage": p} for s, p in sources],
        }
    if platform == "youtube":
        channel = item.owner or OWN_CHANNEL
        return {"id": native, "created": created, "post": text, "postUrl": url, "channelId": channel[0]}
    grow = _grow(item.published, now)
    if platform == "bluesky":
        return {
            "id": native, "cid": "bafyrei" + _digest(native + ":cid", 52), "created": created,
            "indexedAt": _iso(item.published + timedelta(seconds=1)), "post": text, "postUrl": url,
            "likeCount": int(rng.randint(2, 120) * grow), "replyCount": int(rng.randint(0, 15) * grow),
            "repostCount": int(rng.randint(0, 25) * grow), "quoteCount": int(rng.randint(0, 5) * grow),
            "labels": [], "viewer": {"threadMuted": False, "embeddingDisabled": False},
        }
    if platform == "threads":  # the raw Meta field names, no metrics (api-notes-2 §1.1)
        image = item.post.seed % 2 == 0
        post = {
            "id": native, "text": text, "timestamp": item.published.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink": url, "shortcode": _shortcode(native), "username": "brand", "owner": {"id": "17841400000000001"},
            "mediaProductType": "THREADS", "mediaType": "IMAGE" if image else "TEXT_POST",
            "isQuotePost": False, "hasReplies": item.post.seed % 3 == 0, "replyAudience": "EVERYONE",
        }
        if image:
            post["mediaUrl"] = f"https://scontent.cdninstagram.example/threads/{native}.jpg"
        return post
    return {"id": native, "created": created, "post": text, "postUrl": url}  # pinterest, snapchat [INFERRED]


def _grow(published: datetime, now: datetime) -> float:
    age_days = max((now - published).total_seconds() / 86400.0, 0.0)
    return age_days / (age_days + 2.0)


def _shortcode(native: str) -> str:
    return _digest(native + ":shortcode", 11).upper()[:3] + _digest(native + ":sc", 8)


def _other_url(platform: str, native: str) -> str:
    if platform == "bluesky":
        return f"https://bsky.app/profile/brand.bsky.social/post/{native.rsplit('/', 1)[-1]}"
    if platform == "threads":
        return f"https://www.threads.net/@brand/post/{_shortcode(native)}"
    if platform == "pinterest":
        return f"https://www.pinterest.com/pin/{native}"
    if platform == "snapchat":
        return f"https://www.snapchat.com/spotlight/{native}"
    return f"https://{platform}.example/{native}"


# -- GET /history/{platform} -----------------------------------------------------------------------------------
def _cursor(item: NativePost) -> str:
    raw = f"{item.platform}|{item.published.isoformat()}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str, platform: str) -> Optional[Tuple[datetime, str]]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        owner, when, native = raw.split("|", 2)
        moment = datetime.fromisoformat(when)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return (moment, native) if owner == platform and moment.tzinfo is not None else None


def history_platform(vendor: "AyrshareEmulator", request: Request, profile: Profile, platform: str) -> Response:
    if platform not in HISTORY_PLATFORMS:
        return _error(400, 400, f"History is not available for {platform}. Platforms: {', '.join(HISTORY_PLATFORMS)}.",
                      action="history", platform=platform)
    if platform not in profile.platforms:
        return _error(400, 156, f"{platform} is not linked. Please link it in the Social Accounts page.",
                      action="history", platform=platform)
    if platform == "twitter" and (request.param("userId") or request.param("userName")) and request.header("Profile-Key"):
        return _error(400, 400, "userId and userName may only be used with the API Key, without a Profile-Key.", action="history")
    raw_limit = request.param("limit")
    try:
        limit = int(raw_limit) if raw_limit not in (None, "") else HISTORY_DEFAULT_LIMIT
    except ValueError:
        limit = 0
    if not 1 <= limit <= HISTORY_MAX_LIMIT:
        return _error(400, 400, f"limit must be a number between 1 and {HISTORY_MAX_LIMIT}.", action="history")
    skip = (request.param("skipAnalytics") or "").lower() == "true"
    if limit > HISTORY_MAX_LIMIT_WITH_ANALYTICS and not skip:
        return _error(400, 400, f"A limit above {HISTORY_MAX_LIMIT_WITH_ANALYTICS} requires skipAnalytics=true.", action="history")
    items = native_posts(profile, platform)
    if platform in ("facebook", "instagram"):
        data_type = request.param("dataType")
        if data_type not in (None, "", "posts", "stories"):
            return _error(400, 400, "dataType must be posts or stories.", action="history")
        if data_type:
            items = [item for item in items if item.story == (data_type == "stories")]
    if platform == "facebook":
        try:
            since = _parse_when(request.param("since")) if request.param("since") else None
            until = _parse_when(request.param("until"), end_of_day=True) if request.param("until") else None
        except ValueError:
            return _error(400, 400, "since and until must be ISO dates, e.g. 2026-03-17.", action="history")
        items = [item for item in items if (since is None or item.published >= since) and (until is None or item.published <= until)]
    cursor = request.param("next")
    if cursor:
        after = _after(cursor, platform)
        if after is None:
            return _error(400, 400, "Invalid next cursor.", action="history")
        items = [item for item in items if (item.published, item.id) < after]
    page, more = items[:limit], len(items) > limit
    now = vendor.now()
    posts = [{"id": item.id} if skip else _history_post(vendor, profile, item, now) for item in page]
    last_updated = now - timedelta(minutes=4)
    body: Dict[str, Any] = {
        "status": "success", "posts": posts,
        "lastUpdated": _iso(last_updated), "nextUpdate": _iso(last_updated + timedelta(minutes=30)),
    }
    if more:
        body["meta"] = {"pagination": {"next": _cursor(page[-1])}}
    return Response(200, body)


# -- POST /analytics/post {searchPlatformId: true} -------------------------------------------------------------
def wants_social_id(request: Request) -> bool:
    """True when an ``/analytics/post`` body asks for analytics by social ID (else: the Ayrshare-id endpoint)."""
    try:
        body = request.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("searchPlatformId") in (True, "true")


def post_analytics_by_social_id(vendor: "AyrshareEmulator", request: Request, profile: Profile) -> Response:
    body = request.json() or {}
    if plan_of(profile) != "business":
        return _error(403, 403, "Access Denied - the request is not allowed. Analytics by social ID is available on the "
                                "Business and Enterprise plans.")
    platforms = body.get("platforms")
    if not isinstance(platforms, list) or len(platforms) != 1 or not isinstance(platforms[0], str):
        return _error(400, 400, "platforms must hold exactly one platform when searchPlatformId is true.")
    platform = platforms[0]
    if platform not in SOCIAL_ID_PLATFORMS:
        return _error(400, 400, f"Analytics by social ID is not available for {platform}. "
                                f"Platforms: {', '.join(SOCIAL_ID_PLATFORMS)}.", platform=platform)
    native = body.get("id")
    if not isinstance(native, str) or not native:
        return _error(400, 400, "Missing id parameter.")
    if platform not in profile.platforms:
        return _error(400, 156, f"{platform} is not linked. Please link it in the Social Accounts page.", platform=platform)
    item = next((item for item in native_posts(profile, platform) if item.id == native), None)
    if item is None:
        return _error(404, 186, "Post ID not found.", id=native)
    entry = _analytics(vendor, item, vendor.now())
    if platform == "twitter" and item.post.thread_length > 1:
        return Response(200, {"status": "success", "twitter": [entry]})
    return Response(200, {"status": "success", platform: entry})


# -- GET /analytics/youTubePlaylists ---------------------------------------------------------------------------
PLAYLIST_COUNTS = {"brand-native": 3}  # others: 2


def youtube_playlists(vendor: "AyrshareEmulator", request: Request, profile: Profile) -> Response:
    if "youtube" not in profile.platforms:
        return _error(400, 156, "youtube is not linked. Please link it in the Social Accounts page.", platform="youtube")
    now = vendor.now()
    rng = random.Random(f"ayrshare-native:playlists:{profile.name}:{now.date().isoformat()}")
    playlists = []
    for index in range(PLAYLIST_COUNTS.get(profile.name, 2)):
        views = rng.randint(40, 4000)
        starts = rng.randint(10, max(11, views // 2))
        minutes = rng.randint(20, 9000)
        playlist_id = "PL" + _digest(f"{profile.name}:playlist:{index}", 16).upper()
        playlists.append({  # the vendor example's keys, in its order
            "averageTimeInPlaylist": round(rng.uniform(0.5, 9.0), 1),
            "averageViewDuration": round(rng.uniform(15.0, 300.0), 1),
            "description": f"{profile.title} playlist {index + 1}",
            "estimatedMinutesWatched": minutes,
            "estimatedRedMinutesWatched": rng.randint(0, minutes // 10),
            "id": playlist_id,
            "playlistStarts": starts,
            "thumbNail": {"url": f"https://i.ytimg.com/vi/{playlist_id[2:13]}/default.jpg", "width": 120, "height": 90},
            "title": f"{profile.title} Playlist {index + 1}",
            "views": views,
            "viewsPerPlaylistStart": round(views / starts, 1),
        })
    last_updated = now - timedelta(minutes=2)
    return Response(200, {
        "status": "success", "channelId": OWN_CHANNEL[0], "playLists": playlists,
        "lastUpdated": _iso(last_updated), "nextUpdate": _iso(last_updated + timedelta(minutes=32, seconds=30)),
    })

