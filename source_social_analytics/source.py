"""The declarative source: manifest.yaml, plus the config checks every command runs first.

The manifest alone is a complete connector (its ``config_normalization_rules`` fill defaults and derived
values, so the CDK's own YamlDeclarativeSource reads the same records from a raw config). This subclass adds
what a user needs around it: every config mistake named by field before any request, the cheapest check
call of the configured provider, and a warning when a stream's window starts before what its API reaches.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any, Iterator, List, Mapping, MutableMapping, Optional, Union

import pendulum
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
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .components.dates import earliest_cursor
from .components.errors import reset_for_a_new_command
from .config import ConfigError, start_date_problem, validate_config
from .log_filters import AfterConfigError, command_filters, installed
from .providers import PROVIDERS
from .read_guards import checked_state, dedupe_errors, unknown_streams_problem

# Absolute: YamlDeclarativeSource tries the path relative to the CWD first, so a stray ./manifest.yaml
# in the user's working directory would otherwise win.
MANIFEST_PATH = str(Path(__file__).resolve().parent / "manifest.yaml")

# What the CDK's CheckStream says when the check stream's parent answered with no partition at all.
NOTHING_TO_READ = "no stream slices were found"


def config_problem(config: Optional[Mapping[str, Any]]) -> Optional[str]:
    """What is wrong with a raw config, naming the field and the fix; None if nothing is (or no config)."""
    if config is None:
        return None
    try:
        validated = validate_config(config)
    except ConfigError as error:
        return str(error)
    provider = PROVIDERS[validated.provider.provider_type]
    return start_date_problem(validated.start_date, provider) or provider.requests_per_minute_problem(validated.requests_per_minute)


class SourceSocialAnalytics(YamlDeclarativeSource):
    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        **kwargs: Any,
    ) -> None:
        # a deep copy: the CDK's normalization writes into nested objects (provider.*) of the dict it gets
        self._raw_config = copy.deepcopy(dict(config)) if config is not None else None
        # read_guards: future cursors clamped (and unparsable ones found) before the CDK is handed the state
        self._checked_state = checked_state(state, pendulum.now("UTC").replace(microsecond=0))
        super().__init__(path_to_yaml=MANIFEST_PATH, catalog=catalog, config=copy.deepcopy(self._raw_config),
                         state=self._checked_state.messages, **kwargs)

    # -- config errors first, on every command that has a config ------------------------------------
    def config_problem(self) -> Optional[str]:
        return config_problem(self._raw_config)

    def _raise_config_problem(self) -> None:
        problem = self.config_problem()
        if problem:
            raise AirbyteTracedException(message=problem, internal_message=problem, failure_type=FailureType.config_error)

    def _provider(self):
        return PROVIDERS[self._config["provider"]["provider_type"]]

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        problem = self.config_problem()
        if problem:
            return AirbyteConnectionStatus(status=Status.FAILED, message=problem)
        provider = self._provider()
        if provider.check_stream is None:
            return AirbyteConnectionStatus(
                status=Status.FAILED,
                message=f"provider_type {provider.name!r} is not supported by this version of the connector yet.",
            )
        reset_for_a_new_command()
        checker = CheckStream(stream_names=[provider.check_stream], parameters={})
        with installed(*command_filters()):
            ok, reason = checker.check_connection(self, logger, self._config)
        if ok:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        if NOTHING_TO_READ in str(reason):
            # The authenticated parent request (accounts, connections, post list) answered, with nothing to
            # read yet: the credentials work. A new account must not fail its set-up for that.
            logger.warning(
                f"{provider.name}: the credentials work, but there is nothing to read yet ({provider.check_stream} has no "
                "accounts or posts in the sync window). Syncs will be empty until there is."
            )
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
        self._check_catalog_and_state(logger, catalog)
        self._warn_about_unreachable_windows(logger, catalog)
        quiet = AfterConfigError()
        reset_for_a_new_command()  # every endpoint trusted again, no key refused yet (in-process callers run several)
        with installed(quiet, *command_filters()):
            yield from dedupe_errors(super().read(logger, config, catalog, state), quiet)

    def _check_catalog_and_state(self, logger: logging.Logger, catalog: ConfiguredAirbyteCatalog) -> None:
        """read_guards: unknown streams and unparsable cursors are config errors; clamped future cursors said."""
        if self._checked_state.problem is not None:
            raise self._checked_state.problem
        for warning in self._checked_state.warnings:
            logger.warning(warning)
        served = [stream.name for stream in self.streams(self._config)]
        problem = unknown_streams_problem([c.stream.name for c in catalog.streams], served, self._provider().name)
        if problem:
            raise AirbyteTracedException(message=problem, internal_message=problem, failure_type=FailureType.config_error)

    def _warn_about_unreachable_windows(self, logger: logging.Logger, catalog: ConfiguredAirbyteCatalog) -> None:
        """Say so when a stream's window starts before what its API can reach: those days cannot be synced."""
        selected = {configured.stream.name for configured in catalog.streams}
        lookback = int(self._config.get("lookback_window_days") or 0)
        for stream_name, reach_days in self._provider().reach_days.items():
            if stream_name not in selected:
                continue
            cursor = earliest_cursor(self._checked_state.stream_states.get(stream_name))
            start = cursor.subtract(days=lookback) if cursor else pendulum.parse(self._config["_start_date"])
            oldest = pendulum.now("UTC").subtract(days=reach_days)
            if start.date() < oldest.date():
                logger.warning(
                    f"{stream_name}: the sync window starts {start.to_date_string()}, but the API only reaches back "
                    f"{reach_days} days (to {oldest.to_date_string()}); data from before then cannot be read. "
                    "Sync more often than that to avoid a gap."
                )
