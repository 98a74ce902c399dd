"""A flaky or refusing API, seen through the real CLI: retries, backoff, clear errors, never a silent gap."""
from __future__ import annotations

import json
from unittest.mock import patch

import pendulum
import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator.ayrshare import BULK_PROFILE_KEY, build_profiles

pytestmark = pytest.mark.integration


def only(catalog, name):
    return {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == name]}


@pytest.fixture(scope="module")
def catalog(module_cli, ayrshare_config):
    return catalog_for(module_cli.run("discover", ayrshare_config))


def test_transient_5xx_is_retried_and_the_sync_completes(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/social", 503, times=2, headers={"Retry-After": "1"}, body={"message": "upstream unavailable"})
    with patch("time.sleep"):
        result = cli.run("read", ayrshare_config, only(catalog, "social_statistics"))
    assert result.returncode == 0, result.errors()
    platforms = 9  # one request per platform Ayrshare's /analytics/social accepts
    assert len(api.requests("/api/analytics/social")) == platforms + 2  # two failures, each retried
    assert {r["platform"] for r in result.records("social_statistics")} == {"facebook", "instagram", "x", "linkedin", "tiktok", "youtube", "pinterest"}


def test_rate_limit_honours_retry_after_and_waits_about_that_long(cli, ayrshare_config, catalog, api):
    """A 429 with Retry-After: 1 is retried after ~1 s (the CDK adds 1 s), not after the 10 s backoff."""
    api.fault("/api/analytics/links", 429, times=1, headers={"Retry-After": "1", "x-ratelimit-max": "300", "x-ratelimit-count": "301"},
              body={"action": "request", "status": "error", "code": 429, "message": "Rate limit exceeded."})
    result = cli.run("read", ayrshare_config, only(catalog, "link_analytics"))
    assert result.returncode == 0, result.errors()
    calls = api.requests("/api/analytics/links")
    assert len(calls) == 2 and result.records("link_analytics")
    waited = calls[1]["at"] - calls[0]["at"]
    assert 1.0 <= waited < 5.0, waited


def test_persistent_outage_ends_in_a_clear_system_error_not_a_silent_gap(cli, ayrshare_config, catalog, api):
    api.fault("/api/analytics/links", 500, times=20, headers={"Retry-After": "1"}, body={"message": "internal error"})
    with patch("time.sleep"):  # the backoff waits (Retry-After: 1 -> 2 s each) are not what this test is about
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


def test_a_truncated_200_is_retried_then_fails_naming_the_endpoint_and_the_state_stays(cli, ayrshare_config, catalog, api):
    """HTTP 200 with a cut-off body: retried like a 5xx; when it persists, the stream fails loudly and its
    cursor does not move past the window it could not read (the next sync reads it again)."""
    state_before = {"created_at": pendulum.now("UTC").subtract(days=5).strftime("%Y-%m-%dT%H:%M:%SZ")}
    state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "link_analytics"}, "stream_state": state_before}}]
    api.fault("/api/analytics/links", 200, times=20, headers={"Retry-After": "1"}, kind="truncated")
    with patch("time.sleep"):  # in-process: the retry waits are skipped, the retries are not
        result = cli.run("read", ayrshare_config, only(catalog, "link_analytics"), state=state)
    assert result.returncode == 1
    assert not result.records("link_analytics")
    assert len(api.requests("/api/analytics/links")) == 6  # the first try and 5 retries
    errors = [e for e in result.errors() if e.get("internal_message") != "Concurrent read failure"]
    assert any("GET /api/analytics/links" in e["message"] + (e.get("internal_message") or "") and "not JSON" in e["message"] + (e.get("internal_message") or "") for e in errors), errors
    assert all(e["failure_type"] != "config_error" for e in errors)
    for message in result.states():
        partitions = message["stream"]["stream_state"].get("states") or []
        assert all(p["cursor"]["created_at"] <= state_before["created_at"] for p in partitions), message


def test_a_platform_not_linked_is_skipped_in_both_documented_forms(cli, ayrshare_config, catalog, api):
    """api-notes §1.6: "not linked" (code 156) comes as HTTP 400 (the emulator: gmb) or as an errors[] entry
    (reddit). Both are skipped: gmb with one WARN line, and every linked platform still gives its row."""
    result = cli.run("read", ayrshare_config, only(catalog, "social_statistics"))
    assert result.returncode == 0, result.errors()
    assert {r["platform"] for r in result.records("social_statistics")} == {"facebook", "instagram", "x", "linkedin", "tiktok", "youtube", "pinterest"}
    refused = [w for w in result.logs("WARN") if "HTTP 400" in w and "code 156" in w and "gmb is not linked" in w]
    assert len(refused) == 1
    assert not [m for m in result.logs("INFO") if "gmb is not linked" in m]  # logged once, at WARN
    assert any("reddit" in m and "156" in m for m in result.logs("INFO"))
    bodies = [r["body"] for r in api.requests("/api/analytics/social")]
    assert {tuple(b["platforms"]) for b in bodies} >= {("gmb",), ("reddit",)}


def test_a_week_of_more_than_500_posts_is_split_until_every_post_is_listed(cli, ayrshare_config, api):
    """/history answers at most 500 posts and has no pagination: the full 7-day window is read again in
    halves (down to a day), and every published post of that week gets its records."""
    config = json.loads(json.dumps(ayrshare_config))
    config["provider"]["profile_keys"] = [BULK_PROFILE_KEY]
    config["start_date"] = pendulum.today("UTC").subtract(days=21).to_date_string()
    catalog = catalog_for(cli.run("discover", config))
    result = cli.run("read", config, only(catalog, "post_analytics"))
    assert result.returncode == 0, result.errors()
    bulk = build_profiles(pendulum.today("UTC").date())["brand-bulk"]
    published = {p.id for p in bulk.posts if p.status == "success"}
    assert len(bulk.posts) > 500 and len(published) == 12
    assert {r["post_id"] for r in result.records("post_analytics")} == published
    history = api.requests("/api/history")
    answered_full = [h for h in history if h["query"].get("limit") == "500"]
    windows = {(h["query"]["startDate"], h["query"]["endDate"]) for h in answered_full}
    assert len(windows) > 3  # 3 weekly windows over 21 days, plus the halves of the full one
    assert len(api.requests("/api/analytics/post")) == 12  # one per published post, none twice
