"""HighLevel OAuth 2.0 end to end against the emulator's v1 token endpoint (single-use refresh tokens, access tokens
that expire on the vendor's clock): a sync whose access token dies mid-sync completes and hands every new refresh
token to the platform; a sync from the config the platform stored works; one from the spent refresh token is a
config_error asking to re-authorise; a Private Integration Token works as before."""
from __future__ import annotations

import copy
import threading
import time
from typing import Any, Dict
from unittest.mock import patch

import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator import Emulator, default_vendors
from social_analytics_emulator import highlevel as vendor
from social_analytics_emulator.configs import emulator_config

pytestmark = pytest.mark.integration

TWO_DAYS = 2 * 86400


class JumpingClock:
    """The vendor's clock, two days ahead from its ``after``-th reading on: every access token minted before the
    jump is dead after it, while the connector (which believes the token's 24 h) still sends it."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.readings = 0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            self.readings += 1
            return time.monotonic() + (TWO_DAYS if self.readings > self.after else 0)


@pytest.fixture(scope="module")
def highlevel_vendor():
    vendors = default_vendors()
    [highlevel] = [v for v in vendors if v.name == "highlevel"]
    with Emulator(vendors) as running:
        yield running, highlevel


def oauth_config(url: str, refresh_token: str) -> Dict[str, Any]:
    config = emulator_config("highlevel", url)
    del config["provider"]["access_token"]
    config["provider"]["credentials"] = {"auth_type": "oauth2.0", "client_id": vendor.CLIENT_ID,
                                         "client_secret": vendor.CLIENT_SECRET, "refresh_token": refresh_token}
    return config


def handed_configs(result):
    return [m["control"]["connectorConfig"]["config"] for m in result.of_type("CONTROL") if m["control"]["type"] == "CONNECTOR_CONFIG"]


def test_an_access_token_dying_mid_sync_is_refreshed_and_every_new_refresh_token_is_handed_over(module_cli, highlevel_vendor):
    emulator, highlevel = highlevel_vendor
    highlevel.reset_oauth()
    pit_config = emulator_config("highlevel", emulator.url)
    catalog = catalog_for(module_cli.run("discover", pit_config))
    with_pit = module_cli.run("read", pit_config, catalog)
    assert with_pit.returncode == 0

    highlevel.clock = JumpingClock(after=6)  # a few requests in, the first access token is dead
    config = oauth_config(emulator.url, vendor.REFRESH_TOKEN)
    with patch("time.sleep"):  # the CDK's backoff before the retry that follows the refresh (the read is in-process)
        result = module_cli.run("read", config, catalog)
    assert result.returncode == 0, result.errors()
    handed = handed_configs(result)
    assert highlevel.token_calls == len(handed) == 2  # the first token, then one refresh after the vendor's 401
    newest = handed[-1]["provider"]["credentials"]
    assert newest["refresh_token"] == highlevel.current_refresh_token(vendor.LOCATION_ID) != vendor.REFRESH_TOKEN
    # the same rows as the Private Integration Token's sync: nothing lost to the expiry
    for stream in ("account_statistics", "social_statistics"):
        assert len(result.records(stream)) == len(with_pit.records(stream)) > 0
    # the user's own fields are handed back as they were: no "today" stored as the end date
    assert "end_date" not in handed[-1] and handed[-1]["start_date"] == config["start_date"]

    # the next sync starts from the config the platform stored: it works
    stored = copy.deepcopy(handed[-1])
    again = module_cli.run("read", stored, catalog)
    assert again.returncode == 0, again.errors()
    assert len(again.records("account_statistics")) == len(with_pit.records("account_statistics"))

    # a sync started from the refresh token the first sync spent is told to re-authorise, as a config_error
    spent = module_cli.run("read", config, catalog)
    assert spent.returncode != 0 and not spent.records()
    errors = spent.errors()
    assert errors and {e["failure_type"] for e in errors} == {"config_error"}
    assert any("Re-authenticate" in e["message"] for e in errors), errors
    # the tokens a refresh returned appear in the CONNECTOR_CONFIG messages that hand them over, and nowhere else
    outside_controls = "\n".join(line for line in result.stdout.splitlines() if '"CONTROL"' not in line)
    for secret in (newest["refresh_token"], newest["access_token"], handed[0]["provider"]["credentials"]["refresh_token"]):
        assert secret in result.stdout and secret not in outside_controls


def test_check_with_oauth_refreshes_and_hands_over_the_new_refresh_token(module_cli, highlevel_vendor):
    emulator, highlevel = highlevel_vendor
    highlevel.clock = time.monotonic
    highlevel.reset_oauth()
    result = module_cli.run("check", oauth_config(emulator.url, vendor.REFRESH_TOKEN))
    [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
    assert status["status"] == "SUCCEEDED", status
    [handed] = handed_configs(result)
    assert handed["provider"]["credentials"]["refresh_token"] == highlevel.current_refresh_token(vendor.LOCATION_ID)
