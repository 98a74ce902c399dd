"""The client-side rate budgets the running source builds from manifest.yaml's api_budget, driven by a fake
clock: whatever the demand, no window of the vendor's length ever holds more calls than the vendor allows."""
from __future__ import annotations

import datetime as dt
from typing import List

import pytest
import requests
from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit
from freezegun import freeze_time

from source_social_analytics.source import SourceSocialAnalytics

START = dt.datetime(2026, 11, 23, 12, 0, 0)


def budget_for(config):
    source = SourceSocialAnalytics(config=config)
    source.streams(source._config)  # the budget is built with the streams
    return source._constructor._api_budget


def granted_times(budget, make_request, demand: int, step: dt.timedelta) -> List[float]:
    """Ask for ``demand`` calls as fast as the budget allows; a refused call waits ``step`` on the fake clock."""
    granted: List[float] = []
    with freeze_time(START) as clock:
        index = 0
        while len(granted) < demand:
            try:
                budget.acquire_call(make_request(index), block=False)
            except CallRateLimitHit:
                clock.tick(step)
                continue
            granted.append((dt.datetime.now() - START).total_seconds())
            index += 1
    return granted


def most_in_any_window(times: List[float], window_seconds: float) -> int:
    best, left = 0, 0
    for right, moment in enumerate(times):
        while moment - times[left] >= window_seconds:
            left += 1
        best = max(best, right - left + 1)
    return best


def prepared(url: str, headers=None) -> requests.PreparedRequest:
    return requests.Request("GET", url, headers=headers or {}).prepare()


def test_ayrshare_never_exceeds_300_requests_in_any_5_minutes_per_profile():
    config = {"provider": {"provider_type": "ayrshare", "api_key": "k" * 20, "profile_keys": ["PROFILE-A-KEY", "PROFILE-B-KEY"]},
              "start_date": "2026-11-01"}
    paths = ["history", "analytics/post", "analytics/social", "analytics/links"]
    profiles = ["PROFILE-A-KEY", "PROFILE-B-KEY"]

    def request(index):
        return prepared(f"https://app.ayrshare.com/api/{paths[index % 4]}", {"Profile-Key": profiles[index % 2]})

    times = granted_times(budget_for(config), request, demand=1200, step=dt.timedelta(seconds=1))
    # one budget for every profile of a sync: 250 / 5 min in total, so under 300 for each profile (and overall)
    assert most_in_any_window(times, 300) == 250 <= 300
    assert times[-1] >= 3 * 300  # 1,200 calls needed at least four windows: the budget waited, not the vendor


def test_highlevel_never_exceeds_100_requests_in_any_10_seconds_per_location():
    config = {"provider": {"provider_type": "highlevel", "access_token": "t" * 20, "location_id": "LOC123"}, "start_date": "2026-11-01"}

    def request(index):
        return prepared(f"https://services.leadconnectorhq.com/social-media-posting/LOC123/posts/list?{index}")

    times = granted_times(budget_for(config), request, demand=500, step=dt.timedelta(milliseconds=100))
    assert most_in_any_window(times, 10) == 90 <= 100
    assert times[-1] >= 4 * 10
