"""The real CLI, as a subprocess, against the Ayrshare emulator: spec, check, discover, read, resume."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict

import jsonschema
import pendulum
import pytest
import requests

from integration_tests.conftest import catalog_for
from social_analytics_emulator.ayrshare import API_KEY, PROFILE_KEYS, build_profiles

pytestmark = pytest.mark.integration
STREAMS = {"post_analytics", "link_analytics", "social_statistics", "youtube_playlists"}


@pytest.fixture(scope="module")
def config(ayrshare_config) -> Dict[str, Any]:
    return ayrshare_config


def test_spec_is_one_valid_spec_message(process_cli):
    """Through the installed console script: what Airbyte's image runs."""
    result = process_cli.run("spec")
    assert result.returncode == 0
    [spec] = [m["spec"] for m in result.of_type("SPEC")]
    schema = spec["connectionSpecification"]
    jsonschema.Draft7Validator.check_schema(schema)
    branches = {b["properties"]["provider_type"]["const"]: b for b in schema["properties"]["provider"]["oneOf"]}
    assert set(branches) == {"ayrshare", "highlevel", "mosaic", "postpost"}
    secrets = {name for b in branches.values() for name, p in b["properties"].items() if p.get("airbyte_secret")}
    assert secrets == {"api_key", "profile_keys", "access_token"}
    for branch in branches.values():
        for name, prop in branch["properties"].items():
            assert "order" in prop, name
            if name != "provider_type":
                assert prop.get("title") and prop.get("description"), name


