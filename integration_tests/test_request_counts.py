"""Request counts against the emulator's log: every stream, alone and in a provider's whole sync, makes
the fewest requests its API allows (social_analytics_emulator/request_floor.py says what that minimum is). Counts, not times."""
from __future__ import annotations

from typing import Dict, List

import pytest

from benchmarks.run import SHARED_PARENT_LISTS, whole_sync_floor  # one list and rule (the benchmark's section 1 too)
from integration_tests.conftest import catalog_for
from social_analytics_emulator.client import most_in_flight
from social_analytics_emulator.configs import PROVIDERS, emulator_config
from social_analytics_emulator.request_floor import by_endpoint, minimum_requests, repeated

STREAMS: Dict[str, List[str]] = {
    "ayrshare": ["post_analytics", "link_analytics", "social_statistics", "youtube_playlists"],
    "highlevel": ["account_statistics", "social_statistics"],
    "mosaic": ["post_analytics"],
    "postpost": ["post_analytics", "account_statistics", "social_statistics"],
}


def _read(cli, api, provider: str, streams: List[str]):
    config = emulator_config(provider, api.url)
    catalog = catalog_for(cli.run("discover", config))
    catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] in streams]
    api_log_before = len(api.requests())
    result = cli.run("read", config, catalog)
    assert result.returncode == 0, result.errors()
    return result, api.requests()[api_log_before:]


@pytest.mark.parametrize("provider,stream", [(p, s) for p in PROVIDERS for s in STREAMS[p]])
def test_each_stream_alone_makes_the_minimum_number_of_requests(cli, api, provider, stream):
    result, log = _read(cli, api, provider, [stream])
    assert result.records(stream), "the emulator serves records for every stream"
    assert repeated(log) == []
    assert len(log) == minimum_requests(log), by_endpoint(log)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_whole_sync_repeats_only_a_shared_parent_list_once_per_stream_that_reads_it(cli, api, provider):
    """Nothing is requested twice but a parent list two streams share (HighLevel accounts, PostPost connections),
    which each of them reads once: +1 request per sync for each of the two providers."""
    _, log = _read(cli, api, provider, STREAMS[provider])
    shared = SHARED_PARENT_LISTS[provider]
    reads = {suffix: sum(1 for e in log if e["method"] == "GET" and e["path"].endswith(suffix)) for suffix in shared}
    assert reads == shared, by_endpoint(log)
    least, again = whole_sync_floor(provider, log)
    assert again == [] and len(log) == least, by_endpoint(log)


def test_exact_request_counts_of_mosaic_post_analytics(cli, api):
    """1 connections call + 1 list page (limit=100: the 14-day window ends on the first page) + one analytics
    call per posted post in the window; the count a user pays per sync."""
    result, log = _read(cli, api, "mosaic", ["post_analytics"])
    counts = by_endpoint(log)
    assert counts["GET /mosaic/social/connections"] == 1
    assert counts["GET /mosaic/social/posts"] == 1
    assert [e["query"] for e in log if e["path"].endswith("/social/posts")] == [{"limit": "100"}]
    analytics = [e for e in log if e["path"].endswith("/analytics")]
    assert len({(e["path"], str(e["query"])) for e in analytics}) == len(analytics)


@pytest.mark.parametrize("workers,most,least", [(2, 2, 2), (6, 6, 4)])
def test_num_workers_sets_how_many_requests_are_in_flight(cli, api, workers, most, least):
    import requests

    requests.put(f"{api.url}/__emulator__/settings", json={"latency_ms": 100}, timeout=10)
    try:
        config = {**emulator_config("mosaic", api.url), "num_workers": workers}
        catalog = catalog_for(cli.run("discover", config))
        result = cli.run("read", config, catalog)
    finally:
        requests.put(f"{api.url}/__emulator__/settings", json={"latency_ms": 0}, timeout=10)
    assert result.returncode == 0
    in_flight = most_in_flight(api.requests("/mosaic/social/post/"), 0.1)
    assert least <= in_flight <= most


def test_num_workers_above_the_cap_is_a_config_error_naming_it(cli, api):
    result = cli.run("read", {**emulator_config("mosaic", api.url), "num_workers": 17}, {"streams": []})
    assert result.returncode == 1
    assert "`num_workers`" in result.errors()[0]["message"]
    assert api.requests() == []
