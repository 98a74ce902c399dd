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
