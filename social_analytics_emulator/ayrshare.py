"""Ayrshare, as its pages (seed 004) and api-notes §1 describe it, served under ``/api``.

Quirks reproduced on purpose, because the real API has them:
- ``POST /analytics/post``: one key per platform the post went to; an X/Twitter thread is an *array*
  of tweet objects; TikTok carries no top-level ``id`` (its id is ``analytics.itemId``); a post the
  networks no longer know answers 404 ``{"action":"analytics","status":"error","code":186,...}``.
- ``GET /history``: ``{"history": [...]}``; ``scheduleDate`` is sometimes the Firestore object
  ``{_seconds, _nanoseconds, utc}`` and sometimes a plain ISO string; failed posts are listed too.
- ``GET /analytics/links``: a top-level array, counts as *strings*, ``created`` as a Firestore object.
- ``POST /analytics/social``: a platform that is not linked answers HTTP 400 code 156 (gmb, and others
  in UNLINKED_AS_HTTP_400) or, for the rest and in multi-platform requests, an ``errors[]`` entry in a 200.
- Profile ``brand-bulk`` (BULK_PROFILE_KEY) posted 540 times in one week: a 7-day /history window is full.
- Native posts (``ayrshare_native.py``, api-notes-2 §1.1/§1.2/§2): ``GET /history/{platform}``, ``POST /analytics/post``
  with ``searchPlatformId: true`` (analytics by social id) and ``GET /analytics/youTubePlaylists``, for every profile.
  Two more profiles, in NATIVE_PROFILE_KEYS (not in PROFILE_KEYS): ``brand-native`` (NATIVE_PROFILE_KEY, Business)
  has posts made at the networks on 9 platforms besides the 12 it sent through Ayrshare (same native ids), 31
  facebook posts (pages), YouTube collaborations it does not own (social-id analytics: zeros) and a linked
  pinterest that social-id analytics refuses (400); ``brand-premium`` (PREMIUM_PROFILE_KEY, Premium plan:
  social-id analytics 403, no YouTube). The other profiles' native history is their own Ayrshare posts.
- Every answer carries ``x-ratelimit-max``/``x-ratelimit-count``; past 300 requests in 5 minutes per
  profile the answer is 429.

Rate limits (api-notes §1.7; the vendor's errors-http page)
- [DOC] Per User Profile: 300 requests per 5 minutes; every authenticated answer carries ``x-ratelimit-max`` (the
  limit) and ``x-ratelimit-count`` (requests in the current 5-minute window). The primary profile (no
  ``Profile-Key``) is one User Profile, each Profile-Key another: their budgets are independent.
- [INFERRED] A sliding 5-minute window; every authenticated request is counted, refused ones too (hammering keeps
  a profile blocked, as the vendor warns). Past the limit: 429 with the flat error body
  ``{"action":"request","status":"error","code":429,"message":"Rate limit exceeded. ..."}`` (the real body and
  code are [UNKNOWN]). No ``Retry-After`` and no reset header: the current docs name only the two headers above
  (the older ``x-ratelimit-remaining``/``x-ratelimit-reset`` are gone), so a client must back off on its own.
- X/Twitter analytics daily cap [DOC: "X Analytics Rate Limits ... Business User Profiles: 1,000 API requests per
  24-hour period; Premium 500" (older revisions 500/300/350); per-platform analytics throttling answers 429]. Off
  by default; ``twitter_analytics_daily_cap=N`` (constructor, ``set_twitter_analytics_daily_cap``, the emulator's
  setting of that name) turns it on. [INFERRED, the wire shape is undocumented]: per User Profile, a sliding
  24-hour window counting ``POST /analytics/post`` answers that carry twitter analytics (a post with twitter among
  its platforms, asked without ``platforms`` or with twitter in them; analytics by social id of a tweet too); the
  (N+1)th such call in 24 h answers 429
  ``{"action":"analytics","status":"error","code":429,"message":"X/Twitter analytics daily limit reached: N X/Twitter
  analytics requests per 24 hours for this User Profile. ...","platform":"twitter"}`` for the *whole* call (other
  platforms of the same post included: Ayrshare answers a call, not a platform), with the usual
  ``x-ratelimit-max``/``x-ratelimit-count`` headers, which stay within the profile's budget: that is how a client
  tells the two 429s apart (and by ``platform: "twitter"`` and the message). A call for a post without twitter, or
  with ``platforms`` leaving twitter out, is served. Refused calls do not count against the cap. The monthly X cap
  and the 1,000-violations suspension are not emulated.
- Settings (see ``Vendor``): ``set_rate_limit(n)`` (the emulator's ``rate_limits: {"ayrshare": n}``) makes the
  per-profile limit exactly ``n`` (default ``300 * scale``, see below); ``rate_time_scale`` s divides the 5-minute
  window and the 24-hour X window. Either resets the counters. Test hook: ``AyrshareEmulator.clock`` (monotonic
  seconds) is the rate clock and may be replaced on an instance.

Benchmark profiles (``benchmark_profiles=N``, ``posts_per_benchmark_profile=M``; default 0, nothing changes): N
extra User Profiles ``bench-000``..., Profile-Keys ``benchmark_profile_keys(N)`` (deterministic), each with M posts
published through Ayrshare over the last ~14 days, all succeeded (so each has ``/analytics/post``), on 1-3 of
the profile's linked platforms (four sets cycle; twitter on every other profile, X threads on some posts). No
links. The per-profile limit applies to each of them separately.

The data set is deterministic: the same posts, links and numbers for the same UTC day.

``scale`` (benchmarks only; scale 1 is the data set above, unchanged): the primary, ``brand-eu`` and ``brand-us``
profiles get ``scale`` times their posts, over the same 60 days (copy 0 is the scale-1 posts; the other copies
all succeeded, interleaved between them), and the per-profile limit is ``300 * scale`` requests in 5 minutes, so
that a benchmark of a bigger account measures the client, not this limit. Links and the bulk profile do not grow.
"""
from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Deque, Dict, List, Optional

