"""The rate budgets of manifest.yaml (each provider's ``rate_limit``) driven by a fake clock: every vendor's unit stays
under its limit whatever the demand, units never wait on each other, and the vendor's headers pace the unit."""
from __future__ import annotations

from typing import Dict, List, Optional

import pytest
import requests
import requests_mock
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_social_analytics.components.rate_budget import PACE_SHARE, RateBudget, RateUnits
from source_social_analytics.config import _definitions

WALL_START = 1_800_000_000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> float:
        return WALL_START + self.now


@pytest.fixture
def clock():
    RateUnits.forget_all()
    yield FakeClock()
    RateUnits.forget_all()


def budget(provider: str, clock: FakeClock, **config) -> RateBudget:
    spec = _definitions()[provider]["rate_limit"]
    made = RateBudget.from_manifest(spec, provider, "key", config, clock=clock.monotonic, sleep=clock.sleep, wall_clock=clock.wall)
    assert made is not None
    return made


def request(profile_key: Optional[str] = None) -> requests.PreparedRequest:
    headers = {"Profile-Key": profile_key} if profile_key else {}
    return requests.Request("GET", "https://api.example.test/x", headers=headers).prepare()


def response(status: int = 200, headers: Optional[Dict[str, str]] = None, body=None) -> requests.Response:
    return requests_mock.create_response(request(), status_code=status, headers=headers or {}, json=body if body is not None else {})


def send(made: RateBudget, clock: FakeClock, count: int, make=request) -> List[float]:
    moments = []
    for index in range(count):
        made.acquire(make(index) if make is not request else make())
        moments.append(clock.now)
    return moments


