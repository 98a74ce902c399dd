"""The installed CLI against the emulator's PostPost (social_analytics_emulator/postpost.py). A few module-scoped runs."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pendulum
import pytest
import requests
from jsonschema import validate

from integration_tests.conftest import SUITE_CLOCK, Cli, catalog_for
from social_analytics_emulator.postpost import API_KEY, LINKEDIN_IDS, NO_API_ACCESS_KEY

STREAMS = ["post_analytics", "account_statistics", "social_statistics"]


def config_for(emulator, **provider):
    # 12 days: ~30 posts, under the client-side budget of 100 requests a minute
    return {"provider": {"provider_type": "postpost", "api_key": API_KEY, "base_url": f"{emulator.url}/postpost/api/v1", **provider},
            "start_date": pendulum.today("UTC").subtract(days=12).to_date_string(), "lookback_window_days": 3, **SUITE_CLOCK}


def log(emulator):
    return [e for e in requests.get(f"{emulator.url}/__emulator__/requests", timeout=10).json() if e["path"].startswith("/postpost")]


@pytest.fixture(scope="module")
def runs(emulator, tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("postpost"))
    config = config_for(emulator)
    discovered = cli.run("discover", config)
    catalog = catalog_for(discovered)
    requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
    first = cli.run("read", config, catalog)
    first_log = log(emulator)
    requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
    second = cli.run("read", config, catalog, state=first.final_states())
    return {"discover": discovered, "first": first, "first_log": first_log, "second": second, "second_log": log(emulator)}


def test_discover_lists_exactly_the_postpost_streams(runs) -> None:
    [catalog] = [m["catalog"] for m in runs["discover"].of_type("CATALOG")]
    assert [s["name"] for s in catalog["streams"]] == STREAMS


def test_first_read(runs, emulator) -> None:
    result, calls = runs["first"], runs["first_log"]
    assert result.returncode == 0 and not result.errors()
    posts = result.records("post_analytics")
    stats_calls = [c for c in calls if c["path"].endswith("/linkedin-post-statistics")]
    assert len(posts) == len(stats_calls) > 0  # one statistics request per post
    assert len({(c["body"]["postedId"], c["body"]["platformId"]) for c in stats_calls}) == len(stats_calls)
    assert all(sorted(c["body"]["queryTypes"]) == sorted(["IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE"]) for c in stats_calls)
    daily = [c for c in calls if c["path"].endswith("/linkedin-account-statistics") and c["body"]["aggregation"] == "DAILY"]
    assert daily and all("MEMBERS_REACHED" not in c["body"]["queryTypes"] for c in daily)
    assert {r["account_id"] for r in posts} <= set(LINKEDIN_IDS)
    # partial failures and -1: nulls (never 0); metric_errors only for real failures
    failed = [r for r in posts if r["metric_errors"]]
    unavailable = [r for r in posts if r.get("reach") is None and not r["metric_errors"]]
    assert all(r.get(col) is None for r in failed for e in r["metric_errors"]
               for col in [{"IMPRESSION": "impressions", "MEMBERS_REACHED": "reach", "REACTION": "likes", "COMMENT": "comments", "RESHARE": "shares"}[e["metric"]]])
    assert failed or unavailable
    assert not any(value == -1 for r in posts for value in r.values())  # LinkedIn's -1 is null
    accounts = result.records("account_statistics")
    assert {r["account_id"] for r in accounts} == set(LINKEDIN_IDS) and all(r.get("reach") is None for r in accounts)
    social = result.records("social_statistics")
    assert sorted(r["account_id"] for r in social) == sorted(LINKEDIN_IDS)
    # followers_gained: each day's new followers as the vendor's daily POST /linkedin-followers answers them
    daily = result.records("account_statistics")
    for account in LINKEDIN_IDS:
        days = sorted(r["date"] for r in daily if r["account_id"] == account)
        start, end = date.fromisoformat(days[0]), date.fromisoformat(days[-1]) + timedelta(days=1)
        ymd = lambda d: {"year": d.year, "month": d.month, "day": d.day}  # noqa: E731
        answer = requests.post(f"{emulator.url}/postpost/api/v1/linkedin-followers", headers={"x-api-key": API_KEY},
                               json={"platformId": account, "period": "daily", "dateRange": {"start": ymd(start), "end": ymd(end)}},
                               timeout=10).json()
        gains = {row["date"]: row["count"] for row in answer["data"]}
        assert gains and all(r.get("followers_gained") == gains.get(r["date"]) for r in daily if r["account_id"] == account)
    # followers: the lifetime count the vendor's POST /linkedin-followers answers (asked here as a user would)
    for row in social:
        answer = requests.post(f"{emulator.url}/postpost/api/v1/linkedin-followers", headers={"x-api-key": API_KEY},
                               json={"platformId": row["account_id"], "period": "lifetime"}, timeout=10).json()
        assert row["followers"] == answer["followersCount"] and row["followers"] > 0, row
    for stream in STREAMS:
        schema = json.load(open(f"source_social_analytics/schemas/{stream}.json"))
        for record in result.records(stream):
            validate(record, schema)
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in result.final_states()}
    assert {s["partition"]["account_id"] for s in states["account_statistics"]["states"]} == set(LINKEDIN_IDS)


def test_second_read_requests_only_from_cursor_minus_lookback(runs) -> None:
    states = {s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"] for s in runs["first"].final_states()}
    cursors = {s["partition"]["account_id"]: s["cursor"]["date"] for s in states["account_statistics"]["states"]}
    result, calls = runs["second"], runs["second_log"]
    assert result.returncode == 0 and not result.errors()
    daily = [c for c in calls if c["path"].endswith("/linkedin-account-statistics") and c["body"]["aggregation"] == "DAILY"]
    for call in daily:
        start = pendulum.date(**call["body"]["dateRange"]["start"]).to_date_string()
        assert start == pendulum.parse(cursors[call["body"]["platformId"]]).subtract(days=3).to_date_string()
    listed = [c for c in calls if c["path"].endswith("/list-posts")]
    cursor = pendulum.parse(states["post_analytics"]["state"]["published_at"])
    from_dates = {str(c["query"]["fromDate"]).strip("[]'") for c in listed}
    assert from_dates == {cursor.subtract(days=3).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert len(result.records("post_analytics")) < len(runs["first"].records("post_analytics"))


def test_check(emulator, cli) -> None:
    ok = cli.run("check", config_for(emulator)).of_type("CONNECTION_STATUS")[0]["connectionStatus"]
    assert ok["status"] == "SUCCEEDED"
    for provider, words in (({"api_key": "sk_wrong_key_000000000000"}, ["provider.api_key", "Invalid API key"]),
                            ({"api_key": NO_API_ACCESS_KEY}, ["provider.api_key", "API access is not enabled"]),
                            ({"platform_ids": ["linkedin-nope"]}, ["provider.platform_ids", "linkedin-nope"])):
        status = cli.run("check", config_for(emulator, **provider)).of_type("CONNECTION_STATUS")[0]["connectionStatus"]
        assert status["status"] == "FAILED" and all(word in status["message"] for word in words), status