from .base import Request, Response, Vendor

API_KEY = "EMU7XKQ-S03M5LS-GR5RX5G-AZCK8EA"
PROFILE_KEYS = {
    "brand-eu": "AX1XGG-9JK3M5LS-GR5RX5G-LLCK8EA",
    "brand-us": "BQ7TZR-4HW2N8PD-KM3VC6J-XY9RT2B",
}
# A profile whose automation went wrong: more than 500 posts in one week (most of them failed), so that one
# 7-day /history window comes back full (api-notes §1.5: limit 500, no pagination). Not in PROFILE_KEYS.
BULK_PROFILE_KEY = "CZ8BLK-2MW7Q4RT-PX6NV3K-HD5SY8F"
# The native-post profiles (data and behaviour in ayrshare_native.py). Not in PROFILE_KEYS.
NATIVE_PROFILE_KEY = "DN4TVX-7PQ2K9WM-RB8HC3L-NF6JZ2E"  # brand-native: Business plan, posts made at the networks
PREMIUM_PROFILE_KEY = "EP5MRW-3KX8J2QN-TV7LD4H-GC9WB6A"  # brand-premium: Premium plan (social-id analytics 403)
NATIVE_PROFILE_KEYS = {"brand-native": NATIVE_PROFILE_KEY, "brand-premium": PREMIUM_PROFILE_KEY}
BULK_POSTS = 540
BULK_PUBLISHED_EVERY = 45  # every 45th bulk post succeeded: 12 published posts
BULK_WEEK_DAYS_AGO = (10, 17)  # posted between 17 and 10 days ago
RATE_LIMIT_MAX = 300
RATE_LIMIT_WINDOW_SECONDS = 300
# X/Twitter analytics: a separate cap per User Profile per 24 hours (api-notes §1.7); off unless configured
TWITTER_ANALYTICS_WINDOW_SECONDS = 86_400
TWITTER_CAP_MESSAGE = (
    "X/Twitter analytics daily limit reached: {cap} X/Twitter analytics requests per 24 hours for this User Profile."
    " Analytics of the other platforms are not affected."
)
# Benchmark profiles (``benchmark_profiles``): posts over the last ~14 days, linked platforms cycling over these
BENCHMARK_POSTS_PER_PROFILE = 100
BENCHMARK_DAYS = 14
BENCHMARK_PLATFORM_SETS = (
    ("facebook", "instagram", "linkedin", "twitter"),
    ("instagram", "linkedin", "tiktok"),
    ("linkedin", "twitter", "youtube"),
    ("facebook", "pinterest", "tiktok", "youtube"),
)
KNOWN_PLATFORMS = [
    "bluesky", "facebook", "gmb", "instagram", "linkedin", "pinterest",
    "reddit", "snapchat", "telegram", "threads", "tiktok", "twitter", "youtube",
]
# "platform not linked" (code 156): HTTP 400 for these (api-notes §1.6); for the others, and whenever several
# platforms are asked for at once, an `errors[]` entry in an HTTP 200 answer (the multi-platform error body).
UNLINKED_AS_HTTP_400 = ("gmb", "snapchat", "telegram", "bluesky", "threads")
SOCIAL_ANALYTICS_PLATFORMS = [
    "facebook", "gmb", "instagram", "linkedin", "pinterest", "reddit", "tiktok", "twitter", "youtube",
]


def _error(status: int, code: int, message: str, action: str = "analytics", **extra: Any) -> Response:
    body = {"action": action, "status": "error", "code": code, "message": message}
    body.update(extra)
    return Response(status, body)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _firestore(moment: datetime) -> Dict[str, int]:
    return {"_seconds": int(moment.timestamp()), "_nanoseconds": moment.microsecond * 1000}


def _parse_when(text: str, end_of_day: bool = False) -> datetime:
    text = text.strip()
    if len(text) == 10:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return day + timedelta(days=1, microseconds=-1) if end_of_day else day
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@dataclass
class Post:
    id: str
    text: str
    platforms: List[str]
    created: datetime
    published: datetime
    scheduled: bool
    status: str = "success"
    thread_length: int = 1
    gone_at_networks: bool = False  # analytics answers 404 code 186
    seed: int = 0


@dataclass
class Profile:
    name: str
    title: str
    platforms: List[str]
    posts: List[Post] = field(default_factory=list)
    links: List[Dict[str, Any]] = field(default_factory=list)
    by_id: Dict[str, Post] = field(default_factory=dict)  # the posts by id (filled by build_profiles)


