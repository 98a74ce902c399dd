"""A list two streams share is requested once per sync, even when both streams start at the same moment.

The CDK caches the responses of parent streams (HighLevel's accounts, PostPost's platform connections) in
one in-memory cache per process, so the second stream that reads a parent gets it from there. But a sync
starts its streams in parallel: both threads asked before either answer was cached, and the vendor saw
the same request twice (``integration_tests/test_request_counts.py`` caught it about half the time).
Here identical cacheable requests wait for each other: the first goes out, the others find its answer in
the cache. Requests that are not cached (every per-partition call) are not touched.
"""
from __future__ import annotations

import json
import threading
from typing import Any, Dict

from airbyte_cdk.sources.streams.http.http_client import HttpClient

_locks: Dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_original_send_request = HttpClient.send_request


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _send_request_once(self: HttpClient, http_method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    if not getattr(self, "_use_cache", False) or http_method.upper() != "GET":
        return _original_send_request(self, http_method, url, *args, **kwargs)
    key = json.dumps([url, kwargs.get("params")], sort_keys=True, default=str)
    with _lock_for(key):
        return _original_send_request(self, http_method, url, *args, **kwargs)


if getattr(HttpClient.send_request, "__name__", "") != "_send_request_once":
    HttpClient.send_request = _send_request_once  # type: ignore[method-assign]
