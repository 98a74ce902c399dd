"""Serialize ``ast.parse`` on the CPython versions with gh-106905, installed by the entry point, never by an import.

On CPython 3.11.0-3.11.7 and 3.12.0-3.12.1 the AST converter keeps its recursion depth in state shared by all
threads (the regression of gh-95185; fixed by "use per AST-parser state ... to prevent potential race condition
due to simultaneous parsing", shipped in 3.11.8 and 3.12.2). 3.10 from 3.10.7 is counted too: the gh-95185
change was backported there, the fix was not (3.10 was by then security-only), and a needless lock costs only
microseconds while a missing one fails a sync. Two threads parsing at once can then fail with
``SystemError: AST constructor recursion depth mismatch``. In a sync every Jinja expression the CDK evaluates ends
in ``ast.literal_eval`` -> ``ast.parse``, in as many threads as the concurrency level: a flaky failure, reported
as a config_error. A lock around ``ast.parse`` removes the race for microseconds per call.

This is the one place the package replaces a standard-library function. ``install()`` is called explicitly by the
console entry point (``run.run``) and by the test suite's conftest; importing this module changes nothing, and on
an interpreter without the race ``install()`` does nothing.
"""
from __future__ import annotations

import ast
import sys
import threading
from typing import Any, Callable, Optional, Tuple

AFFECTED_VERSIONS: Tuple[Tuple[Tuple[int, int, int], Tuple[int, int, int]], ...] = (
    ((3, 10, 7), (3, 11, 0)),
    ((3, 11, 0), (3, 11, 8)),  # [first affected, first fixed)
    ((3, 12, 0), (3, 12, 2)),
)

_lock = threading.Lock()
_unlocked_parse: Optional[Callable[..., Any]] = None


def has_the_race(version: Tuple[int, int, int] = tuple(sys.version_info[:3]), implementation: str = sys.implementation.name) -> bool:  # type: ignore[assignment]
    """Whether this interpreter (or the one described) has gh-106905."""
    return implementation == "cpython" and any(first <= version < fixed for first, fixed in AFFECTED_VERSIONS)


def _locked_parse(*args: Any, **kwargs: Any) -> Any:
    with _lock:
        return _unlocked_parse(*args, **kwargs)  # type: ignore[misc]


def install() -> bool:
    """Put the lock around ``ast.parse`` if this interpreter has the race; True when it is (or already was) in place."""
    global _unlocked_parse
    if not has_the_race():
        return False
    if ast.parse is not _locked_parse:
        _unlocked_parse = ast.parse
        ast.parse = _locked_parse  # the one sanctioned replacement (see the module docstring)
    return True
