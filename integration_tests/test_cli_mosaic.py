"""The real CLI, as a subprocess, against the Mosaic emulator: check, discover, a first read and a resumed one."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict

import jsonschema
import pendulum
import pytest
import requests

from integration_tests.conftest import SUITE_CLOCK, catalog_for, emulator_log
from social_analytics_emulator.mosaic import API_KEY, CONNECTIONS, DELETED_POST_ID, TWO_X_POST_ID

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def config(emulator) -> Dict[str, Any]:
    # 60 days of the emulator's 120: two of its three pages of 100
    return {
        "provider": {"provider_type": "mosaic", "api_key": API_KEY, "base_url": f"{emulator.url}/mosaic"},
        "start_date": pendulum.today("UTC").subtract(days=60).to_date_string(),
        **SUITE_CLOCK,
    }


_log = emulator_log


@pytest.fixture(scope="module")
def second_sync(module_cli, config, discovered, first_sync, emulator):
    result, _ = first_sync
    requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
    state = [result.final_states()[-1]]
    return module_cli.run("read", config, catalog_for(discovered), state=state), _log(emulator), state


def test_check_fails_clearly_on_a_bad_key_and_succeeds_on_a_good_one(cli, config, api):
    bad = json.loads(json.dumps(config))
    bad["provider"]["api_key"] = "mk_wrong_0000000000"
    result = cli.run("check", bad)
    [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED" and "provider.api_key" in status["message"] and "invalid_api_key" in status["message"]
    assert "mk_wrong_0000000000" not in result.stdout + result.stderr
    assert [e["path"] for e in api.requests("/mosaic/")] == ["/mosaic/social/connections"]  # not retried
    result = cli.run("check", config)
    assert [m["connectionStatus"]["status"] for m in result.of_type("CONNECTION_STATUS")] == ["SUCCEEDED"]


def test_discover_lists_exactly_post_analytics(discovered):
    [catalog] = [m["catalog"] for m in discovered.of_type("CATALOG")]
    [stream] = catalog["streams"]
    assert stream["name"] == "post_analytics"
    assert stream["source_defined_primary_key"] == [["account_id"], ["post_id"], ["platform"], ["platform_post_id"]]
    assert stream["default_cursor_field"] == ["published_at"]


def test_first_read(first_sync, discovered):
    """Two pages read (the third never), each posted post's analytics once, one call per X account on the
    two-X post, the deleted post skipped with a warning, records valid, keys unique and never null."""
    result, log = first_sync
    assert result.returncode == 0, result.errors()
    paths = [e["path"] for e in log]
    assert paths.count("/mosaic/social/connections") == 1
    pages = [e for e in log if e["path"] == "/mosaic/social/posts"]
    assert len(pages) == 2 and all(p["query"]["limit"] == "100" for p in pages)
    two_x = [e["query"].get("social_connection_id") for e in log if e["path"] == f"/mosaic/social/post/{TWO_X_POST_ID}/analytics"]
    assert sorted(two_x) == sorted([CONNECTIONS["x_main"], CONNECTIONS["x_second"], CONNECTIONS["linkedin"]])
    analytics = Counter(e["path"] for e in log if e["path"].endswith("/analytics"))
    assert all(n == 1 for path, n in analytics.items() if TWO_X_POST_ID not in path)

    records = result.records("post_analytics")
    [schema] = [s["json_schema"] for m in discovered.of_type("CATALOG") for s in m["catalog"]["streams"]]
    for record in records:
        jsonschema.validate(record, schema, format_checker=jsonschema.FormatChecker())
    keys = [(r["account_id"], r["post_id"], r["platform"], r["platform_post_id"]) for r in records]
    assert len(keys) == len(set(keys)) and all(None not in k for k in keys)
    assert {r["account_id"] for r in records if r["post_id"] == TWO_X_POST_ID and r["platform"] == "x"} == {
        CONNECTIONS["x_main"], CONNECTIONS["x_second"]}
    start = f"{pendulum.today('UTC').subtract(days=60).to_date_string()}T00:00:00Z"
    assert min(r["published_at"] for r in records) >= start
    # null metrics are absent (the serializer drops None) or null: never a fabricated 0
    x_rows = [r for r in records if r["platform"] == "x"]
    assert x_rows and all(r.get("video_views") is None and r.get("saves") is None for r in x_rows)
    assert all(r.get("reach") is None for r in records)
    assert DELETED_POST_ID not in {r["post_id"] for r in records}
    assert any(DELETED_POST_ID in w and w.startswith("Skipping") for w in result.logs("WARN"))


def test_second_read_reads_only_from_the_cursor_minus_the_lookback(second_sync, first_sync):
    result, log, state = second_sync
    assert result.returncode == 0, result.errors()
    cursor = state[0]["stream"]["stream_state"]["parent_state"]["mosaic_posts"]["state"]["created_at"]
    window_start = pendulum.parse(cursor).subtract(days=7)
    pages = [e for e in log if e["path"] == "/mosaic/social/posts"]
    assert len(pages) == 1  # the first page reaches past the window's start
    records = result.records("post_analytics")
    first_records = first_sync[0].records("post_analytics")
    assert 0 < len(records) < len(first_records) / 3
    analytics_calls = [e for e in log if e["path"].endswith("/analytics")]
    assert 0 < len(analytics_calls) < 30
    # every record of the second read is from a post created in the window (published_at >= created_at)
    assert all(pendulum.parse(r["published_at"]) >= window_start for r in records)
