"""The connector's config: typed checks that name the field and the fix, and the defaults the manifest relies on.

The spec's JSON schema (manifest.yaml) tells the Airbyte UI what to ask for; this module is what makes a
wrong value a ``config_error`` a user can act on ("`end_date` 2026-01-01 is before `start_date` ...") instead
of a jsonschema message or a stack trace, and it fills the defaults (dates, lookback, base URL) so that the
manifest can read ``config['start_date']`` and friends without guarding every access.
"""
from __future__ import annotations

import copy
import hashlib
import ipaddress
from typing import Annotated, Any, Dict, List, Literal, Mapping, Optional, Union
from urllib.parse import urlsplit

import pendulum
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DATE_FORMAT = "YYYY-MM-DD"
DEFAULT_LOOKBACK_DAYS = 7
DEFAULT_START_DAYS_AGO = 30

DEFAULT_BASE_URLS = {
    "ayrshare": "https://app.ayrshare.com/api",
    "highlevel": "https://services.leadconnectorhq.com",
    "mosaic": "https://api.mosaic.so",
    "postpost": "https://api.postpost.dev/api/v1",
}

# Ayrshare's platform names; "x" is accepted as the modern name of "twitter".
AYRSHARE_PLATFORMS = (
    "bluesky", "facebook", "gmb", "instagram", "linkedin", "pinterest", "reddit",
    "snapchat", "telegram", "threads", "tiktok", "twitter", "x", "youtube",
)
# What POST /analytics/social accepts (seed 004); the default request when `platforms` is not set.
AYRSHARE_SOCIAL_PLATFORMS = ("facebook", "gmb", "instagram", "linkedin", "pinterest", "reddit", "tiktok", "twitter", "youtube")
HIGHLEVEL_PLATFORMS = ("facebook", "instagram", "linkedin", "google", "pinterest", "youtube", "tiktok")


class ConfigError(ValueError):
    """A user mistake in the config. ``message`` names the field and says how to fix it."""


