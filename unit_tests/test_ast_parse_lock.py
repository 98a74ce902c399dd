"""ast_parse_lock: only the CPython versions with gh-106905 get the lock, only when install() is called."""
from __future__ import annotations

import ast
import subprocess
import sys

from source_social_analytics import ast_parse_lock


def test_the_affected_versions_are_3_10_7_on_3_11_0_to_3_11_7_and_3_12_0_to_3_12_1() -> None:
    assert ast_parse_lock.has_the_race((3, 11, 0), "cpython") and ast_parse_lock.has_the_race((3, 11, 7), "cpython")
    assert ast_parse_lock.has_the_race((3, 12, 1), "cpython") and ast_parse_lock.has_the_race((3, 10, 14), "cpython")
    for fixed in ((3, 10, 6), (3, 11, 8), (3, 12, 2), (3, 13, 0), (3, 14, 1)):
        assert not ast_parse_lock.has_the_race(fixed, "cpython"), fixed
    assert not ast_parse_lock.has_the_race((3, 11, 4), "pypy")


def test_importing_the_package_leaves_ast_parse_alone_and_install_locks_it_only_where_needed() -> None:
    code = (
        "import ast; original = ast.parse\n"
        "import source_social_analytics, source_social_analytics.run, source_social_analytics.source\n"
        "assert ast.parse is original, 'an import replaced ast.parse'\n"
        "from source_social_analytics import ast_parse_lock\n"
        "installed = ast_parse_lock.install()\n"
        "assert installed == ast_parse_lock.has_the_race()\n"
        "assert (ast.parse is not original) == installed\n"
        "assert ast.literal_eval('[1, 2]') == [1, 2]\n"
        "ast_parse_lock.install(); assert ast_parse_lock._unlocked_parse in (None, original)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_lock_is_held_while_parsing(monkeypatch) -> None:
    seen = []

    def spy(*args, **kwargs):
        seen.append(ast_parse_lock._lock.locked())
        return ast.Module(body=[], type_ignores=[])

    monkeypatch.setattr(ast_parse_lock, "_unlocked_parse", spy)
    ast_parse_lock._locked_parse("1")
    assert seen == [True]
