"""The proxy environment is read once per host, and still applies (environment_settings.py)."""
from __future__ import annotations

import logging
from unittest.mock import patch

import requests
import requests.sessions
from airbyte_cdk.sources.streams.http.http_client import HttpClient

import source_social_analytics.source  # noqa: F401 - installs the guard, as every command does


def _client() -> HttpClient:
    return HttpClient(name="environment_settings_test", logger=logging.getLogger("test"))


def _send(client: HttpClient, url: str) -> dict:
    request, _ = client.send_request("GET", url, request_kwargs={})
    return request


def test_the_environment_is_read_once_per_host_and_its_proxy_still_applies(requests_mock, monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    requests_mock.get("https://api.mosaic.so/social/posts", json={})
    requests_mock.get("https://internal.example/x", json={})
    reads = []
    original = requests.sessions.get_environ_proxies

    def counting(url, no_proxy=None):  # type: ignore[no-untyped-def]
        reads.append(url)
        return original(url, no_proxy=no_proxy)

    client = _client()
    with patch.object(requests.sessions, "get_environ_proxies", counting):
        for _ in range(5):
            _send(client, "https://api.mosaic.so/social/posts")
        for _ in range(3):
            _send(client, "https://internal.example/x")

    assert len(reads) == 2  # was 8: one per request
    vendor = [r for r in requests_mock.request_history if r.hostname == "api.mosaic.so"]
    internal = [r for r in requests_mock.request_history if r.hostname == "internal.example"]
    assert len(vendor) == 5 and all(r.proxies.get("https") == "http://proxy.corp.example:3128" for r in vendor)
    assert len(internal) == 3 and all(not r.proxies.get("https") for r in internal)  # NO_PROXY still exempts


def test_a_new_session_reads_the_environment_anew(requests_mock, monkeypatch) -> None:
    requests_mock.get("https://api.mosaic.so/social/posts", json={})
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    _send(_client(), "https://api.mosaic.so/social/posts")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    _send(_client(), "https://api.mosaic.so/social/posts")

    first, second = requests_mock.request_history
    assert not first.proxies.get("https")
    assert second.proxies.get("https") == "http://proxy.corp.example:3128"


def test_what_the_session_is_given_is_not_shared_between_requests(requests_mock) -> None:
    requests_mock.get("https://api.mosaic.so/social/posts", json={})
    client = _client()
    merge = client._session.merge_environment_settings
    one = merge("https://api.mosaic.so/social/posts", {}, None, None, None)
    one["proxies"]["https"] = "http://changed.example"
    two = merge("https://api.mosaic.so/social/posts", {}, None, None, None)
    assert two["proxies"].get("https") != "http://changed.example"
