"""PyAirbyte loads the connector as a local executable and reads every stream of every provider from the
emulator into a DuckDB cache; a second read is incremental (fewer vendor requests, same rows)."""
from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from social_analytics_emulator.configs import PROVIDERS, emulator_config

pytestmark = pytest.mark.integration
# read by PyAirbyte when it is imported: no connector registry, no telemetry (this machine may be offline)
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
# its log files in a directory of this test process's own, not the shared /tmp/airbyte/logs (parallel workers)
os.environ.setdefault("AIRBYTE_LOGGING_ROOT", tempfile.mkdtemp(prefix="pyairbyte-logs-"))
ab = pytest.importorskip("airbyte", reason="PyAirbyte is installed by scripts/run_tests.sh ('.[tests,pyairbyte]')")


@pytest.fixture(autouse=True)
def the_airbyte_logger_as_it_was():
    """PyAirbyte's own logger is also named "airbyte": a read gives it a file handler and propagate=False, which
    would cut every later in-process test of this worker off from the CDK's log lines (they are "airbyte.*"
    records). PyAirbyte runs the connector as a subprocess, so users never share that logger; tests do."""
    shared = logging.getLogger("airbyte")
    before = (shared.level, shared.propagate, list(shared.handlers), list(shared.filters))
    yield
    for handler in [h for h in shared.handlers if h not in before[2]]:
        shared.removeHandler(handler)
        handler.close()
    shared.setLevel(before[0])
    shared.propagate = before[1]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_pyairbyte_reads_every_stream_into_duckdb_and_the_second_read_is_incremental(provider, emulator, tmp_path):
    executable = Path(sys.executable).with_name("source-social-analytics")
    config = emulator_config(provider, emulator.url, days=14)  # lookback 3 days: the second read starts later
    cache = ab.new_local_cache(f"test_{provider}", cache_dir=str(tmp_path / "cache"))
    source = ab.get_source("source-social-analytics", local_executable=str(executable), config=config, streams="*")
    streams = set(source.get_available_streams())
    assert streams

    log = f"{emulator.url}/__emulator__/requests"
    requests.delete(log, timeout=10)
    first = source.read(cache=cache, force_full_refresh=True)
    first_requests = len(requests.get(log, timeout=10).json())
    first_counts = {name: len(first.streams[name]) for name in streams}
    assert set(first.streams) == streams and all(first_counts.values()), first_counts

    requests.delete(log, timeout=10)
    second = source.read(cache=cache)
    second_requests = len(requests.get(log, timeout=10).json())
    # incremental: the state kept in the cache is sent back, so the vendor is asked only from (cursor -
    # lookback) on; the rows are deduplicated on the primary key, so the counts stay the same. Except
    # HighLevel's period summaries: the re-read window gives new periods (a shorter one ending the same day),
    # kept beside the first read's (their key has period_start): more rows, none lost.
    assert second_requests < first_requests, (second_requests, first_requests)
    second_counts = {name: len(second.streams[name]) for name in streams}
    if provider == "highlevel":
        assert second_counts["social_statistics"] > first_counts.pop("social_statistics")
        second_counts.pop("social_statistics")
    assert second_counts == first_counts