def most_in_any_window(times: List[float], window: float) -> int:
    best, left = 0, 0
    for right, moment in enumerate(times):
        while moment - times[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


def test_ayrshare_paces_each_user_profile_on_its_own_at_its_300_per_5_minutes(clock):
    made = budget("ayrshare", clock)
    moments: Dict[str, List[float]] = {"A": [], "B": [], "": []}
    for index in range(1500):
        profile = ("A", "B", "")[index % 3]
        made.acquire(request(profile or None))
        moments[profile].append(clock.now)
    paced = int(300 * PACE_SHARE)
    for profile, times in moments.items():
        assert most_in_any_window(times, 300) == paced <= 300, profile  # the primary profile ("") is a unit too
    # three units of 285 each in the first window: nobody waited for another profile's budget
    assert sum(1 for times in moments.values() for moment in times if moment == 0.0) == 3 * paced


def test_a_profile_out_of_budget_never_delays_another_profile(clock):
    made = budget("ayrshare", clock)
    send(made, clock, int(300 * PACE_SHARE), make=lambda i: request("A"))
    assert clock.now == 0.0
    made.acquire(request("B"))
    assert clock.now == 0.0  # B's first call goes at once
    made.acquire(request("A"))
    assert clock.now == pytest.approx(300.0)  # A's next waits for its window


def test_ayrshare_counts_what_its_headers_say_another_client_used(clock):
    made = budget("ayrshare", clock)
    made.acquire(request("A"))
    made.observe(request("A"), response(headers={"x-ratelimit-max": "300", "x-ratelimit-count": "200"}))
    times = send(made, clock, 200, make=lambda i: request("A"))
    # 200 counted by Ayrshare, so 285 - 200 = 85 more in this window, the rest after it
    assert sum(1 for moment in times if moment < 300) == 85


def test_a_lower_advertised_limit_replaces_the_published_one(clock):
    made = budget("ayrshare", clock)
    made.acquire(request())
    made.observe(request(), response(headers={"x-ratelimit-max": "100", "x-ratelimit-count": "1"}))
    times = [0.0] + send(made, clock, 300)
    assert most_in_any_window(times, 300) == int(100 * PACE_SHARE)


def test_the_x_cap_429_leaves_the_profile_budget_alone_while_the_profile_429_fills_it(clock):
    made = budget("ayrshare", clock)
    made.acquire(request("A"))
    x_cap = response(429, {"x-ratelimit-max": "300", "x-ratelimit-count": "1"},
                     {"action": "analytics", "status": "error", "code": 429, "message": "X/Twitter analytics daily limit reached"})
    made.observe(request("A"), x_cap)
    made.acquire(request("A"))
    assert clock.now == 0.0
    made.observe(request("A"), response(429, {"x-ratelimit-max": "300", "x-ratelimit-count": "300"}))
    made.acquire(request("A"))
    assert clock.now == pytest.approx(300.0)  # the window had to pass


def test_highlevel_paces_a_location_at_100_per_10_seconds_and_honours_its_interval_on_a_429(clock):
    made = budget("highlevel", clock)
    times = send(made, clock, 400)
    assert most_in_any_window(times, 10) == int(100 * PACE_SHARE)
    RateUnits.forget_all()
    clock.now = 0.0
    made = budget("highlevel", clock)
    made.acquire(request())
    made.observe(request(), response(429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Interval-Milliseconds": "10000", "X-RateLimit-Max": "100"}))
    made.acquire(request())
    assert clock.now == pytest.approx(10.0)


def test_highlevel_daily_limit_used_up_stops_the_location_with_a_transient_error(clock):
    made = budget("highlevel", clock)
    made.acquire(request())
    made.observe(request(), response(200, {"X-RateLimit-Daily-Remaining": "0", "X-RateLimit-Remaining": "50", "X-RateLimit-Max": "100"}))
    with pytest.raises(AirbyteTracedException) as raised:
        made.acquire(request())
    assert raised.value.failure_type.value == "transient_error" and "daily request limit" in raised.value.message


def test_publora_free_plan_headers_bring_the_pace_down_to_30_a_minute(clock):
    made = budget("postpost", clock)
    made.acquire(request())
    made.observe(request(), response(headers={"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "29", "X-RateLimit-Reset": str(int(WALL_START + 60))}))
    times = [0.0] + send(made, clock, 120)
    assert most_in_any_window(times, 60) == int(30 * PACE_SHARE)


def test_publora_remaining_zero_pauses_until_its_reset_and_a_429_until_its_retry_after(clock):
    made = budget("postpost", clock)
    made.acquire(request())
    made.observe(request(), response(headers={"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(WALL_START + 42))}))
    made.acquire(request())
    assert clock.now == pytest.approx(42.0)
    made.observe(request(), response(429, {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "0"}, {"success": False, "retryAfter": 45}))
    made.acquire(request())
    assert clock.now == pytest.approx(87.0)


def test_mosaic_publishes_no_limit_so_120_a_minute_and_a_retry_after_pauses_the_key(clock):
    made = budget("mosaic", clock)
    times = send(made, clock, 300)
    assert most_in_any_window(times, 60) == int(120 * PACE_SHARE)
    start = clock.now
    made.observe(request(), response(429, {"Retry-After": "7"}, {"detail": "Too many requests", "error": "rate_limit"}))
    made.acquire(request())
    assert clock.now >= start + 7.0


def test_requests_per_minute_lowers_the_pace_of_every_unit(clock):
    made = budget("ayrshare", clock, requests_per_minute=30)
    times = send(made, clock, 150, make=lambda i: request("A"))
    assert most_in_any_window(times, 60) == 30
    assert len(times) / (times[-1] + 60) == pytest.approx(30 / 60, rel=0.1)  # the measured rate, a minute at a time


def test_the_benchmark_time_scale_shortens_every_window_alike(clock):
    made = budget("ayrshare", clock, _rate_time_scale=60)
    times = send(made, clock, 600, make=lambda i: request("A"))
    assert most_in_any_window(times, 5.0) == int(300 * PACE_SHARE)


def test_mosaic_publishes_no_limit_so_requests_per_minute_replaces_the_guess_up_or_down(clock):
    made = budget("mosaic", clock, requests_per_minute=300)
    times = send(made, clock, 900)
    assert most_in_any_window(times, 60) == 300


def test_an_x_cap_429_without_rate_headers_does_not_pause_the_profile_either(clock):
    made = budget("ayrshare", clock)
    made.acquire(request("A"))
    made.observe(request("A"), response(429, {}, {"action": "analytics", "status": "error", "code": 429, "platform": "twitter",
                                                  "message": "X/Twitter analytics daily limit reached"}))
    made.acquire(request("A"))
    assert clock.now == 0.0
    # another platform's throttling is the profile's business: it pauses
    made.observe(request("A"), response(429, {}, {"action": "analytics", "status": "error", "code": 429, "message": "Too many requests"}))
    made.acquire(request("A"))
    assert clock.now > 0.0


def test_a_reset_in_the_wrong_unit_or_an_endless_retry_after_pauses_three_windows_at_most(clock):
    made = budget("postpost", clock)
    made.acquire(request())
    made.observe(request(), response(429, {"Retry-After": "inf", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(WALL_START * 1000))}))
    made.acquire(request())
    assert clock.now <= 3 * 60.0


def test_a_sleep_that_does_not_sleep_never_spins(clock):
    made = budget("mosaic", clock)
    send(made, clock, int(120 * PACE_SHARE))
    made.sleep = lambda seconds: None  # time.sleep patched out, as in tests that patch it
    made.acquire(request())  # returns at once instead of spinning on a clock that does not move
    assert clock.now == 0.0
