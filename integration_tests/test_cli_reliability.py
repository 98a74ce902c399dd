"""A flaky or refusing API, seen through the real CLI: retries, backoff, clear errors, never a silent gap."""
from __future__ import annotations

import json

import pytest

from integration_tests.conftest import catalog_for

pytestmark = pytest.mark.integration


def only(catalog, name):
    return {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == name]}


@pytest.fixture
def catalog(cli, ayrshare_config):
    return catalog_for(cli.run("discover", ayrshare_config))


def test_transient_5xx_is_retried_and_the_sync_completes(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/social", 503, times=2, headers={"Retry-After": "1"}, body={"message": "upstream unavailable"})
    result = cli.run("read", ayrshare_config, only(catalog, "social_statistics"))
    assert result.returncode == 0, result.errors()
    platforms = 9  # one request per platform Ayrshare's /analytics/social accepts
    assert len(api.requests("/api/analytics/social")) == platforms + 2  # two failures, each retried
    assert {r["platform"] for r in result.records("social_statistics")} >= {"facebook", "instagram", "x"}


def test_rate_limit_honours_retry_after(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/links", 429, times=1, headers={"Retry-After": "1", "x-ratelimit-max": "300", "x-ratelimit-count": "301"},
              body={"action": "request", "status": "error", "code": 429, "message": "Rate limit exceeded."})
    result = cli.run("read", ayrshare_config, only(catalog, "link_analytics"))
    assert result.returncode == 0, result.errors()
    calls = api.requests("/api/analytics/links")
    assert len(calls) == 2 and result.records("link_analytics")


def test_persistent_outage_ends_in_a_clear_system_error_not_a_silent_gap(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/links", 500, times=20, headers={"Retry-After": "1"}, body={"message": "internal error"})
    result = cli.run("read", ayrshare_config, only(catalog, "link_analytics"))
    assert result.returncode == 1
    # the stream's own error; the CDK then closes every failed read with a generic summary error
    errors = [e for e in result.errors() if e.get("internal_message") != "Concurrent read failure"]
    # never config_error: the CDK 7.x reports exhausted retries as transient_error, its kind of system error
    # that the platform retries (an HttpResponseFilter's failure_type only applies to FAIL)
    assert errors and all(e["failure_type"] in ("system_error", "transient_error") for e in errors)
    assert any("Ayrshare is failing" in e["message"] and "internal error" in e["message"] for e in errors)
    assert len(api.requests("/api/analytics/links")) == 6  # the first try and 5 retries, then stop
    assert not result.records("link_analytics")


def test_key_revoked_during_a_read_is_a_config_error_naming_the_field(cli, ayrshare_config, catalog, api):
    bad = json.loads(json.dumps(ayrshare_config))
    bad["provider"]["api_key"] = "REVOKED-KEY-0000"
    result = cli.run("read", bad, only(catalog, "link_analytics"))
    assert result.returncode == 1
    errors = [e for e in result.errors() if e.get("internal_message") != "Concurrent read failure"]
    assert errors and {e["failure_type"] for e in errors} == {"config_error"}
    assert any("provider.api_key" in e["message"] for e in errors)
    assert "REVOKED-KEY-0000" not in result.stdout
    assert len(api.requests("/api/analytics/links")) == 1  # 401 is not retried


def test_state_is_emitted_per_partition_so_a_killed_sync_resumes(cli, ayrshare_profiles_config, api):
    catalog = catalog_for(cli.run("discover", ayrshare_profiles_config))
    api.fault("/api/analytics/social", 500, times=20, headers={"Retry-After": "1"})
    result = cli.run("read", ayrshare_profiles_config, only(catalog, "link_analytics"))
    assert result.returncode == 0
    [state] = result.final_states()
    partitions = state["stream"]["stream_state"]["states"]
    assert len(partitions) == 2  # one cursor per profile, each resumable on its own
    assert all(p["partition"]["account_id"].startswith("profile-") for p in partitions)


def test_a_platform_refused_with_400_is_skipped_with_a_warning_and_the_others_go_on(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/social", 400, times=1,
              body={"action": "analytics", "status": "error", "code": 156, "message": "Platform not linked."})
    result = cli.run("read", ayrshare_config, only(catalog, "social_statistics"))
    assert result.returncode == 0, result.errors()
    assert any("HTTP 400" in w and "Platform not linked." in w for w in result.logs("WARN"))
    assert len(result.records("social_statistics")) >= 5
