"""RecordFields: the fields a record takes from its sync, config and partition (components/record_fields.py),
with the slice shapes the CDK's SubstreamPartitionRouter builds for our streams."""
from __future__ import annotations

import datetime as dt

import pytest
from airbyte_cdk.sources.types import StreamSlice

from source_social_analytics.providers.mosaic import MosaicRecordFields
from source_social_analytics.components.record_fields import RecordFields

AYRSHARE = {"provider": {"provider_type": "ayrshare", "api_key": "k"}, "start_date": "2026-11-01", "end_date": "2026-11-23"}


def _ayrshare_post_slice() -> StreamSlice:
    # post_analytics' slice: the post id as partition, the profile's partition as parent_slice, the post's
    # publication time passed down from /history as an extra field
    return StreamSlice(
        partition={"post_id": "abc123", "parent_slice": {"account_id": "profile-0123456789ab", "parent_slice": {}}},
        cursor_slice={},
        extra_fields={"published_at": "2026-11-20T10:00:00Z"},
    )


def test_every_record_gets_provider_and_a_utc_retrieved_at():
    record = {"likes": 3}
    RecordFields(config=AYRSHARE, parameters={}).transform(record, stream_slice=None)
    assert record["provider"] == "ayrshare" and record["likes"] == 3
    retrieved = dt.datetime.strptime(record["retrieved_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs((dt.datetime.now(dt.timezone.utc) - retrieved).total_seconds()) < 5


def test_partition_and_extra_fields_fill_the_record_and_an_answered_post_id_is_kept():
    fields = RecordFields(config=AYRSHARE, parameters={},
                          from_slice={"account_id": "partition.parent_slice.account_id", "published_at": "extra_fields.published_at"},
                          slice_defaults={"post_id": "partition.post_id"})
    answered, unnamed = {"post_id": "from-answer"}, {"post_id": None}
    fields.transform(answered, stream_slice=_ayrshare_post_slice())
    fields.transform(unnamed, stream_slice=_ayrshare_post_slice())
    assert answered == {**answered, "account_id": "profile-0123456789ab", "published_at": "2026-11-20T10:00:00Z", "post_id": "from-answer"}
    assert unnamed["post_id"] == "abc123"  # never a null key


def test_an_id_that_looks_like_a_number_stays_a_string_and_a_missing_value_is_null():
    config = {"provider": {"provider_type": "highlevel", "location_id": "000123"}, "end_date": "2026-11-23"}
    record = {}
    RecordFields(config=config, parameters={}, from_config={"account_id": "provider.location_id", "period_start": "provider.nowhere"},
                 from_slice={"post_id": "extra_fields.absent"}, constants={"platform": "linkedin"}, today="date").transform(
        record, stream_slice=StreamSlice(partition={}, cursor_slice={}))
    assert record["account_id"] == "000123"  # AddFields' literal_eval would have made it the int 123
    assert record["period_start"] is None and record["post_id"] is None
    assert record["platform"] == "linkedin" and record["date"] == dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")


def test_a_slice_path_outside_partition_and_extra_fields_fails_when_the_stream_is_built():
    with pytest.raises(ValueError, match="partition"):
        RecordFields(config=AYRSHARE, parameters={}, from_slice={"account_id": "parent_slice.account_id"})


@pytest.mark.parametrize("extra, record, expected", [
    ({"social_connection_id": "conn-asked", "accounts": {"x": "conn-x"}}, {"platform": "x"}, "conn-asked"),
    ({"social_connection_id": None, "accounts": {"x": "conn-x", "linkedin": "conn-li"}}, {"platform": "linkedin"}, "conn-li"),
    ({"social_connection_id": None, "accounts": {}}, {"platform": "x", "account_id": "conn-in-entry"}, "conn-in-entry"),
    ({"social_connection_id": None, "accounts": {}}, {"platform": "tiktok", "account_id": None}, "unknown-tiktok-account"),
])
def test_mosaic_account_id_is_the_connection_of_the_entrys_platform(extra, record, expected):
    config = {"provider": {"provider_type": "mosaic", "api_key": "mk_x"}}
    MosaicRecordFields(config=config, parameters={}).transform(record, stream_slice=StreamSlice(partition={"call": "c"}, cursor_slice={}, extra_fields=extra))
    assert record["account_id"] == expected and record["provider"] == "mosaic"
