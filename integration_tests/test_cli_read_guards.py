"""What a read refuses or repairs before its first request, and how its errors reach the user (read_guards.py):
an unknown stream, a malformed state, a cursor that cannot be parsed or lies in the future, a wrong key
failing every partition."""
from __future__ import annotations

import json
import unittest.mock

import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator.ayrshare import PROFILE_KEYS
from social_analytics_emulator.configs import emulator_config

pytestmark = pytest.mark.integration


def only(catalog, name):
    return {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == name]}


def stream_state(name, value):
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": value}}]


@pytest.fixture
def ayrshare(emulator):
    return emulator_config("ayrshare", emulator.url)


@pytest.fixture
def catalog(cli, ayrshare):
    return catalog_for(cli.run("discover", ayrshare))


def test_a_stream_the_provider_does_not_serve_is_a_config_error_naming_it_and_the_served_streams(cli, ayrshare, catalog, api):
    bogus = json.loads(json.dumps(only(catalog, "link_analytics")))
    bogus["streams"][0]["stream"]["name"] = "no_such_stream"
    result = cli.run("read", ayrshare, bogus)
    assert result.returncode == 1
    [error] = result.errors()
    assert error["failure_type"] == "config_error"
    assert "'no_such_stream'" in error["message"] and "link_analytics, post_analytics, social_statistics" in error["message"]
    assert api.requests() == []  # refused before any request


def test_a_malformed_state_file_is_a_config_error_saying_it_is_the_state(cli, ayrshare, catalog, api):
    result = cli.run("read", ayrshare, only(catalog, "link_analytics"), state={"garbage": 1})
    assert result.returncode == 1
    [error] = result.errors()
    assert error["failure_type"] == "config_error" and "is not a valid Airbyte state" in error["message"]
    assert api.requests() == []


@pytest.mark.parametrize("provider, stream, cursor_state", [
    ("ayrshare", "link_analytics", {"created_at": "last tuesday"}),
    ("postpost", "post_analytics", {"states": [{"partition": {"account_id": "linkedin-1"}, "cursor": {"published_at": "2026-13-45"}}],
                                    "state": {"published_at": "2026-13-45"}}),
])
def test_a_cursor_that_cannot_be_parsed_is_a_config_error_naming_the_stream(cli, emulator, api, provider, stream, cursor_state):
    config = emulator_config(provider, emulator.url)
    catalog = catalog_for(cli.run("discover", config))
    result = cli.run("read", config, only(catalog, stream), state=stream_state(stream, cursor_state))
    assert result.returncode == 1
    [error] = result.errors()
    assert error["failure_type"] == "config_error"
    assert f"stream '{stream}'" in error["message"] and "not a date" in error["message"]
    assert "Something went wrong" not in result.stdout
    assert not result.records()


def test_a_cursor_in_the_future_is_clamped_to_now_with_a_warning_and_the_lookback_is_read(cli, ayrshare, catalog, api):
    clean = cli.run("read", ayrshare, only(catalog, "link_analytics"))
    assert clean.returncode == 0 and clean.records("link_analytics")
    future = stream_state("link_analytics", {"created_at": "2099-01-01T00:00:00Z"})
    result = cli.run("read", ayrshare, only(catalog, "link_analytics"), state=future)
    assert result.returncode == 0, result.errors()
    assert any("in the future" in line and "clamped" in line for line in result.logs("WARN"))
    assert result.records("link_analytics"), "a future cursor must not sync nothing"
    [final] = result.final_states()
    assert "2099" not in json.dumps(final["stream"]["stream_state"])  # the saved cursor is back to now


