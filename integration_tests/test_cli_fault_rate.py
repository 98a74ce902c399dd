"""Every provider and stream, synced against the emulator answering 20% of requests with a fault (429 with
and without Retry-After, 500/502/503, an HTML page, a truncated 200, a hang that drops the connection, a
dropped connection): exactly the records of a clean run, and no primary key twice.

In-process, with time.sleep patched (the backoff waits are not the subject; their lengths are proven in
test_cli_retry_logs.py) and the client-side budget switched off (proven with a fake clock in
unit_tests/test_rate_budget.py): the patched sleep would otherwise turn a budget wait into a refusal.
Records are compared on their keys and metric values (every numeric field): the emulator stamps
``vendor_updated_at`` and ``raw`` with the time of the answer, so those differ between two runs a second
apart; the metrics themselves are stable within a day."""
from __future__ import annotations

import json
import unittest.mock

import pytest
import requests

from integration_tests.conftest import catalog_for
from social_analytics_emulator.configs import PROVIDERS, emulator_config

pytestmark = pytest.mark.integration


def keyed_records(result, catalog):
    """{stream: {primary key: its metric values}}, and the keys seen more than once."""
    keys = {s["stream"]["name"]: s["primary_key"] for s in catalog["streams"]}
    out, duplicates = {}, []
    for message in result.of_type("RECORD"):
        stream, data = message["record"]["stream"], message["record"]["data"]
        key = tuple(json.dumps(data.get(path[0])) for path in keys[stream])
        if key in out.setdefault(stream, {}):
            duplicates.append((stream, key))
        out[stream][key] = {name: value for name, value in data.items() if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return out, duplicates


@pytest.fixture
def faults(emulator):
    def configure(rate: float, seed: int = 7) -> None:
        settings = {"fault_rate": rate, "fault_seed": seed, "hang_seconds": 0.2}
        requests.put(f"{emulator.url}/__emulator__/settings", json=settings, timeout=10).raise_for_status()

    yield configure
    configure(0.0)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_sync_at_a_20_percent_fault_rate_reads_exactly_the_records_of_a_clean_run(cli, emulator, api, faults, provider):
    config = emulator_config(provider, emulator.url)
    catalog = catalog_for(cli.run("discover", config), sync_mode="full_refresh")
    with unittest.mock.patch("time.sleep"), unittest.mock.patch("airbyte_cdk.sources.streams.call_rate.APIBudget.acquire_call"):
        clean = cli.run("read", config, catalog)
        assert clean.returncode == 0, clean.errors()
        clean_requests = len(api.requests())
        faults(0.2)
        faulty = cli.run("read", config, catalog)
    faulted_requests = len(api.requests()) - clean_requests
    assert faulty.returncode == 0, faulty.errors()
    expected, clean_duplicates = keyed_records(clean, catalog)
    got, duplicates = keyed_records(faulty, catalog)
    assert not clean_duplicates and not duplicates
    assert set(got) == set(expected) == {s["stream"]["name"] for s in catalog["streams"]}
    for stream in expected:
        assert got[stream] == expected[stream], stream
    assert faulted_requests > clean_requests  # the faults happened and were retried
