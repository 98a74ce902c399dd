"""The Ayrshare emulator's ``scale`` (benchmarks only): more posts of the regular profiles, scale 1 unchanged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from social_analytics_emulator.ayrshare import RATE_LIMIT_MAX, AyrshareEmulator, build_profiles


def test_scale_multiplies_the_regular_profiles_posts_within_60_days_newest_first() -> None:
    today = datetime.now(timezone.utc).date()
    one, three = build_profiles(today), build_profiles(today, scale=3)
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    for name in ("primary", "brand-eu", "brand-us"):
        posts = three[name].posts
        assert len(posts) == 3 * len(one[name].posts) == len({post.id for post in posts}) == len(three[name].by_id)
        assert {post.id for post in one[name].posts} <= set(three[name].by_id)  # copy 0 is the scale-1 data set
        assert [post.published for post in posts] == sorted((post.published for post in posts), reverse=True)
        assert all(midnight - timedelta(days=60) < post.published < midnight for post in posts)
    assert len(three["brand-bulk"].posts) == len(one["brand-bulk"].posts)
    assert three["primary"].links == one["primary"].links
    assert AyrshareEmulator(scale=3).rate_limit_max == 3 * RATE_LIMIT_MAX == 3 * AyrshareEmulator().rate_limit_max
