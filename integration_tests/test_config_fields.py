"""Bad config (issue 9): every field of CONTRACT §1, for every provider, with a wrong value, through `check` and `read`.

One table, CASES: (provider, field path, wrong value, field name the message must hold[, id label]). Each case
runs both commands in this process (the console script's run(), see conftest.run_in_process):

- `check`: exit 0 and one CONNECTION_STATUS FAILED whose message names the field and says how to fix it;
- `read` with a catalog of every stream of the provider: exit 1, TRACE errors all `config_error`, the first
  naming the field (no other failure type: a wrong value is never reported as a system or transient error);
- both: no "Traceback" and no secret value of the config (keys, tokens, profile keys) anywhere in stdout+stderr.

The wrong values are of three kinds: a wrong type, an out-of-range or malformed value, and (where only the
vendor can tell) a value the emulator refuses: a wrong key, an unknown location, profile, connection or
LinkedIn id. The config errors that `test_cli_read_guards.py` already proves (a far-past start_date) and
the secret-masking of odd keys in `test_cli_secrets.py` are not repeated here.

Not config errors, by design (so not in the table): an empty start_date or end_date (the default: 30 days
ago, today); an end_date in the future (the windows stop at now: a backfill up to "2099-12-31" reads to
today); an Ayrshare platform that is valid but not linked to the profile (the vendor answers "not linked"
for it, the other platforms go on, with a warning); a HighLevel profile id of an account that the statistics
API does not support (a LinkedIn personal profile: left out, named in one log line).
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, NamedTuple, Optional

import pendulum
import pytest

from integration_tests.conftest import catalog_for
from social_analytics_emulator import ayrshare, highlevel, mosaic, postpost
from social_analytics_emulator.configs import emulator_config

pytestmark = pytest.mark.integration

TOMORROW = pendulum.today("UTC").add(days=1).to_date_string()
WRONG_KEY = "WRONG-KEY-7Q4RT2MW"
UNKNOWN_PROFILE_KEY = "ZZ9UNK-1AB2CD3E-FG4HI5J-KL6MN7P"


class Case(NamedTuple):
    provider: str
    field: str  # the value's path in the config ("provider.location_id", "start_date")
    value: Any
    named: str  # the field name the message must hold
    label: Optional[str] = None  # the test id's value part, when the value is a key or not a plain scalar


def _cases(provider: str, rows: List[tuple]) -> List[Case]:
    """Rows as (field, value[, label[, named]]): the message names the field's own path unless ``named`` says otherwise."""
    cases = []
    for field, value, *rest in rows:
        label = rest[0] if rest else None
        named = rest[1] if len(rest) > 1 else field
        cases.append(Case(provider, field, value, named, label))
    return cases


