"""No secret in any output: odd configs that a user can paste, through the real CLI."""
from __future__ import annotations

import json

import pytest

from social_analytics_emulator.ayrshare import API_KEY, PROFILE_KEYS

pytestmark = pytest.mark.integration

KEYS = [API_KEY] + list(PROFILE_KEYS.values())


def _config(emulator, **provider):
    base = {"provider_type": "ayrshare", "api_key": API_KEY, "profile_keys": list(PROFILE_KEYS.values()), "base_url": f"{emulator.url}/api"}
    base.update(provider)
    return {"provider": base}


@pytest.mark.parametrize("odd", [
    {"base_url": "HTTP://127.0.0.1:9/api"},
    {"base_url": " http://127.0.0.1:9/api"},
    {"base_url": "http://evil.example.com\\@127.0.0.1:9/api"},
    {"api_key": API_KEY + "\n"},
    {"api_key": API_KEY[:-1] + "é"},
    {"profile_keys": [PROFILE_KEYS["brand-eu"] + "\n"]},
    {"platforms": "instagram"},  # not a list: a schema mismatch our checks name, the CDK would print the config
])
def test_an_odd_config_is_a_config_error_naming_the_field_and_no_key_is_printed(cli, process_cli, emulator, odd):
    """`check` through the installed console script (stdout and stderr scanned), `discover` in-process."""
    config = _config(emulator, **odd)
    field = next(iter(odd))
    for command, runner in (("check", process_cli), ("discover", cli)):
        result = runner.run(command, config)
        output = result.stdout + result.stderr
        for key in KEYS:
            assert key.strip() not in output, (command, odd)
            assert key[:-1] not in output, (command, odd)  # not even the key minus its last character
        if command == "check":
            [status] = [m["connectionStatus"] for m in result.of_type("CONNECTION_STATUS")]
            assert status["status"] == "FAILED" and f"`provider.{field}`" in status["message"], status
        else:
            assert result.returncode == 1
            [error] = result.errors()
            assert error["failure_type"] == "config_error" and f"`provider.{field}`" in error["message"]
            assert "Traceback" not in output
