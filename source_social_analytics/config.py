"""The connector's config checks: typed rules that name the field and the fix.

The spec's JSON schema (manifest.yaml) tells the Airbyte UI what to ask for, and the manifest's
``config_normalization_rules`` fill the defaults and derived values. This module is what makes a wrong value
a ``config_error`` a user can act on ("`end_date` 2026-01-01 is before `start_date` ...") instead of a
jsonschema message that may print the whole config, or a stack trace.

Shared here: the building blocks every provider's config model uses (``ProviderConfig``, ``Secret``,
``IdList``) and the top-level fields. Each provider's own model lives in its provider module (``providers/<name>.py``) and is
listed in ``providers/__init__.py``; the discriminated union is built from that registry.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Dict, List, Mapping, Optional, Tuple, Type, Union

import pendulum
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

DATE_FORMAT = "YYYY-MM-DD"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # the spec's pattern for start_date and end_date (manifest.yaml)
DEFAULT_START_DAYS_AGO = 30  # the manifest's start_date default says the same: day_delta(-30)
MANIFEST_PATH = Path(__file__).resolve().parent / "manifest.yaml"


class ConfigError(ValueError):
    """A user mistake in the config. ``message`` names the field and says how to fix it."""


@functools.lru_cache(maxsize=None)
def _definitions() -> Mapping[str, Any]:
    with MANIFEST_PATH.open() as manifest:
        return yaml.safe_load(manifest)["definitions"]


def _spec_definitions() -> Mapping[str, Any]:
    return _definitions()["spec_fields"]


def api_hosts(provider: str) -> Tuple[str, ...]:
    """The vendor's own API hosts, as the provider's manifest section lists them (``definitions.<name>.api_hosts``)."""
    return tuple(_definitions()[provider]["api_hosts"])


def base_url_pattern() -> str:
    """The one URL rule: the spec's ``pattern`` for every provider's base_url (manifest ``spec_fields``)."""
    return _spec_definitions()["base_url"]["pattern"]


def _check_base_url(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if not re.search(base_url_pattern(), value):
        raise ValueError(
            "must be an https:// URL (plain http is allowed only for a loopback address such as "
            f"http://127.0.0.1:8080), written in lower case without spaces; got {value!r}"
        )
    return value


def _header_safe_secret(value: str) -> str:
    """A key goes into an HTTP header: printable ASCII, no spaces around it. Never echo it back."""
    if not value.strip():
        raise ValueError("must not be empty")
    if value != value.strip():
        raise ValueError("has spaces or a line break before or after it: paste the key again without them")
    if not all(32 < ord(char) < 127 for char in value):
        raise ValueError("holds a character that cannot be sent in an HTTP header (a space, a line break or a non-ASCII letter): paste the key again")
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _unique(values: Optional[List[str]]) -> Optional[List[str]]:
    if values is not None and len(set(values)) != len(values):
        raise ValueError("must not list the same value twice")
    return values


Secret = Annotated[str, AfterValidator(_header_safe_secret)]
SecretList = Annotated[Optional[List[Secret]], AfterValidator(_unique)]
IdList = Annotated[Optional[List[Annotated[str, AfterValidator(_non_empty)]]], AfterValidator(_unique)]


@dataclass(frozen=True)
class Provider:
    """A provider's registry entry (providers/__init__.py): what Python needs beside its manifest section.

    ``check_stream``: the stream whose first request is the cheapest authenticated call.
    ``reach_days``: streams whose API cannot read further back than that many days (a warning says so).
    ``hosts``: the vendor's API hosts, read from its manifest section (``api_hosts``).
    ``published_rate``: the vendor's published limit per rate unit, as (calls, seconds, "what it says"); None when
    the vendor publishes none. ``requests_per_minute`` above it is refused naming it.
    ``earliest_start_date``: the oldest start_date accepted. Each API lists only posts published through
    the vendor's own service, so nothing older can exist; a far-past start_date (1900-01-01) would only walk
    thousands of empty date windows (hours of requests against the rate budget). Older is a config_error.
    """

    name: str
    config_model: Type["ProviderConfig"]
    check_stream: Optional[str]
    reach_days: Mapping[str, int] = field(default_factory=dict)
    earliest_start_date: str = "2015-01-01"
    published_rate: Optional[Tuple[int, int, str]] = None

    def requests_per_minute_problem(self, value: Optional[int]) -> Optional[str]:
        if value is None or self.published_rate is None:
            return None
        calls, seconds, limit = self.published_rate
        per_minute = calls * 60 / seconds
        if value <= per_minute:
            return None
        return (
            f"The configuration is invalid: `requests_per_minute` {value} is above the vendor's published limit ({limit}: "
            f"{per_minute:g} a minute): set {int(per_minute)} or less, or leave it empty to pace at the vendor's limit."
        )

    @property
    def hosts(self) -> Tuple[str, ...]:
        """The vendor's own API hosts: one that does not resolve is the network's trouble (retried); any other
        host in provider.base_url that does not resolve is a typo (a config_error at once)."""
        return api_hosts(self.name)


class ProviderConfig(BaseModel):
    """What every provider's config has; a provider module subclasses it with its ``provider_type`` literal."""

    model_config = ConfigDict(extra="allow")
    base_url: Optional[str] = None

    _validate_base_url = field_validator("base_url")(classmethod(lambda cls, v: _check_base_url(v)))


