"""A stream with one global cursor over many partitions builds that cursor once, not once per partition.

post_analytics reads one partition per post (Ayrshare, Mosaic, PostPost) and keeps one global cursor over all
of them (``global_substream_cursor: true``: the state is the newest ``published_at`` plus the parent list's
state, never a cursor per post). The CDK's ``ConcurrentPerPartitionCursor`` nevertheless builds a fresh
``ConcurrentCursor`` from the manifest model for every post it slices (and, for a client-side incremental
stream, for every record it filters): a pydantic model parse and five Jinja renders each time, all of them in
the single thread that generates the partitions, which then runs behind the workers. At zero latency that was
about a seventh of a post_analytics read (``python -m benchmarks.run``).

In global mode those cursors are built from the same two inputs (the state the sync started from and the
lookback) and the CDK only asks them for their slices (and whether a record is in the window); it never
closes partitions on them nor reads their state. So when the inputs are the same as the last cursor's, that
cursor is handed out again, and the slices it computed for the first partition (the window from the saved cursor
minus the lookback, to the end) are replayed for the next ones instead of computed again: the end is a
template rendered and parsed on every call. Per-partition mode (a cursor per account whose state is saved per account) is left
exactly as the CDK does it: every partition gets its own cursor.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, List, Optional, Tuple

from airbyte_cdk.sources.declarative.incremental.concurrent_partition_cursor import ConcurrentPerPartitionCursor
from airbyte_cdk.sources.types import StreamSlice

_original_create_cursor = getattr(ConcurrentPerPartitionCursor, "_create_cursor", None)


def _create_cursor_once_in_global_mode(self: ConcurrentPerPartitionCursor, cursor_state: Any, runtime_lookback_window: int = 0):  # type: ignore[no-untyped-def]
    if not getattr(self, "_use_global_cursor", False):
        return _original_create_cursor(self, cursor_state, runtime_lookback_window)  # type: ignore[misc]
    last: Optional[Tuple[Any, Any, Any]] = getattr(self, "_last_global_mode_cursor", None)
    if last is not None and last[0] is cursor_state and last[1][1] == runtime_lookback_window:
        return last[2]  # the CDK hands the same state object for every partition
    inputs = (json.dumps(cursor_state, sort_keys=True, default=str), runtime_lookback_window)
    if last is not None and last[1] == inputs:
        return last[2]
    cursor = _original_create_cursor(self, cursor_state, runtime_lookback_window)  # type: ignore[misc]
    cursor.stream_slices = _replayed(cursor.stream_slices)  # type: ignore[method-assign]
    self._last_global_mode_cursor = (cursor_state, inputs, cursor)  # one tuple, replaced at once: thread-safe
    return cursor


def _replayed(stream_slices: Callable[[], Iterable[StreamSlice]]) -> Callable[[], Iterable[StreamSlice]]:
    """The cursor's slices, computed on the first call, replayed (as new StreamSlices) on the next ones."""
    computed: List[Optional[List[StreamSlice]]] = [None]

    def replay() -> Iterable[StreamSlice]:
        if computed[0] is None:
            computed[0] = list(stream_slices())
        for piece in computed[0]:
            yield StreamSlice(partition=dict(piece.partition), cursor_slice=dict(piece.cursor_slice), extra_fields=piece.extra_fields)

    return replay


# Installed only where the CDK has the method this relies on (airbyte-cdk 7.39.x, setup.py); elsewhere the CDK's
# own cursor-per-partition behaviour stays.
if _original_create_cursor is not None and getattr(_original_create_cursor, "__name__", "") != "_create_cursor_once_in_global_mode":
    ConcurrentPerPartitionCursor._create_cursor = _create_cursor_once_in_global_mode  # type: ignore[method-assign]
