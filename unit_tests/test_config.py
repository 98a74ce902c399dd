"""Config checks: every user mistake is named by its field, with the fix; defaults fill what the manifest reads."""
import hashlib

import pendulum
import pytest

from source_social_analytics.providers.ayrshare import account_id as ayrshare_account_id
from source_social_analytics.config import ConfigError, validate_config
from source_social_analytics.source import SourceSocialAnalytics

AYRSHARE = {"provider_type": "ayrshare", "api_key": "2MPXPKQ-S03M5LS-GR5RX5G-AZCK8EA"}


def problem(config) -> str:
    with pytest.raises(ConfigError) as error:
        validate_config(config)
    return str(error.value)


def test_a_complete_config_is_valid():
    validate_config({"provider": AYRSHARE, "start_date": "2026-01-01", "end_date": "2026-03-31", "lookback_window_days": 0})


@pytest.mark.parametrize(
    "config, named",
    [
        ({"provider": {**AYRSHARE, "provider_type": "hootsuite"}}, "`provider.provider_type` unknown provider_type 'hootsuite'"),
        ({"provider": {"api_key": "k"}}, "`provider.provider_type` is required"),
        ({"provider": {"provider_type": "ayrshare"}}, "`provider.api_key` is required"),
        ({"provider": AYRSHARE, "start_date": "01/02/2026"}, "`start_date` must be a real date written YYYY-MM-DD"),
        ({"provider": AYRSHARE, "end_date": "2026-02-30"}, "`end_date` must be a real date"),
        ({"provider": AYRSHARE, "start_date": "2026-03-01", "end_date": "2026-01-01"}, "`end_date` 2026-01-01 is before `start_date` 2026-03-01"),
        ({"provider": AYRSHARE, "lookback_window_days": 91}, "`lookback_window_days`"),
        ({"provider": AYRSHARE, "lookback_window_days": -1}, "`lookback_window_days`"),
        ({"provider": {**AYRSHARE, "base_url": "http://api.example.com/api"}}, "`provider.base_url` must be an https:// URL"),
        ({"provider": {**AYRSHARE, "base_url": "HTTP://127.0.0.1:9/api"}}, "`provider.base_url` must be an https:// URL"),
        ({"provider": {**AYRSHARE, "base_url": " http://127.0.0.1:9/api"}}, "`provider.base_url` must be an https:// URL"),
        ({"provider": {**AYRSHARE, "base_url": "http://evil.example.com\\@127.0.0.1:9/api"}}, "`provider.base_url` must be an https:// URL"),
        ({"provider": {**AYRSHARE, "api_key": "2MPXPKQ-S03M5LS\n"}}, "`provider.api_key` has spaces or a line break"),
        ({"provider": {**AYRSHARE, "api_key": "2MPXPKQ-S03M5LSé"}}, "`provider.api_key` holds a character that cannot be sent"),
        ({"provider": {**AYRSHARE, "profile_keys": ["AX1XGG-9jK3M5LS\n"]}}, "`provider.profile_keys` has spaces or a line break"),
        ({"provider": {**AYRSHARE, "platforms": ["myspace"]}}, "`provider.platforms`"),
        ({"provider": {**AYRSHARE, "profile_keys": ["a", "a"]}}, "`provider.profile_keys` must not list the same value twice"),
        ({"provider": {"provider_type": "highlevel", "access_token": "t"}}, "`provider.location_id` is required"),
        ({"provider": {"provider_type": "postpost", "api_key": "sk", "platform_ids": ["twitter-1"]}}, "`provider.platform_ids`"),
        # the spec's patterns, which the CDK would report without the field's path: ^[0-9]{4}-[0-9]{2}-[0-9]{2}$, ^linkedin-.+
        ({"provider": AYRSHARE, "start_date": "2026-1-5"}, "`start_date` must be a real date written YYYY-MM-DD"),
        ({"provider": AYRSHARE, "end_date": "2026-03-1"}, "`end_date` must be a real date written YYYY-MM-DD"),
        ({"provider": {"provider_type": "postpost", "api_key": "sk", "platform_ids": ["linkedin-"]}}, "`provider.platform_ids` every id"),
        # a location id goes into the URL path: a `/` or `?` would send the token elsewhere
        ({"provider": {"provider_type": "highlevel", "access_token": "t", "location_id": "ve9EPM/../x"}}, "`provider.location_id` must be the location's id alone"),
        ({"provider": {"provider_type": "highlevel", "access_token": "t", "location_id": "ve9EPM?x=1"}}, "`provider.location_id` must be the location's id alone"),
    ],
)
def test_each_mistake_names_its_field(config, named):
    assert named in problem(config)


def test_start_date_in_the_future_is_refused():
    tomorrow = pendulum.today("UTC").add(days=1).to_date_string()
    assert "`start_date` " + tomorrow + " is in the future" in problem({"provider": AYRSHARE, "start_date": tomorrow})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/api", "http://localhost:9/api", "http://[::1]:80", "https://api.ayrshare.com/api"])
def test_loopback_http_and_any_https_base_url_are_allowed(url):
    validate_config({"provider": {**AYRSHARE, "base_url": url}})


