"""Ayrshare's X/Twitter analytics daily cap, end to end against the emulator (api-notes §1.7): once a profile meets it,
its X analytics stop for the sync with one WARN, every other platform's records come in (but for the post whose call met
the cap), no further X call piles up 429s, and the next sync (inside the lookback window) reads what was skipped."""
from __future__ import annotations

from collections import Counter

import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator import Emulator, EmulatorClient
from social_analytics_emulator.ayrshare import benchmark_profile_keys
from social_analytics_emulator.configs import emulator_config

pytestmark = pytest.mark.integration

CAP = 2


@pytest.fixture(scope="module")
def capped_emulator():
    # two User Profiles of 40 posts over two weeks, on a mix of platforms, X among them
    with Emulator(ayrshare_profiles=2, ayrshare_posts_per_profile=40) as running:
        yield running


def test_the_x_cap_stops_x_analytics_only_with_one_warn_and_the_next_sync_reads_them(module_cli, capped_emulator):
    api = EmulatorClient(capped_emulator.url)
    config = {**emulator_config("ayrshare", capped_emulator.url, days=6, profile_keys=benchmark_profile_keys(2)),
              "lookback_window_days": 7, "num_workers": 1}
    catalog = catalog_for(module_cli.run("discover", config))
    catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] == "post_analytics"]

    clean = module_cli.run("read", config, catalog)
    assert clean.returncode == 0
    every = {(r["post_id"], r["platform"]) for r in clean.records()}
    x_posts = {post for post, platform in every if platform == "x"}
    assert len(x_posts) > CAP + 1, "the data set needs more X posts than the cap"

    api.settings(twitter_analytics_daily_cap=CAP)
    api.clear_requests()
    capped = module_cli.run("read", config, catalog)
    log = api.requests()
    assert capped.returncode == 0, capped.errors()
    warnings = [w for w in capped.logs("WARN") if "X/Twitter analytics daily cap" in w]
    assert len(warnings) == 1, capped.logs("WARN")
    got = {(r["post_id"], r["platform"]) for r in capped.records()}
    # every other platform complete, but for the one post per profile whose call met the cap (skipped whole)
    missing = {post for post, platform in every - got if platform != "x"}
    assert len(missing) <= 2 and missing <= x_posts, missing
    assert len({post for post, platform in got if platform == "x"}) == CAP  # X only as far as the cap allowed
    # after the cap, no post is asked for X again unless X is all it went to (the body cannot be left out)
    x_only = {post for post in x_posts if all(p == "x" for q, p in every if q == post)}
    too_many = [e for e in log if e.get("status") == 429]
    assert 1 <= len(too_many) <= 1 + len(x_only)
    assert Counter(e.get("status") for e in log if e["path"].endswith("/history")) == Counter({200: len([e for e in log if e["path"].endswith("/history")])})

    # the next sync, the cap reset (a day later), from the capped sync's state: the skipped X analytics come back
    api.settings(twitter_analytics_daily_cap=None)
    [state] = capped.final_states()
    resumed = module_cli.run("read", config, catalog, state=[state])
    assert resumed.returncode == 0
    assert got | {(r["post_id"], r["platform"]) for r in resumed.records()} == every  # nothing lost