def _post_id(profile: str, index: int) -> str:
    digest = hashlib.sha256(f"{profile}:{index}".encode()).hexdigest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 40, 2))


def build_profiles(today: date, scale: int = 1) -> Dict[str, Profile]:
    """The data set for one UTC day: posts and links spread over the 60 days before ``today``; ``scale`` times
    the posts of the three regular profiles (see the module's docstring)."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    specs = [
        ("primary", "Brand HQ", ["facebook", "instagram", "twitter", "linkedin", "tiktok", "youtube", "pinterest"], 24, 9),
        ("brand-eu", "Brand EU", ["instagram", "twitter", "linkedin"], 10, 4),
        ("brand-us", "Brand US", ["facebook", "youtube", "tiktok"], 6, 3),
    ]
    profiles: Dict[str, Profile] = {}
    for name, title, platforms, post_count, link_count in specs:
        rng = random.Random(f"ayrshare:{name}")
        profile = Profile(name=name, title=title, platforms=platforms)
        for index in range(post_count):
            # spread evenly over the last 60 days, newest first, never in the future
            days_ago = 0.4 + index * (59.0 / post_count)
            published = midnight - timedelta(days=days_ago) + timedelta(minutes=rng.randint(0, 50))
            published = min(published, midnight - timedelta(minutes=5))
            scheduled = index % 3 == 1
            created = published - timedelta(hours=rng.randint(2, 48)) if scheduled else published
            chosen = sorted(rng.sample(platforms, k=min(len(platforms), rng.randint(1, 3))))
            post = Post(
                id=_post_id(name, index),
                text=f"{title} update #{post_count - index}",
                platforms=chosen,
                created=created,
                published=published,
                scheduled=scheduled,
                thread_length=rng.choice([2, 3]) if "twitter" in chosen and index % 4 == 0 else 1,
                seed=rng.randint(1, 10_000),
            )
            if name == "primary" and index == 5:
                post.status = "error"  # failed on every network: listed, but no analytics
            if name == "primary" and index == 7:
                post.gone_at_networks = True  # deleted at the network since: analytics 404, code 186
            profile.posts.append(post)
        for index in range(link_count):
            days_ago = 0.3 + index * (58.0 / link_count)
            created = midnight - timedelta(days=days_ago, minutes=rng.randint(0, 30))
            events = []
            for platform in ("DESKTOP", "IOS", "ANDROID", "OTHER"):
                if rng.random() < 0.7:
                    events.append({"count": str(rng.randint(1, 40)), "event": "CLICK", "platform": platform})
            if rng.random() < 0.4:
                events.append({"count": str(rng.randint(1, 9)), "event": "REDIRECT", "platform": "ANDROID"})
            code = hashlib.sha256(f"{name}:link:{index}".encode()).hexdigest()[:4]
            profile.links.append(
                {
                    "linkEventStats": events,
                    "link": f"https://www.example.com/{name}/article-{index}",
                    "shortLink": f"https://ayr.app/l/{code}",
                    "created": _firestore(created),
                    "_created_at": created,
                }
            )
        if scale > 1:
            profile.posts += _more_posts(name, title, platforms, post_count, midnight, scale)
            profile.posts.sort(key=lambda p: p.published, reverse=True)  # newest first, as /history lists them
        profiles[name] = profile
    profiles["brand-bulk"] = _bulk_profile(midnight)
    for profile in profiles.values():
        profile.by_id = {post.id: post for post in profile.posts}
    return profiles


def _more_posts(name: str, title: str, platforms: List[str], post_count: int, midnight: datetime, scale: int) -> List[Post]:
    """Copies 1..scale-1 of a profile's posts (benchmarks): every one succeeded, each copy placed between the
    scale-1 posts (copy c at c/scale of the gap after post i), so all stay within the last 60 days."""
    posts = []
    for copy in range(1, scale):
        rng = random.Random(f"ayrshare:{name}:{copy}")
        for index in range(post_count):
            days_ago = 0.4 + (index + copy / scale) * (59.0 / post_count)
            published = midnight - timedelta(days=days_ago) + timedelta(minutes=rng.randint(0, 50))
            number = copy * post_count + index
            posts.append(_succeeded_post(rng, name, number, f"{title} update #{scale * post_count - number}", platforms, published, index))
    return posts


def _succeeded_post(rng: random.Random, name: str, number: int, text: str, platforms: List[str], published: datetime, index: int) -> Post:
    """A post that went out through Ayrshare, on 1-3 of ``platforms`` (every third one scheduled, every fourth to X a
    thread), drawn from ``rng`` in one fixed order so the data set stays the same for the same seed."""
    scheduled = index % 3 == 1
    chosen = sorted(rng.sample(platforms, k=min(len(platforms), rng.randint(1, 3))))
    return Post(
        id=_post_id(name, number),
        text=text,
        platforms=chosen,
        created=published - timedelta(hours=rng.randint(2, 48)) if scheduled else published,
        published=published,
        scheduled=scheduled,
        thread_length=rng.choice([2, 3]) if "twitter" in chosen and index % 4 == 0 else 1,
        seed=rng.randint(1, 10_000),
    )


def _bulk_profile(midnight: datetime) -> Profile:
    profile = Profile(name="brand-bulk", title="Brand Bulk", platforms=["twitter", "linkedin"])
    newest, oldest = BULK_WEEK_DAYS_AGO
    span = timedelta(days=oldest - newest)
    for index in range(BULK_POSTS):
        published = midnight - timedelta(days=newest) - span * (index + 0.5) / BULK_POSTS
        post = Post(
            id=_post_id("brand-bulk", index), text=f"Bulk update #{BULK_POSTS - index}", platforms=["twitter"],
            created=published, published=published, scheduled=False, seed=index + 1,
        )
        if index % BULK_PUBLISHED_EVERY:
            post.status = "error"  # the network refused it: listed by /history, no analytics
        profile.posts.append(post)
    return profile


def _benchmark_name(number: int) -> str:
    return f"bench-{number:03d}"


def benchmark_profile_keys(n: int) -> List[str]:
    """The Profile-Keys of the first ``n`` benchmark profiles (``bench-000``, ``bench-001``, ...), in that order:
    deterministic (the same for every emulator), in the vendor's key format, never one of PROFILE_KEYS."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    keys = []
    for number in range(max(0, int(n))):
        digest = hashlib.sha256(f"ayrshare:profile-key:{_benchmark_name(number)}".encode()).digest()
        chars = "".join(alphabet[byte % len(alphabet)] for byte in digest[:28])
        keys.append(f"{chars[:6]}-{chars[6:14]}-{chars[14:21]}-{chars[21:28]}")
    return keys


