"""No secret in any output, for every provider: spec, check, discover and read with --debug (which logs
requests), with a clean, a faulty (30% of answers fail) and a wrong-key config; stdout and stderr scanned."""
from __future__ import annotations

import json
from unittest.mock import patch

import pytest
import requests

from integration_tests.conftest import catalog_for
from social_analytics_emulator.configs import PROVIDERS, emulator_config

pytestmark = pytest.mark.integration
SECRET_FIELDS = ("api_key", "access_token", "profile_keys")


def _secrets(config):
    values = []
    for field in SECRET_FIELDS:
        value = config["provider"].get(field)
        values += value if isinstance(value, list) else [value] if value else []
    return values


def _wrong_key(config):
    wrong = json.loads(json.dumps(config))
    field = "access_token" if "access_token" in wrong["provider"] else "api_key"
    wrong["provider"][field] = wrong["provider"][field][:6] + "WRONGKEYWRONGKEY0000"
    return wrong


@pytest.mark.parametrize("provider", PROVIDERS)
def test_no_secret_in_any_output_of_any_command_even_with_debug_and_faults(provider, cli, process_cli, emulator):
    """The --debug reads go through the installed console script (its DEBUG lines print request headers and
    bodies); the other commands run in-process, where the retry waits can be skipped."""
    config = emulator_config(provider, emulator.url, days=3)
    if provider == "ayrshare":
        from social_analytics_emulator.ayrshare import PROFILE_KEYS

        config["provider"]["profile_keys"] = [PROFILE_KEYS["brand-eu"]]
    wrong = _wrong_key(config)
    secrets = _secrets(config) + _secrets(wrong)
    catalog = catalog_for(cli.run("discover", config))
    outputs = [process_cli.run("read", config, catalog, debug=True), process_cli.run("check", wrong, debug=True), cli.run("spec", debug=True)]
    settings = f"{emulator.url}/__emulator__/settings"
    with patch("time.sleep"):  # in-process: retry waits skipped, retries made
        outputs += [cli.run("check", config, debug=True), cli.run("discover", wrong, debug=True), cli.run("read", wrong, catalog, debug=True)]
        requests.put(settings, json={"fault_rate": 0.3, "fault_seed": 5, "hang_seconds": 0.2}, timeout=10)
        try:
            outputs.append(cli.run("read", config, catalog, debug=True))
        finally:
            requests.put(settings, json={"fault_rate": 0.0}, timeout=10)
    assert any(m.get("type") == "RECORD" for m in outputs[0].messages)  # the clean read read something
    assert '"type": "DEBUG"' in outputs[0].stdout and "Making outbound API request" in outputs[0].stdout  # --debug was on
    for output in outputs:
        text = output.stdout + output.stderr
        for secret in secrets:
            assert secret not in text, (provider, secret[:4])
