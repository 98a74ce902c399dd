"""Every retry log says what really happened, and a 4xx other than 429 is never retried (all four providers).

The CDK logs any retry as "Rate limit exceeded (HTTP 500)", and a dropped connection or an unknown host as
"Rate limit exceeded."; it retried an HTTP 431 (a 100 KB key) six times. time.sleep is patched: the
request counts are what a real run makes, without its waits."""
from __future__ import annotations

import unittest.mock

import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator.configs import PROVIDERS, emulator_config
from source_social_analytics.providers import PROVIDERS as REGISTRY

pytestmark = pytest.mark.integration


@pytest.fixture
def no_waits():
    with unittest.mock.patch("time.sleep") as sleep:
        yield sleep


def check_stream_catalog(cli, config, provider):
    catalog = catalog_for(cli.run("discover", config))
    return {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == REGISTRY[provider].check_stream]}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("status", [400, 404, 431])
def test_a_client_error_other_than_429_is_not_retried(cli, emulator, api, no_waits, provider, status):
    config = emulator_config(provider, emulator.url)
    catalog = check_stream_catalog(cli, config, provider)
    prefix = config["provider"]["base_url"].replace(emulator.url, "")
    api.fault(prefix + "/", status, times=50, body={"message": "refused"})
    result = cli.run("read", config, catalog)
    assert result.returncode == 1
    assert len(api.requests(prefix)) == 1  # the first request fails the stream: never sent again
    assert not [line for line in result.logs("INFO") if "Retrying" in line]
    assert "Rate limit exceeded" not in result.stdout
    if status == 431:
        assert result.errors()[0]["failure_type"] == "config_error" and "HTTP 431 (request headers too large)" in result.errors()[0]["message"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_server_error_is_logged_as_a_server_error_and_retried_five_times(cli, emulator, api, no_waits, provider):
    config = emulator_config(provider, emulator.url)
    catalog = check_stream_catalog(cli, config, provider)
    prefix = config["provider"]["base_url"].replace(emulator.url, "")
    api.fault(prefix + "/", 500, times=50, body={"message": "internal error"})
    result = cli.run("read", config, catalog)
    assert result.returncode == 1
    assert len(api.requests(prefix)) == 6  # the first try and 5 retries
    retries = [line for line in result.logs("INFO") if "Retrying in" in line]
    assert len(retries) == 5 and all(line.startswith("HTTP 500 (server error) on GET ") for line in retries)
    assert [call.args[0] for call in no_waits.call_args_list if call.args and call.args[0] >= 10] == [11.0, 21.0, 41.0, 81.0, 161.0]
    assert "Rate limit exceeded" not in result.stdout
    assert {e["failure_type"] for e in result.errors()} == {"transient_error"}


TYPO_HOSTS = {"ayrshare": "https://app.ayrshare.invalid/api", "highlevel": "https://services.leadconnectorhq.invalid",
              "mosaic": "https://api.mosaic.invalid", "postpost": "https://api.postpost.invalid/api/v1"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_base_url_host_that_does_not_resolve_is_a_config_error_at_once_in_check_and_read(cli, emulator, no_waits, provider):
    """Before: retried 5 times, ~315 s of backoff (in check too), then "Exhausted available request attempts ...
    ConnectionError". A host that is not the vendor's own is a typo: no retry, a config_error naming the field."""
    config = emulator_config(provider, emulator.url, base_url=TYPO_HOSTS[provider])
    host = TYPO_HOSTS[provider].split("/")[2]
    [status] = [m["connectionStatus"] for m in cli.run("check", config).of_type("CONNECTION_STATUS")]
    assert status["status"] == "FAILED" and "provider.base_url" in status["message"] and repr(host) in status["message"]
    result = cli.run("read", config, check_stream_catalog(cli, emulator_config(provider, emulator.url), provider))
    assert result.returncode == 1
    assert {e["failure_type"] for e in result.errors()} == {"config_error"}
    assert "provider.base_url" in result.errors()[0]["message"] and "cannot be resolved" in result.errors()[0]["message"]
    assert not [line for line in result.logs("INFO") if "Retrying in" in line]
    assert not [call for call in no_waits.call_args_list if call.args and call.args[0] >= 10]  # no backoff at all


def test_the_vendors_own_host_not_resolving_is_retried_and_logged_as_such(cli, emulator, no_waits):
    """app.ayrshare.com not resolving is the network's trouble (CONTRACT §4: connection errors are retried):
    5 retries, each logged as an unresolved host, never "Rate limit exceeded"; the sync ends as a system_error naming the host."""
    import socket

    resolve = socket.getaddrinfo

    def offline_dns(host, *args, **kwargs):  # the machine's DNS down; the emulator (127.0.0.1) still answers
        if host == "app.ayrshare.com":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    config = emulator_config("ayrshare", emulator.url, base_url="https://app.ayrshare.com/api")
    catalog = check_stream_catalog(cli, emulator_config("ayrshare", emulator.url), "ayrshare")
    with unittest.mock.patch("socket.getaddrinfo", side_effect=offline_dns):
        result = cli.run("read", config, catalog)
    assert result.returncode == 1
    retries = [line for line in result.logs("INFO") if "Retrying in" in line]
    assert len(retries) == 5 and all("the host name could not be resolved" in line for line in retries)
    assert "Rate limit exceeded" not in result.stdout
    errors = result.errors()
    assert {e["failure_type"] for e in errors} == {"system_error"}  # the CDK's class for exhausted connection retries
    assert "app.ayrshare.com" in errors[0]["message"]


@pytest.mark.parametrize("provider, per_post_path", [("ayrshare", "/api/analytics/post"), ("mosaic", "/mosaic/social/post/")])
def test_a_persistent_failure_of_the_per_post_endpoint_stops_after_three_posts_not_every_post(cli, emulator, api, no_waits, provider, per_post_path):
    """Before: every post used 6 attempts and ~316 s of backoff (Mosaic, 53 posts in 30 days: 318 requests,
    ~70 min of waits at 4 at a time). Now: after 3 posts in a row have used every attempt (18 failures), the
    endpoint is given up: each later post costs one request and no wait, and one error says why."""
    config = emulator_config(provider, emulator.url, days=30)
    catalog = catalog_for(cli.run("discover", config))
    catalog = {"streams": [s for s in catalog["streams"] if s["stream"]["name"] == "post_analytics"]}
    clean = cli.run("read", config, catalog)
    posts = len(api.requests(per_post_path))
    assert clean.returncode == 0 and posts >= 10
    api.fault(per_post_path, 500, times=100_000, body={"message": "internal error"})
    before = len(api.requests(per_post_path))
    no_waits.reset_mock()
    result = cli.run("read", config, catalog)
    calls = len(api.requests(per_post_path)) - before
    assert result.returncode == 1
    concurrency = 4
    assert 18 <= calls <= 6 * (3 + concurrency) + posts < 6 * posts  # bounded, not every post 6 times
    waited = sum(call.args[0] for call in no_waits.call_args_list if call.args and call.args[0] >= 10)
    assert waited <= (3 + concurrency) * (11 + 21 + 41 + 81 + 161)  # backoff of at most the posts in flight, not of every post
    breaker = [e for e in result.errors() if e["message"].startswith("Stopped calling ")]
    assert len(breaker) == 1 and breaker[0]["failure_type"] == "transient_error" and "18 times in a row" in breaker[0]["message"]
    assert result.errors()[-1]["failure_type"] == "transient_error"
