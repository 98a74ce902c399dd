"""CPython gh-106905: concurrent ast parsing must never race (a random SystemError in a sync)."""
import ast

import source_social_analytics.components  # noqa: F401 - what a generic CDK runner imports
from source_social_analytics import runtime_guards


def test_the_cdks_literal_eval_parses_under_one_lock(monkeypatch):
    seen = []
    original = runtime_guards._original_parse

    def spy(*args, **kwargs):
        seen.append(runtime_guards._lock.locked())
        return original(*args, **kwargs)

    monkeypatch.setattr(runtime_guards, "_original_parse", spy)
    assert ast.literal_eval("{'a': [1, 2]}") == {"a": [1, 2]}  # the CDK's Jinja interpolation ends here
    assert seen == [True]


def test_the_guard_is_installed_once():
    assert ast.parse is runtime_guards._serialized_parse
