"""During a read, templates over the config alone render once each (config_templates.py); every other template,
and everything outside a read, renders as the CDK renders it."""
from __future__ import annotations

from collections import Counter
from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.sources.declarative.interpolation.jinja import JinjaInterpolation
from airbyte_cdk.test.mock_http import HttpMocker

from source_social_analytics import config_templates
from unit_tests.mock_server.test_mosaic import (
    KEY, analytics_request, analytics_response, config, connections_request, connections_response, post,
    posts_request, posts_response, records, run,
)

POSTS = [f"p{n:02d}" for n in range(30)]
API_KEY_TEMPLATE = "{{ config['provider']['api_key'] }}"


class _Renders:
    """Counts the templates that reach the CDK's renderer."""

    def __enter__(self) -> Counter:
        self.counts: Counter = Counter()
        original = config_templates._original_eval

        def counting(interpolation, input_str, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.counts[input_str] += 1
            return original(interpolation, input_str, *args, **kwargs)

        self._patch = patch.object(config_templates, "_original_eval", counting)
        self._patch.start()
        return self.counts

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self._patch.stop()


class TestConfigTemplatesDuringARead(TestCase):
    @HttpMocker()
    def test_the_api_key_renders_once_for_thirty_posts_and_every_request_carries_it(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(connections_request(), connections_response())
        http_mocker.get(posts_request(), posts_response([post(p, 1 + n / 10) for n, p in enumerate(POSTS)], None))
        for post_id in POSTS:
            http_mocker.get(analytics_request(post_id), analytics_response(post_id))

        with _Renders() as renders:
            output = run(config())

        assert sorted(r["post_id"] for r in records(output)) == POSTS
        sent = http_mocker._mocker.request_history
        assert len(sent) == 32 and all(r.headers["Authorization"] == f"Bearer {KEY}" for r in sent)
        assert renders[API_KEY_TEMPLATE] == 1  # the CDK alone: twice per request, 64
        # a template over the partition still renders per post: each post asked for its own analytics
        url = [t for t in renders if "/social/post/" in t]
        assert url and renders[url[0]] == 30
        assert config_templates.reading() is None  # nothing remembered once the read is over


def test_which_templates_depend_on_the_config_alone() -> None:
    assert config_templates.reads_only_the_config("{{ config['provider']['api_key'] }}")
    assert config_templates.reads_only_the_config("{{ config['provider'].get('platforms') or None }}")
    assert config_templates.reads_only_the_config("500")  # plain text: the CDK literal_evals it to 500
    assert not config_templates.reads_only_the_config("{{ now_utc().strftime('%Y-%m-%d') }}")
    assert not config_templates.reads_only_the_config("{{ config['end_date'] ~ today_utc() }}")
    assert not config_templates.reads_only_the_config("{{ stream_partition.post_id }}")
    assert not config_templates.reads_only_the_config("{{ config['a'] if record else config['b'] }}")


def test_outside_a_read_every_render_is_the_cdks() -> None:
    cfg = {"provider": {"api_key": "one"}}
    jinja = JinjaInterpolation()
    assert jinja.eval(API_KEY_TEMPLATE, cfg) == "one"
    cfg["provider"]["api_key"] = "two"  # config normalization mutates the config: nothing may be stale
    assert jinja.eval(API_KEY_TEMPLATE, cfg) == "two"


def test_during_a_read_only_that_reads_config_is_remembered_and_lists_are_copied() -> None:
    cfg, other = {"provider": {"platforms": ["x", "linkedin"]}}, {"provider": {"platforms": ["tiktok"]}}
    jinja = JinjaInterpolation()
    template = "{{ config['provider']['platforms'] }}"
    config_templates.begin(cfg)
    try:
        first = jinja.eval(template, cfg)
        first.append("mutated by a caller")
        assert jinja.eval(template, cfg) == ["x", "linkedin"]
        assert jinja.eval(template, other) == ["tiktok"]  # another config object: rendered
        assert jinja.eval("{{ config['missing'] }}", cfg, default=["unhashable"]) == ["unhashable"]
    finally:
        config_templates.end(cfg)


def test_a_second_read_never_answers_with_the_first_reads_values_and_random_is_never_remembered() -> None:
    first, second = {"provider": {"api_key": "first-key"}}, {"provider": {"api_key": "second-key"}}
    jinja = JinjaInterpolation()
    config_templates.begin(first)
    assert jinja.eval(API_KEY_TEMPLATE, first) == "first-key"
    config_templates.begin(second)  # a second read in the same process starts
    try:
        assert jinja.eval(API_KEY_TEMPLATE, second) == "second-key"
        assert jinja.eval(API_KEY_TEMPLATE, first) == "first-key"  # rendered again, never the other read's
        config_templates.end(first)  # the first read ending leaves the second read's memory alone
        assert config_templates.reading() is second
    finally:
        config_templates.end(second)
    assert not config_templates.reads_only_the_config("{{ config['provider']['ids'] | random }}")
