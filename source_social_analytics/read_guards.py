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

from datetime import datetime, timezone
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, MutableMapping, Optional, Tuple

from airbyte_cdk.models import AirbyteMessage, AirbyteStateMessage, AirbyteStateMessageSerializer, AirbyteStateType, FailureType, Level, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .components.errors import BREAKER_PREFIX
from .log_filters import AfterConfigError

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


@dataclass
class CheckedState:
    """The state messages a source is built with, after ``check_stream_state``: future cursors clamped, what to
    warn about, and the first unparsable cursor's config_error (raised when the read starts, before any request)."""

    messages: Optional[List[AirbyteStateMessage]]
    stream_states: Dict[str, MutableMapping[str, Any]] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    problem: Optional[AirbyteTracedException] = None


def checked_state(messages: Optional[List[AirbyteStateMessage]], now: datetime) -> CheckedState:
    """Clamp and validate the per-stream state messages before the CDK sees them (it is handed the result)."""
    if not messages:
        return CheckedState(messages)
    checked = CheckedState([])
    for message in messages:
        dumped = AirbyteStateMessageSerializer.dump(message)
        stream = dumped.get("stream") if message.type == AirbyteStateType.STREAM else None
        if stream and isinstance(stream.get("stream_state"), dict) and checked.problem is None:
            name = stream["stream_descriptor"]["name"]
            try:
                warnings = check_stream_state(name, stream["stream_state"], now)
            except AirbyteTracedException as problem:
                checked.problem, warnings = problem, []
            checked.warnings += warnings
            checked.stream_states[name] = stream["stream_state"]
            message = AirbyteStateMessageSerializer.load(dumped) if warnings else message
        checked.messages.append(message)
    return checked


def _error(message: AirbyteMessage):  # type: ignore[no-untyped-def]
    if message.type == Type.TRACE and message.trace is not None and message.trace.error is not None:
        return message.trace.error
    return None


def dedupe_errors(messages: Iterable[AirbyteMessage], quiet: Optional[AfterConfigError] = None) -> Iterator[AirbyteMessage]:
    """The read's messages with each error said once; the CDK's closing summary re-raised short, with the
    failure type of the first real error. ``quiet``: the read's AfterConfigError log filter (installed by the
    caller, SourceSocialAnalytics.read), told when a config error has been said."""
    yield from _deduped(messages, [], quiet if quiet is not None else AfterConfigError())


def _deduped(messages: Iterable[AirbyteMessage], seen: List[Any], quiet: AfterConfigError) -> Iterator[AirbyteMessage]:
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
