"""PostPost post_analytics reads its parent's get-post calls ahead (components/read_ahead.py): they overlap, up to
``num_workers`` at once, and the sync is otherwise the CDK's own: the same records, requests and state as the CDK's
``SubstreamPartitionRouter.stream_slices`` loop, first sync and resumed. In-process, at 50 ms emulator latency."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest
import requests
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import SubstreamPartitionRouter

from integration_tests.conftest import Cli, CliResult, catalog_for
from integration_tests.test_cli_postpost import config_for
from social_analytics_emulator.client import most_in_flight
from social_analytics_emulator.request_floor import by_endpoint
from source_social_analytics.components.read_ahead import ReadAheadSubstreamPartitionRouter

LATENCY_S = 0.05
GET_POST = "/postpost/api/v1/get-post/"


def _records(result: CliResult) -> List[str]:
    """The records, without what depends on when they were read: ``retrieved_at`` (the clock) and whether the
    emulator had already served that post's statistics (``raw_metrics.cached``, ``cachedMetrics``)."""
    def comparable(record: Dict[str, Any]) -> Dict[str, Any]:
        raw = {k: v for k, v in (record.get("raw_metrics") or {}).items() if k not in ("cached", "cachedMetrics")}
        return {**record, "retrieved_at": None, "raw_metrics": raw}

    return sorted(json.dumps(comparable(r), sort_keys=True) for r in result.records("post_analytics"))


def _without_lookback(state: Any) -> Any:
    """``lookback_window`` (at every level of parent state) is how long that stream's read took, in seconds."""
    if isinstance(state, dict):
        return {k: _without_lookback(v) for k, v in state.items() if k != "lookback_window"}
    return state


def _state(result: CliResult) -> Dict[str, Any]:
    [final] = [s for s in result.final_states() if s["stream"]["stream_descriptor"]["name"] == "post_analytics"]
    return _without_lookback(final["stream"]["stream_state"])


@pytest.fixture(scope="module")
def syncs(emulator, tmp_path_factory) -> Dict[str, Tuple[CliResult, List[Dict[str, Any]], CliResult, List[Dict[str, Any]]]]:
    """Per setup: a first sync of post_analytics, its request log, a sync resumed from its state, that log."""
    cli = Cli(tmp_path_factory.mktemp("read_ahead"))
    config = config_for(emulator)
    catalog = catalog_for(cli.run("discover", config))
    catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] == "post_analytics"]
    settings = f"{emulator.url}/__emulator__/settings"

    def sync(workers: int):
        run_config = {**config, "num_workers": workers}
        requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
        first = cli.run("read", run_config, catalog)
        first_log = requests.get(f"{emulator.url}/__emulator__/requests", timeout=10).json()
        requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
        resumed = cli.run("read", run_config, catalog, state=first.final_states())
        resumed_log = requests.get(f"{emulator.url}/__emulator__/requests", timeout=10).json()
        for result in (first, resumed):
            assert result.returncode == 0, result.errors()
        return first, first_log, resumed, resumed_log

    requests.put(settings, json={"latency_ms": LATENCY_S * 1000}, timeout=10).raise_for_status()
    try:
        runs = {"ahead_4": sync(4), "ahead_1": sync(1)}
        with pytest.MonkeyPatch.context() as patch:  # the CDK's own loop, one parent read at a time
            patch.setattr(ReadAheadSubstreamPartitionRouter, "stream_slices", SubstreamPartitionRouter.stream_slices)
            runs["cdk_4"] = sync(4)
    finally:
        requests.put(settings, json={"latency_ms": 0}, timeout=10).raise_for_status()
    return runs


def test_get_post_calls_overlap_up_to_num_workers(syncs):
    first_log = syncs["ahead_4"][1]
    get_posts = [e for e in first_log if e["path"].startswith(GET_POST)]
    assert len(get_posts) >= 8, "enough post groups to see the overlap"
    assert 2 <= most_in_flight(get_posts, LATENCY_S) <= 4


def test_one_worker_and_the_cdk_loop_read_one_get_post_at_a_time(syncs):
    for setup in ("ahead_1", "cdk_4"):
        get_posts = [e for e in syncs[setup][1] if e["path"].startswith(GET_POST)]
        assert most_in_flight(get_posts, LATENCY_S) == 1, setup


@pytest.mark.parametrize("setup", ["ahead_4", "ahead_1"])
def test_same_records_requests_and_state_as_the_cdk_loop(syncs, setup):
    first, first_log, resumed, resumed_log = syncs[setup]
    cdk_first, cdk_first_log, cdk_resumed, cdk_resumed_log = syncs["cdk_4"]
    assert first.records("post_analytics"), "the emulator serves posts in the window"
    assert _records(first) == _records(cdk_first)
    assert by_endpoint(first_log) == by_endpoint(cdk_first_log)
    assert sorted(e["path"] for e in first_log) == sorted(e["path"] for e in cdk_first_log)
    assert _state(first) == _state(cdk_first)
    assert "parent_state" in _state(first)
    assert _records(resumed) == _records(cdk_resumed)
    assert by_endpoint(resumed_log) == by_endpoint(cdk_resumed_log)
    assert _state(resumed) == _state(cdk_resumed)
