"""Shared normalization: vendor timestamps to ISO UTC, vendor counts to honest numbers."""
import pendulum
import pytest

from source_social_analytics.components.dates import earliest_cursor, to_utc_iso
from source_social_analytics.components.metrics import METRIC_COLUMNS, normalize, to_number


@pytest.mark.parametrize("value, expected", [
    ({"_seconds": 1601215211, "_nanoseconds": 413000000}, "2020-09-27T14:00:11Z"),          # Firestore
    ({"_seconds": 1604578889, "_nanoseconds": 0, "utc": "2020-11-05T12:21:29Z"}, "2020-11-05T12:21:29Z"),
    ("2024-05-01T10:00:00+0000", "2024-05-01T10:00:00Z"),                                    # Instagram style offset
    ("2024-05-01T12:00:00.000Z", "2024-05-01T12:00:00Z"),
    ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00Z"),
    (1601215211000, "2020-09-27T14:00:11Z"),                                                 # epoch millis
    ("2026-10-31T21:30:00-04:00", "2026-11-01T01:30:00Z"),                                   # evening in New York
    ("2024-05-01 10:00:00", "2024-05-01T10:00:00Z"), ("2024-05-01", "2024-05-01T00:00:00Z"),  # naive: UTC
    ("Tue, 01 May 2024 10:00:00 GMT", None), ("2024-05-01T24:00:00Z", None),
    (None, None), ("", None), ("not a date", None), (True, None), ({}, None),
])
def test_to_utc_iso(value, expected):
    assert to_utc_iso(value) == expected


@pytest.mark.parametrize("value, expected", [("6", 6), ("1,234", 1234), ("2.5", 2.5), (0, 0), (None, None), ("", None), ("n/a", None), (True, None)])
def test_to_number(value, expected):
    assert to_number(value) == expected


def test_normalize_fills_every_column_and_never_invents_zero():
    out = normalize({"a": {"b": "7"}, "m": 3}, {"likes": ("missing", "a.b"), "video_watch_time_ms": (("m", 60000),)})
    assert set(out) == set(METRIC_COLUMNS)
    assert out["likes"] == 7 and out["video_watch_time_ms"] == 180000
    assert all(out[c] is None for c in METRIC_COLUMNS if c not in ("likes", "video_watch_time_ms"))


def test_earliest_cursor_reads_every_state_shape():
    per_partition = {"states": [{"partition": {"account_id": "a"}, "cursor": {"created_at": "2026-11-20T00:00:00Z"}},
                                {"partition": {"account_id": "b"}, "cursor": {"created_at": "2026-11-02T05:00:00Z"}}],
                     "state": {"created_at": "2026-11-20T00:00:00Z"}}
    assert earliest_cursor(per_partition) == pendulum.datetime(2026, 11, 2, 5)
    assert earliest_cursor({"use_global_cursor": True, "state": {"published_at": "2026-10-01T00:00:00Z"}}) == pendulum.datetime(2026, 10, 1)
    assert earliest_cursor({"date": "2026-09-09"}) == pendulum.datetime(2026, 9, 9)
    assert earliest_cursor({}) is None and earliest_cursor(None) is None
