"""The fields a record gets from its sync, its config and its partition, not from the vendor's answer.

One job: stamp every record with ``provider`` and ``retrieved_at`` (CONTRACT §3) and with the values its
stream's YAML names — constants, config values, and values of the partition it was read in (its account,
its post's publication time, ...). It is what the CDK's ``AddFields`` does, without a Jinja template: AddFields
renders a template and runs ``ast.literal_eval`` on the result for every field of every record, which was a
quarter of a zero-latency post_analytics read (``python -m benchmarks.run --only throughput``). It also keeps a
value's type: a numeric-looking account id stays a string (literal_eval would make it an int).

Paths are dotted: ``config``: ``provider.location_id``; ``from_slice``: ``partition.<key>...`` (the slice's
partition, e.g. ``partition.parent_slice.account_id``) or ``extra_fields.<key>`` (a parent record's fields
that the partition router passed down). A value that is absent is ``None``.
"""
from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from .metrics import dig


def slice_value(stream_slice: Optional[StreamSlice], path: str) -> Any:
    """``partition.<path>`` or ``extra_fields.<path>`` of a stream slice."""
    if stream_slice is None:
        return None
    where, _, rest = path.partition(".")
    if where == "partition":
        return dig(stream_slice.partition, rest)
    if where == "extra_fields":
        return dig(stream_slice.extra_fields, rest)
    raise ValueError(f"from_slice paths start with 'partition.' or 'extra_fields.', not {path!r}")


@dataclass
class RecordFields(RecordTransformation):
    """Sets ``provider`` and ``retrieved_at``, then, in this order, the stream's ``constants``, ``from_config``
    values, ``from_slice`` values (each overwrites what the record had), ``slice_defaults`` (only where the
    record has no value) and ``today`` (the name of a field that gets today's UTC date, for snapshots)."""

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    constants: Mapping[str, Any] = field(default_factory=dict)
    from_config: Mapping[str, str] = field(default_factory=dict)
    from_slice: Mapping[str, str] = field(default_factory=dict)
    slice_defaults: Mapping[str, str] = field(default_factory=dict)
    today: Optional[str] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        for path in list(self.from_slice.values()) + list(self.slice_defaults.values()):
            slice_value(StreamSlice(partition={}, cursor_slice={}), path)  # a wrong path fails when the stream is built
        self._provider = dig(self.config, "provider.provider_type")
        self._from_config = {name: dig(self.config, path) for name, path in self.from_config.items()}

    def transform(
        self,
        record: Dict[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        now = datetime.now(timezone.utc)
        record["provider"] = self._provider
        record["retrieved_at"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        record.update(self.constants)
        record.update(self._from_config)
        for name, path in self.from_slice.items():
            record[name] = slice_value(stream_slice, path)
        for name, path in self.slice_defaults.items():
            if not record.get(name):
                record[name] = slice_value(stream_slice, path)
        if self.today:
            record[self.today] = now.strftime("%Y-%m-%d")
        self.more_fields(record, stream_slice)

    def more_fields(self, record: Dict[str, Any], stream_slice: Optional[StreamSlice]) -> None:
        """A provider's field that needs a rule rather than a path (subclasses in components/<provider>.py)."""