def test_the_message_never_echoes_a_secret():
    message = problem({"provider": {**AYRSHARE, "profile_keys": ["AX1XGG-SECRET", "AX1XGG-SECRET"]}})
    assert "AX1XGG-SECRET" not in message


def normalized(config):
    """The config as the manifest's config_normalization_rules leave it (what every stream reads)."""
    return SourceSocialAnalytics(config=config)._config


def test_the_manifest_fills_the_defaults():
    filled = normalized({"provider": {**AYRSHARE, "base_url": "http://127.0.0.1:1/api/"}})
    today = pendulum.today("UTC")
    assert filled["_start_date"] == today.subtract(days=30).to_date_string()
    assert filled["_end_date"] == today.to_date_string()
    # the user's own keys are never written: a config handed back to the platform must not freeze "today"
    assert "start_date" not in filled and "end_date" not in filled
    assert filled["lookback_window_days"] == 7
    assert filled["provider"]["base_url"] == "http://127.0.0.1:1/api"
    assert filled["provider"]["_account_ids"] == ["primary"]
    assert filled["provider"]["_social_platforms"][:3] == ["facebook", "gmb", "instagram"]
    assert normalized({"provider": dict(AYRSHARE)})["provider"]["base_url"] == "https://app.ayrshare.com/api"


def test_the_sync_dates_are_recomputed_even_when_a_stored_config_carries_old_ones():
    stale = {"provider": dict(AYRSHARE), "_start_date": "2020-01-01", "_end_date": "2020-01-02", "_window_end": "2020-01-02T23:59:59Z"}
    filled = normalized(stale)
    today = pendulum.today("UTC")
    assert filled["_start_date"] == today.subtract(days=30).to_date_string()
    assert filled["_end_date"] == today.to_date_string()
    assert filled["_window_end"] > "2020-01-03"
    chosen = normalized({"provider": dict(AYRSHARE), "start_date": "2026-01-01", "end_date": "2026-01-31"})
    assert (chosen["_start_date"], chosen["_end_date"], chosen["_window_end"]) == ("2026-01-01", "2026-01-31", "2026-01-31T23:59:59Z")


def test_profile_partitions_carry_a_hash_never_the_key():
    key = "AX1XGG-9jK3M5LS-GR5RX5G-LLCK8EA"
    filled = normalized({"provider": {**AYRSHARE, "profile_keys": [key], "platforms": ["x", "instagram"]}})
    expected = "profile-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    assert filled["provider"]["_account_ids"] == [expected] == [ayrshare_account_id(key)]
    assert filled["provider"]["_profile_key_by_account"] == {expected: key}
    assert filled["provider"]["_request_platforms"] == ["instagram", "twitter"]  # x is "twitter" to Ayrshare


def test_user_config_is_not_mutated():
    config = {"provider": dict(AYRSHARE)}
    normalized(config)
    assert config == {"provider": AYRSHARE}


def test_the_spec_pattern_and_our_check_agree_on_every_base_url():
    """One URL rule: what the spec's pattern refuses, our check refuses too (so the CDK never prints the config)."""
    import re

    from source_social_analytics.config import base_url_pattern

    spec = SourceSocialAnalytics().spec(None).connectionSpecification
    branch_patterns = {branch["properties"]["base_url"]["pattern"] for branch in spec["properties"]["provider"]["oneOf"]}
    assert branch_patterns == {base_url_pattern()}
    for url in ["HTTP://127.0.0.1:9/api", " http://127.0.0.1:9/api", "http://evil.example.com\\@127.0.0.1:9/", "https://a.b/c d",
                "http://127.0.0.1:9/api", "https://api.ayrshare.com/api", "http://localhost:8/x", "https://Api.example.com"]:
        accepted_by_spec = re.search(base_url_pattern(), url) is not None
        try:
            validate_config({"provider": {**AYRSHARE, "base_url": url}})
            accepted_by_us = True
        except ConfigError:
            accepted_by_us = False
        assert accepted_by_spec == accepted_by_us, url


def test_the_date_rule_is_the_specs_pattern():
    from source_social_analytics.config import DATE_PATTERN

    properties = SourceSocialAnalytics().spec(None).connectionSpecification["properties"]
    assert properties["start_date"]["pattern"] == properties["end_date"]["pattern"] == DATE_PATTERN


@pytest.mark.parametrize("config", [
    {"provider": "ayrshare"},  # the type alone instead of the provider object
    {"provider": {**AYRSHARE, "base_url": 42}},
    {"provider": AYRSHARE, "end_date": "2026-13-01"},
    {"provider": AYRSHARE, "num_workers": 0},
])
def test_check_names_the_field_before_the_source_is_built(tmp_path, capsys, monkeypatch, config):
    """Building the source runs the manifest's normalization and concurrency set-up on the config, which fails
    on these values with a Python error ("Could not start the connector", a stack trace, no field name)."""
    import json

    from source_social_analytics import run as run_module

    monkeypatch.setattr(run_module, "_source", lambda args: pytest.fail("the source was built for a config with a problem"))
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    run_module.run(["check", "--config", str(path)])
    [message] = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert message["connectionStatus"]["status"] == "FAILED"
    assert message["connectionStatus"]["message"].startswith("The configuration is invalid: `")
