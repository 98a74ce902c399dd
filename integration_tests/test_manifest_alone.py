"""The manifest is a connector on its own: the CDK's generic YamlDeclarativeSource, a raw user config, the
emulator. And its timeouts end a hanging vendor instead of waiting forever. In-process (fast)."""
from __future__ import annotations

import copy
import time
from pathlib import Path
from unittest.mock import patch

import pendulum
import pytest
import yaml
from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read

from integration_tests.conftest import catalog_for
from social_analytics_emulator.ayrshare import API_KEY, PROFILE_KEYS
from source_social_analytics.source import MANIFEST_PATH

pytestmark = pytest.mark.integration
STABLE = ("account_id", "post_id", "platform", "platform_post_id", "post_url", "published_at", "short_link", "link", "created_at", "date", "provider")


def _raw_config(emulator):
    # exactly what a user writes: no defaults filled, a trailing slash on the base URL
    return {
        "provider": {"provider_type": "ayrshare", "api_key": API_KEY, "profile_keys": [PROFILE_KEYS["brand-eu"]], "base_url": f"{emulator.url}/api/"},
        "start_date": pendulum.today("UTC").subtract(days=40).to_date_string(),
    }


def _stable(records):
    return sorted(tuple((k, record.get(k)) for k in STABLE) for record in records)


def test_the_cdks_own_yaml_source_reads_what_the_cli_reads(cli, emulator):
    config = _raw_config(emulator)
    discovered = cli.run("discover", config)
    cli_result = cli.run("read", config, catalog_for(discovered))
    assert cli_result.returncode == 0, cli_result.errors()

    catalog = CatalogBuilder()
    for stream in ("post_analytics", "link_analytics", "social_statistics"):
        catalog = catalog.with_stream(stream, SyncMode.incremental)
    catalog = catalog.build()
    generic = YamlDeclarativeSource(path_to_yaml=MANIFEST_PATH, config=copy.deepcopy(config), catalog=catalog, state=None)
    output = read(generic, copy.deepcopy(config), catalog)
    assert not output.errors

    for stream in ("post_analytics", "link_analytics", "social_statistics"):
        ours = [m["record"]["data"] for m in cli_result.of_type("RECORD") if m["record"]["stream"] == stream]
        theirs = [r.record.data for r in output.records if r.record.stream == stream]
        assert ours, stream
        assert _stable(theirs) == _stable(ours), stream


def test_a_vendor_that_never_answers_ends_the_read_after_the_timeout_and_its_retries(tmp_path, emulator, api):
    """The manifest sets 10 s connect / 60 s read timeouts. With the read timeout at 0.5 s (same manifest,
    one value changed) and the backoff sleeps patched out, a vendor that accepts the connection and never
    answers costs 6 attempts (the first and 5 retries) of ~0.5 s, then a transient error: never a hang."""
    manifest = yaml.safe_load(Path(MANIFEST_PATH).read_text())
    assert manifest["definitions"]["shared"]["timeouts"] == {"connect_timeout_in_seconds": 10, "read_timeout_in_seconds": 60}
    manifest["definitions"]["shared"]["timeouts"]["read_timeout_in_seconds"] = 0.5
    patched = tmp_path / "manifest.yaml"
    patched.write_text(yaml.safe_dump(manifest))

    config = _raw_config(emulator)
    catalog = CatalogBuilder().with_stream("link_analytics", SyncMode.incremental).build()
    api.fault("/api/analytics/links", 200, times=20, kind="hang", seconds=5)
    started = time.monotonic()
    with patch("time.sleep"):
        output = read(YamlDeclarativeSource(path_to_yaml=str(patched), config=copy.deepcopy(config), catalog=catalog, state=None), config, catalog)
    elapsed = time.monotonic() - started
    assert len(api.requests("/api/analytics/links")) == 6
    assert elapsed < 6 * 0.5 + 8, elapsed  # the timeouts, plus start-up; a hang would be 6 x 5 s at least
    errors = [e.trace.error for e in output.errors if e.trace.error.internal_message != "Concurrent read failure"]
    assert errors and all(e.failure_type.value != "config_error" for e in errors)
    assert not output.records
