"""Mosaic extractors on the vendor's real payload shapes (seeds 001/002, api-notes §3)."""
import json
from pathlib import Path

import jsonschema
import pytest
import requests
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_social_analytics.components.metrics import METRIC_COLUMNS
from source_social_analytics.providers.mosaic import (
    MosaicConnectionsExtractor,
    MosaicPostAnalyticsExtractor,
    MosaicPostsExtractor,
)
from unit_tests.payloads import extract_with, json_response

CONFIG = {"provider": {"provider_type": "mosaic", "api_key": "mk_test"}}
X_MAIN = "4df2f2b9-4c5f-4b3a-9581-1bcb8b4f7d01"
X_SECOND = "c3a91e5d-6b2f-4d8a-9e07-8f1b2a4c6d35"
LINKEDIN = "7f9388af-26e8-4e68-a52b-6b9a0ef3a017"
POST_ID = "2d8ca860-f8e0-4f3f-9f2c-337ead6ed91e"
SCHEMA = json.loads((Path(__file__).parents[1] / "source_social_analytics/schemas/post_analytics.json").read_text())

# The seed's example response (seed 001), verbatim.
SEED_METRICS = {
    "likes": 42, "comments": 7, "shares": 5, "impressions": 18420, "views": 9120, "video_views": None,
    "video_viewers": None, "video_watch_time_ms": None, "engagement": None, "clicks": None, "saves": None,
    "bookmarks": 18, "quotes": 3,
}
SEED_RAW = {"likeCount": 42, "replyCount": 7, "repostCount": 5, "impressionCount": 18420, "viewCount": 9120, "bookmarkCount": 18, "quoteCount": 3}
SEED_ANALYTICS = {
    "post_id": POST_ID,
    "platform": "x",
    "social_connection_id": X_MAIN,
    "analytics": {
        "status": "success",
        "totals": dict(SEED_METRICS),
        "platforms": [
            {
                "platform": "x",
                "platform_post_id": "1901625213503277588",
                "post_url": "https://x.com/mosaic_so/status/1901625213503277588",
                "metrics": dict(SEED_METRICS),
                "raw_metrics": dict(SEED_RAW),
            }
        ],
        "metadata": {},
    },
    "stats": {"status": "success", "x": {"id": "1901625213503277588", "analytics": dict(SEED_RAW)}},
}


def response(body) -> requests.Response:
    return json_response(body, "https://api.mosaic.so/social/test")


def extract(extractor_class, body, config=CONFIG):
    return extract_with(extractor_class, body, config, "https://api.mosaic.so/social/test")


class TestPostAnalytics:
    def test_the_seed_example_maps_field_by_field(self):
        [record] = extract(MosaicPostAnalyticsExtractor, SEED_ANALYTICS)
        assert record == {
            "post_id": POST_ID,
            "platform": "x",
            "platform_post_id": "1901625213503277588",
            "post_url": "https://x.com/mosaic_so/status/1901625213503277588",
            "account_id": X_MAIN,
            "likes": 42,
            "comments": 7,
            "shares": 5,
            "impressions": 18420,
            "reach": None,  # not in Mosaic's normalized set
            "views": 9120,
            "video_views": None,
            "video_viewers": None,
            "video_watch_time_ms": None,
            "engagement": None,
            "clicks": None,
            "saves": None,
            "bookmarks": 18,
            "quotes": 3,
            "raw_metrics": SEED_RAW,
            "metric_errors": [],
        }
        assert set(METRIC_COLUMNS) <= set(record)

    def test_the_record_validates_against_the_shared_schema(self):
        [record] = extract(MosaicPostAnalyticsExtractor, SEED_ANALYTICS)
        full = {**record, "provider": "mosaic", "published_at": "2026-03-10T16:00:00Z", "retrieved_at": "2026-11-23T10:00:00Z"}
        jsonschema.validate(full, SCHEMA, format_checker=jsonschema.FormatChecker())

    def test_null_metrics_stay_null_and_zero_stays_zero(self):
        body = json.loads(json.dumps(SEED_ANALYTICS))
        metrics = body["analytics"]["platforms"][0]["metrics"]
        metrics.update({"likes": None, "shares": 0})
        [record] = extract(MosaicPostAnalyticsExtractor, body)
        assert record["likes"] is None and record["shares"] == 0

    def test_the_legacy_stats_object_is_not_read(self):
        body = json.loads(json.dumps(SEED_ANALYTICS))
        body["stats"]["x"]["analytics"]["likeCount"] = 999
        del body["analytics"]["platforms"][0]["metrics"]["likes"]
        [record] = extract(MosaicPostAnalyticsExtractor, body)
        assert record["likes"] is None

    def test_tiktok_without_a_platform_post_id_falls_back_to_item_id(self):
        entry = {"platform": "tiktok", "platform_post_id": None, "post_url": None, "metrics": dict(SEED_METRICS), "raw_metrics": {"itemId": "7412"}}
        body = {"post_id": POST_ID, "platform": "x", "social_connection_id": X_MAIN, "analytics": {"status": "success", "platforms": [entry]}}
        [record] = extract(MosaicPostAnalyticsExtractor, body)
        assert record["platform_post_id"] == "7412"
        assert record["account_id"] is None  # not the top-level platform: the manifest sets it from the partition
        entry["raw_metrics"] = {}
        [record] = extract(MosaicPostAnalyticsExtractor, body)
        assert record["platform_post_id"] == f"{POST_ID}:tiktok"

    def test_a_post_without_posted_entries_gives_no_record(self):
        body = {"post_id": POST_ID, "analytics": {"status": "pending", "platforms": [], "totals": {}}, "stats": {"status": "pending"}}
        assert extract(MosaicPostAnalyticsExtractor, body) == []


