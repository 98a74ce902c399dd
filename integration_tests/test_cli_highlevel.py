"""The real CLI, as a subprocess, against the HighLevel emulator: discover, check, read (v1 and v3), resume."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict

import jsonschema
import pendulum
import pytest
import requests

from integration_tests.conftest import SUITE_CLOCK, Cli, catalog_for
from social_analytics_emulator.highlevel import (
    ACCESS_TOKEN,
    ACCOUNTS,
    BIG_LOCATION_ID,
    LOCATION_ID,
    UNKNOWN_LOCATION_ID,
    UNSUPPORTED_PROFILE_IDS,
    daily_value,
)

pytestmark = pytest.mark.integration
STATISTICS = "/highlevel/social-media-posting/statistics"
SCHEMAS = Path(__file__).resolve().parents[1] / "source_social_analytics" / "schemas"
YESTERDAY = pendulum.today("UTC").date() - timedelta(days=1)


def config(emulator, location: str = LOCATION_ID, version: str = "2021-07-28", **extra: Any) -> Dict[str, Any]:
    return {
        "provider": {"provider_type": "highlevel", "access_token": ACCESS_TOKEN, "location_id": location,
                     "api_version": version, "base_url": f"{emulator.url}/highlevel"},
        "lookback_window_days": 2,
        **SUITE_CLOCK,
        **extra,
    }


def expected(location: str, profile_ids, platform: str, day: date, metric: str) -> int:
    by_id = {a.profile_id: a for a in ACCOUNTS[location]}
    return sum(daily_value(pid, platform, day, metric) for pid in profile_ids if by_id[pid].platform == platform)


def assert_valid(result, stream: str) -> None:
    schema = json.loads((SCHEMAS / f"{stream}.json").read_text())
    for record in result.records(stream):
        jsonschema.validate(record, schema, format_checker=jsonschema.FormatChecker())


def sync(cli: Cli, emulator, cfg, catalog, state=None):
    requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
    result = cli.run("read", cfg, catalog, state)
    log = requests.get(f"{emulator.url}/__emulator__/requests", timeout=10).json()
    return result, [entry for entry in log if entry["path"] == STATISTICS]


@pytest.fixture(scope="module")
def discovered(module_cli, emulator):
    return module_cli.run("discover", config(emulator))


@pytest.fixture(scope="module")
def v1_sync(module_cli, emulator, discovered):
    return sync(module_cli, emulator, config(emulator), catalog_for(discovered))


@pytest.fixture(scope="module")
def v3_big_sync(module_cli, emulator, discovered):
    cfg = config(emulator, BIG_LOCATION_ID, "v3", start_date=(YESTERDAY - timedelta(days=13)).isoformat())
    return cfg, sync(module_cli, emulator, cfg, catalog_for(discovered))


def test_discover_lists_exactly_the_two_streams(discovered):
    [catalog] = [m["catalog"] for m in discovered.of_type("CATALOG")]
    streams = {s["name"]: s for s in catalog["streams"]}
    assert set(streams) == {"account_statistics", "social_statistics"}
    assert streams["account_statistics"]["default_cursor_field"] == ["date"]
    assert streams["account_statistics"]["source_defined_primary_key"] == [["account_id"], ["platform"], ["date"], ["profile_batch"]]


def test_check_bad_token_and_unknown_location(module_cli, emulator):
    # a good check is proven in process (unit_tests/mock_server/test_highlevel.py); each CLI run costs ~3-5 s
    bad = config(emulator)
    bad["provider"]["access_token"] = "pit-00000000-0000-0000-0000-000000000000"
    status = module_cli.run("check", bad).of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert status["status"] == "FAILED" and "provider.access_token" in status["message"] and "Invalid token" in status["message"]
    unknown = module_cli.run("check", config(emulator, UNKNOWN_LOCATION_ID)).of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert unknown["status"] == "FAILED" and "provider.location_id" in unknown["message"]


def test_v1_sync_reads_the_fixed_last_seven_days(v1_sync):
    result, statistics = v1_sync
    assert result.returncode == 0, result.errors()
    assert len(statistics) == 2  # one batch (8 supported accounts) per stream, whatever start_date says
    assert all("currentRange" not in entry["body"] for entry in statistics)
    unsupported = set(UNSUPPORTED_PROFILE_IDS[LOCATION_ID])
    assert all(not unsupported & set(entry["body"]["profileIds"]) for entry in statistics)
    [left_out] = {line for line in result.logs("INFO") if "left out" in line}
    assert all(pid in left_out for pid in unsupported)

    daily = result.records("account_statistics")
    days = [YESTERDAY - timedelta(days=6 - i) for i in range(7)]
    assert sorted({r["date"] for r in daily}) == [d.isoformat() for d in days]
    profile_ids = statistics[0]["body"]["profileIds"]
    for row in daily:
        day = date.fromisoformat(row["date"])
        for column, metric in (("impressions", "impressions"), ("likes", "likes"), ("followers_gained", "followers"), ("posts", "posts")):
            assert row[column] == expected(LOCATION_ID, profile_ids, row["platform"], day, metric), (row, metric)
        assert "followers" not in row  # the daily series is a gain: never a follower count
        assert row["account_id"] == LOCATION_ID
    period = result.records("social_statistics")
    assert {(r["period_start"], r["period_end"]) for r in period} == {(days[0].isoformat(), days[-1].isoformat())}
    facebook = next(r for r in period if r["platform"] == "facebook")
    assert facebook["reach"] == sum(expected(LOCATION_ID, profile_ids, "facebook", d, "reach") for d in days)
    assert facebook["followers_gained"] == sum(expected(LOCATION_ID, profile_ids, "facebook", d, "followers") for d in days)
    assert "demographics" in facebook["raw"] and "change" in facebook["raw"]
    assert_valid(result, "account_statistics")
    assert_valid(result, "social_statistics")
    assert ACCESS_TOKEN not in result.stdout


def test_v3_big_location_two_requests_per_window_never_a_400(v3_big_sync, emulator):
    cfg, (result, statistics) = v3_big_sync
    assert result.returncode == 0, result.errors()
    assert all(len(entry["body"]["profileIds"]) <= 100 for entry in statistics)
    windows = Counter(json.dumps(entry["body"]["currentRange"], sort_keys=True) for entry in statistics)
    assert len(windows) == 2 and set(windows.values()) == {4}  # 2 batches x 2 streams per window
    assert sum(len(e["body"]["profileIds"]) for e in statistics) == 150 * 2 * 2
    rows = result.records("account_statistics")
    keys = Counter((r["account_id"], r["platform"], r["date"], r["profile_batch"]) for r in rows)
    assert max(keys.values()) == 1
    # the batches' rows add up to the location's numbers, day by day
    totals = defaultdict(int)
    for row in rows:
        totals[(row["platform"], row["date"])] += row["impressions"]
    supported = [a.profile_id for a in ACCOUNTS[BIG_LOCATION_ID]]
    assert totals[("tiktok", YESTERDAY.isoformat())] == expected(BIG_LOCATION_ID, supported, "tiktok", YESTERDAY, "impressions")
    assert len({r["date"] for r in rows}) == 14
    [state] = [s for s in result.final_states() if s["stream"]["stream_descriptor"]["name"] == "account_statistics"]
    assert state["stream"]["stream_state"]["state"] == {"date": YESTERDAY.isoformat()}


def test_v3_resume_reads_only_from_cursor_minus_lookback(module_cli, emulator, discovered, v3_big_sync):
    cfg, (first, _) = v3_big_sync
    result, statistics = sync(module_cli, emulator, cfg, catalog_for(discovered), first.final_states())
    assert result.returncode == 0, result.errors()
    [saved] = [s["stream"]["stream_state"] for s in first.final_states() if s["stream"]["stream_descriptor"]["name"] == "account_statistics"]
    # cursor (yesterday) - lookback (2 days) - the previous sync's duration (the CDK's global substream cursor
    # re-reads it, `lookback_window` seconds in the state), as a day: one day more when that duration is > 0
    cursor = pendulum.parse(saved["state"]["date"])
    start = (cursor.subtract(days=2).subtract(seconds=int(saved.get("lookback_window") or 0))).date()
    starts = {entry["body"]["currentRange"]["startDate"][:10] for entry in statistics}
    assert starts == {start.isoformat()}
    assert len(statistics) == 4  # one window, 2 batches, 2 streams
    days = {r["date"] for r in result.records("account_statistics")}
    assert min(days) == start.isoformat() and max(days) == YESTERDAY.isoformat()
