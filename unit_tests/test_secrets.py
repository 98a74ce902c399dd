"""The secret mask covers every credential, including each element of a secret list."""
import json
import logging

from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets

from source_social_analytics.run import Entrypoint
from source_social_analytics.source import SourceSocialAnalytics

KEYS = ["2MPXPKQ-S03M5LS-GR5RX5G-AZCK8EA", "AX1XGG-9JK3M5LS-GR5RX5G-LLCK8EA", "BQ7TZR-4HW2N8PD-KM3VC6J-XY9RT2B"]


def test_each_profile_key_is_masked_where_the_cdk_would_print_the_config():
    config = {"provider": {"provider_type": "ayrshare", "api_key": KEYS[0], "profile_keys": KEYS[1:]}}
    source = SourceSocialAnalytics(config=config)
    spec = source.spec(logging.getLogger("test")).connectionSpecification
    Entrypoint.set_up_secret_filter(source._config, spec)
    printed = filter_secrets(f"Config validation error: {json.dumps(source._config)} is not valid under any of the given schemas")
    assert all(key not in printed for key in KEYS)
    assert printed.count("****") >= 5  # the api key, two profile keys, and both again in the derived key map


def test_every_credential_of_every_provider_is_an_airbyte_secret():
    spec = SourceSocialAnalytics().spec(logging.getLogger("test")).connectionSpecification
    secrets = {
        (branch["properties"]["provider_type"]["const"], name)
        for branch in spec["properties"]["provider"]["oneOf"]
        for name, field in branch["properties"].items()
        if field.get("airbyte_secret")
    }
    assert secrets == {("ayrshare", "api_key"), ("ayrshare", "profile_keys"), ("highlevel", "access_token"),
                       ("mosaic", "api_key"), ("postpost", "api_key")}