def _parse_date(value: Any) -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a date written {DATE_FORMAT}, got {value!r}")
    wrong = ValueError(f"must be a real date written {DATE_FORMAT} (for example 2026-01-31), got {value!r}")
    if not re.match(DATE_PATTERN, value):  # pendulum also takes 2026-1-5, which the spec's pattern refuses
        raise wrong
    try:
        parsed = pendulum.from_format(value, DATE_FORMAT)
    except ValueError:
        raise wrong from None
    return parsed.to_date_string()


class _TopLevel(BaseModel):
    model_config = ConfigDict(extra="allow")

    start_date: Optional[str] = None
    end_date: Optional[str] = None
    lookback_window_days: int = Field(default=7, ge=0, le=90, strict=True)
    num_workers: int = Field(default=8, ge=1, le=16, strict=True)
    requests_per_minute: Optional[int] = Field(default=None, ge=1, le=6000, strict=True)

    _dates = field_validator("start_date", "end_date", mode="before")(classmethod(lambda cls, v: _parse_date(v)))

    @model_validator(mode="after")
    def _window(self) -> "_TopLevel":
        today = pendulum.today("UTC").to_date_string()
        if self.start_date and self.start_date > today:
            raise ValueError(
                f"`start_date` {self.start_date} is in the future (today is {today} UTC): "
                "set a start_date on or before today, or leave it empty for the last 30 days"
            )
        start = self.start_date or pendulum.today("UTC").subtract(days=DEFAULT_START_DAYS_AGO).to_date_string()
        if self.end_date and self.end_date < start:
            raise ValueError(
                f"`end_date` {self.end_date} is before `start_date` {start}: set end_date on or after "
                "start_date, or leave it empty to sync up to today"
            )
        return self


@functools.lru_cache(maxsize=None)
def _connector_model() -> Tuple[Type[BaseModel], Tuple[str, ...]]:
    from .providers import PROVIDERS  # the registry imports the provider modules, which import this one

    models = tuple(provider.config_model for provider in PROVIDERS.values())
    union = Union[models] if len(models) > 1 else models[0]  # type: ignore[valid-type]
    model = create_model(
        "ConnectorConfig",
        __base__=_TopLevel,
        provider=(Annotated[union, Field(discriminator="provider_type")], ...),
    )
    return model, tuple(sorted(PROVIDERS))


def _describe(error: Dict[str, Any], provider_names: Tuple[str, ...]) -> str:
    """One pydantic error as "`provider.api_key`: must not be empty"."""
    location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    # pydantic puts the union branch tag into the path (provider.ayrshare.api_key): drop it
    location = [part for part in location if part not in provider_names]
    message = str(error.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ").replace("Input should be", "must be")
    kind = error.get("type")
    choices = ", ".join(provider_names)
    if kind == "missing":
        message = "is required"
    elif kind == "union_tag_invalid":
        message = f"unknown provider_type {error.get('input', {}).get('provider_type')!r}: choose one of {choices}"
        location = location + ["provider_type"] if location[-1:] != ["provider_type"] else location
    elif kind == "union_tag_not_found":
        message = f"is required: choose one of {choices}"
        location = location + ["provider_type"]
    elif kind == "literal_error" and location[-1:] == ["platforms"]:
        message = f"{message} (got {error.get('input')!r})"
    if message.startswith("`"):  # the message already names its fields
        return message
    field_name = ".".join(location) or "config"
    return f"`{field_name}` {message}"


def start_date_problem(start_date: Optional[str], provider: Provider) -> Optional[str]:
    if start_date and start_date < provider.earliest_start_date:
        return (
            f"The configuration is invalid: `start_date` {start_date} is before {provider.earliest_start_date}, the oldest "
            f"date {provider.name} can hold data for (its API lists only posts published through it): set start_date "
            f"on or after {provider.earliest_start_date}."
        )
    return None


def validate_config(config: Mapping[str, Any]) -> BaseModel:
    """Check a config; raise ConfigError with a message naming every bad field and its fix.

    The message never holds a value of a secret field: pydantic's own texts for those are replaced by ours.
    """
    model, names = _connector_model()
    try:
        return model.model_validate(dict(config))
    except ValidationError as error:
        problems = "; ".join(_describe(item, names) for item in error.errors(include_url=False))
        raise ConfigError(f"The configuration is invalid: {problems}.") from None
