"""Console entry point: `source-social-analytics spec|check|discover|read` (Airbyte protocol on stdout)."""
from __future__ import annotations

import sys
import traceback
from datetime import datetime, timezone
from typing import List, Optional

from airbyte_cdk.entrypoint import PRINT_BUFFER, AirbyteEntrypoint
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, get_secrets, update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    FailureType,
    Status,
    TraceType,
    Type,
)
from orjson import orjson

from . import ast_parse_lock
from .source import SourceSocialAnalytics, config_problem


def _emit(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def _config_error_trace(text: str, stack_trace: Optional[str] = None) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=int(datetime.now(timezone.utc).timestamp() * 1000),
            error=AirbyteErrorTraceMessage(
                message=text, internal_message=text, stack_trace=stack_trace, failure_type=FailureType.config_error
            ),
        ),
    )


class Entrypoint(AirbyteEntrypoint):
    """The CDK's entrypoint, masking every element of a secret list too.

    The CDK registers each ``airbyte_secret`` value as one secret: for ``provider.profile_keys`` that is the
    list itself, whose text never appears in a message, so the keys would print in clear wherever the
    config is printed (e.g. a "Config validation error"). Each string of such a list is a secret here.
    """

    @staticmethod
    def set_up_secret_filter(config, connection_specification) -> None:  # type: ignore[no-untyped-def]
        secrets: List[str] = []
        for value in get_secrets(connection_specification, config):
            secrets.extend(str(item) for item in value) if isinstance(value, list) else secrets.append(value)
        update_secrets(secrets)


def launch(source: SourceSocialAnalytics, args: List[str]) -> None:
    """airbyte_cdk.entrypoint.launch, with our Entrypoint."""
    entrypoint = Entrypoint(source)
    parsed_args = entrypoint.parse_args(args)
    with PRINT_BUFFER:
        for message in entrypoint.run(parsed_args):
            print(f"{message}\n", end="")


def _source(args: List[str]) -> Optional[SourceSocialAnalytics]:
    config_path = AirbyteEntrypoint.extract_config(args)
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    if state_path:
        try:
            SourceSocialAnalytics.read_state(state_path)
        except Exception as error:  # not a list of Airbyte state messages: say which file and how to fix it
            text = (
                f"The state file {state_path} is not a valid Airbyte state (a JSON list of STATE messages): {error}. "
                "Reset the connection's state, or fix the file, and sync again."
            )
            _emit(_config_error_trace(text))
            return None
    try:
        return SourceSocialAnalytics(
            config=SourceSocialAnalytics.read_config(config_path) if config_path else None,
            catalog=SourceSocialAnalytics.read_catalog(catalog_path) if catalog_path else None,
            state=SourceSocialAnalytics.read_state(state_path) if state_path else None,
            config_path=config_path,
        )
    except Exception as error:  # a missing or unreadable file: say so on the protocol and exit non-zero
        _emit(_config_error_trace(f"Could not start the connector: {error}", traceback.format_exc()))
        return None


def _config_problem(args: List[str]) -> Optional[str]:
    """The config's problem, from the file alone; None when it has none or cannot be read (``_source`` says so)."""
    config_path = AirbyteEntrypoint.extract_config(args)
    try:
        config = SourceSocialAnalytics.read_config(config_path) if config_path else None
    except Exception:
        return None
    return config_problem(config)


def run(argv: Optional[List[str]] = None) -> None:
    ast_parse_lock.install()  # concurrent Jinja evaluation on CPython versions with gh-106905
    args = sys.argv[1:] if argv is None else list(argv)
    # Our checks run before the CDK's jsonschema check, so that a bad value is reported by field name
    # ("`start_date` must be a real date written YYYY-MM-DD") rather than as a bare pattern mismatch; and
    # before the source is built, whose config normalization would stumble on a value of the wrong type
    # (`provider` a string, `end_date` a list) with a stack trace instead of the field's name.
    command = args[0] if args else None
    problem = _config_problem(args) if command in ("check", "discover", "read") else None
    if problem and command == "check":
        _emit(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=problem)))
        return  # a failed check exits 0, as every Airbyte source does
    if problem:
        _emit(_config_error_trace(problem))
        sys.exit(1)
    source = _source(args)
    if source is None:
        sys.exit(1)
    try:
        launch(source, args)
    except AirbyteTracedException as error:
        # A read that failed on a config error the vendor found (a wrong key, an unknown id): its closing
        # summary is said like any other config error, without the uncaught-exception hook's stack trace.
        if error.failure_type != FailureType.config_error:
            raise
        _emit(_config_error_trace(filter_secrets(error.message or str(error))))
        sys.exit(1)


if __name__ == "__main__":
    run()
