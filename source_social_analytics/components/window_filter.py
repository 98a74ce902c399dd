"""Keep the records whose cursor value lies in the slice's window, comparing the timestamps as text.

A list endpoint without a date filter (Mosaic's ``GET /social/posts``) answers posts outside the window the
sync reads: newer than its end, and, on the page where paging stops, older than its start. The CDK's own
answer to that (``is_client_side_incremental``) asks the stream's cursor about every record: it parses the
record's value and renders and parses the window's end template each time, about a quarter of the work of
the one thread that hands the posts to the workers. Here the extractor has already written the value as
``2026-03-09T10:00:00Z`` (components/dates.py), the window's bounds are in the same form, and such strings
sort as the moments they name: two string comparisons per record, the same records kept. A record without a
value is kept, as the CDK keeps it (it cannot tell, and the analytics call is what says).
"""
from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import StreamSlice, StreamState


@dataclass
class InWindowRecordFilter(RecordFilter):
    """``start_time <= record[cursor_field] <= end_time`` of the slice, inclusive, as the CDK's filter."""

    parameters: InitVar[Mapping[str, Any]]
    cursor_field: str = "created_at"

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: Optional[StreamSlice] = None,
        next_page_token: Optional[Mapping[str, Any]] = None,
    ) -> Iterable[Mapping[str, Any]]:
        window = stream_slice.cursor_slice if stream_slice is not None else {}
        start, end = window.get("start_time"), window.get("end_time")
        for record in records:
            if self.keep(record, start, end):
                yield record

    def keep(self, record: Mapping[str, Any], start: Optional[str], end: Optional[str]) -> bool:
        """A provider's filter adds its own conditions here (providers/ayrshare.py)."""
        return in_window(record.get(self.cursor_field), start, end)


def in_window(value: Any, start: Optional[str], end: Optional[str]) -> bool:
    """``start <= value <= end`` as text (both ``2026-03-09T10:00:00Z``); a value that is not a string is kept."""
    return not isinstance(value, str) or ((start is None or start <= value) and (end is None or value <= end))
