"""The emulator's rate limits, as each vendor defines them (api-notes §1.7, §2.6, §3.7, §4.7), with the settings a
benchmark uses: ``rate_time_scale`` (every window and every time the vendors report about it divided by it),
``rate_limits`` (exact limits per vendor unit), Ayrshare's ``twitter_analytics_daily_cap``, benchmark-sized Ayrshare
accounts, and the HTTP status of every answer in the request log.

One server for the module (stopping one costs half a second); each test starts from the default settings, fresh
counters, the real rate clocks and an empty log. Windows are shortened with ``rate_time_scale`` and, where a test
must land exactly on a window's edge, with a vendor's replaceable rate ``clock``."""
from __future__ import annotations

import math
import time
import urllib.error
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from social_analytics_emulator import Emulator, EmulatorClient
from social_analytics_emulator import ayrshare, highlevel, mosaic, postpost
from social_analytics_emulator.ayrshare import AyrshareEmulator, benchmark_profile_keys, build_profiles
from social_analytics_emulator.base import Request
from social_analytics_emulator.vendors import VENDOR_NAMES, parse_rate_limits

BENCH_PROFILES = 3
BENCH_POSTS = 12
DEFAULTS: Dict[str, Any] = {
    "rate_time_scale": 1, "rate_limits": {name: None for name in VENDOR_NAMES}, "twitter_analytics_daily_cap": None,
    "reset_rate_limits": True,
}


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Emu:
    def __init__(self, emulator: Emulator) -> None:
        self.url = emulator.url
        self.hooks = EmulatorClient(emulator.url)
        self.vendor = {vendor.name: vendor for vendor in emulator.vendors}
        self.session = requests.Session()

    # -- one request per vendor ------------------------------------------------------------------------------
    def ayrshare(self, path: str = "/history", profile_key: Optional[str] = None, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {ayrshare.API_KEY}"}
        if profile_key:
            headers["Profile-Key"] = profile_key
        if body is None:
            return self.session.get(self.url + "/api" + path, headers=headers, timeout=10)
        return self.session.post(self.url + "/api" + path, headers=headers, json=body, timeout=10)

    def post_analytics(self, post_id: str, profile_key: Optional[str] = None, **extra: Any) -> requests.Response:
        return self.ayrshare("/analytics/post", profile_key, {"id": post_id, **extra})

    def highlevel(self, token: str = highlevel.ACCESS_TOKEN) -> requests.Response:
        return self.session.get(f"{self.url}/highlevel/social-media-posting/{highlevel.LOCATION_ID}/accounts",
                                headers={"Authorization": f"Bearer {token}", "Version": "2021-07-28"}, timeout=10)

    def postpost(self, key: str = postpost.API_KEY) -> requests.Response:
        return self.session.get(self.url + "/postpost/api/v1/platform-connections", headers={"x-api-key": key}, timeout=10)

    def mosaic(self) -> requests.Response:
        return self.session.get(self.url + "/mosaic/whoami", headers={"Authorization": f"Bearer {mosaic.API_KEY}"}, timeout=10)


@pytest.fixture(scope="module")
def running() -> Iterator[Emu]:
    with Emulator(ayrshare_profiles=BENCH_PROFILES, ayrshare_posts_per_profile=BENCH_POSTS) as emulator:
        yield Emu(emulator)


@pytest.fixture()
def emu(running: Emu) -> Iterator[Emu]:
    """The shared server at the default settings, fresh counters, real rate clocks, no faults, an empty log."""
    for name in ("ayrshare", "highlevel", "mosaic"):
        running.vendor[name].clock = time.monotonic
    running.hooks.settings(**DEFAULTS)
    running.hooks.clear_faults()
    running.hooks.clear_requests()
    yield running
    running.hooks.settings(**DEFAULTS)


def _twitter_posts(profile: ayrshare.Profile, with_twitter: bool = True) -> List[ayrshare.Post]:
    return [post for post in profile.posts if post.status == "success" and not post.gone_at_networks
            and ("twitter" in post.platforms) == with_twitter]


# -- Ayrshare: per User Profile, 5 minutes ---------------------------------------------------------------------
def test_ayrshare_limits_are_per_user_profile(emu: Emu) -> None:
    """Profile A (the primary: no Profile-Key) exhausted; profile B (a Profile-Key) and a benchmark profile still 200."""
    emu.hooks.settings(rate_limits={"ayrshare": 3})
    answers = [emu.ayrshare() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["x-ratelimit-count"] for a in answers] == ["1", "2", "3", "4"]
    assert {a.headers["x-ratelimit-max"] for a in answers} == {"3"}
    assert answers[-1].json()["status"] == "error" and answers[-1].json()["code"] == 429
    other = emu.ayrshare(profile_key=ayrshare.PROFILE_KEYS["brand-eu"])
    assert other.status_code == 200 and other.headers["x-ratelimit-count"] == "1"
    assert emu.ayrshare(profile_key=benchmark_profile_keys(1)[0]).status_code == 200
    assert emu.ayrshare().status_code == 429  # A is still out


def test_ayrshare_default_limit_is_300_times_scale_and_headers_say_so(emu: Emu) -> None:
    answer = emu.ayrshare()
    assert answer.headers["x-ratelimit-max"] == str(ayrshare.RATE_LIMIT_MAX) and answer.headers["x-ratelimit-count"] == "1"
    assert emu.hooks.current_settings()["rate_limits"]["ayrshare"] == ayrshare.RATE_LIMIT_MAX


def test_ayrshare_window_is_5_minutes_divided_by_the_rate_time_scale(emu: Emu) -> None:
    """At scale 60 the 5-minute window is 5 s: still refused just inside it, served just after it."""
    clock = Clock()
    emu.vendor["ayrshare"].clock = clock
    emu.hooks.settings(rate_time_scale=60, rate_limits={"ayrshare": 2})
    assert [emu.ayrshare().status_code for _ in range(3)] == [200, 200, 429]
    clock.now += 4.9
    assert emu.ayrshare().status_code == 429  # counted too: hammering keeps a profile blocked
    clock.now += 0.2  # 5.1 s after the first three
    answer = emu.ayrshare()
    assert answer.status_code == 200 and answer.headers["x-ratelimit-count"] == "2"


def test_rate_time_scale_set_through_the_settings_resets_on_the_real_clock(emu: Emu) -> None:
    """End to end on the wall clock: scale 300 makes Ayrshare's 5 minutes one second."""
    emu.hooks.settings(rate_limits={"ayrshare": 2})
    assert [emu.ayrshare().status_code for _ in range(3)] == [200, 200, 429]
    settings = emu.hooks.settings(rate_time_scale=300)  # resets the counters; takes effect for new requests
    assert settings["rate_time_scale"] == 300 and settings["rate_limits"]["ayrshare"] == 2
    assert [emu.ayrshare().status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.05)
    assert emu.ayrshare().status_code == 200


# -- Ayrshare: the X/Twitter analytics daily cap -----------------------------------------------------------------
def test_x_analytics_cap_refuses_twitter_and_serves_the_rest(emu: Emu) -> None:
    clock = Clock()
    emu.vendor["ayrshare"].clock = clock
    emu.hooks.settings(rate_time_scale=60, twitter_analytics_daily_cap=2)
    key = benchmark_profile_keys(1)[0]
    bench = emu.vendor["ayrshare"].profiles()["bench-000"]
    twitter, others = _twitter_posts(bench), _twitter_posts(bench, with_twitter=False)
    assert len(twitter) >= 3 and others
    assert [emu.post_analytics(post.id, key).status_code for post in twitter[:2]] == [200, 200]
    capped = emu.post_analytics(twitter[2].id, key)
    assert capped.status_code == 429
    body = capped.json()
    assert body["status"] == "error" and body["action"] == "analytics" and body["platform"] == "twitter"
    assert "X/Twitter analytics daily limit" in body["message"]
    # the profile's own budget is not what ran out
    assert int(capped.headers["x-ratelimit-count"]) <= int(capped.headers["x-ratelimit-max"])
    # posts without twitter, or the same post without its twitter analytics, are still served
    assert all(emu.post_analytics(post.id, key).status_code == 200 for post in others)
    assert all("twitter" not in emu.post_analytics(post.id, key).json() for post in others[:1])
    mixed = next(post for post in twitter if len(post.platforms) > 1)
    rest = [p for p in mixed.platforms if p != "twitter"]
    partial = emu.post_analytics(mixed.id, key, platforms=rest)
    assert partial.status_code == 200 and set(rest) <= set(partial.json()) and "twitter" not in partial.json()
    assert emu.post_analytics(mixed.id, key).status_code == 429  # with its twitter analytics: refused
    # the cap is per User Profile
    primary = emu.vendor["ayrshare"].profiles()["primary"]
    assert emu.post_analytics(_twitter_posts(primary)[0].id).status_code == 200
    # 24 h / 60 = 24 min later the cap has room again
    clock.now += 24 * 60 + 1
    assert emu.post_analytics(twitter[2].id, key).status_code == 200


def test_x_analytics_cap_is_off_by_default(emu: Emu) -> None:
    primary = emu.vendor["ayrshare"].profiles()["primary"]
    assert all(emu.post_analytics(post.id).status_code == 200 for post in _twitter_posts(primary)[:5])


# -- Ayrshare: benchmark-sized accounts --------------------------------------------------------------------------
def test_benchmark_profiles_have_deterministic_keys_and_recent_posts_with_analytics(emu: Emu) -> None:
    keys = benchmark_profile_keys(BENCH_PROFILES)
    assert keys == benchmark_profile_keys(BENCH_PROFILES) and len(set(keys)) == BENCH_PROFILES
    assert benchmark_profile_keys(BENCH_PROFILES + 2)[:BENCH_PROFILES] == keys
    assert not set(keys) & (set(ayrshare.PROFILE_KEYS.values()) | {ayrshare.BULK_PROFILE_KEY})
    platforms = set()
    for key in keys:
        history = emu.ayrshare("/history?lastDays=14&limit=500", key).json()["history"]
        assert len(history) == BENCH_POSTS and all(item["status"] == "success" for item in history)
        for item in history:
            platforms.update(item["platforms"])
            answer = emu.post_analytics(item["id"], key)
            assert answer.status_code == 200 and set(item["platforms"]) <= set(answer.json())
    assert "twitter" in platforms and len(platforms) >= 4


def test_no_benchmark_profiles_by_default() -> None:
    vendor = AyrshareEmulator()
    assert set(build_profiles(vendor.now().date())) <= set(vendor.profiles())
    assert not [name for name in vendor.profiles() if name.startswith("bench-")]
    request = Request("GET", "/api/history", {}, {"Authorization": f"Bearer {ayrshare.API_KEY}",
                                                  "Profile-Key": benchmark_profile_keys(1)[0]}, b"")
    assert vendor.handle(request).status == 403


# -- HighLevel: per token and location, 10 s ---------------------------------------------------------------------
def test_highlevel_strict_limit_and_scaled_interval_header(emu: Emu) -> None:
    clock = Clock()
    emu.vendor["highlevel"].clock = clock
    emu.hooks.settings(rate_time_scale=60, rate_limits={"highlevel": 3})
    answers = [emu.highlevel() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["X-RateLimit-Max"] for a in answers} == {"3"}
    assert {a.headers["X-RateLimit-Interval-Milliseconds"] for a in answers} == {str(math.ceil(10_000 / 60))}
    assert answers[0].headers["X-RateLimit-Limit-Daily"] == "200000"
    assert answers[-1].json() == {"statusCode": 429, "message": "Too Many Requests"}
    assert emu.highlevel(highlevel.SECOND_ACCESS_TOKEN).status_code == 200  # another app
    clock.now += 0.167  # one scaled interval later
    assert emu.highlevel().status_code == 200


# -- PostPost/Publora and Mosaic: per key, 60 s ------------------------------------------------------------------
def test_postpost_strict_limit_per_key_with_scaled_reset(emu: Emu) -> None:
    emu.hooks.settings(rate_time_scale=60, rate_limits={"postpost": 3})
    started = time.time()
    answers = [emu.postpost() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    reset = int(answers[-1].headers["X-RateLimit-Reset"])
    assert started < reset <= started + 60 / 60 + 1  # the 60 s window is 1 s: unix seconds, rounded up
    assert answers[-1].json() == {"success": False, "error": "Rate limit exceeded", "retryAfter": 1}
    assert emu.postpost(postpost.SECOND_ACCOUNT_KEY).status_code == 200  # another key
    assert emu.hooks.status_counts("postpost") == {200: 4, 429: 1}


def test_postpost_default_advertises_120_and_enforces_nothing(emu: Emu) -> None:
    answer = emu.postpost()
    assert answer.headers["X-RateLimit-Limit"] == "120"
    assert 55 <= int(answer.headers["X-RateLimit-Reset"]) - time.time() <= 61
    assert emu.hooks.current_settings()["rate_limits"]["postpost"] is None


def test_mosaic_strict_limit_with_scaled_retry_after(emu: Emu) -> None:
    clock = Clock()
    emu.vendor["mosaic"].clock = clock
    emu.hooks.settings(rate_limits={"mosaic": 3})
    answers = [emu.mosaic() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json() == {"detail": "Too many requests", "error": "rate_limit"}
    assert answers[-1].headers["Retry-After"] == "60"
    emu.hooks.settings(rate_time_scale=60)  # a fresh budget, a 1 s window
    answers = [emu.mosaic() for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].headers["Retry-After"] == "1"
    clock.now += 1.0
    assert emu.mosaic().status_code == 200
    assert emu.hooks.status_counts("mosaic") == {200: 7, 429: 2}


# -- the request log and the settings ----------------------------------------------------------------------------
def test_the_log_records_each_answers_status_and_injected_faults(emu: Emu) -> None:
    emu.hooks.fault("/postpost/", 503)
    assert emu.postpost().status_code == 503
    assert emu.postpost().status_code == 200
    emu.session.get(emu.url + "/api/history", timeout=10)  # no key: 401
    log = emu.hooks.requests()
    assert [(e["vendor"], e["status"], e["fault"]) for e in log] == [
        ("postpost", 503, "status"), ("postpost", 200, None), ("ayrshare", 401, None),
    ]
    assert emu.hooks.status_counts() == {503: 1, 200: 1, 401: 1}


def test_bad_rate_settings_are_refused_and_change_nothing(emu: Emu) -> None:
    for bad in ({"rate_time_scale": 0}, {"rate_limits": {"nope": 1}}, {"rate_limits": {"ayrshare": 0}},
                {"rate_limits": {"ayrshare": 5}, "rate_time_scale": -1}, {"twitter_analytics_daily_cap": -1}):
        with pytest.raises(urllib.error.HTTPError) as refused:
            emu.hooks.settings(**bad)
        assert refused.value.code == 400, bad
    settings = emu.hooks.current_settings()
    assert settings["rate_time_scale"] == 1 and settings["rate_limits"]["ayrshare"] == ayrshare.RATE_LIMIT_MAX
    assert settings["twitter_analytics_daily_cap"] is None


def test_constructor_keywords_and_cli_syntax() -> None:
    assert parse_rate_limits("ayrshare=300, postpost=30,mosaic=default") == {"ayrshare": 300, "postpost": 30, "mosaic": None}
    emulator = Emulator(rate_time_scale=60, rate_limits={"ayrshare": 7, "mosaic": 9}, twitter_analytics_daily_cap=4)
    try:
        by_name = {vendor.name: vendor for vendor in emulator.vendors}
        assert {vendor.rate_time_scale for vendor in emulator.vendors} == {60.0}
        assert by_name["ayrshare"].rate_limit() == 7 and by_name["mosaic"].rate_limit() == 9
        assert by_name["ayrshare"].twitter_analytics_daily_cap == 4
        assert by_name["highlevel"].rate_limit() == highlevel.RATE_LIMIT_MAX and by_name["postpost"].rate_limit() is None
    finally:
        emulator._server.server_close()  # never started: nothing to shut down
