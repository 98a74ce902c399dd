"""Metric normalization shared by every provider: the fixed metric columns and honest numbers.

A metric the vendor did not send, sent as ``null``, or sent as something that is not a count stays
``None``: never a fabricated ``0``. Counts sent as strings ("6") become integers.

>>> normalize({"likeCount": "12", "reach": None}, {"likes": ("likeCount",), "reach": ("reach",)})["likes"]
12
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

# CONTRACT §3: Mosaic's normalized set plus `reach`; account-level streams add the three below.
METRIC_COLUMNS: Tuple[str, ...] = (
    "likes", "comments", "shares", "impressions", "reach", "views", "video_views", "video_viewers",
    "video_watch_time_ms", "engagement", "clicks", "saves", "bookmarks", "quotes",
)
ACCOUNT_COLUMNS: Tuple[str, ...] = ("followers", "following", "posts")

Number = Union[int, float]
# A source is a dotted path into the vendor object, tried in order; the first present number wins.
# A (path, factor) pair converts units, e.g. ("estimatedMinutesWatched", 60000) for minutes -> ms.
Source = Union[str, Tuple[str, Number]]
Mapping_ = Mapping[str, Sequence[Source]]


def to_number(value: Any) -> Optional[Number]:
    """A count or measure from a vendor value; None when it is not one (bools and blanks included)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None
    return None


def dig(obj: Any, path: str) -> Any:
    """``dig({"a": {"b": 1}}, "a.b") == 1``; None when any step is missing."""
    current = obj
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def first_number(obj: Any, sources: Iterable[Source]) -> Optional[Number]:
    for source in sources:
        path, factor = (source, None) if isinstance(source, str) else source
        value = to_number(dig(obj, path))
        if value is not None:
            return value * factor if factor is not None else value
    return None


def normalize(raw: Any, mapping: Mapping_, columns: Iterable[str] = METRIC_COLUMNS) -> Dict[str, Optional[Number]]:
    """Every column in ``columns``, from ``mapping`` (column -> sources); unmapped or absent -> None."""
    return {column: first_number(raw, mapping.get(column, ())) for column in columns}


def zeros_as_unknown(values: Dict[str, Optional[Number]]) -> bool:
    """A vendor placeholder, not a measurement: when every reported metric is 0, all become None, in place.

    Ayrshare answers analytics by social ID for a YouTube video the channel does not own with the video's
    metadata and 0 for every number (api-notes-2 §1.2); those zeros are unknowns. Returns whether it replaced them.

    >>> values = {"views": 0, "likes": 0, "reach": None}
    >>> zeros_as_unknown(values), values
    (True, {'views': None, 'likes': None, 'reach': None})
    >>> zeros_as_unknown({"views": 0, "likes": 3})
    False
    """
    reported = [value for value in values.values() if value is not None]
    if not reported or any(value != 0 for value in reported):
        return False
    for column in values:
        values[column] = None
    return True
