"""The declarative source: manifest.yaml plus the config checks every command runs first."""
from __future__ import annotations

import logging

import pendulum
from pathlib import Path
from typing import Any, Iterator, List, Mapping, MutableMapping, Optional, Union

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources.declarative.checks.check_stream import CheckStream
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .config import ConfigError, validate_config, with_defaults
from .components.dates import earliest_cursor

# Absolute: YamlDeclarativeSource tries the path relative to the CWD first, so a stray ./manifest.yaml
# in the user's working directory would otherwise win.
MANIFEST_PATH = str(Path(__file__).resolve().parent / "manifest.yaml")

# Streams whose API cannot reach further back than this many days (Ayrshare links: lastDays 1..30).
STREAM_REACH_DAYS = {
    "link_analytics": 30,
}

# The stream whose first request is the cheapest authenticated call for each provider: one request,
# no parent stream, and it needs the same plan as the rest of the sync.
CHECK_STREAM_BY_PROVIDER = {
    "ayrshare": "link_analytics",
}


class SourceSocialAnalytics(YamlDeclarativeSource):
    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        **kwargs: Any,
    ) -> None:
        self._raw_config = dict(config) if config is not None else None
        super().__init__(
            path_to_yaml=MANIFEST_PATH,
            catalog=catalog,
            config=with_defaults(config) if config is not None else None,
            state=state,
            **kwargs,
        )

    # -- config errors first, on every command that has a config ------------------------------------
    def config_problem(self) -> Optional[str]:
        if self._raw_config is None:
            return None
        try:
            validate_config(self._raw_config)
        except ConfigError as error:
            return str(error)
        self._mask_secret_lists()
        return None

    def _mask_secret_lists(self) -> None:
        """The CDK masks airbyte_secret *strings*; each element of a secret list must be added by hand."""
        provider = (self._raw_config or {}).get("provider") or {}
        for key in provider.get("profile_keys") or []:
            add_to_secrets(key)

    def _raise_config_problem(self) -> None:
        problem = self.config_problem()
        if problem:
            raise AirbyteTracedException(message=problem, internal_message=problem, failure_type=FailureType.config_error)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        problem = self.config_problem()
        if problem:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        provider_type = self._config["provider"]["provider_type"]
        stream_name = CHECK_STREAM_BY_PROVIDER.get(provider_type)
        if stream_name is None:
            return AirbyteConnectionStatus(
                status=Status.FAILED,
                message=f"provider_type {provider_type!r} is not supported by this version of the connector yet.",
            )
        checker = CheckStream(stream_names=[stream_name], parameters={})
        ok, reason = checker.check_connection(self, logger, self._config)
        if ok:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        return AirbyteConnectionStatus(status=Status.FAILED, message=str(reason))

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        self._raise_config_problem()
        return super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[Union[List[AirbyteStateMessage], MutableMapping[str, Any]]] = None,
    ) -> Iterator[AirbyteMessage]:
        self._raise_config_problem()
        self._warn_about_unreachable_windows(logger, catalog)
        yield from super().read(logger, config, catalog, state)

    def _warn_about_unreachable_windows(self, logger: logging.Logger, catalog: ConfiguredAirbyteCatalog) -> None:
        """Say so when a stream's window starts before what its API can reach: those days cannot be synced."""
        selected = {configured.stream.name for configured in catalog.streams}
        lookback = int(self._config.get("lookback_window_days") or 0)
        for stream_name, reach_days in STREAM_REACH_DAYS.items():
            if stream_name not in selected:
                continue
            cursor = earliest_cursor(self._connector_state_manager.get_stream_state(stream_name, None))
            start = cursor.subtract(days=lookback) if cursor else pendulum.parse(self._config["start_date"])
            oldest = pendulum.now("UTC").subtract(days=reach_days)
            if start.date() < oldest.date():
                logger.warning(
                    f"{stream_name}: the sync window starts {start.to_date_string()}, but the API only reaches back "
                    f"{reach_days} days (to {oldest.to_date_string()}); data from before then cannot be read. "
                    "Sync more often than that to avoid a gap."
                )