def build_benchmark_profiles(today: date, count: int, posts_per_profile: int = BENCHMARK_POSTS_PER_PROFILE) -> Dict[str, Profile]:
    """``count`` extra User Profiles for benchmarks (``bench-000``..., keys ``benchmark_profile_keys(count)``), each
    with ``posts_per_profile`` posts published through Ayrshare over the last ~14 days (all succeeded, newest
    first), its linked platforms cycling over BENCHMARK_PLATFORM_SETS (twitter on half the profiles), each post on
    1-3 of them. No links. Deterministic for the UTC day."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    profiles: Dict[str, Profile] = {}
    for number in range(max(0, int(count))):
        name = _benchmark_name(number)
        title = f"Benchmark {number:03d}"
        platforms = list(BENCHMARK_PLATFORM_SETS[number % len(BENCHMARK_PLATFORM_SETS)])
        rng = random.Random(f"ayrshare:{name}")
        profile = Profile(name=name, title=title, platforms=platforms)
        for index in range(posts_per_profile):
            days_ago = 0.2 + index * ((BENCHMARK_DAYS - 0.5) / posts_per_profile)
            published = midnight - timedelta(days=days_ago) + timedelta(minutes=rng.randint(0, 50))
            published = min(published, midnight - timedelta(minutes=5))
            profile.posts.append(_succeeded_post(rng, name, index, f"{title} update #{posts_per_profile - index}", platforms, published, index))
        profile.posts.sort(key=lambda p: p.published, reverse=True)  # newest first, as /history lists them
        profile.by_id = {post.id: post for post in profile.posts}
        profiles[name] = profile
    return profiles


def _growth(published: datetime, now: datetime) -> float:
    """Metrics keep growing for days after publication, so a re-read sees new numbers."""
    age_days = max((now - published).total_seconds() / 86400.0, 0.0)
    return age_days / (age_days + 2.0)


class _RateLimiter:
    """Sliding windows per profile on ``clock`` (monotonic seconds); the window length is given per call (the
    documented window divided by the vendor's ``rate_time_scale``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._calls: Dict[str, Deque[float]] = defaultdict(deque)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    def _trim(self, profile: str, now: float, window: float) -> Deque[float]:
        calls = self._calls[profile]
        while calls and now - calls[0] > window:
            calls.popleft()
        return calls

    def hit(self, profile: str, window: float = RATE_LIMIT_WINDOW_SECONDS) -> int:
        """Count one request (refused ones too); return the requests in the window, this one included."""
        now = self.clock()
        with self._lock:
            calls = self._trim(profile, now, window)
            calls.append(now)
            return len(calls)

    def admit(self, profile: str, limit: int, window: float) -> bool:
        """Count one call if fewer than ``limit`` are in the window; False (and nothing counted) otherwise."""
        now = self.clock()
        with self._lock:
            calls = self._trim(profile, now, window)
            if len(calls) >= limit:
                return False
            calls.append(now)
            return True


class AyrshareEmulator(Vendor):
    prefix = "/api"
    name = "ayrshare"

    def __init__(
        self,
        scale: int = 1,
        now: Optional[datetime] = None,
        benchmark_profiles: int = 0,
        posts_per_benchmark_profile: int = BENCHMARK_POSTS_PER_PROFILE,
        twitter_analytics_daily_cap: Optional[int] = None,
    ) -> None:
        super().__init__(scale, now)
        self.clock: Callable[[], float] = time.monotonic  # the rate clock (a test hook; seconds)
        self._limiter = _RateLimiter(lambda: self.clock())
        self._twitter_limiter = _RateLimiter(lambda: self.clock())
        self.rate_limit_max = RATE_LIMIT_MAX * self.scale
        self.twitter_analytics_daily_cap = twitter_analytics_daily_cap
        self.benchmark_profiles = max(0, int(benchmark_profiles))
        self.posts_per_benchmark_profile = max(0, int(posts_per_benchmark_profile))
        keys = {**PROFILE_KEYS, "brand-bulk": BULK_PROFILE_KEY, **NATIVE_PROFILE_KEYS}
        keys.update(zip(map(_benchmark_name, range(self.benchmark_profiles)), benchmark_profile_keys(self.benchmark_profiles)))
        self._profile_by_key = {key: name for name, key in keys.items()}
        self._cache_day: Optional[date] = None
        self._profiles: Dict[str, Profile] = {}
        self._lock = threading.Lock()

    def profiles(self) -> Dict[str, Profile]:
        today = self.now().date()
        with self._lock:
            if self._cache_day != today:
                self._profiles = build_profiles(today, self.scale)
                from .ayrshare_native import build_native_profiles  # imports this module: not at the top

                self._profiles.update(build_native_profiles(today))
                if self.benchmark_profiles:
                    self._profiles.update(build_benchmark_profiles(today, self.benchmark_profiles, self.posts_per_benchmark_profile))
                self._cache_day = today
            return self._profiles

    # -- rate limits (see ``Vendor`` and the module docstring) --------------------------------------------
    def set_rate_limit(self, limit: Optional[int]) -> None:
        """Exactly ``limit`` requests per User Profile per (scaled) 5 minutes; None: ``300 * scale``."""
        super().set_rate_limit(limit)
        self.rate_limit_max = int(limit) if limit is not None else RATE_LIMIT_MAX * self.scale

    def rate_limit(self) -> Optional[int]:
        return self.rate_limit_max

    def set_twitter_analytics_daily_cap(self, cap: Optional[int]) -> None:
        if cap is not None and int(cap) < 0:
            raise ValueError(f"twitter_analytics_daily_cap must be >= 0, not {cap}")
        self.twitter_analytics_daily_cap = int(cap) if cap is not None else None
        self._twitter_limiter.reset()

    def reset_rate_limits(self) -> None:
        self._limiter.reset()
        self._twitter_limiter.reset()

    def _twitter_analytics_capped(self, request: Request, profile_name: str, response: Response) -> Response:
        """The X/Twitter analytics daily cap: a ``POST /analytics/post`` answer that carries twitter analytics counts
        against the profile's cap; past it, the flat 429 instead (see the module docstring)."""
        cap = self.twitter_analytics_daily_cap
        if cap is None or request.method != "POST" or request.path[len(self.prefix) :] != "/analytics/post":
            return response
        if response.status != 200 or not isinstance(response.body, dict) or "twitter" not in response.body:
            return response
        if self._twitter_limiter.admit(profile_name, cap, self.rate_window(TWITTER_ANALYTICS_WINDOW_SECONDS)):
            return response
        return _error(429, 429, TWITTER_CAP_MESSAGE.format(cap=f"{cap:,}"), platform="twitter")

    # -- request plumbing ---------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        auth = request.header("Authorization") or ""
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :].strip() != API_KEY:
            return _error(
                401, 102,
                "API Key not valid. Please verify your API Key in the Ayrshare Dashboard.",
                action="authorization",
            )
        profile_key = request.header("Profile-Key")
        profile_name = "primary"
        if profile_key:
            matched = self._profile_by_key.get(profile_key)
            if matched is None:
                return _error(
                    403, 101, "Profile Key not found. Please verify the Profile-Key header.",
                    action="authorization",
                )
            profile_name = matched
        limit = self.rate_limit_max
        count = self._limiter.hit(profile_name, self.rate_window(RATE_LIMIT_WINDOW_SECONDS))
        headers = {"x-ratelimit-max": str(limit), "x-ratelimit-count": str(count)}
        if count > limit:
            response = _error(429, 429, "Rate limit exceeded. Please slow down your requests.", action="request")
        else:
            response = self._route(request, self.profiles()[profile_name])
            response = self._twitter_analytics_capped(request, profile_name, response)
        response.headers.update(headers)
        return response

    def _route(self, request: Request, profile: Profile) -> Response:
        path = request.path[len(self.prefix) :]
        if path == "/history" and request.method == "GET":
            return self._history(request, profile)
        if path == "/analytics/post" and request.method == "POST":
            from . import ayrshare_native

            if ayrshare_native.wants_social_id(request):  # searchPlatformId: true (api-notes-2 §1.2)
                return ayrshare_native.post_analytics_by_social_id(self, request, profile)
            return self._post_analytics(request, profile)
        if path.startswith("/history/") and request.method == "GET" and path[len("/history/") :] in KNOWN_PLATFORMS:
            from . import ayrshare_native

            return ayrshare_native.history_platform(self, request, profile, path[len("/history/") :])
        if path == "/analytics/youTubePlaylists" and request.method == "GET":
            from . import ayrshare_native

            return ayrshare_native.youtube_playlists(self, request, profile)
        if path == "/analytics/social" and request.method == "POST":
            return self._social_analytics(request, profile)
        if path == "/analytics/links" and request.method == "GET":
            return self._links(request, profile)
        return Response(404, {"action": "request", "status": "error", "code": 404, "message": "Not found."})

    # -- GET /history -------------------------------------------------------------------------------
    def _history(self, request: Request, profile: Profile) -> Response:
        now = self.now()
        try:
            limit = int(request.param("limit") or request.param("lastRecords") or 25)
            last_days = int(request.param("lastDays") or 30)
            start = request.param("startDate")
            end = request.param("endDate")
            window_start = _parse_when(start) if start and end else None
            window_end = _parse_when(end, end_of_day=True) if start and end else None
        except ValueError:
            return _error(400, 400, "Invalid history parameters.", action="history")
        limit = max(1, min(limit, 1000))
        status = request.param("status")
        wanted = request.query.get("platforms") or [
            v[0] for k, v in sorted(request.query.items()) if k.startswith("platforms[")
        ]
        items = []
        for post in profile.posts:  # newest first
            if window_start is not None:
                if not (window_start <= post.published <= window_end):
                    continue
            elif last_days and post.published < now - timedelta(days=last_days):
                continue
            if status and post.status != status:
                continue
            if wanted and not set(wanted) & set(post.platforms):
                continue
            items.append(self._history_item(post))
            if len(items) >= limit:
                break
        return Response(200, {"history": items, "refId": hashlib.sha1(profile.name.encode()).hexdigest()[:16], "count": len(items), "lastUpdated": _iso(now)})

    def _history_item(self, post: Post) -> Dict[str, Any]:
        item: Dict[str, Any] = {
            "id": post.id,
            "post": post.text,
            "platforms": post.platforms,
            "postIds": [],
            "errors": [],
            "urls": [],
            "type": "schedule" if post.scheduled else "now",
            "created": _iso(post.created).replace(".000Z", "Z"),
            "status": post.status,
        }
        if post.status == "success":
            item["postIds"] = [
                {"status": "success", "id": self._native_id(post, p), "platform": p, "postUrl": self._post_url(post, p)}
                for p in post.platforms
            ]
        else:
            item["errors"] = [
                {"action": "post", "status": "error", "code": 107, "message": f"{p} error: the network refused the post", "platform": p}
                for p in post.platforms
            ]
        if post.scheduled:
            if int(post.id.encode()[0]) % 2 == 0:
                item["scheduleDate"] = {**_firestore(post.published), "utc": _iso(post.published).replace(".000Z", "Z")}
            else:
                item["scheduleDate"] = _iso(post.published)
        return item

    @staticmethod
    def _native_id(post: Post, platform: str, tweet: int = 0) -> str:
        number = int(hashlib.sha256(f"{post.id}:{platform}:{tweet}".encode()).hexdigest()[:15], 16)
        if platform == "facebook":
            return f"104923907983682_{number % 10**15}"
        if platform == "linkedin":
            return f"urn:li:share:{number % 10**19}"
        if platform == "youtube":
            return hashlib.sha256(f"{post.id}:yt".encode()).hexdigest()[:11]
        return str(number % 10**19)

    def _post_url(self, post: Post, platform: str, tweet: int = 0) -> str:
        native = self._native_id(post, platform, tweet)
        return {
            "facebook": f"https://www.facebook.com/{native}",
            "instagram": f"https://www.instagram.com/p/{native[:11]}/",
            "twitter": f"https://twitter.com/brand/status/{native}",
            "linkedin": f"https://www.linkedin.com/feed/update/{native}",
            "tiktok": f"https://www.tiktok.com/@brand/video/{native}",
            "youtube": f"https://youtu.be/{native}",
            "pinterest": f"https://www.pinterest.com/pin/{native}",
        }.get(platform, f"https://{platform}.example/{native}")

    # -- POST /analytics/post -----------------------------------------------------------------------
    def _post_analytics(self, request: Request, profile: Profile) -> Response:
        body = request.json() or {}
        post_id = body.get("id")
        if not isinstance(post_id, str) or not post_id:
            return _error(400, 400, "Missing id parameter.")
        post = profile.by_id.get(post_id)
        if post is None:
            return _error(404, 186, "Post ID not found.", id=post_id)
        if post.gone_at_networks or post.status != "success":
            return _error(404, 186, "Post ID not found.", id=post_id)
        wanted = body.get("platforms") or post.platforms
        now = self.now()
        result: Dict[str, Any] = {"status": "success", "id": post.id}
        for platform in post.platforms:
            if platform not in wanted:
                continue
            if platform == "twitter" and post.thread_length > 1:
                result["twitter"] = [self._platform_analytics(post, platform, now, tweet) for tweet in range(post.thread_length)]
            else:
                result[platform] = self._platform_analytics(post, platform, now)
        return Response(200, result)

    def _platform_analytics(self, post: Post, platform: str, now: datetime, tweet: int = 0) -> Dict[str, Any]:
        rng = random.Random(f"{post.seed}:{platform}:{tweet}")
        grow = _growth(post.published, now)

        def n(low: int, high: int) -> int:
            return int(rng.randint(low, high) * grow)

        native = self._native_id(post, platform, tweet)
        url = self._post_url(post, platform, tweet)
        stamp = {"lastUpdated": _iso(now - timedelta(minutes=3)), "nextUpdate": _iso(now + timedelta(minutes=7))}
        created = _iso(post.published)
        if platform == "facebook":
            reactions = {"like": n(5, 60), "love": n(0, 20), "wow": n(0, 5), "haha": n(0, 5), "sorry": 0, "anger": 0}
            reactions["total"] = sum(reactions.values())
            analytics = {
                "commentsCount": n(0, 15), "likeCount": reactions["like"], "sharesCount": n(0, 8),
                "impressionsUnique": n(300, 3000), "reactions": reactions,
                "reactionsByType": {k: v for k, v in reactions.items() if k != "total" and v},
                "videoViews": n(0, 900), "videoViewsUnique": n(0, 600), "videoViewTime": n(0, 400_000),
            }
            return {"id": native, "postUrl": url, "analytics": analytics, **stamp}
        if platform == "instagram":
            analytics = {
                "caption": post.text, "created": created, "username": "brand", "mediaType": "IMAGE",
                "mediaProductType": "FEED", "likeCount": n(10, 200), "commentsCount": n(0, 30),
                "reachCount": n(400, 5000), "viewsCount": n(500, 6000), "engagementCount": n(10, 240),
            }
            if post.seed % 2 == 0:  # saves are reported only for some media
                analytics["savedCount"] = n(0, 25)
            return {"id": native, "postUrl": url, "analytics": analytics}
        if platform == "twitter":
            public = {"likeCount": n(0, 80), "quoteCount": n(0, 4), "replyCount": n(0, 12), "retweetCount": n(0, 20)}
            within_30_days = (now - post.published) < timedelta(days=30)
            if within_30_days:
                public["impressionCount"] = n(100, 4000)
            analytics: Dict[str, Any] = {
                "created": created, "name": "Brand", "username": "brand",
                "post": f"{post.text} ({tweet + 1}/{post.thread_length})" if post.thread_length > 1 else post.text,
                "publicMetrics": public,
            }
            if within_30_days:  # X only gives non-public metrics for recent, owned posts
                analytics["nonPublicMetrics"] = {"impressionCount": public["impressionCount"], "userProfileClicks": n(0, 9)}
                analytics["organicMetrics"] = {
                    "impressionCount": public["impressionCount"], "likeCount": public["likeCount"],
                    "replyCount": public["replyCount"], "retweetCount": public["retweetCount"],
                    "userProfileClicks": analytics["nonPublicMetrics"]["userProfileClicks"],
                }
            return {"id": native, "postUrl": url, "analytics": analytics}
        if platform == "linkedin":
            impressions = n(200, 6000)
            likes, comments, shares, clicks = n(0, 90), n(0, 14), n(0, 9), n(0, 70)
            analytics = {
                "impressionCount": impressions, "likeCount": likes, "commentCount": comments,
                "shareCount": shares, "clickCount": clicks,
                "engagement": round((likes + comments + shares + clicks) / impressions, 4) if impressions else 0,
            }
            return {"id": native, "postUrl": url, "analytics": analytics}
        if platform == "tiktok":
            analytics = {
                "itemId": native, "created": created, "mediaType": "video", "tags": [],
                "likeCount": n(10, 500), "commentsCount": n(0, 40), "shareCount": n(0, 30),
                "videoViews": n(500, 20000), "reach": n(400, 15000),
                "embedUrl": f"https://www.tiktok.com/embed/{native}", "url": url, "postUrl": url,
                "thumbnailUrl": f"https://p16.tiktokcdn.example/{native}.jpg", "thumbnailWidth": 576, "thumbnailHeight": 1024,
            }
            return {"postUrl": url, "analytics": analytics, **stamp}
        if platform == "youtube":
            analytics = {
                "averageViewDuration": n(20, 180), "averageViewPercentage": round(rng.uniform(15, 70), 1),
                "channelTitle": "Brand", "title": post.text, "views": n(100, 9000), "likes": n(0, 300),
                "comments": n(0, 40), "shares": n(0, 25), "estimatedMinutesWatched": n(50, 5000),
            }
            return {"id": native, "postUrl": url, "analytics": analytics}
        if platform == "pinterest":
            analytics = {"description": post.text, "media": {}, "totalComments": n(0, 6), "totalReactions": n(0, 50)}
            return {"id": native, "postUrl": url, "analytics": analytics}
        return {"id": native, "postUrl": url, "analytics": {}}

    # -- POST /analytics/social ---------------------------------------------------------------------
    def _social_analytics(self, request: Request, profile: Profile) -> Response:
        body = request.json() or {}
        platforms = body.get("platforms")
        if not isinstance(platforms, list) or not platforms or any(p not in SOCIAL_ANALYTICS_PLATFORMS for p in platforms):
            return _error(400, 400, "Missing or wrong platforms parameter.")
        now = self.now()
        day_seed = now.date().isoformat()
        result: Dict[str, Any] = {"status": "success"}
        errors = []
        unlinked = [p for p in platforms if p not in profile.platforms]
        if unlinked and len(platforms) == 1 and unlinked[0] in UNLINKED_AS_HTTP_400:
            # api-notes §1.6: "platform not linked" is code 156 with HTTP 400 (the flat error body)
            return _error(400, 156, f"{unlinked[0]} is not linked. Please link it in the Social Accounts page.", platform=unlinked[0])
        for platform in platforms:
            if platform not in profile.platforms:
                errors.append({"action": "analytics", "status": "error", "code": 156,
                               "message": f"{platform} is not linked. Please link it in the Social Accounts page.",
                               "platform": platform})
                continue
            rng = random.Random(f"{profile.name}:{platform}:{day_seed}")
            result[platform] = {
                "analytics": self._account_analytics(profile, platform, rng),
                "lastUpdated": _iso(now - timedelta(minutes=20)),
                "nextUpdate": _iso(now + timedelta(hours=1)),
            }
        if errors:
            result["errors"] = errors
            if len(result) == 2:  # nothing but status and errors
                result["status"] = "error"
        return Response(200, result)

    @staticmethod
    def _account_analytics(profile: Profile, platform: str, rng: random.Random) -> Dict[str, Any]:
        n = rng.randint
        if platform == "facebook":
            reactions = {"like": n(100, 900), "love": n(0, 200), "wow": n(0, 40), "haha": n(0, 40), "sorry": n(0, 5), "anger": n(0, 5)}
            reactions["total"] = sum(reactions.values())
            return {
                "id": "104923907983682", "name": profile.title, "link": "https://www.facebook.com/brand", "verified": False,
                "fanCount": n(2000, 9000), "followersCount": n(2000, 9500), "pageFanRemoves": n(0, 20),
                "pageImpressions": n(5000, 60000), "pageImpressionsPaid": 0, "pagePostEngagements": n(100, 3000),
                "pagePostsImpressions": n(4000, 40000), "pagePostsImpressionsPaid": 0,
                "pageVideoViews": n(0, 9000), "pageVideoViewsPaid": 0, "reactions": reactions,
            }
        if platform == "instagram":
            return {
                "id": "17841400000000000", "igId": 123456, "username": "brand", "name": profile.title,
                "biography": "Official account", "profilePictureUrl": "https://cdn.example/brand.jpg",
                "followersCount": n(3000, 20000), "followsCount": n(100, 400), "mediaCount": n(100, 600),
                "impressionsCount": n(10000, 90000), "reachCount": n(5000, 50000), "profileViewsCount": n(100, 900),
                "websiteClicksCount": n(0, 60), "likeCount": n(300, 3000), "commentsCount": n(20, 300),
                "emailContactsCount": 0, "phoneCallClicksCount": 0, "textMessageClicksCount": 0,
            }
        if platform == "twitter":
            return {
                "id": "1288968500063775749", "name": profile.title, "username": "brand", "displayName": profile.title,
                "description": "Official account", "location": "Earth", "url": "https://brand.example",
                "profileImageUrl": "https://pbs.twimg.example/brand.jpg", "protected": False, "verified": False,
                "created": "2015-03-01T10:00:00.000Z", "followersCount": n(1000, 30000), "listedCount": n(5, 80),
                "tweetCount": n(500, 9000),
            }
        if platform == "linkedin":
            return {
                "impressionCount": n(1000, 20000), "clickCount": n(10, 400), "likeCount": n(50, 900),
                "commentCount": n(0, 90), "shareCount": n(0, 60), "engagement": round(rng.uniform(0.01, 0.09), 4),
                "followers": {"organicFollowerCount": n(800, 9000), "paidFollowerCount": n(0, 50)},
                "views": {"allPageViews": n(100, 2000), "overviewPageViews": n(50, 900)},
            }
        if platform == "tiktok":
            return {
                "username": "brand", "displayName": profile.title, "bio": "Official", "url": "https://www.tiktok.com/@brand",
                "userImage": "https://p16.tiktokcdn.example/brand.jpg", "followerCount": n(1000, 50000),
                "followingCount": n(10, 200), "likeCountTotal": n(5000, 90000), "commentCountTotal": n(100, 4000),
                "shareCountTotal": n(50, 3000), "viewCountTotal": n(50000, 900000), "videoCountTotal": n(20, 300),
                "durationAverage": n(10, 60),
            }
        if platform == "youtube":
            return {
                "id": "UCxxxxBrand", "title": profile.title, "description": "Official channel", "handle": "@brand",
                "url": "https://youtube.com/@brand", "thumbnailUrl": "https://yt.example/brand.jpg",
                "created": "2016-01-01T00:00:00Z", "privacyStatus": "public", "isLinked": True,
                "hiddenSubscriberCount": False, "longUploadsStatus": "allowed", "playlistId": "UUxxxxBrand",
                "playlists": [], "subscriberCount": n(500, 9000), "viewCount": n(10000, 500000),
                "videoCount": n(10, 200), "views": n(500, 9000), "likes": n(20, 600), "dislikes": n(0, 20),
                "comments": n(0, 90), "estimatedMinutesWatched": n(500, 20000), "averageViewDuration": n(30, 200),
                "averageViewPercentage": round(rng.uniform(20, 60), 1), "subscribersGained": n(0, 60),
                "subscribersLost": n(0, 10), "videosAddedToPlaylists": n(0, 5),
            }
        # pinterest, gmb, reddit: field names are not documented; a bare, honest payload
        return {"id": f"{platform}-{profile.name}", "name": profile.title}

    # -- GET /analytics/links -----------------------------------------------------------------------
    def _links(self, request: Request, profile: Profile) -> Response:
        raw = request.param("lastDays")
        try:
            last_days = int(raw) if raw not in (None, "") else 1
        except ValueError:
            last_days = -1
        if not 1 <= last_days <= 30:
            return _error(400, 400, "lastDays must be a number between 1 and 30.")
        since = self.now() - timedelta(days=last_days)
        links = [
            {k: v for k, v in link.items() if not k.startswith("_")}
            for link in profile.links
            if link["_created_at"] >= since
        ]
        return Response(200, links)
