"""PostPost components on the vendor's real payload shapes (seed 003, api-notes §4)."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

import pytest
import requests
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_social_analytics.providers.postpost import (
    PostPostAccountsExtractor,
    PostPostDailyExtractor,
    PostPostPostEntriesExtractor,
    PostPostRateLimitBackoff,
    PostPostStatisticsExtractor,
    compound_platform_id,
)

FAILED = "Failed to fetch metric from LinkedIn"


def response(body: Any, status: int = 200, request_body: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = json.dumps(body).encode()
    answer.headers.update(headers or {})
    answer.request = requests.Request("POST", "https://api.postpost.dev/api/v1/x", json=request_body or {}).prepare()
    return answer


def extract(extractor_class, body: Any, config: Optional[Dict[str, Any]] = None, request_body=None, **kwargs) -> List[Dict[str, Any]]:
    extractor = extractor_class(config=config or {"provider": {"provider_type": "postpost"}}, parameters={}, **kwargs)
    return list(extractor.extract_records(response(body, request_body=request_body)))


class TestPostStatistics:
    def test_multi_metric_form_maps_the_five_metrics(self) -> None:
        body = {"success": True, "metrics": {"IMPRESSION": 15420, "MEMBERS_REACHED": 8234, "RESHARE": 23, "REACTION": 456, "COMMENT": 89},
                "cachedMetrics": ["IMPRESSION", "REACTION"], "cached": True}
        [record] = extract(PostPostStatisticsExtractor, body)
        assert (record["impressions"], record["reach"], record["shares"], record["likes"], record["comments"]) == (15420, 8234, 23, 456, 89)
        assert record["views"] is None and record["metric_errors"] == []
        assert record["raw_metrics"]["cached"] is True and record["raw_metrics"]["cachedMetrics"] == ["IMPRESSION", "REACTION"]

    def test_partial_failure_gives_nulls_listed_in_metric_errors(self) -> None:
        body = {"success": False, "metrics": {"IMPRESSION": 15420, "MEMBERS_REACHED": None, "REACTION": 456, "COMMENT": 89, "RESHARE": None},
                "errors": [{"metric": "MEMBERS_REACHED", "error": FAILED}, {"metric": "RESHARE", "error": FAILED}], "cached": False}
        [record] = extract(PostPostStatisticsExtractor, body)
        assert record["reach"] is None and record["shares"] is None and record["impressions"] == 15420
        assert record["metric_errors"] == [{"metric": "MEMBERS_REACHED", "error": FAILED}, {"metric": "RESHARE", "error": FAILED}]
        assert record["raw_metrics"]["cachedMetrics"] == []  # absent when empty: kept as []

    def test_null_without_error_and_literal_minus_one_are_null_without_error(self) -> None:
        body = {"success": True, "metrics": {"IMPRESSION": 100, "MEMBERS_REACHED": None, "REACTION": 0, "COMMENT": -1, "RESHARE": 2}, "cached": False}
        [record] = extract(PostPostStatisticsExtractor, body)
        assert record["reach"] is None and record["comments"] is None and record["metric_errors"] == []
        assert record["likes"] == 0  # a real zero stays zero

    def test_single_metric_form_reads_the_requested_metric(self) -> None:
        [record] = extract(PostPostStatisticsExtractor, {"success": True, "count": 1542, "cached": False}, request_body={"queryType": "IMPRESSION"})
        assert record["impressions"] == 1542 and record["likes"] is None

    def test_account_total_single_metric_null_and_multi(self) -> None:
        [single] = extract(PostPostStatisticsExtractor, {"success": True, "data": None, "aggregation": "TOTAL", "cached": False},
                           request_body={"queryType": "MEMBERS_REACHED"}, account_level=True)
        assert single["reach"] is None and single["followers"] is None and single["raw"]["metric_errors"] == []
        body = {"success": True, "metrics": {"IMPRESSION": 45230, "MEMBERS_REACHED": 22150, "RESHARE": 89, "REACTION": 1234, "COMMENT": 256},
                "aggregation": "TOTAL", "cachedMetrics": ["IMPRESSION"], "cached": True}
        [total] = extract(PostPostStatisticsExtractor, body, account_level=True)
        assert (total["impressions"], total["reach"], total["likes"]) == (45230, 22150, 1234)
        assert total["raw"]["aggregation"] == "TOTAL" and "raw_metrics" not in total


class TestDaily:
    ROWS = [
        {"count": 1200, "dateRange": {"start": {"year": 2024, "month": 1, "day": 15}, "end": {"year": 2024, "month": 1, "day": 16}}},
        {"count": 980, "dateRange": {"start": {"year": 2024, "month": 1, "day": 16}, "end": {"year": 2024, "month": 1, "day": 17}}},
    ]

    def test_multi_metric_daily_is_one_record_per_day(self) -> None:
        body = {"success": True, "aggregation": "DAILY", "cached": False, "metrics": {
            "IMPRESSION": self.ROWS, "REACTION": [{"count": 31, "dateRange": self.ROWS[0]["dateRange"]}],
            "COMMENT": [{"count": -1, "dateRange": self.ROWS[1]["dateRange"]}]}}
        records = extract(PostPostDailyExtractor, body)
        assert [r["date"] for r in records] == ["2024-01-15", "2024-01-16"]
        assert (records[0]["impressions"], records[0]["likes"], records[0]["comments"], records[0]["reach"]) == (1200, 31, None, None)
        assert (records[1]["impressions"], records[1]["likes"], records[1]["comments"]) == (980, None, None)

    def test_single_metric_daily(self) -> None:
        records = extract(PostPostDailyExtractor, {"success": True, "data": self.ROWS, "aggregation": "DAILY", "cached": False},
                          request_body={"queryType": "REACTION"})
        assert [(r["date"], r["likes"], r["impressions"]) for r in records] == [("2024-01-15", 1200, None), ("2024-01-16", 980, None)]

    def test_daily_failure_is_listed_in_raw(self) -> None:
        body = {"success": False, "aggregation": "DAILY", "cached": False, "metrics": {"IMPRESSION": self.ROWS, "RESHARE": None},
                "errors": [{"metric": "RESHARE", "error": FAILED}]}
        records = extract(PostPostDailyExtractor, body)
        assert len(records) == 2 and all(r["shares"] is None for r in records)
        assert records[0]["raw"]["metric_errors"] == [{"metric": "RESHARE", "error": FAILED}]


def test_get_post_entries_keep_linkedin_with_posted_id_and_prefix_the_raw_id() -> None:
    body = {"success": True, "postGroupId": "507f1f77bcf86cd799439011", "posts": [
        {"_id": "663a1b2c3d4e5f6a7b8c9d02", "platform": "linkedin", "platformId": "ABC123", "status": "published", "postedId": "urn:li:share:7654321"},
        {"_id": "663a1b2c3d4e5f6a7b8c9d03", "platform": "linkedin", "platformId": "DEF456", "status": "failed",
         "error": {"code": "PLATFORM_AUTH_EXPIRED", "message": "expired"}},
        {"_id": "663a1b2c3d4e5f6a7b8c9d04", "platform": "twitter", "platformId": "123", "status": "published", "postedId": "1888"},
    ]}
    assert extract(PostPostPostEntriesExtractor, body) == [{
        "post_group_id": "507f1f77bcf86cd799439011", "posted_id": "urn:li:share:7654321", "account_id": "linkedin-ABC123",
        "entry_id": "663a1b2c3d4e5f6a7b8c9d02", "status": "published"}]
    assert compound_platform_id("linkedin-ABC123") == "linkedin-ABC123"


CONNECTIONS = {"success": True, "connections": [
    {"platformId": "linkedin-Tz9W5i6ZYG", "displayName": "John Doe", "tokenStatus": "valid"},
    {"platformId": "twitter-123456789", "displayName": "Your Name", "tokenStatus": "unknown"},
    {"platformId": "linkedin-Hk4Qm2PxVb", "displayName": "Jane", "tokenStatus": "expiring_soon"}]}


def test_accounts_are_every_linkedin_connection_or_the_configured_ones() -> None:
    assert [r["account_id"] for r in extract(PostPostAccountsExtractor, CONNECTIONS)] == ["linkedin-Hk4Qm2PxVb", "linkedin-Tz9W5i6ZYG"]
    config = {"provider": {"provider_type": "postpost", "platform_ids": ["linkedin-Tz9W5i6ZYG"]}}
    assert [r["account_id"] for r in extract(PostPostAccountsExtractor, CONNECTIONS, config=config)] == ["linkedin-Tz9W5i6ZYG"]


def test_an_unknown_configured_id_is_a_config_error_naming_it() -> None:
    config = {"provider": {"provider_type": "postpost", "platform_ids": ["linkedin-nope"]}}
    with pytest.raises(AirbyteTracedException) as error:
        extract(PostPostAccountsExtractor, CONNECTIONS, config=config)
    assert "provider.platform_ids" in error.value.message and "linkedin-nope" in error.value.message
    assert error.value.failure_type.value == "config_error"


class TestRateLimitBackoff:
    strategy = PostPostRateLimitBackoff()

    def test_retry_after_body_field(self) -> None:
        assert self.strategy.backoff_time(response({"success": False, "error": "Rate limit exceeded", "retryAfter": 45}, 429), 1) == 45.0

    def test_reset_header_when_no_body_field(self) -> None:
        wait = self.strategy.backoff_time(response({"error": "Too Many Requests"}, 429, headers={"X-RateLimit-Reset": str(int(time.time()) + 20)}), 1)
        assert 18 <= wait <= 21

    def test_remaining_zero_alone_and_other_statuses_do_not_wait(self) -> None:
        assert self.strategy.backoff_time(response({"success": True}, 200, headers={"X-RateLimit-Remaining": "0"}), 1) is None
        assert self.strategy.backoff_time(response({"error": "x"}, 500), 1) is None
        assert self.strategy.backoff_time(response({"error": "LinkedIn says slow down"}, 429), 1) is None  # next strategy decides


@pytest.mark.parametrize(
    "status, body, expected_action, expected_words",
    [
        (401, {"error": "API key is required"}, "FAIL", ["provider.api_key", "API key is required"]),
        (401, {"error": "Invalid API key"}, "FAIL", ["provider.api_key", "Invalid API key"]),
        (401, {"error": "Invalid API key owner"}, "FAIL", ["provider.api_key"]),
        (403, {"error": "API access is not enabled for this account"}, "FAIL", ["provider.api_key", "no API access"]),
        (403, {"message": "LinkedIn: not enough permissions"}, "FAIL", ["LinkedIn"]),
        # on one post's statistics any 404 skips that post (its account may have been disconnected since);
        # the account streams keep "LinkedIn connection not found" as a config error (mock_server tests)
        (404, {"error": "LinkedIn connection not found"}, "IGNORE", ["Skipping", "LinkedIn connection not found"]),
        (429, {"success": False, "error": "Rate limit exceeded", "retryAfter": 45}, "RATE_LIMITED", []),
        (500, {"error": "Failed to fetch LinkedIn post statistics"}, "RETRY", ["Failed to fetch LinkedIn post statistics"]),
        (500, {"error": FAILED}, "RETRY", [FAILED]),
    ],
)
def test_error_table_of_the_vendor_page(status, body, expected_action, expected_words) -> None:
    from source_social_analytics.source import SourceSocialAnalytics

    config = {"provider": {"provider_type": "postpost", "api_key": "sk_test_0123456789abcdef"}}
    source = SourceSocialAnalytics(config=config)
    [stream] = [s for s in source.streams(source._config) if s.name == "post_analytics"]
    handler = stream._stream_partition_generator._partition_factory._retriever.requester.error_handler
    resolution = handler.interpret_response(response(body, status))
    assert resolution.response_action.name == expected_action
    for word in expected_words:
        assert word in (resolution.error_message or "")
    if status in (401, 403):
        assert resolution.failure_type.value == "config_error"


def test_daily_follower_gains_become_one_mapping_per_account_and_a_missing_day_is_never_zero():
    from airbyte_cdk.sources.types import StreamSlice

    from source_social_analytics.providers.postpost import PostPostDailyRecordFields, PostPostFollowerGainsExtractor

    body = {"success": True, "data": [{"date": "2024-01-15", "count": 10}, {"date": "2024-01-16", "count": "15"},
                                      {"date": "2024-01-17", "count": None}], "totalGrowth": 25, "cached": False}
    [record] = PostPostFollowerGainsExtractor(config={}, parameters={}).extract_records(response(body))
    assert record == {"gains": {"2024-01-15": 10, "2024-01-16": 15, "2024-01-17": None}}
    assert list(PostPostFollowerGainsExtractor(config={}, parameters={}).extract_records(response({"success": True}))) == [{"gains": {}}]

    fields = PostPostDailyRecordFields(config={"provider": {"provider_type": "postpost"}}, parameters={})
    piece = StreamSlice(partition={"account_id": "linkedin-A"}, cursor_slice={}, extra_fields={"gains": record["gains"]})
    rows = [{"date": "2024-01-15"}, {"date": "2024-01-18"}]
    for row in rows:
        fields.transform(row, stream_slice=piece)
    assert [row["followers_gained"] for row in rows] == [10, None]


def test_saved_account_states_find_their_partition_under_the_followers_parent():
    from source_social_analytics.providers.postpost import AccountPartitionsUnderFollowers

    migration = AccountPartitionsUnderFollowers(config={}, parameters={})
    old = {"use_global_cursor": False, "state": {"date": "2026-10-03"}, "lookback_window": 0,
           "states": [{"partition": {"account_id": "linkedin-A", "parent_slice": {}}, "cursor": {"date": "2026-10-04"}}]}
    assert migration.should_migrate(old)
    new = migration.migrate(old)
    assert new["states"] == [{"partition": {"account_id": "linkedin-A", "parent_slice": {"account_id": "linkedin-A", "parent_slice": {}}},
                              "cursor": {"date": "2026-10-04"}}]
    assert {k: v for k, v in new.items() if k != "states"} == {k: v for k, v in old.items() if k != "states"}
    assert not migration.should_migrate(new)  # a state of this version is left as it is
    assert not migration.should_migrate({"date": "2026-10-04"})
