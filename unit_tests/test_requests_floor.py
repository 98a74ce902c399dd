"""The yardstick of the request-count tests: what social_analytics_emulator/request_floor.py counts as the API's minimum,
so that a connector that wastes requests fails them."""
from __future__ import annotations

from social_analytics_emulator.request_floor import minimum_requests, repeated


def _get(path, **query):
    return {"method": "GET", "path": path, "query": query, "body": None, "profile_key": None}


def _post(path, body):
    return {"method": "POST", "path": path, "query": {}, "body": body, "profile_key": None}


def test_a_repeated_request_is_not_part_of_the_minimum():
    log = [_get("/postpost/api/v1/platform-connections"), _get("/postpost/api/v1/platform-connections")]
    assert minimum_requests(log) == 1
    assert len(repeated(log)) == 1


def test_the_same_request_for_two_profiles_is_two_units():
    log = [_get("/api/analytics/links"), {**_get("/api/analytics/links"), "profile_key": "k2"}]
    assert minimum_requests(log) == 2 and repeated(log) == []


def test_list_pages_below_the_maximum_page_size_cost_more_than_the_minimum():
    log = [_get("/mosaic/social/posts", limit="50", cursor=str(i)) for i in range(4)]
    assert minimum_requests(log) == 2  # the same 200 posts in 2 pages of 100
    assert minimum_requests([_get("/mosaic/social/posts", limit="100")]) == 1


def test_one_ayrshare_post_asked_per_platform_counts_once():
    log = [_post("/api/analytics/post", {"id": "p1", "platforms": [name]}) for name in ("x", "facebook")]
    assert minimum_requests(log) == 1


def test_one_postpost_post_asked_per_metric_counts_once():
    log = [_post("/postpost/api/v1/linkedin-post-statistics", {"postedId": "urn:1", "queryType": metric})
           for metric in ("IMPRESSION", "REACTION")]
    assert minimum_requests(log) == 1


def test_highlevel_statistics_need_one_call_per_100_profiles_per_period():
    profiles = [f"p{i}" for i in range(150)]
    in_thirds = [_post("/hl/social-media-posting/statistics", {"profileIds": profiles[i:i + 50], "period": "a"}) for i in (0, 50, 100)]
    assert minimum_requests(in_thirds) == 2
    other_period = _post("/hl/social-media-posting/statistics", {"profileIds": profiles[:10], "period": "b"})
    assert minimum_requests(in_thirds + [other_period]) == 3