CASES: List[Case] = [
    # ------------------------------------------------------------------------------------------------- Ayrshare
    *_cases("ayrshare", [
        ("provider", "ayrshare", "the-string-ayrshare"),  # the type alone instead of the provider object
        ("provider.provider_type", "Ayrshare"),
        ("provider.provider_type", None, "null"),
        ("provider.api_key", WRONG_KEY, "wrong-key"),  # the emulator's 401
        ("provider.api_key", "", "empty"),
        ("provider.profile_keys", [UNKNOWN_PROFILE_KEY], "unknown-key"),  # the emulator's 403 code 101
        ("provider.profile_keys", ayrshare.PROFILE_KEYS["brand-eu"], "a-string-not-a-list"),
        ("provider.profile_keys", [ayrshare.PROFILE_KEYS["brand-eu"]] * 2, "the-same-key-twice"),
        ("provider.platforms", ["myspace"], "myspace"),
        ("provider.platforms", ["Instagram"], "Instagram"),
        ("provider.base_url", "http://app.ayrshare.com/api"),
        ("provider.base_url", ["https://app.ayrshare.com/api"], "a-list"),
        ("start_date", "2026-02-30"),
        ("start_date", "2026-1-5"),
        ("end_date", "2020-01-01", "before-start_date"),
        ("end_date", ["2026-01-01"], "a-list"),
        ("lookback_window_days", 91),
        ("lookback_window_days", "7", "the-string-7"),
        ("num_workers", 0),
        ("num_workers", 2.5),
    ]),
    # ------------------------------------------------------------------------------------------------ HighLevel
    *_cases("highlevel", [
        ("provider", ["highlevel"], "a-list"),
        ("provider.provider_type", "gohighlevel"),
        ("provider.access_token", WRONG_KEY, "wrong-token"),  # the emulator's 401
        ("provider.access_token", 12345),
        ("provider.location_id", highlevel.UNKNOWN_LOCATION_ID, "unknown"),  # the emulator's 403
        ("provider.location_id", "ve9EPM428h8vShlRW1KT/../x", "with-a-path"),  # would reach another URL
        ("provider.location_id", ""),
        ("provider.location_id", 123),
        ("provider.profile_ids", ["67a5a9aa776c837de4aa5b99"], "unknown"),  # the accounts list lacks it
        ("provider.profile_ids", [""], "an-empty-id"),
        ("provider.profile_ids", "67a5a9aa776c837de4aa5b12", "a-string-not-a-list"),
        ("provider.platforms", ["twitter"], "twitter"),
        ("provider.platforms", "facebook", "a-string-not-a-list"),
        ("provider.api_version", "v2"),
        ("provider.api_version", 3),
        ("provider.base_url", "services.leadconnectorhq.com"),
        ("start_date", "01/02/2026"),
        ("start_date", TOMORROW, "tomorrow"),
        ("end_date", "2026-13-01"),
        ("lookback_window_days", -1),
        ("lookback_window_days", 7.5),
        ("num_workers", 17),
    ]),
    # --------------------------------------------------------------------------------------------------- Mosaic
    *_cases("mosaic", [
        ("provider", "mosaic", "the-string-mosaic"),
        ("provider.provider_type", 7),
        ("provider.api_key", WRONG_KEY, "wrong-key"),  # the emulator's 401
        ("provider.api_key", [mosaic.API_KEY], "the-key-in-a-list"),
        ("provider.social_connection_ids", ["00000000-0000-4000-8000-000000000000"], "unknown"),  # not among /social/connections
        ("provider.social_connection_ids", [1], "a-number"),
        ("provider.social_connection_ids", "4df2f2b9-4c5f-4b3a-9581-1bcb8b4f7d01", "a-string-not-a-list"),
        ("provider.base_url", 42),
        ("start_date", TOMORROW, "tomorrow"),
        ("start_date", 20260101),
        ("end_date", "2020-01-01", "before-start_date"),
        ("lookback_window_days", True),
        ("num_workers", "8", "the-string-8"),
    ]),
    # ------------------------------------------------------------------------------------------------- PostPost
    *_cases("postpost", [
        ("provider", {"api_key": postpost.API_KEY}, "no-provider_type", "provider.provider_type"),
        ("provider.provider_type", "publora"),
        ("provider.api_key", WRONG_KEY, "wrong-key"),  # the emulator's 401
        ("provider.api_key", postpost.NO_API_ACCESS_KEY, "a-key-without-api-access"),  # the emulator's 403
        ("provider.api_key", " " + postpost.API_KEY, "a-leading-space"),
        ("provider.platform_ids", ["linkedin-Unknown0000"], "unknown"),  # not among /platform-connections
        ("provider.platform_ids", [postpost.TWITTER_ID], "a-twitter-id"),
        ("provider.platform_ids", ["linkedin-"], "linkedin-"),
        ("provider.platform_ids", postpost.LINKEDIN_IDS[0], "a-string-not-a-list"),
        ("provider.base_url", "https://api.postpost.dev/api/v1 ", "a-trailing-space"),
        ("start_date", "2026-02-30"),
        ("end_date", "2026-02-29"),
        ("lookback_window_days", 1000),
        ("num_workers", -4),
    ]),
]

