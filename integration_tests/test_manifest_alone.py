"""The manifest is a connector on its own: the CDK's generic YamlDeclarativeSource, a raw user config, the
emulator, in a process that imports nothing of ours but the components the manifest names (never
``source_social_analytics.source``, ``run``, ``read_guards`` or ``log_filters``), reads the same records as the CLI,
for all four providers. And its timeouts end a hanging vendor instead of waiting forever (in-process)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
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
from social_analytics_emulator.configs import PROVIDERS, emulator_config
from source_social_analytics.source import MANIFEST_PATH

pytestmark = pytest.mark.integration
# what identifies a record and does not depend on when it was read (retrieved_at) or how far a metric grew
STABLE = ("account_id", "post_id", "platform", "platform_post_id", "post_url", "published_at", "short_link", "link",
          "created_at", "date", "period_start", "provider")
OURS = ("source_social_analytics.source", "source_social_analytics.run", "source_social_analytics.read_guards",
        "source_social_analytics.log_filters")

GENERIC_READ = r"""
import json, sys
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.test.entrypoint_wrapper import read

manifest, config_path, catalog_path = sys.argv[1:4]
config = json.load(open(config_path))
catalog = ConfiguredAirbyteCatalogSerializer.load(json.load(open(catalog_path)))
output = read(YamlDeclarativeSource(path_to_yaml=manifest, config=config, catalog=catalog, state=None), config, catalog)
print(json.dumps({
    "records": [{"stream": m.record.stream, "data": m.record.data} for m in output.records],
    "errors": [m.trace.error.message for m in output.errors],
    "modules": sorted(name for name in sys.modules if name.startswith("source_social_analytics")),
}))
"""


def _stable(records):
    return sorted(tuple((k, record.get(k)) for k in STABLE) for record in records)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_cdks_generic_source_alone_reads_what_the_cli_reads(provider, cli, emulator, tmp_path):
    config = emulator_config(provider, emulator.url)
    catalog = catalog_for(cli.run("discover", config))
    cli_result = cli.run("read", config, catalog)
    assert cli_result.returncode == 0, cli_result.errors()

    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    done = subprocess.run([sys.executable, "-c", GENERIC_READ, MANIFEST_PATH, str(tmp_path / "config.json"), str(tmp_path / "catalog.json")],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    generic = json.loads(done.stdout.strip().splitlines()[-1])
    assert generic["errors"] == []
    assert not set(OURS) & set(generic["modules"]), generic["modules"]

    for stream in {s["stream"]["name"] for s in catalog["streams"]}:
        ours = cli_result.records(stream)
        theirs = [r["data"] for r in generic["records"] if r["stream"] == stream]
        assert ours, stream
        assert _stable(theirs) == _stable(ours), stream


def _raw_config(emulator):
    # exactly what a user writes: no defaults filled, a trailing slash on the base URL
    return {
        "provider": {"provider_type": "ayrshare", "api_key": API_KEY, "profile_keys": [PROFILE_KEYS["brand-eu"]], "base_url": f"{emulator.url}/api/"},
        "start_date": pendulum.today("UTC").subtract(days=40).to_date_string(),
    }


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
