"""Request counts against the emulator's log: every stream, alone and in a provider's whole sync, makes
the fewest requests its API allows (benchmarks/requests_floor.py says what that minimum is). Counts, not times."""
from __future__ import annotations

from typing import Dict, List

import pytest

from benchmarks.requests_floor import by_endpoint, minimum_requests, repeated
from integration_tests.configs import PROVIDERS, emulator_config
from integration_tests.conftest import catalog_for

STREAMS: Dict[str, List[str]] = {
    "ayrshare": ["post_analytics", "link_analytics", "social_statistics"],
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
def test_a_whole_sync_reads_no_request_twice(cli, api, provider):
    """A parent list two streams share (HighLevel accounts, PostPost connections) is read once per sync."""
    _, log = _read(cli, api, provider, STREAMS[provider])
    assert repeated(log) == []
    assert len(log) == minimum_requests(log), by_endpoint(log)


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