def _check_base_url(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value.rstrip("/")
    if parts.scheme in ("http", "https") and parts.hostname:
        host = parts.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if loopback:
            return value.rstrip("/")
    raise ValueError(
        f"must be an https:// URL (plain http is allowed only for a loopback address such as "
        f"http://127.0.0.1:8080), got {value!r}"
    )


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _unique(values: Optional[List[str]]) -> Optional[List[str]]:
    if values is not None and len(set(values)) != len(values):
        raise ValueError("must not list the same value twice")
    return values


Secret = Annotated[str, AfterValidator(_non_empty)]
IdList = Annotated[Optional[List[Annotated[str, AfterValidator(_non_empty)]]], AfterValidator(_unique)]


class _Provider(BaseModel):
    model_config = ConfigDict(extra="allow")
    base_url: Optional[str] = None

    _validate_base_url = field_validator("base_url")(classmethod(lambda cls, v: _check_base_url(v)))


class AyrshareProvider(_Provider):
    provider_type: Literal["ayrshare"]
    api_key: Secret
    profile_keys: IdList = None
    platforms: Optional[List[Literal[AYRSHARE_PLATFORMS]]] = None  # type: ignore[valid-type]


class HighLevelProvider(_Provider):
    provider_type: Literal["highlevel"]
    access_token: Secret
    location_id: Secret
    profile_ids: IdList = None
    platforms: Optional[List[Literal[HIGHLEVEL_PLATFORMS]]] = None  # type: ignore[valid-type]
    api_version: Literal["2021-07-28", "v3"] = "2021-07-28"


class MosaicProvider(_Provider):
    provider_type: Literal["mosaic"]
    api_key: Secret
    social_connection_ids: IdList = None


class PostPostProvider(_Provider):
    provider_type: Literal["postpost"]
    api_key: Secret
    platform_ids: IdList = None

    @field_validator("platform_ids")
    @classmethod
    def _linkedin_only(cls, values: Optional[List[str]]) -> Optional[List[str]]:
        for value in values or []:
            if not value.startswith("linkedin-"):
                raise ValueError(f"every id must be a LinkedIn connection id such as 'linkedin-Tz9W5i6ZYG', got {value!r}")
        return values


def _parse_date(value: Any) -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a date written {DATE_FORMAT}, got {value!r}")
    try:
        parsed = pendulum.from_format(value, DATE_FORMAT)
    except ValueError:
        raise ValueError(f"must be a real date written {DATE_FORMAT} (for example 2026-01-31), got {value!r}") from None
    return parsed.to_date_string()


class ConnectorConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    provider: Union[AyrshareProvider, HighLevelProvider, MosaicProvider, PostPostProvider] = Field(
        discriminator="provider_type"
    )
    start_date: Optional[str] = None
    end_date: Optional[str] = None
    lookback_window_days: int = Field(default=DEFAULT_LOOKBACK_DAYS, ge=0, le=90, strict=True)

    _dates = field_validator("start_date", "end_date", mode="before")(classmethod(lambda cls, v: _parse_date(v)))

    @model_validator(mode="after")
    def _window(self) -> "ConnectorConfig":
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


def _describe(error: Dict[str, Any]) -> str:
    """One pydantic error as "`provider.api_key`: must not be empty"."""
    location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    # pydantic puts the union branch tag into the path (provider.ayrshare.api_key): drop it
    location = [part for part in location if part not in DEFAULT_BASE_URLS]
    message = str(error.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ").replace("Input should be", "must be")
    kind = error.get("type")
    if kind == "missing":
        message = "is required"
    elif kind == "union_tag_invalid":
        message = (
            f"unknown provider_type {error.get('input', {}).get('provider_type')!r}: "
            f"choose one of {', '.join(sorted(DEFAULT_BASE_URLS))}"
        )
        location = location + ["provider_type"] if location[-1:] != ["provider_type"] else location
    elif kind == "union_tag_not_found":
        message = f"is required: choose one of {', '.join(sorted(DEFAULT_BASE_URLS))}"
        location = location + ["provider_type"]
    elif kind == "literal_error" and location[-1:] == ["platforms"]:
        message = f"{message} (got {error.get('input')!r})"
    if message.startswith("`"):  # the message already names its fields
        return message
    field_name = ".".join(location) or "config"
    return f"`{field_name}` {message}"


def validate_config(config: Mapping[str, Any]) -> ConnectorConfig:
    """Check a config; raise ConfigError with a message naming every bad field and its fix."""
    try:
        return ConnectorConfig.model_validate(dict(config))
    except ValidationError as error:
        problems = "; ".join(_describe(item) for item in error.errors(include_url=False))
        raise ConfigError(f"The configuration is invalid: {problems}.") from None


def with_defaults(config: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy of the config with every optional value the manifest reads filled in.

    Never raises: a config that fails validation is returned as complete as it can be made, so that
    ``spec`` and the validation error itself still work.
    """
    filled: Dict[str, Any] = copy.deepcopy(dict(config))
    today = pendulum.today("UTC")
    if not filled.get("start_date"):
        filled["start_date"] = today.subtract(days=DEFAULT_START_DAYS_AGO).to_date_string()
    if not filled.get("end_date"):
        filled["end_date"] = today.to_date_string()
    if filled.get("lookback_window_days") is None:
        filled["lookback_window_days"] = DEFAULT_LOOKBACK_DAYS
    provider = filled.get("provider")
    if isinstance(provider, dict):
        kind = provider.get("provider_type")
        if not provider.get("base_url") and kind in DEFAULT_BASE_URLS:
            provider["base_url"] = DEFAULT_BASE_URLS[kind]
        elif isinstance(provider.get("base_url"), str):
            provider["base_url"] = provider["base_url"].rstrip("/")
        if kind == "ayrshare":
            _fill_ayrshare(provider)
    return filled


def ayrshare_account_id(profile_key: Optional[str]) -> str:
    """CONTRACT §3: `primary`, or `profile-` + the first 12 hex digits of SHA-256 of the Profile-Key."""
    if not profile_key:
        return "primary"
    return "profile-" + hashlib.sha256(profile_key.encode("utf-8")).hexdigest()[:12]


def _fill_ayrshare(provider: Dict[str, Any]) -> None:
    """Derived values the manifest reads; they start with `_` and never hold a secret in a partition.

    Partitions carry only the non-secret account id; the Profile-Key header is looked up from it at
    request time, so neither state nor records ever contain a key.
    """
    keys = [k for k in provider.get("profile_keys") or [] if isinstance(k, str) and k]
    provider["_profile_key_by_account"] = {ayrshare_account_id(k): k for k in keys}
    provider["_account_ids"] = list(provider["_profile_key_by_account"]) or [ayrshare_account_id(None)]
    chosen = provider.get("platforms") or []
    # Ayrshare calls X "twitter"; records say "x" (CONTRACT §3), requests must say "twitter".
    request_names = sorted({"twitter" if p == "x" else p for p in chosen if isinstance(p, str)})
    provider["_request_platforms"] = request_names
    provider["_social_platforms"] = [p for p in request_names if p in AYRSHARE_SOCIAL_PLATFORMS] if request_names else list(AYRSHARE_SOCIAL_PLATFORMS)
