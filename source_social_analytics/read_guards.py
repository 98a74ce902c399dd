"""What a read checks before its first request, and how its errors reach the user.

- a catalog naming a stream the configured provider does not serve: a config_error naming it and the
  provider's streams (otherwise the CDK reads nothing, says nothing and exits 0);
- a state cursor that cannot be parsed: a config_error naming the stream; a cursor in the future (a clock
  that ran ahead) is clamped to now with a warning, never a silent sync of nothing;
- errors: one trace per distinct message (a wrong key fails every partition with the same words), no
  ERROR log after a credentials failure, no stack trace with a config error, and the closing summary carries the first error's failure type
  (transient_error, system_error or config_error) instead of the CDK's blanket config_error.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Tuple

from airbyte_cdk.models import AirbyteMessage, FailureType, Level, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from . import rejected_credentials
from .components.errors import BREAKER_PREFIX, reset_for_a_new_command

# the two cursor formats of the manifest's window_cursor and day_cursor
CURSOR_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d")
CDK_SUMMARY = "Concurrent read failure"


def unknown_streams_problem(selected: Iterable[str], served: Iterable[str], provider: str) -> Optional[str]:
    unknown = sorted(set(selected) - set(served))
    if not unknown:
        return None
    return (
        f"The catalog names {', '.join(repr(name) for name in unknown)}, which provider {provider!r} does not serve: "
        f"its streams are {', '.join(sorted(served))}. Refresh the source schema (discover) and select those streams."
    )


def _cursor_dicts(stream_state: MutableMapping[str, Any]) -> List[MutableMapping[str, Any]]:
    """The cursor objects of a stream state in the CDK's shapes: flat, per partition, global."""
    found: List[MutableMapping[str, Any]] = []
    partitions = stream_state.get("states")
    if isinstance(partitions, list):
        found += [entry["cursor"] for entry in partitions if isinstance(entry, dict) and isinstance(entry.get("cursor"), dict)]
    if isinstance(stream_state.get("state"), dict):
        found.append(stream_state["state"])
    if not found and "states" not in stream_state:
        found.append(stream_state)
    return found


def _parse(value: str) -> Optional[Tuple[datetime, str]]:
    for fmt in CURSOR_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc), fmt
        except ValueError:
            continue
    return None


def check_stream_state(stream: str, stream_state: MutableMapping[str, Any], now: datetime) -> List[str]:
    """Validate one stream's state in place: clamp future cursors to ``now``; return the warnings.
    Raises a config_error naming the stream for a cursor value that cannot be parsed."""
    warnings: List[str] = []
    for cursor in _cursor_dicts(stream_state):
        for key, value in list(cursor.items()):
            if key in ("lookback_window", "use_global_cursor", "parent_state", "partition") or isinstance(value, (bool, dict, list)) or value is None:
                continue
            parsed = _parse(value) if isinstance(value, str) else None
            if parsed is None:
                message = (
                    f"The saved state of stream {stream!r} holds a cursor {key}={value!r} that is not a date "
                    f"(expected YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD). Reset the stream {stream!r} (or fix the state) and sync again."
                )
                raise AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.config_error)
            moment, fmt = parsed
            if moment > now:
                cursor[key] = now.strftime(fmt)
                warnings.append(
                    f"The saved state of stream {stream!r} has {key}={value!r}, in the future (now is {now.strftime(CURSOR_FORMATS[0])}): "
                    f"probably a clock that ran ahead. The cursor is clamped to {cursor[key]}, so the sync reads the "
                    "lookback window again instead of nothing."
                )
    return warnings


def _error(message: AirbyteMessage):  # type: ignore[no-untyped-def]
    if message.type == Type.TRACE and message.trace is not None and message.trace.error is not None:
        return message.trace.error
    return None


def _is_config_error(error: Any) -> bool:
    return isinstance(error, AirbyteTracedException) and error.failure_type == FailureType.config_error


class _AfterConfigError(logging.Filter):
    """Drops ERROR log lines once a config error was reported: the other partitions failing the same way
    would each log the request, its headers and a traceback (22 traces, 268 KB for one wrong key). After a
    401 (rejected_credentials) the first ERROR line, the refused request's own, is kept: the workers log
    theirs before the error's trace reaches the message stream, so the trace alone cannot silence them.
    The CDK's log line of a config error itself ("Exception while syncing stream …") keeps its words but
    loses its traceback: a wrong key or id is the user's to fix, and a stack trace only hides the message."""

    def __init__(self) -> None:
        super().__init__()
        self.active = False
        self._lock = threading.Lock()
        self._rejection_logged = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            if self.active:
                return False
            if rejected_credentials.rejected() is not None:
                with self._lock:
                    first, self._rejection_logged = not self._rejection_logged, True
                if not first:
                    return False
        if record.exc_info and _is_config_error(record.exc_info[1]):
            record.exc_info, record.exc_text = None, None
        return True


@contextlib.contextmanager
def _installed(log_filter: logging.Filter) -> Iterator[None]:
    handlers = list(logging.getLogger("airbyte").handlers) + list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(log_filter)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(log_filter)


def dedupe_errors(messages: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
    """The read's messages with each error said once; the CDK's closing summary re-raised short, with the
    failure type of the first real error."""
    seen: List[Any] = []
    quiet = _AfterConfigError()
    reset_for_a_new_command()
    with _installed(quiet):
        yield from _deduped(messages, seen, quiet)


def _deduped(messages: Iterable[AirbyteMessage], seen: List[Any], quiet: _AfterConfigError) -> Iterator[AirbyteMessage]:
    try:
        for message in messages:
            error = _error(message)
            if error is not None:
                if any(previous.message == error.message for previous in seen):
                    continue
                seen.append(error)
                quiet.active = quiet.active or error.failure_type == FailureType.config_error or BREAKER_PREFIX in (error.message or "")
                if error.failure_type == FailureType.config_error:
                    error.stack_trace = None  # the message names the field and the fix; a stack trace adds nothing
            elif quiet.active and message.type == Type.LOG and message.log is not None and message.log.level == Level.ERROR:
                continue  # the same failure again, for another partition: already said once
            yield message
    except AirbyteTracedException as summary:
        if summary.internal_message != CDK_SUMMARY or not seen:
            raise
        first = seen[0]
        text = f"The sync failed: {first.message}"
        if len(seen) > 1:
            text += f" ({len(seen) - 1} more error(s) above)"
        raise AirbyteTracedException(message=text, internal_message=CDK_SUMMARY, failure_type=first.failure_type) from None
