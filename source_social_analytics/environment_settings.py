"""The proxy and CA-bundle environment is read once per host, not once per request.

Before every request the CDK's HttpClient asks its requests Session for the environment's settings
(``Session.merge_environment_settings``): HTTP_PROXY / HTTPS_PROXY / ALL_PROXY, NO_PROXY and
REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE. requests answers by decoding every variable of ``os.environ`` twice
(``urllib.request.getproxies_environment``, once to decide on NO_PROXY, once for the proxies): a sixth of the
CPU of a zero-latency post_analytics read, one request per post (``python -m benchmarks.run``).

A sync's environment does not change while it runs, so the answer for one (scheme, host, request options) is
kept for the life of the session: proxies still apply, NO_PROXY still exempts its hosts, a CA bundle still
verifies; only the re-reading is gone. A new session (every source the CDK builds) reads the environment anew.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Hashable, Mapping, Optional, Tuple
from urllib.parse import urlsplit

import requests
from airbyte_cdk.sources.streams.http.http_client import HttpClient

_Settings = Callable[..., Dict[str, Any]]


def _frozen(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


def remembered(merge_environment_settings: _Settings) -> _Settings:
    """``Session.merge_environment_settings`` answering from memory for a (scheme, host, options) it has seen."""
    answers: Dict[Tuple[Hashable, ...], Dict[str, Any]] = {}
    lock = threading.Lock()

    def merge(url: str, proxies: Optional[Mapping[str, str]], stream: Any, verify: Any, cert: Any) -> Dict[str, Any]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, _frozen(proxies), stream, _frozen(verify), _frozen(cert))
        answer = answers.get(key)
        if answer is None:
            answer = merge_environment_settings(url, dict(proxies) if proxies is not None else None, stream, verify, cert)
            with lock:
                answers[key] = answer
        # a fresh dict (and proxies dict) each time: requests may add to what it is given
        return {**answer, "proxies": dict(answer["proxies"] or {})}

    merge.__wrapped__ = merge_environment_settings  # type: ignore[attr-defined]
    return merge


_original_request_session = getattr(HttpClient, "_request_session", None)


def _request_session_reading_the_environment_once(self: HttpClient) -> requests.Session:
    session = _original_request_session(self)  # type: ignore[misc]
    session.merge_environment_settings = remembered(session.merge_environment_settings)  # type: ignore[method-assign]
    return session


# Installed only where the CDK builds its session there (airbyte-cdk 7.39.x, setup.py); elsewhere requests reads
# the environment for every request, as before.
if _original_request_session is not None and getattr(_original_request_session, "__name__", "") != "_request_session_reading_the_environment_once":
    HttpClient._request_session = _request_session_reading_the_environment_once  # type: ignore[method-assign]