@pytest.mark.parametrize("provider, extra, before", [
    # measured before the credentials latch (rejected_credentials.py): error traces, requests, ERROR log lines
    ("ayrshare", {"profile_keys": list(PROFILE_KEYS.values())[:2]}, {"traces": 22, "requests": 21, "error_lines": 11}),
    ("postpost", {}, {"traces": 4, "requests": 3, "error_lines": 3}),
    ("highlevel", {}, {"traces": 2, "requests": 2, "error_lines": 2}),
    ("mosaic", {}, {"traces": 2, "requests": 1, "error_lines": 2}),
])
def test_a_wrong_key_fails_the_sync_once_with_one_message(cli, emulator, api, provider, extra, before):
    """One wrong key: the credentials error once, then the closing summary naming it (2 traces); one ERROR log
    line (the refused request); after the first 401 no request leaves (only those already in flight, at most
    num_workers). Ayrshare with 2 profile keys was 22 traces, 21 requests, 11 ERROR lines (41 KB of output)."""
    config = emulator_config(provider, emulator.url, **extra)
    catalog = catalog_for(cli.run("discover", config))
    key_field = "access_token" if provider == "highlevel" else "api_key"
    config["provider"][key_field] = "WRONG-KEY-0000"
    result = cli.run("read", config, catalog)
    assert result.returncode == 1
    errors = result.errors()
    assert len(errors) == 2 <= before["traces"]
    assert {e["failure_type"] for e in errors} == {"config_error"}
    assert f"provider.{key_field}" in errors[0]["message"] and errors[1]["message"].startswith("The sync failed: ")
    assert len(result.logs("ERROR")) == 1 < before["error_lines"] + 1
    made = [r for r in api.requests() if not r["path"].startswith("/__")]
    assert 1 <= len(made) <= min(8, before["requests"])  # 8: the default num_workers, the most in flight at the first 401
    assert "WRONG-KEY-0000" not in result.stdout


def test_a_persistent_server_error_ends_with_a_summary_classed_transient_not_config(cli, ayrshare, catalog, api):
    """The CDK closes a failed read with "Concurrent read failure" typed config_error; the user must see transient."""
    api.fault("/api/analytics/links", 500, times=20, headers={"Retry-After": "1"}, body={"message": "internal error"})
    with unittest.mock.patch("time.sleep"):  # the waits are not the subject here
        result = cli.run("read", ayrshare, only(catalog, "link_analytics"))
    assert result.returncode == 1
    errors = result.errors()
    assert errors[-1]["message"].startswith("The sync failed: ") and "Ayrshare is failing" in errors[-1]["message"]
    assert len(api.requests("/api/analytics/links")) == 6  # the first try and 5 retries
    assert {e["failure_type"] for e in errors} == {"transient_error"}


@pytest.mark.parametrize("provider, floor", [("ayrshare", "2020-01-01"), ("highlevel", "2015-01-01"), ("mosaic", "2015-01-01"), ("postpost", "2015-01-01")])
def test_a_far_past_start_date_is_a_config_error_naming_start_date_and_the_limit_in_check_and_read(cli, emulator, api, provider, floor):
    """1900-01-01 would walk ~6,500 weekly windows per account (projected hours, no records): refused up front."""
    config = emulator_config(provider, emulator.url)
    catalog = catalog_for(cli.run("discover", config))
    config["start_date"] = "1900-01-01"
    checked = cli.run("check", config)
    [status] = [m["connectionStatus"] for m in checked.of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED" and "`start_date` 1900-01-01" in status["message"] and floor in status["message"]
    read = cli.run("read", config, catalog)
    assert read.returncode == 1
    [error] = read.errors()
    assert error["failure_type"] == "config_error" and "`start_date`" in error["message"] and floor in error["message"]
    assert "Traceback" not in read.stdout
    assert api.requests() == [] or all(r["path"].startswith("/__") for r in api.requests())
    config["start_date"] = floor  # the limit itself is accepted
    assert cli.run("check", config).of_type("CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"


def test_a_broken_cursor_of_a_stream_the_catalog_does_not_select_is_still_a_config_error_naming_it(cli, emulator, api):
    """Every saved state is checked, selected or not: the CDK builds every stream's cursor from its state, and a
    broken cursor of an unselected stream otherwise ends the read as "Something went wrong" (system_error)."""
    config = emulator_config("ayrshare", emulator.url)
    catalog = catalog_for(cli.run("discover", config))
    result = cli.run("read", config, only(catalog, "social_statistics"), state=stream_state("link_analytics", {"created_at": "last tuesday"}))
    assert result.returncode == 1
    [error] = result.errors()
    assert error["failure_type"] == "config_error" and "stream 'link_analytics'" in error["message"]
    assert "Something went wrong" not in result.stdout and api.requests() == []
