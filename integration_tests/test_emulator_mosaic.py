"""The Mosaic emulator behaves as the vendor's pages (seeds 001/002, api-notes §3) describe."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List

import pytest
import requests

from social_analytics_emulator.mosaic import (
    API_KEY,
    CONNECTIONS,
    DELETED_POST_ID,
    FAILED_POST_ID,
    METRIC_KEYS,
    PARTIAL_FAILURE_POST_ID,
    POSTS_PER_SCALE,
    SCHEDULED_POST_ID,
    STATUSES,
    TWO_X_POST_ID,
    MosaicEmulator,
    _raw_metrics,
    build_posts,
)
from social_analytics_emulator.server import Emulator

AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with Emulator([MosaicEmulator()]) as emulator:
        yield emulator.url + "/mosaic"


def get(base: str, path: str, headers: Dict[str, str] = AUTH, **params: Any) -> requests.Response:
    return requests.get(base + path, headers=headers, params=params, timeout=10)


def all_posts(base: str, **params: Any) -> List[List[Dict[str, Any]]]:
    pages: List[List[Dict[str, Any]]] = []
    cursor = None
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        answer = get(base, "/social/posts", **query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"posts", "next_cursor"}
        pages.append(body["posts"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 100


def parse(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# -- auth ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_not_a_mosaic_key"},
        {"Authorization": "Bearer mk_unknown_key_123"},
        {"Authorization": API_KEY},  # no Bearer scheme
        {"X-API-Key": "mk_unknown_key_123"},
    ],
)
def test_bad_or_missing_key_is_401(base: str, headers: Dict[str, str]) -> None:
    answer = get(base, "/social/posts", headers=headers)
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"] == "invalid_api_key" and isinstance(body["detail"], str)


def test_bearer_and_legacy_x_api_key_both_work(base: str) -> None:
    assert get(base, "/whoami").status_code == 200
    answer = get(base, "/whoami", headers={"X-API-Key": API_KEY})
    assert answer.status_code == 200
    assert set(answer.json()) == {"user_id", "email", "is_admin", "api_key_id", "created_at", "last_used_at"}


def test_unknown_path_and_wrong_method(base: str) -> None:
    answer = get(base, "/social/nothing-here")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
    answer = requests.post(base + "/social/posts", headers=AUTH, json={}, timeout=10)
    assert answer.status_code == 405 and answer.json() == {"detail": "Method Not Allowed"}


def test_rate_limit_when_enabled() -> None:
    with Emulator([MosaicEmulator(rate_limit_per_minute=3)]) as emulator:
        url = emulator.url + "/mosaic"
        assert [get(url, "/whoami").status_code for _ in range(3)] == [200, 200, 200]
        answer = get(url, "/whoami")
        assert answer.status_code == 429
        assert answer.json() == {"detail": "Too many requests", "error": "rate_limit"}
        assert int(answer.headers["Retry-After"]) >= 1


# -- connections --------------------------------------------------------------------------------------

def test_connections(base: str) -> None:
    accounts = get(base, "/social/connections").json()["connected_accounts"]
    by_platform: Dict[str, List[str]] = {}
    for account in accounts:
        assert set(account) == {"social_connection_id", "platform", "account_name", "account_username", "profile_url"}
        by_platform.setdefault(account["platform"], []).append(account["social_connection_id"])
    assert len(by_platform["x"]) == 2
    for platform in ("linkedin", "instagram", "tiktok"):
        assert len(by_platform[platform]) == 1
    assert sorted(a["social_connection_id"] for a in accounts) == sorted(CONNECTIONS.values())

    one = get(base, f"/social/connections/{CONNECTIONS['x_second']}").json()
    assert one["connected"] is True and one["platform"] == "x"
    assert {"username", "display_name", "user_image", "profile_url"} <= set(one)
    missing = get(base, "/social/connections/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


# -- posts --------------------------------------------------------------------------------------------

def test_posts_default_limit_and_shape(base: str) -> None:
    body = get(base, "/social/posts").json()
    assert len(body["posts"]) == 20 and body["next_cursor"]
    post = body["posts"][0]
    assert {"post_id", "status", "description", "thumbnail_url", "scheduled_at", "created_at", "platforms", "destinations"} <= set(post)
    for dest in post["destinations"]:
        assert {"social_connection_id", "platform", "account_name", "account_username", "profile_url"} <= set(dest)


def test_paging_newest_first_to_the_end(base: str) -> None:
    pages = all_posts(base, limit=100)
    assert [len(page) for page in pages] == [100, 100, 50]
    posts = [p for page in pages for p in page]
    assert len({p["post_id"] for p in posts}) == POSTS_PER_SCALE
    stamps = [parse(p["created_at"]) for p in posts]
    assert stamps == sorted(stamps, reverse=True)
    assert len(set(stamps)) == len(stamps)  # strictly descending across page boundaries
    now = datetime.now(timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    assert all(midnight - timedelta(days=120) <= s < midnight for s in stamps)
    in_60_days = [s for s in stamps if s >= now - timedelta(days=60)]
    assert 100 < len(in_60_days) < 200  # a 60-day window spans two pages of 100 ...
    assert len(posts) > 200  # ... and the page after the window exists


def test_limit_validation_and_bad_cursor(base: str) -> None:
    too_big = get(base, "/social/posts", limit=101)
    assert too_big.status_code == 422 and too_big.json()["error"] == "parameter_out_of_range"
    assert get(base, "/social/posts", limit=0).status_code == 422
    assert get(base, "/social/posts", limit="ten").json()["error"] == "validation_error"
    bad = get(base, "/social/posts", cursor="not-a-cursor!!")
    assert bad.status_code == 400 and bad.json()["error"] == "validation_error"
    assert get(base, "/social/posts", status="published").status_code == 400


def test_statuses_and_filters(base: str) -> None:
    posts = [p for page in all_posts(base, limit=100) for p in page]
    seen = {p["status"] for p in posts}
    assert {"posted", "partial_failure", "failed", "scheduled", "processing", "pending_approval"} <= seen
    assert seen <= set(STATUSES)
    now = datetime.now(timezone.utc)
    for post in posts:
        if post["status"] == "scheduled":
            assert parse(post["scheduled_at"]) > now
        if post["status"] == "partial_failure":
            states = [d["status"] for d in post["destinations"]]
            assert states.count("failed") == 1 and "posted" in states
        if post["status"] == "posted":
            assert all(d["status"] == "posted" and d["platform_post_id"] and d["post_url"] for d in post["destinations"])

    failed = [p for page in all_posts(base, status="failed", limit=50) for p in page]
    assert failed and all(p["status"] == "failed" for p in failed)
    tiktok = [p for page in all_posts(base, platform="tiktok", limit=100) for p in page]
    assert tiktok and all("tiktok" in p["platforms"] for p in tiktok)
    second = [p for page in all_posts(base, social_connection_id=CONNECTIONS["x_second"], limit=100) for p in page]
    assert second and all(any(d["social_connection_id"] == CONNECTIONS["x_second"] for d in p["destinations"]) for p in second)
    assert TWO_X_POST_ID in {p["post_id"] for p in second}


# -- analytics ----------------------------------------------------------------------------------------

def test_analytics_seed_shape_and_nulls(base: str) -> None:
    body = get(base, f"/social/post/{TWO_X_POST_ID}/analytics").json()
    assert set(body) == {"post_id", "platform", "social_connection_id", "analytics", "stats"}
    assert set(body["analytics"]) == {"status", "totals", "platforms", "metadata"}
    assert body["analytics"]["status"] == "success" and body["analytics"]["metadata"] == {}
    assert list(body["analytics"]["totals"]) == list(METRIC_KEYS)
    for entry in body["analytics"]["platforms"]:
        assert set(entry) == {"platform", "platform_post_id", "post_url", "metrics", "raw_metrics"}
        assert list(entry["metrics"]) == list(METRIC_KEYS)
    x_entry = next(e for e in body["analytics"]["platforms"] if e["platform"] == "x")
    assert set(x_entry["raw_metrics"]) == {
        "likeCount", "replyCount", "repostCount", "impressionCount", "viewCount", "bookmarkCount", "quoteCount",
    }
    metrics = x_entry["metrics"]
    for key in ("video_views", "video_viewers", "video_watch_time_ms", "engagement", "clicks", "saves"):
        assert key in metrics and metrics[key] is None  # present as null, not omitted, not 0
    assert metrics["likes"] == x_entry["raw_metrics"]["likeCount"]
    assert metrics["comments"] == x_entry["raw_metrics"]["replyCount"]
    assert metrics["shares"] == x_entry["raw_metrics"]["repostCount"]
    assert metrics["quotes"] == x_entry["raw_metrics"]["quoteCount"]
    # totals sum only what this response returned; null where nobody returned the metric
    totals = body["analytics"]["totals"]
    assert totals["likes"] == sum(e["metrics"]["likes"] for e in body["analytics"]["platforms"])
    assert totals["saves"] is None and totals["video_views"] is None
    assert body["stats"]["status"] == "success"
    assert body["stats"]["x"]["analytics"] == x_entry["raw_metrics"]
    assert body["stats"]["x"]["id"] == x_entry["platform_post_id"]


def test_two_x_destinations_with_and_without_connection_id(base: str) -> None:
    post = get(base, f"/social/post/{TWO_X_POST_ID}").json()
    x_dests = [d for d in post["destinations"] if d["platform"] == "x"]
    assert {d["social_connection_id"] for d in x_dests} == {CONNECTIONS["x_main"], CONNECTIONS["x_second"]}
    native = {d["social_connection_id"]: d["platform_post_id"] for d in post["destinations"]}

    # without social_connection_id: the first account per platform only
    body = get(base, f"/social/post/{TWO_X_POST_ID}/analytics").json()
    assert body["platform"] == "x" and body["social_connection_id"] == CONNECTIONS["x_main"]
    entries = body["analytics"]["platforms"]
    assert [e["platform"] for e in entries] == ["x", "linkedin"]
    assert entries[0]["platform_post_id"] == native[CONNECTIONS["x_main"]]
    assert native[CONNECTIONS["x_second"]] not in {e["platform_post_id"] for e in entries}

    # with it: that account alone
    second = get(base, f"/social/post/{TWO_X_POST_ID}/analytics", social_connection_id=CONNECTIONS["x_second"]).json()
    assert second["social_connection_id"] == CONNECTIONS["x_second"] and second["platform"] == "x"
    assert len(second["analytics"]["platforms"]) == 1
    entry = second["analytics"]["platforms"][0]
    assert entry["platform_post_id"] == native[CONNECTIONS["x_second"]]
    assert "mosaic_eng" in entry["post_url"]
    assert second["analytics"]["totals"] == entry["metrics"]
    assert entry["metrics"] != entries[0]["metrics"]

    first = get(base, f"/social/post/{TWO_X_POST_ID}/analytics", social_connection_id=CONNECTIONS["x_main"]).json()
    assert first["analytics"]["platforms"] == [entries[0]]

    other = get(base, f"/social/post/{TWO_X_POST_ID}/analytics", social_connection_id=CONNECTIONS["tiktok"])
    assert other.status_code == 404 and other.json()["error"] == "not_found"


def test_deleted_and_unknown_posts_are_404(base: str) -> None:
    listed = {p["post_id"]: p for page in all_posts(base, limit=100) for p in page}
    assert listed[DELETED_POST_ID]["status"] == "posted"
    for post_id in (DELETED_POST_ID, "00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        answer = get(base, f"/social/post/{post_id}/analytics")
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Post not found", "error": "not_found"}


def test_unpublished_posts_have_empty_analytics(base: str) -> None:
    for post_id, state in ((SCHEDULED_POST_ID, "pending"), (FAILED_POST_ID, "error")):
        body = get(base, f"/social/post/{post_id}/analytics").json()
        assert body["analytics"]["status"] == state and body["analytics"]["platforms"] == []
        assert all(v is None for v in body["analytics"]["totals"].values())


def test_partial_failure_leaves_out_the_failed_destination(base: str) -> None:
    post = get(base, f"/social/post/{PARTIAL_FAILURE_POST_ID}").json()
    posted = [d for d in post["destinations"] if d["status"] == "posted"]
    failed = [d for d in post["destinations"] if d["status"] == "failed"]
    assert len(failed) == 1 and posted
    body = get(base, f"/social/post/{PARTIAL_FAILURE_POST_ID}/analytics").json()
    assert len(body["analytics"]["platforms"]) == len({d["platform"] for d in posted})
    one = get(base, f"/social/post/{PARTIAL_FAILURE_POST_ID}/analytics",
              social_connection_id=failed[0]["social_connection_id"]).json()
    assert one["analytics"]["status"] == "error" and one["analytics"]["platforms"] == []


def test_every_platform_has_its_nulls(base: str) -> None:
    expected_null = {
        "x": {"video_views", "video_viewers", "video_watch_time_ms", "engagement", "clicks", "saves"},
        "linkedin": {"views", "video_views", "video_viewers", "video_watch_time_ms", "saves", "bookmarks", "quotes"},
        "instagram": {"impressions", "video_views", "video_viewers", "video_watch_time_ms", "clicks", "bookmarks", "quotes"},
        "facebook": {"views", "engagement", "clicks", "saves", "bookmarks", "quotes"},
        "tiktok": {"impressions", "engagement", "clicks", "saves", "bookmarks", "quotes"},
        "youtube": {"impressions", "video_viewers", "engagement", "clicks", "saves", "bookmarks", "quotes"},
    }
    seen = set()
    for post in all_posts(base, status="posted", limit=100)[0][:40]:
        if post["post_id"] == DELETED_POST_ID:
            continue
        body = get(base, f"/social/post/{post['post_id']}/analytics").json()
        for entry in body["analytics"]["platforms"]:
            nulls = {k for k, v in entry["metrics"].items() if v is None}
            assert expected_null[entry["platform"]] <= nulls
            seen.add(entry["platform"])
            if entry["platform"] == "tiktok":
                assert entry["platform_post_id"] is None and entry["raw_metrics"]["itemId"]
    assert seen == set(expected_null)


def test_metrics_deterministic_and_growing_with_age() -> None:
    today = datetime.now(timezone.utc).date()
    posts = build_posts(today)
    assert posts == build_posts(today)
    assert len(build_posts(today, scale=2)) == 2 * POSTS_PER_SCALE
    post = next(p for p in posts if p.post_id == TWO_X_POST_ID)
    dest = post.destinations[0]
    early = _raw_metrics(post, dest, post.published_at + timedelta(days=1))
    late = _raw_metrics(post, dest, post.published_at + timedelta(days=20))
    assert early == _raw_metrics(post, dest, post.published_at + timedelta(days=1))
    assert all(late[k] >= early[k] for k in early) and late["impressionCount"] > early["impressionCount"]
