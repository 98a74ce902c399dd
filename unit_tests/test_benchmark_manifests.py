"""The benchmark's minimal CDK yardsticks (benchmarks/minimal_<provider>.yaml) are valid declarative manifests:
plain CDK components only, building a post_analytics stream for their provider's config. No timing here: the
benchmark itself (python -m benchmarks.run) is never part of the test suite."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

from benchmarks.connector import minimal_manifest
from benchmarks.run import PLANS
from social_analytics_emulator.configs import emulator_config


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


@pytest.mark.parametrize("provider", sorted(PLANS))
def test_minimal_manifest_builds_post_analytics_from_cdk_components_only(provider):
    path = minimal_manifest(provider)
    pairs = list(_walk(yaml.safe_load(Path(path).read_text())))
    assert not [key for key, _ in pairs if key in ("transformations", "class_name")]
    assert not [value for key, value in pairs if key == "type" and str(value).startswith("Custom")]
    config = emulator_config(provider, "http://127.0.0.1:1")
    source = YamlDeclarativeSource(path_to_yaml=path, config=config)
    assert [stream.name for stream in source.streams(config)] == ["post_analytics"]