# The secret fields of the spec (airbyte_secret): none of their values may be printed.
SECRET_FIELDS = ("api_key", "access_token", "profile_keys")
VALID_SECRETS = [ayrshare.API_KEY, *ayrshare.PROFILE_KEYS.values(), highlevel.ACCESS_TOKEN, mosaic.API_KEY, postpost.API_KEY]
# What a message says to fix the value.
FIX = re.compile(r"\b(must|[Cc]heck|[Ss]et|[Cc]hoose|[Rr]emove|[Uu]se|[Ll]eave|[Pp]aste|[Uu]pgrade|[Rr]econnect)\b")


def case_id(case: Case) -> str:
    value = case.label if case.label is not None else case.value if isinstance(case.value, str) else json.dumps(case.value)
    return f"{case.provider}-{case.field.split('.')[-1]}-{value}"


def with_value(config: Dict[str, Any], path: str, value: Any) -> Dict[str, Any]:
    config = json.loads(json.dumps(config))
    *parents, leaf = path.split(".")
    target = config
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    return config


def secrets_of(config: Dict[str, Any]) -> List[str]:
    provider = config.get("provider") if isinstance(config.get("provider"), dict) else {}
    values: List[Any] = []
    for name in SECRET_FIELDS:
        value = provider.get(name)
        values.extend(value if isinstance(value, list) else [value])
    return [v.strip() for v in values + VALID_SECRETS if isinstance(v, str) and len(v.strip()) >= 8]


def names(message: str, field: str) -> bool:
    """The message names ``field`` as a whole path (``provider.api_key`` not within ``provider.api_key_x``)."""
    return re.search(rf"(?<![\w.]){re.escape(field)}(?!\w|\.\w)", message) is not None


@pytest.fixture(scope="module")
def catalogs(emulator, module_cli) -> Dict[str, Dict[str, Any]]:
    """Every stream of each provider, as discover lists them for the provider's valid config."""
    return {p: catalog_for(module_cli.run("discover", emulator_config(p, emulator.url))) for p in ("ayrshare", "highlevel", "mosaic", "postpost")}


def test_the_table_covers_every_field_of_every_provider():
    """CONTRACT §1 and the spec: each provider's fields, the top-level ones, and num_workers."""
    common = {"provider", "provider.provider_type", "provider.base_url", "start_date", "end_date", "lookback_window_days", "num_workers"}
    own = {
        "ayrshare": {"provider.api_key", "provider.profile_keys", "provider.platforms"},
        "highlevel": {"provider.access_token", "provider.location_id", "provider.profile_ids", "provider.platforms", "provider.api_version"},
        "mosaic": {"provider.api_key", "provider.social_connection_ids"},
        "postpost": {"provider.api_key", "provider.platform_ids"},
    }
    for provider, fields in own.items():
        assert {c.field for c in CASES if c.provider == provider} == common | fields, provider
    ids = [case_id(c) for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_wrong_value_is_a_config_error_naming_the_field_in_check_and_read(cli, api, emulator, catalogs, case):
    config = with_value(emulator_config(case.provider, emulator.url), case.field, case.value)
    secrets = secrets_of(config)

    checked = cli.run("check", config)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output[-2000:]
    statuses = [m["connectionStatus"] for m in checked.of_type("CONNECTION_STATUS")]
    assert len(statuses) == 1 and statuses[0]["status"] == "FAILED", statuses or output[-2000:]
    message = statuses[0]["message"]
    assert names(message, case.named), message
    assert FIX.search(message), f"no fix in: {message}"
    assert "Traceback" not in output
    assert not [s for s in secrets if s in output], "a secret was printed by check"

    read = cli.run("read", config, catalogs[case.provider])
    output = read.stdout + read.stderr
    assert read.returncode != 0, output[-2000:]
    errors = read.errors()
    assert errors, output[-2000:]
    assert {e["failure_type"] for e in errors} == {"config_error"}, errors
    assert names(errors[0]["message"], case.named), errors[0]["message"]
    assert not read.records()
    assert "Traceback" not in output
    assert not [s for s in secrets if s in output], "a secret was printed by read"