def post(status="posted", destinations=((X_MAIN, "x"), (LINKEDIN, "linkedin")), scheduled_at="2026-03-10T16:00:00Z", **extra):
    return {
        "post_id": POST_ID,
        "status": status,
        "description": "Launch day recap from the Mosaic team.",
        "scheduled_at": scheduled_at,
        "created_at": "2026-03-09T10:00:00Z",
        "platforms": sorted({p for _, p in destinations}),
        "destinations": [{"social_connection_id": c, "platform": p, "account_name": "Mosaic"} for c, p in destinations],
        **extra,
    }


class TestPosts:
    def test_one_call_per_post_with_each_platforms_account(self):
        [call] = extract(MosaicPostsExtractor, {"posts": [post()], "next_cursor": None})
        assert call == {
            "call": POST_ID,
            "post_id": POST_ID,
            "created_at": "2026-03-09T10:00:00Z",
            "published_at": "2026-03-10T16:00:00Z",
            "social_connection_id": None,
            "accounts": {"x": X_MAIN, "linkedin": LINKEDIN},
        }

    def test_two_destinations_on_one_platform_give_one_call_per_connection(self):
        body = {"posts": [post(destinations=((X_MAIN, "x"), (X_SECOND, "x"), (LINKEDIN, "linkedin")))]}
        calls = extract(MosaicPostsExtractor, body)
        assert [c["social_connection_id"] for c in calls] == [X_MAIN, X_SECOND, LINKEDIN]
        assert [c["call"] for c in calls] == [f"{POST_ID}:{X_MAIN}", f"{POST_ID}:{X_SECOND}", f"{POST_ID}:{LINKEDIN}"]

    @pytest.mark.parametrize("status", ["failed", "scheduled", "pending_approval", "processing", "rejected"])
    def test_posts_without_analytics_give_no_call(self, status):
        assert extract(MosaicPostsExtractor, {"posts": [post(status=status)]}) == []

    def test_partial_failure_skips_the_failed_destination(self):
        body = post(status="partial_failure")
        body["destinations"][0]["status"] = "posted"
        body["destinations"][1]["status"] = "failed"
        [call] = extract(MosaicPostsExtractor, {"posts": [body]})
        # the failed destination has no analytics entry: one call, and only the posted account in the map
        assert call["social_connection_id"] is None and call["accounts"] == {"x": X_MAIN}

    def test_published_at_is_created_at_when_not_scheduled(self):
        [call] = extract(MosaicPostsExtractor, {"posts": [post(scheduled_at=None)]})
        assert call["published_at"] == "2026-03-09T10:00:00Z"

    def test_the_connection_filter_asks_for_the_chosen_destination_only(self):
        config = {"provider": {**CONFIG["provider"], "social_connection_ids": [LINKEDIN]}}
        [call] = extract(MosaicPostsExtractor, {"posts": [post()]}, config)
        assert call["social_connection_id"] == LINKEDIN and call["accounts"] == {"linkedin": LINKEDIN}
        only_x = {"posts": [post(destinations=((X_MAIN, "x"),))]}
        assert extract(MosaicPostsExtractor, only_x, config) == []


CONNECTIONS = {
    "connected_accounts": [
        {"social_connection_id": X_MAIN, "platform": "x", "account_name": "Mosaic", "account_username": "mosaic_so", "profile_url": "https://x.com/mosaic_so"},
        {"social_connection_id": LINKEDIN, "platform": "linkedin", "account_name": "Mosaic", "account_username": "mosaic-so",
         "profile_url": "https://www.linkedin.com/company/mosaic-so"},
    ]
}


class TestConnections:
    def test_without_a_filter_every_connection(self):
        assert extract(MosaicConnectionsExtractor, CONNECTIONS) == [{"accounts": "all"}]

    def test_the_filter_is_the_partition(self):
        config = {"provider": {**CONFIG["provider"], "social_connection_ids": [LINKEDIN, X_MAIN]}}
        assert extract(MosaicConnectionsExtractor, CONNECTIONS, config) == [{"accounts": f"{X_MAIN},{LINKEDIN}"}]

    def test_an_unknown_id_is_a_config_error_naming_it(self):
        config = {"provider": {**CONFIG["provider"], "social_connection_ids": [X_MAIN, "00000000-0000-4000-8000-000000000000"]}}
        with pytest.raises(AirbyteTracedException) as raised:
            extract(MosaicConnectionsExtractor, CONNECTIONS, config)
        assert raised.value.failure_type.value == "config_error"
        assert "provider.social_connection_ids" in raised.value.message
        assert "00000000-0000-4000-8000-000000000000" in raised.value.message
