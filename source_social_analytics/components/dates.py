"""Date handling shared by every provider: vendor timestamps in, ISO-8601 UTC out.

Vendors send moments as ISO strings with or without offsets, as Firestore timestamps
(``{"_seconds": 1601215211, "_nanoseconds": 413000000}``, sometimes with a ``utc`` string beside them)
or as epoch numbers. Records carry one form: ``2020-09-27T14:00:11Z`` (UTC, whole seconds), which
sorts as text and is what the incremental cursors compare.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Optional

import pendulum

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(ISO_FORMAT)


def to_utc_iso(value: Any) -> Optional[str]:
    """``2020-11-05T12:21:29Z`` from any vendor timestamp form; None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        if "_seconds" in value or "seconds" in value:  # Firestore, with or without the underscore
            seconds = to_epoch_seconds(value.get("_seconds", value.get("seconds")))
            if seconds is not None:
                return format_utc(datetime.fromtimestamp(seconds, tz=timezone.utc))
        for key in ("utc", "iso", "date"):
            if isinstance(value.get(key), str):
                return to_utc_iso(value[key])
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000.0 if value > 10**11 else float(value)  # epoch millis or seconds
        return format_utc(datetime.fromtimestamp(seconds, tz=timezone.utc))
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:  # the ISO forms the vendors send, in C: pendulum's parser cost a tenth of listing Mosaic's posts
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            return format_utc(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        try:
            parsed = pendulum.parse(text, tz="UTC")
        except (ValueError, pendulum.parsing.exceptions.ParserError):
            return None
        if isinstance(parsed, datetime):
            return format_utc(parsed)
    return None


def to_epoch_seconds(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def utc_now_iso() -> str:
    return format_utc(datetime.now(timezone.utc))


def earliest_cursor(stream_state: Optional[Mapping[str, Any]]) -> Optional[pendulum.DateTime]:
    """The oldest cursor value in a stream's state, in any of the CDK's shapes.

    Handles a flat ``{"created_at": "…"}``, a per-partition ``{"states": [{"cursor": {…}}], "state": {…}}``
    and a global ``{"use_global_cursor": true, "state": {…}}``. None when the state holds no cursor.
    """
    if not stream_state:
        return None
    cursors: list = []
    partitions = stream_state.get("states")
    if isinstance(partitions, list) and partitions:
        cursors = [entry.get("cursor") for entry in partitions if isinstance(entry, Mapping)]
    elif isinstance(stream_state.get("state"), Mapping):
        cursors = [stream_state["state"]]
    else:
        cursors = [stream_state]
    moments = []
    for cursor in cursors:
        for value in (cursor or {}).values() if isinstance(cursor, Mapping) else ():
            iso = to_utc_iso(value) if isinstance(value, str) else None
            if iso:
                moments.append(pendulum.parse(iso))
    return min(moments) if moments else None
