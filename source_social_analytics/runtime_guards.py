"""Make concurrent reads immune to CPython gh-106905 on the interpreters that have it.

Affected CPython versions keep the AST converter's recursion depth in state shared by all threads,
so two threads parsing at once can fail with ``SystemError: AST constructor recursion depth mismatch``.
In a sync, every Jinja expression the CDK evaluates ends in ``ast.literal_eval`` -> ``ast.parse``, in
as many threads as the concurrency level: a flaky failure seen once in a test, reported as a config_error.
Serializing ``ast.parse`` removes the race; it costs microseconds per call (the parsed strings are short).
"""
from __future__ import annotations

import ast
import threading

# Applied on every version: the lock costs next to nothing, and a version table is one more thing to get wrong.

_lock = threading.Lock()
_original_parse = ast.parse


def _serialized_parse(*args, **kwargs):  # type: ignore[no-untyped-def]
    with _lock:
        return _original_parse(*args, **kwargs)


if getattr(ast.parse, "__name__", "") != "_serialized_parse":
    ast.parse = _serialized_parse


# The CDK caches the answers of parent streams (requests-cache, keyed on the request). A 200 whose body is
# cut off or an HTML page was cached too, so every retry of it read the same broken body from the cache and
# the stream failed after 6 "attempts" that never reached the vendor. Every endpoint of this connector
# answers JSON: a body that is not JSON is never cached, so a retry asks the vendor again.
import json as _json

import requests_cache.backends.base as _cache_base

_original_save_response = _cache_base.BaseCache.save_response


def _save_json_only(self, response, cache_key=None, expires=None):  # type: ignore[no-untyped-def]
    try:
        _json.loads(response.content or b"null")
    except ValueError:
        return None
    return _original_save_response(self, response, cache_key, expires)


if getattr(_cache_base.BaseCache.save_response, "__name__", "") != "_save_json_only":
    _cache_base.BaseCache.save_response = _save_json_only