def test_check_with_a_wrong_key_fails_with_an_actionable_message_and_never_shows_the_key(cli, config, api):
    wrong = "WRONG-KEY-4f9c2a7e1b"
    bad = json.loads(json.dumps(config))
    bad["provider"]["api_key"] = wrong
    result = cli.run("check", bad)
    assert result.returncode == 0
    [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED"
    assert "provider.api_key" in status["message"] and "API Key not valid" in status["message"]
    assert "Traceback" not in status["message"]
    assert wrong not in result.stdout + result.stderr
    assert len(api.requests("/api/")) == 1  # one call, not retried


def test_check_with_an_unknown_profile_key_names_profile_keys(cli, config):
    bad = json.loads(json.dumps(config))
    bad["provider"]["profile_keys"] = ["NOT-A-PROFILE-KEY-123"]
    result = cli.run("check", bad)
    [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED" and "provider.profile_keys" in status["message"]
    assert "NOT-A-PROFILE-KEY-123" not in result.stdout


def test_check_succeeds_with_one_cheap_call(cli, config, api):
    result = cli.run("check", config)
    assert [m["connectionStatus"]["status"] for m in result.of_type("CONNECTION_STATUS")] == ["SUCCEEDED"]
    assert [e["path"] for e in api.requests("/api/")] == ["/api/analytics/links"]


def test_check_with_a_bad_date_names_the_field(cli, config):
    result = cli.run("check", {**config, "start_date": "2026/01/01"})
    [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED" and "`start_date`" in status["message"]


def test_discover_lists_the_ayrshare_streams_complete(discovered):
    assert discovered.returncode == 0
    [catalog] = [m["catalog"] for m in discovered.of_type("CATALOG")]
    streams = {s["name"]: s for s in catalog["streams"]}
    assert set(streams) == STREAMS
    expected = {
        "post_analytics": ([["account_id"], ["post_id"], ["platform"], ["platform_post_id"]], ["published_at"]),
        "link_analytics": ([["short_link"]], ["created_at"]),
        "social_statistics": ([["account_id"], ["platform"], ["date"]], ["date"]),
        "youtube_playlists": ([["account_id"], ["playlist_id"], ["date"]], ["date"]),
    }
    for name, (primary_key, cursor) in expected.items():
        stream = streams[name]
        assert stream["source_defined_primary_key"] == primary_key
        assert stream["default_cursor_field"] == cursor and stream["source_defined_cursor"] is True
        assert set(stream["supported_sync_modes"]) == {"full_refresh", "incremental"}
        jsonschema.Draft7Validator.check_schema(stream["json_schema"])
        properties = stream["json_schema"]["properties"]
        for column in [k[0] for k in primary_key] + cursor + ["provider"]:
            assert column in properties


def test_read_records_validate_against_their_schemas(first_sync, discovered):
    result, _ = first_sync
    assert result.returncode == 0, result.errors()
    schemas = {s["name"]: s["json_schema"] for m in discovered.of_type("CATALOG") for s in m["catalog"]["streams"]}
    counts = Counter(m["record"]["stream"] for m in result.of_type("RECORD"))
    assert set(counts) == STREAMS
    checker = jsonschema.FormatChecker()
    for message in result.of_type("RECORD"):
        record = message["record"]
        jsonschema.validate(record["data"], schemas[record["stream"]], format_checker=checker)
        assert record["data"]["provider"] == "ayrshare"


def test_read_primary_keys_are_never_null_and_unique(first_sync, discovered):
    result, _ = first_sync
    keys = {s["name"]: s["source_defined_primary_key"] for m in discovered.of_type("CATALOG") for s in m["catalog"]["streams"]}
    for stream, primary_key in keys.items():
        values = [tuple(r.get(k[0]) for k in primary_key) for r in result.records(stream)]
        assert all(None not in v for v in values), stream
        assert len(values) == len(set(values)), stream


def test_read_matches_the_emulated_data_set(first_sync):
    """Every post that reached a network has a record per destination; an X thread has one per tweet."""
    result, _ = first_sync
    primary = build_profiles(pendulum.today("UTC").date())["primary"]
    start = pendulum.today("UTC").subtract(days=60)
    expected = Counter()
    for post in primary.posts:
        if post.status != "success" or post.gone_at_networks or post.published < start:
            continue
        for platform in post.platforms:
            expected[(post.id, "x" if platform == "twitter" else platform)] += post.thread_length if platform == "twitter" else 1
    got = Counter((r["post_id"], r["platform"]) for r in result.records("post_analytics"))
    assert got == expected
    assert {r["account_id"] for r in result.records()} == {"primary"}


def test_read_skips_a_post_the_networks_no_longer_know_with_a_warning(first_sync):
    result, log = first_sync
    primary = build_profiles(pendulum.today("UTC").date())["primary"]
    [gone] = [p for p in primary.posts if p.gone_at_networks]
    assert any(e["path"] == "/api/analytics/post" and e["body"]["id"] == gone.id for e in log)
    assert gone.id not in {r["post_id"] for r in result.records("post_analytics")}
    assert any(gone.id in w and "404" in w and "code 186" in w for w in result.logs("WARN"))
    assert result.returncode == 0 and not result.errors()


def test_read_emits_state_for_every_stream(first_sync):
    result, _ = first_sync
    assert {s["stream"]["stream_descriptor"]["name"] for s in result.final_states()} == STREAMS
    post_state = next(s for s in result.final_states() if s["stream"]["stream_descriptor"]["name"] == "post_analytics")
    newest = max(r["published_at"] for r in result.records("post_analytics"))
    assert post_state["stream"]["stream_state"]["state"]["published_at"] == newest


def test_link_counts_are_integers_and_dates_iso(first_sync):
    result, _ = first_sync
    links = result.records("link_analytics")
    assert links and all(isinstance(l["clicks"], int) for l in links)
    assert all(l["created_at"].endswith("Z") and "T" in l["created_at"] for l in links)
    # the link API reaches back 30 days: a 60-day window is announced, not silently cut
    assert any("link_analytics" in w and "30 days" in w for w in result.logs("WARN"))


def test_second_read_from_state_makes_fewer_requests_and_still_covers_the_lookback(module_cli, config, discovered, first_sync, emulator):
    first, first_log = first_sync
    requests.delete(f"{emulator.url}/__emulator__/requests", timeout=10)
    second = module_cli.run("read", config, catalog_for(discovered), state=first.final_states())
    second_log = requests.get(f"{emulator.url}/__emulator__/requests", timeout=10).json()
    assert second.returncode == 0, second.errors()
    assert 0 < len(second_log) < len(first_log)

    post_state = next(s for s in first.final_states() if s["stream"]["stream_descriptor"]["name"] == "post_analytics")
    cursor = pendulum.parse(post_state["stream"]["stream_state"]["state"]["published_at"])
    lookback_start = cursor.subtract(days=7)
    history_starts = [pendulum.parse(e["query"]["startDate"]) for e in second_log if e["path"] == "/api/history"]
    assert history_starts and min(history_starts) <= lookback_start
    reread = {r["post_id"] for r in second.records("post_analytics")}
    expected = {r["post_id"] for r in first.records("post_analytics") if pendulum.parse(r["published_at"]) >= lookback_start}
    assert expected and expected <= reread
    # the link window is derived from the cursor: 8 days (7 lookback + today), not 30
    link_days = {int(e["query"]["lastDays"]) for e in second_log if e["path"] == "/api/analytics/links"}
    assert link_days and max(link_days) <= 9
    # a snapshot stream takes today's snapshot on every sync
    assert second.records("social_statistics")


def test_profiles_are_partitions_with_hashed_account_ids_and_no_key_anywhere(cli, ayrshare_profiles_config, api):
    discovered = cli.run("discover", ayrshare_profiles_config)
    result = cli.run("read", ayrshare_profiles_config, catalog_for(discovered))
    assert result.returncode == 0, result.errors()
    accounts = {r["account_id"] for r in result.records()}
    assert accounts == {"profile-" + __import__("hashlib").sha256(k.encode()).hexdigest()[:12] for k in PROFILE_KEYS.values()}
    for key in list(PROFILE_KEYS.values()) + [API_KEY]:
        assert key not in result.stdout and key not in result.stderr
    sent = {e["profile_key"] for e in api.requests("/api/")}
    assert sent == set(PROFILE_KEYS.values())


def test_platform_filter_limits_requests_and_records(cli, ayrshare_config, api):
    config = json.loads(json.dumps(ayrshare_config))
    config["provider"]["platforms"] = ["x", "instagram"]
    discovered = cli.run("discover", config)
    result = cli.run("read", config, catalog_for(discovered))
    assert result.returncode == 0, result.errors()
    assert {r["platform"] for r in result.records("post_analytics")} <= {"x", "instagram"}
    assert {r["platform"] for r in result.records("social_statistics")} == {"x", "instagram"}
    social = [e for e in api.requests("/api/analytics/social")]
    assert sorted(p for e in social for p in e["body"]["platforms"]) == ["instagram", "twitter"]  # one platform per call
    posts = [e for e in api.requests("/api/analytics/post")]
    assert posts and all(sorted(e["body"]["platforms"]) == ["instagram", "twitter"] for e in posts)
