"""The emulator answers the same request with the same body for its whole life: its data is computed at one
fixed moment (``Vendor.now``), not at the wall clock. Without that, two reads of a test a few seconds apart
differed by one unit in a growing metric (``video_watch_time_ms`` 171934 vs 171935) and the test failed for no
change of the product.

Every request a full sync of each provider makes is replayed twice, more than a second apart (so a timestamp
with whole seconds, or a metric that grows with the clock, would change), and the two answers are compared
byte for byte. PostPost's documented 30-minute answer cache (``cached: true`` on a repeat) is emptied before
each round: that is the vendor's state, not its clock.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Tuple

import pytest
import requests

from integration_tests.conftest import Cli, catalog_for, emulator_log
from social_analytics_emulator import Emulator, default_vendors
from social_analytics_emulator.configs import PROVIDERS, emulator_config
from social_analytics_emulator.postpost import PostPostEmulator

PAUSE_S = 1.1


def _replay(url: str, entry: Dict[str, Any]) -> Tuple[int, bytes]:
    headers = {k: v for k, v in entry["headers"].items() if k.lower() not in ("content-length", "host", "accept-encoding")}
    answer = requests.request(entry["method"], url + entry["path"], params=entry["query"], headers=headers,
                              json=entry["body"] if entry["body"] is not None else None, timeout=10)
    return answer.status_code, answer.content


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_request_gets_the_same_body_after_a_pause(provider: str, tmp_path) -> None:
    vendors = default_vendors()
    with Emulator(vendors) as emulator:
        cli = Cli(tmp_path)
        config = emulator_config(provider, emulator.url)
        read = cli.run("read", config, catalog_for(cli.run("discover", config)))
        assert read.returncode == 0 and read.records(), read.stdout[-2000:]
        log: List[Dict[str, Any]] = [entry for entry in emulator_log(emulator) if entry["vendor"] == provider]
        assert len(log) >= 3

        def replayed() -> List[Tuple[int, bytes]]:
            for vendor in vendors:
                if isinstance(vendor, PostPostEmulator):
                    vendor.reset()  # the documented answer cache: a repeat within 30 minutes says cached: true
            return [_replay(emulator.url, entry) for entry in log]

        first = replayed()
        time.sleep(PAUSE_S)
        second = replayed()

    # the sync's own answers include the emulated refusals (a platform not linked, a post deleted): most are 200
    assert sum(status in (200, 201) for status, _ in first) > len(first) / 2, [s for s, _ in first]
    changed = [entry["path"] for entry, a, b in zip(log, first, second) if a != b]
    assert not changed, f"{len(changed)} of {len(log)} answers changed after {PAUSE_S} s: {changed[:5]}"
