"""The PostPost / Publora emulator behaves as the vendor's documentation says (seed 003, api-notes §4)."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from social_analytics_emulator.base import Request
from social_analytics_emulator.postpost import (
    ADVERTISED_RATE_LIMIT,
    API_KEY,
    EXPIRED_TOKEN_ID,
    LINKEDIN_IDS,
    LINKEDIN_RAW_IDS,
    METRICS,
    NO_API_ACCESS_KEY,
    OPENAPI_ERRORS_ID,
    ORPHAN_KEY,
    SECOND_ACCOUNT_KEY,
    SECOND_ACCOUNT_LINKEDIN_IDS,
    TWITTER_ID,
    PostPostEmulator,
)
from social_analytics_emulator.server import Emulator

PREFIX = "/postpost/api/v1"
HEADERS = {"x-api-key": API_KEY}


class Clock:
    """The vendor's clock: real time plus an offset a test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class Api:
    def __init__(self, emulator: Emulator, vendor: PostPostEmulator, clock: Clock) -> None:
        self.base = emulator.url + PREFIX
        self.vendor = vendor
        self.clock = clock
        self.session = requests.Session()

    def get(self, path: str, headers: Optional[Dict[str, str]] = None, **params: Any) -> requests.Response:
        return self.session.get(self.base + path, headers=HEADERS if headers is None else headers, params=params, timeout=5)

    def post(self, path: str, body: Any, headers: Optional[Dict[str, str]] = None) -> requests.Response:
        return self.session.post(self.base + path, headers=HEADERS if headers is None else headers, json=body, timeout=5)


@pytest.fixture(scope="module")
def shared() -> Iterator[Api]:
    # one server for the module: stopping a server costs half a second (serve_forever's poll interval)
    clock = Clock()
    vendor = PostPostEmulator(clock=clock)
    with Emulator([vendor]) as emulator:
        yield Api(emulator, vendor, clock)


@pytest.fixture()
def api(shared: Api) -> Iterator[Api]:
    """The shared emulator with an empty cache, fresh rate-limit windows, real time and no enforced limit."""
    shared.vendor.reset()
    shared.vendor.rate_limit_per_minute = None
    shared.clock.offset = 0.0
    yield shared
    shared.vendor.rate_limit_per_minute = None
    shared.clock.offset = 0.0


def _ymd(day: date) -> Dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _post(api: Api, quirk: Optional[str], metrics: Optional[List[str]] = None) -> Dict[str, Any]:
    for row in api.vendor.published_linkedin_posts():
        if row["quirk"] == quirk and (metrics is None or row["quirkMetrics"] == metrics):
            return row
    raise AssertionError(f"no post with quirk {quirk} {metrics}")


# -- auth, plan, headers, routing ---------------------------------------------------------------------
def test_missing_and_unknown_keys_are_401(api: Api) -> None:
    missing = api.get("/platform-connections", headers={})
    assert missing.status_code == 401 and missing.json() == {"error": "API key is required"}
    wrong = api.get("/platform-connections", headers={"x-api-key": "sk_nope_0000.1111"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "Invalid API key"}
    orphan = api.get("/platform-connections", headers={"x-api-key": ORPHAN_KEY})
    assert orphan.status_code == 401 and orphan.json() == {"error": "Invalid API key owner"}


def test_publora_header_is_accepted(api: Api) -> None:
    answer = api.get("/platform-connections", headers={"x-publora-key": API_KEY})
    assert answer.status_code == 200 and answer.json()["success"] is True


def test_starter_plan_key_gets_403_everywhere(api: Api) -> None:
    starter = {"x-api-key": NO_API_ACCESS_KEY}
    for answer in (
        api.get("/platform-connections", headers=starter),
        api.get("/list-posts", headers=starter),
        api.post("/linkedin-post-statistics", {"postedId": "urn:li:share:1", "platformId": LINKEDIN_IDS[0],
                                               "queryTypes": "ALL"}, headers=starter),
    ):
        assert answer.status_code == 403
        assert answer.json() == {"error": "API access is not enabled for this account"}


def test_rate_limit_headers_on_every_answer(api: Api) -> None:
    for answer in (api.get("/platform-connections"), api.get("/platform-connections", headers={}), api.get("/nope")):
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(answer.headers)
        assert int(answer.headers["X-RateLimit-Reset"]) >= int(time.time())


def test_unknown_paths_are_404(api: Api) -> None:
    for path in ("/nope", "/linkedin-posts", "/get-post"):
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json() == {"error": "Not found"}
    assert api.get("/linkedin-post-statistics").status_code == 404  # wrong method


def test_rate_limit_enforced_only_when_configured(api: Api) -> None:
    api.vendor.rate_limit_per_minute = 2
    first, second, third = (api.get("/platform-connections") for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert [first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]] == ["2", "1"]
    assert second.headers["X-RateLimit-Remaining"] == "0"
    assert third.json() == {"success": False, "error": "Rate limit exceeded", "retryAfter": third.json()["retryAfter"]}
    assert 1 <= third.json()["retryAfter"] <= 60
    api.clock.offset += 61  # the next window
    assert api.get("/platform-connections").status_code == 200


def test_rate_limit_not_enforced_by_default(api: Api) -> None:
    # use up the advertised allowance without HTTP (fast), then ask over HTTP
    request = Request("GET", PREFIX + "/platform-connections", {}, {"x-api-key": API_KEY}, b"")
    for _ in range(ADVERTISED_RATE_LIMIT):
        api.vendor.handle(request)
    answer = api.get("/platform-connections")
    assert answer.status_code == 200
    assert answer.headers["X-RateLimit-Limit"] == str(ADVERTISED_RATE_LIMIT)
    assert answer.headers["X-RateLimit-Remaining"] == "0"


# -- platform connections -----------------------------------------------------------------------------
def test_platform_connections(api: Api) -> None:
    body = api.get("/platform-connections").json()
    ids = [c["platformId"] for c in body["connections"]]
    assert body["success"] is True and "pagination" not in body
    assert [i for i in ids if i.startswith("linkedin-")] == list(LINKEDIN_IDS) and TWITTER_ID in ids
    for connection in body["connections"]:
        assert set(connection) == {
            "platformId", "username", "displayName", "profileImageUrl", "profileUrl", "accessTokenExpiresAt",
            "tokenStatus", "tokenExpiresIn", "lastSuccessfulPost", "lastError",
        }
        assert connection["tokenStatus"] in {"valid", "expiring_soon", "expired", "unknown"}


# -- list-posts -----------------------------------------------------------------------------------------
def test_list_posts_defaults_and_clamping(api: Api) -> None:
    body = api.get("/list-posts").json()
    assert len(body["posts"]) == 20
    pagination = body["pagination"]
    assert pagination["page"] == 1 and pagination["limit"] == 20 and pagination["hasPrevPage"] is False
    assert pagination["hasNextPage"] is True and pagination["totalPages"] == -(-pagination["totalItems"] // 20)
    assert api.get("/list-posts", limit=500).json()["pagination"]["limit"] == 100
    assert api.get("/list-posts", limit=-5).json()["pagination"]["limit"] == 1
    assert api.get("/list-posts", page=0).json()["pagination"]["page"] == 1
    created = [p["createdAt"] for p in body["posts"]]
    assert created == sorted(created, reverse=True)  # createdAt desc by default
    for post in body["posts"]:
        assert "postedId" not in post
        assert set(post) == {"postGroupId", "content", "status", "scheduledTime", "createdAt", "updatedAt",
                             "platforms", "mediaUrls"}


def test_sixty_day_window_needs_two_pages_of_100(api: Api) -> None:
    now = datetime.now(timezone.utc)
    since = (now - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    until = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    first = api.get("/list-posts", limit=100, fromDate=since, toDate=until).json()
    second = api.get("/list-posts", limit=100, page=2, fromDate=since, toDate=until).json()
    assert first["pagination"]["hasNextPage"] is True and second["pagination"]["hasNextPage"] is False
    assert second["pagination"]["hasPrevPage"] is True
    posts = first["posts"] + second["posts"]
    assert len(posts) == first["pagination"]["totalItems"] > 100
    assert len({p["postGroupId"] for p in posts}) == len(posts)
    assert {p["status"] for p in posts} == {"published", "partially_published", "failed"}  # no drafts, no future
    assert all(since <= p["scheduledTime"] <= until for p in posts)
    published = api.get("/list-posts", limit=100, status="published", fromDate=since).json()
    assert published["pagination"]["totalItems"] > 100


def test_status_filter_and_errors(api: Api) -> None:
    published = api.get("/list-posts", status="published", limit=100).json()["posts"]
    partial = api.get("/list-posts", status="partially_published", limit=100).json()["posts"]
    assert published and {p["status"] for p in published} == {"published"}
    assert partial and {p["status"] for p in partial} == {"partially_published"}
    for post in partial:  # one LinkedIn published, another platform failed (or the reverse)
        assert {e["status"] for e in post["platforms"]} == {"published", "failed"}
    bad = api.get("/list-posts", status="posted")
    assert bad.status_code == 400 and bad.json()["error"].startswith("Invalid status. Must be one of:")
    bad_sort = api.get("/list-posts", sortBy="title")
    assert bad_sort.status_code == 400 and bad_sort.json()["error"].startswith("Invalid sortBy.")
    for name in ("fromDate", "toDate"):
        answer = api.get("/list-posts", **{name: "last tuesday"})
        assert answer.status_code == 400 and answer.json() == {"error": f"Invalid {name} format"}


def test_platform_filter_takes_a_bare_name(api: Api) -> None:
    linkedin = api.get("/list-posts", platform="linkedin", limit=100).json()
    assert linkedin["pagination"]["totalItems"] > 0
    assert all(any(e["platformId"].startswith("linkedin-") for e in p["platforms"]) for p in linkedin["posts"])
    for platform in ("myspace", LINKEDIN_IDS[0]):
        answer = api.get("/list-posts", platform=platform)
        assert answer.status_code == 200 and answer.json()["posts"] == []


def test_sort_by_scheduled_time_ascending_and_scheduled_posts_are_future(api: Api) -> None:
    posts = api.get("/list-posts", sortBy="scheduledTime", sortOrder="asc", status="scheduled", limit=100).json()["posts"]
    times = [p["scheduledTime"] for p in posts]
    assert times == sorted(times) and times[0] > datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    drafts = api.get("/list-posts", status="draft").json()["posts"]
    assert drafts and all(p["scheduledTime"] is None for p in drafts)


def test_data_set_is_deterministic_and_scales() -> None:
    one, again, two = PostPostEmulator(), PostPostEmulator(), PostPostEmulator(scale=2)
    assert [g.id for g in one.groups()] == [g.id for g in again.groups()]
    assert [r["postedId"] for r in one.published_linkedin_posts()] == [r["postedId"] for r in again.published_linkedin_posts()]
    assert len(two.groups()) == 2 * len(one.groups())


# -- get-post -------------------------------------------------------------------------------------------
def test_get_post_raw_platform_id_and_posted_id(api: Api) -> None:
    row = _post(api, None)
    body = api.get(f"/get-post/{row['postGroupId']}").json()
    assert body["success"] is True and body["postGroupId"] == row["postGroupId"]
    linkedin = [p for p in body["posts"] if p["platform"] == "linkedin"]
    assert linkedin and all(p["platformId"] in LINKEDIN_RAW_IDS for p in linkedin)
    assert any("linkedin-" + p["platformId"] == row["platformId"] and p["postedId"] == row["postedId"] for p in linkedin)
    assert row["postedId"].startswith(("urn:li:share:", "urn:li:ugcPost:"))


def test_get_post_failed_and_unpublished_entries(api: Api) -> None:
    failed = api.get("/list-posts", status="failed").json()["posts"][0]
    for entry in api.get(f"/get-post/{failed['postGroupId']}").json()["posts"]:
        assert entry["status"] == "failed" and "postedId" not in entry
        assert set(entry["error"]) == {"code", "message", "platformStatusCode", "platformError", "failedAt", "retryable"}
    scheduled = api.get("/list-posts", status="scheduled").json()["posts"][0]
    assert all("postedId" not in e for e in api.get(f"/get-post/{scheduled['postGroupId']}").json()["posts"])


def test_get_post_unknown_and_malformed_ids(api: Api) -> None:
    unknown = api.get("/get-post/507f1f77bcf86cd799439011")
    assert unknown.status_code == 404 and unknown.json() == {"error": "Post group not found"}
    malformed = api.get("/get-post/not-an-object-id")
    assert malformed.status_code == 500 and malformed.json() == {"error": "Failed to fetch post group"}


# -- post statistics ------------------------------------------------------------------------------------
def test_post_statistics_all_metrics(api: Api) -> None:
    row = _post(api, None)
    answer = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                    "queryTypes": "all"})
    body = answer.json()
    assert answer.status_code == 200 and body["success"] is True
    assert list(body["metrics"]) == list(METRICS) and body["metrics"] == row["metrics"]
    assert "errors" not in body


def test_post_statistics_needs_the_compound_platform_id(api: Api) -> None:
    row = _post(api, None)
    raw = row["platformId"].split("-", 1)[1]
    for platform_id in (raw, TWITTER_ID, "linkedin-Unknown123"):
        answer = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": platform_id,
                                                        "queryTypes": "ALL"})
        assert answer.status_code == 404 and answer.json() == {"error": "LinkedIn connection not found"}


def test_post_statistics_validation(api: Api) -> None:
    row = _post(api, None)
    base = {"postedId": row["postedId"], "platformId": row["platformId"]}
    cases = [
        ({"platformId": row["platformId"], "queryTypes": "ALL"}, "postedId and platformId are required"),
        ({**base, "postedId": 12, "queryTypes": "ALL"}, "postedId and platformId must be strings"),
        (base, "queryType or queryTypes is required"),
        ({**base, "queryType": "impression"},
         "Invalid queryType. Must be one of: IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION, COMMENT"),
        ({**base, "queryTypes": ["IMPRESSION", "LIKES"]},
         'Invalid queryTypes: LIKES. Must be one of: IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION, COMMENT, or "ALL"'),
    ]
    for body, message in cases:
        answer = api.post("/linkedin-post-statistics", body)
        assert answer.status_code == 400 and answer.json() == {"error": message}
    mixed_case = api.post("/linkedin-post-statistics", {**base, "queryTypes": ["impression", "Reaction"]}).json()
    assert list(mixed_case["metrics"]) == ["IMPRESSION", "REACTION"]


def test_single_metric_form(api: Api) -> None:
    row = _post(api, None)
    body = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                    "queryType": "IMPRESSION"}).json()
    assert body == {"success": True, "count": row["metrics"]["IMPRESSION"], "cached": False}


def test_partial_failure_is_null_plus_errors_with_http_200(api: Api) -> None:
    row = _post(api, "fetch_failure", ["MEMBERS_REACHED", "RESHARE"])
    answer = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                    "queryTypes": "ALL"})
    body = answer.json()
    assert answer.status_code == 200 and body["success"] is False
    assert body["metrics"]["MEMBERS_REACHED"] is None and body["metrics"]["RESHARE"] is None
    assert body["metrics"]["IMPRESSION"] == row["metrics"]["IMPRESSION"]
    assert body["errors"] == [
        {"metric": "MEMBERS_REACHED", "error": "Failed to fetch metric from LinkedIn"},
        {"metric": "RESHARE", "error": "Failed to fetch metric from LinkedIn"},
    ]
    single = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                    "queryType": "RESHARE"})
    assert single.status_code == 500 and single.json() == {"error": "Failed to fetch metric from LinkedIn"}


def test_unavailable_metric_is_null_without_errors(api: Api) -> None:
    row = _post(api, "unavailable")
    body = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                  "queryTypes": ["ALL"]}).json()
    assert body["success"] is True and "errors" not in body
    assert body["metrics"]["MEMBERS_REACHED"] is None and body["metrics"]["IMPRESSION"] is not None


def test_minus_one_is_sent_literally(api: Api) -> None:
    row = _post(api, "minus_one")
    body = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": row["platformId"],
                                                  "queryTypes": "ALL"}).json()
    assert body["success"] is True and body["metrics"]["COMMENT"] == -1


def test_post_of_another_account_fails_every_metric(api: Api) -> None:
    row = _post(api, None)
    other = [i for i in LINKEDIN_IDS if i != row["platformId"]][0]
    body = api.post("/linkedin-post-statistics", {"postedId": row["postedId"], "platformId": other,
                                                  "queryTypes": "ALL"}).json()
    assert body["success"] is False and all(v is None for v in body["metrics"].values())
    assert [e["metric"] for e in body["errors"]] == list(METRICS)


def test_cache_flags_and_expiry(api: Api) -> None:
    row = _post(api, None)
    ask = {"postedId": row["postedId"], "platformId": row["platformId"]}
    first = api.post("/linkedin-post-statistics", {**ask, "queryTypes": ["IMPRESSION", "REACTION"]}).json()
    assert first["cached"] is False and "cachedMetrics" not in first
    second = api.post("/linkedin-post-statistics", {**ask, "queryTypes": "ALL"}).json()
    assert second["cached"] is True and second["cachedMetrics"] == ["IMPRESSION", "REACTION"]
    assert second["metrics"] == row["metrics"]
    single = api.post("/linkedin-post-statistics", {**ask, "queryType": "COMMENT"}).json()
    assert single == {"success": True, "count": row["metrics"]["COMMENT"], "cached": True}
    api.clock.offset += 29 * 60
    assert api.post("/linkedin-post-statistics", {**ask, "queryTypes": "ALL"}).json()["cached"] is True
    api.clock.offset += 2 * 60  # 31 minutes after the first answer
    expired = api.post("/linkedin-post-statistics", {**ask, "queryTypes": ["IMPRESSION"]}).json()
    assert expired["cached"] is False and "cachedMetrics" not in expired


def test_failed_metrics_are_not_cached(api: Api) -> None:
    row = _post(api, "fetch_failure", ["MEMBERS_REACHED", "RESHARE"])
    ask = {"postedId": row["postedId"], "platformId": row["platformId"], "queryTypes": "ALL"}
    api.post("/linkedin-post-statistics", ask)
    again = api.post("/linkedin-post-statistics", ask).json()
    assert again["cachedMetrics"] == ["IMPRESSION", "REACTION", "COMMENT"]
    assert [e["metric"] for e in again["errors"]] == ["MEMBERS_REACHED", "RESHARE"]


# -- account statistics ---------------------------------------------------------------------------------
def test_daily_with_members_reached_is_400(api: Api) -> None:
    message = {"error": "MEMBERS_REACHED with DAILY aggregation is not supported by LinkedIn API"}
    for body in (
        {"platformId": LINKEDIN_IDS[0], "queryType": "MEMBERS_REACHED", "aggregation": "DAILY"},
        {"platformId": LINKEDIN_IDS[0], "queryTypes": ["impression", "members_reached"], "aggregation": "daily"},
        {"platformId": LINKEDIN_IDS[0], "queryTypes": "ALL", "aggregation": "Daily"},
    ):
        answer = api.post("/linkedin-account-statistics", body)
        assert answer.status_code == 400 and answer.json() == message


def test_account_statistics_validation(api: Api) -> None:
    base = {"platformId": LINKEDIN_IDS[0], "queryTypes": "ALL"}
    cases = [
        ({"queryTypes": "ALL"}, "platformId is required"),
        ({"platformId": 7, "queryTypes": "ALL"}, "platformId must be a string"),
        ({"platformId": LINKEDIN_IDS[0]}, "queryType or queryTypes is required"),
        ({**base, "aggregation": 1}, "aggregation must be a string"),
        ({**base, "aggregation": "WEEKLY"}, "Invalid aggregation. Must be one of: DAILY, TOTAL"),
        ({**base, "dateRange": "last week"}, "dateRange must be an object"),
        ({**base, "dateRange": {"start": {"year": 2024, "month": 1, "day": 1}}},
         "dateRange must have both 'start' and 'end' objects"),
        ({**base, "dateRange": {"start": {"year": 2024, "month": 1}, "end": {"year": 2024, "month": 2, "day": 1}}},
         "dateRange.start and dateRange.end must have: year, month, day"),
    ]
    for body, message in cases:
        answer = api.post("/linkedin-account-statistics", body)
        assert answer.status_code == 400 and answer.json() == {"error": message}
    unknown = api.post("/linkedin-account-statistics", {"platformId": TWITTER_ID, "queryTypes": "ALL"})
    assert unknown.status_code == 404 and unknown.json() == {"error": "LinkedIn connection not found"}


def test_daily_rows_and_total_equal_their_sum(api: Api) -> None:
    today = _today()
    window = {"start": _ymd(today - timedelta(days=10)), "end": _ymd(today)}
    metrics = ["IMPRESSION", "REACTION", "COMMENT", "RESHARE"]
    daily = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryTypes": metrics,
                                                      "aggregation": "DAILY", "dateRange": window}).json()
    assert daily["success"] is True and daily["aggregation"] == "DAILY"
    rows = daily["metrics"]["IMPRESSION"]
    assert len(rows) == 10
    for n, row in enumerate(rows):
        day = today - timedelta(days=10 - n)
        assert row["dateRange"] == {"start": _ymd(day), "end": _ymd(day + timedelta(days=1))}
        assert isinstance(row["count"], int)
    total = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryTypes": "ALL",
                                                      "aggregation": "total", "dateRange": window}).json()
    assert total["aggregation"] == "TOTAL"
    for metric in metrics:
        assert total["metrics"][metric] == sum(r["count"] for r in daily["metrics"][metric])
    assert 0 < total["metrics"]["MEMBERS_REACHED"] < total["metrics"]["IMPRESSION"]


def test_account_single_metric_forms(api: Api) -> None:
    today = _today()
    window = {"start": _ymd(today - timedelta(days=3)), "end": _ymd(today)}
    daily = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "REACTION",
                                                      "aggregation": "DAILY", "dateRange": window}).json()
    assert set(daily) == {"success", "data", "aggregation", "cached"} and len(daily["data"]) == 3
    total = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "REACTION",
                                                      "dateRange": window}).json()
    assert total["aggregation"] == "TOTAL" and total["data"] == sum(r["count"] for r in daily["data"])
    unavailable = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[1],
                                                            "queryType": "MEMBERS_REACHED"}).json()
    assert unavailable["success"] is True and unavailable["data"] is None
    several = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[1], "queryTypes": "ALL"}).json()
    assert several["success"] is True and several["metrics"]["MEMBERS_REACHED"] is None and "errors" not in several


def test_account_ranges_future_long_and_omitted(api: Api) -> None:
    today = _today()
    future = {"start": _ymd(today + timedelta(days=2)), "end": _ymd(today + timedelta(days=9))}
    daily = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "IMPRESSION",
                                                      "aggregation": "DAILY", "dateRange": future}).json()
    assert daily["data"] == []
    total = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "IMPRESSION",
                                                      "dateRange": future}).json()
    assert total["data"] == 0
    straddling = {"start": _ymd(today - timedelta(days=2)), "end": _ymd(today + timedelta(days=5))}
    rows = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "IMPRESSION",
                                                     "aggregation": "DAILY", "dateRange": straddling}).json()["data"]
    assert [r["dateRange"]["start"] for r in rows] == [_ymd(today - timedelta(days=2)), _ymd(today - timedelta(days=1))]
    long = {"start": _ymd(today - timedelta(days=400)), "end": _ymd(today)}
    answer = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryTypes": "ALL",
                                                       "dateRange": long})
    assert answer.status_code == 400
    omitted_daily = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "COMMENT",
                                                              "aggregation": "DAILY"}).json()
    assert len(omitted_daily["data"]) == 30
    lifetime = api.post("/linkedin-account-statistics", {"platformId": LINKEDIN_IDS[0], "queryType": "COMMENT"}).json()
    assert lifetime["data"] > sum(r["count"] for r in omitted_daily["data"])


def test_account_statistics_cache(api: Api) -> None:
    ask = {"platformId": LINKEDIN_IDS[0], "queryTypes": ["IMPRESSION"], "aggregation": "TOTAL"}
    assert api.post("/linkedin-account-statistics", ask).json()["cached"] is False
    again = api.post("/linkedin-account-statistics", {**ask, "queryTypes": "ALL"}).json()
    assert again["cached"] is True and again["cachedMetrics"] == ["IMPRESSION"] and again["aggregation"] == "TOTAL"


# -- followers and profile summary ----------------------------------------------------------------------
def test_followers_lifetime_and_daily(api: Api) -> None:
    today = _today()
    lifetime = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0], "period": "LIFETIME"}).json()
    assert lifetime["success"] is True and lifetime["followersCount"] > 0 and lifetime["cached"] is False
    assert api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0]}).json()["cached"] is True
    window = {"start": _ymd(today - timedelta(days=7)), "end": _ymd(today)}
    daily = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0], "period": "daily",
                                               "dateRange": window}).json()
    assert len(daily["data"]) == 7 and daily["data"][0]["date"] == (today - timedelta(days=7)).isoformat()
    assert daily["totalGrowth"] == sum(r["count"] for r in daily["data"])
    missing = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0], "period": "daily"})
    assert missing.status_code == 400
    assert api.post("/linkedin-followers", {"platformId": TWITTER_ID}).status_code == 404


def test_profile_summary(api: Api) -> None:
    """Changed with api-notes-2 §4.2: the old answer had ``totalMembersReached: null`` AND an errors entry for it,
    which the docs rule out (a failed fetch is written as 0; null means only that LinkedIn answered -1)."""
    ok = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[0]}).json()
    assert ok["success"] is True
    assert set(ok["profile"]["posts"]) == {"totalImpressions", "totalMembersReached", "totalReactions",
                                           "totalComments", "totalReshares"}
    partial = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[1]}).json()
    assert partial["success"] is False and partial["partialData"] is True
    assert partial["profile"]["posts"]["totalMembersReached"] is None
    assert partial["errors"] == [{"metric": "post_RESHARE", "error": "Failed to fetch reshare count"}]


SECOND = {"x-api-key": SECOND_ACCOUNT_KEY}


def _window(days: int) -> Dict[str, Any]:
    today = _today()
    return {"start": _ymd(today - timedelta(days=days)), "end": _ymd(today)}


def test_followers_lifetime_is_the_documented_shape_and_cached_for_30_minutes(api: Api) -> None:
    ask = {"platformId": LINKEDIN_IDS[0], "period": "lifetime"}
    first = api.post("/linkedin-followers", ask)
    assert first.status_code == 200
    assert set(first.json()) == {"success", "followersCount", "cached"} and first.json()["cached"] is False
    api.clock.offset = 29 * 60
    again = api.post("/linkedin-followers", {**ask, "period": "Lifetime"}).json()
    assert again["cached"] is True and again["followersCount"] == first.json()["followersCount"]
    api.clock.offset = 31 * 60
    assert api.post("/linkedin-followers", ask).json()["cached"] is False


def test_followers_daily_counts_are_gains_summing_to_total_growth_and_agree_with_lifetime(api: Api) -> None:
    daily = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0], "period": "DAILY", "dateRange": _window(30)})
    body = daily.json()
    assert daily.status_code == 200 and set(body) == {"success", "data", "totalGrowth", "cached"}
    assert [set(row) for row in body["data"]] == [{"date", "count"}] * 30
    assert all(row["count"] >= 0 for row in body["data"])
    assert body["totalGrowth"] == sum(row["count"] for row in body["data"])
    assert body["data"][-1]["date"] == (_today() - timedelta(days=1)).isoformat()  # end exclusive, past days only
    again = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0], "period": "daily", "dateRange": _window(30)})
    assert again.json()["cached"] is True
    # lifetime count, profile-summary total and period growth are the same numbers
    lifetime = api.post("/linkedin-followers", {"platformId": LINKEDIN_IDS[0]}).json()["followersCount"]
    summary = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[0], "dateRange": _window(30)}).json()
    assert summary["profile"]["followers"] == {"total": lifetime, "periodGrowth": body["totalGrowth"]}


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "platformId is required"),
        ({"platformId": None}, "platformId is required"),
        ({"platformId": 42}, "platformId must be a string"),
        ({"platformId": ""}, "Invalid platformId"),
        ({"platformId": "   "}, "Invalid platformId"),
        ({"platformId": LINKEDIN_IDS[0], "period": 1}, "period must be a string"),
        ({"platformId": LINKEDIN_IDS[0], "period": "weekly"}, "Invalid period. Must be one of: lifetime, daily"),
        ({"platformId": LINKEDIN_IDS[0], "period": "daily"}, "dateRange is required for daily period"),
        ({"platformId": LINKEDIN_IDS[0], "period": "daily", "dateRange": "2025-01-01"}, "dateRange must be an object"),
        ({"platformId": LINKEDIN_IDS[0], "period": "daily", "dateRange": {"start": {"year": 2025, "month": 1, "day": 1}}},
         "dateRange must have both 'start' and 'end' objects"),
        ({"platformId": LINKEDIN_IDS[0], "period": "daily",
          "dateRange": {"start": {"year": 2025, "month": 1}, "end": {"year": 2025, "month": 2, "day": 1}}},
         "dateRange.start and dateRange.end must have: year, month, day"),
    ],
)
def test_followers_documented_400_messages(api: Api, body: Dict[str, Any], message: str) -> None:
    answer = api.post("/linkedin-followers", body)
    assert answer.status_code == 400 and answer.json() == {"error": message}


def test_followers_unknown_connection_is_404_and_expired_linkedin_token_is_500(api: Api) -> None:
    for platform_id in ("linkedin-nobody", TWITTER_ID, OPENAPI_ERRORS_ID):  # the last belongs to the other account
        answer = api.post("/linkedin-followers", {"platformId": platform_id})
        assert answer.status_code == 404 and answer.json() == {"error": "LinkedIn connection not found"}
    expired = api.post("/linkedin-followers", {"platformId": EXPIRED_TOKEN_ID}, headers=SECOND)
    assert expired.status_code == 500 and expired.json() == {"error": "Failed to fetch LinkedIn followers statistics"}
    assert api.post("/linkedin-followers", {"platformId": OPENAPI_ERRORS_ID}, headers=SECOND).status_code == 200


def test_profile_summary_period_growth_only_with_a_date_range(api: Api) -> None:
    without = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[0]}).json()
    assert without == {"success": True, "profile": without["profile"]}
    assert set(without["profile"]["followers"]) == {"total"}
    assert all(isinstance(v, int) for v in without["profile"]["posts"].values())
    within = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[0], "dateRange": _window(7)}).json()
    assert set(within["profile"]["followers"]) == {"total", "periodGrowth"}
    bad = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[0], "dateRange": {"start": _ymd(_today())}})
    assert bad.status_code == 400 and bad.json() == {"error": "dateRange must have both 'start' and 'end' objects"}


def test_profile_summary_failed_metric_is_zero_listed_as_object_and_null_only_for_minus_one(api: Api) -> None:
    answer = api.post("/linkedin-profile-summary", {"platformId": LINKEDIN_IDS[1], "dateRange": _window(30)})
    body = answer.json()
    assert answer.status_code == 200 and body["success"] is False and body["partialData"] is True
    posts = body["profile"]["posts"]
    assert posts["totalReshares"] == 0  # the failed fetch: 0, not null
    assert posts["totalMembersReached"] is None  # LinkedIn's -1: null, and not in errors
    assert body["errors"] == [{"metric": "post_RESHARE", "error": "Failed to fetch reshare count"}]
    assert isinstance(posts["totalImpressions"], int) and posts["totalImpressions"] > 0
    assert "periodGrowth" in body["profile"]["followers"]


def test_profile_summary_openapi_variant_lists_errors_as_strings(api: Api) -> None:
    answer = api.post("/linkedin-profile-summary", {"platformId": OPENAPI_ERRORS_ID}, headers=SECOND)
    body = answer.json()
    assert answer.status_code == 200 and body["success"] is False and body["partialData"] is True
    assert body["errors"] == ["Failed to fetch followers"]
    assert body["profile"]["followers"] == {"total": 0}  # the failed follower count, written as 0
    assert all(isinstance(v, int) for v in body["profile"]["posts"].values())


def test_profile_summary_all_fetches_failed_is_502_with_every_metric_in_errors(api: Api) -> None:
    answer = api.post("/linkedin-profile-summary", {"platformId": EXPIRED_TOKEN_ID}, headers=SECOND)
    assert answer.status_code == 502
    body = answer.json()
    assert set(body) == {"success", "error", "errors"} and body["success"] is False
    assert body["error"] == "Failed to fetch LinkedIn profile data"
    assert [e["metric"] for e in body["errors"]] == [
        "followersLifetime", "post_IMPRESSION", "post_MEMBERS_REACHED", "post_REACTION", "post_COMMENT", "post_RESHARE"]
    assert body["errors"][0] == {"metric": "followersLifetime", "error": "Failed to fetch follower count"}
    with_range = api.post("/linkedin-profile-summary", {"platformId": EXPIRED_TOKEN_ID, "dateRange": _window(7)}, headers=SECOND)
    assert {"metric": "followersPeriod", "error": "Failed to fetch follower growth"} in with_range.json()["errors"]


def test_test_connection_is_http_200_for_ok_and_for_error(api: Api) -> None:
    keys = {"status", "message", "permissions", "tokenExpiresIn", "lastSuccessfulPost", "lastError"}
    ok = api.post(f"/test-connection/{LINKEDIN_IDS[0]}", None)
    assert ok.status_code == 200 and set(ok.json()) == keys
    assert ok.json()["status"] == "ok" and "r_member_profileAnalytics" in ok.json()["permissions"]
    assert ok.json()["lastSuccessfulPost"] is not None and ok.json()["lastError"] is None
    listed = {c["platformId"]: c for c in api.get("/platform-connections").json()["connections"]}
    assert ok.json()["tokenExpiresIn"] == listed[LINKEDIN_IDS[0]]["tokenExpiresIn"]
    twitter = api.post(f"/test-connection/{TWITTER_ID}", {}).json()
    assert twitter["status"] == "ok" and twitter["lastError"] == listed[TWITTER_ID]["lastError"]
    error = api.post(f"/test-connection/{EXPIRED_TOKEN_ID}", None, headers=SECOND)
    assert error.status_code == 200 and set(error.json()) == keys
    assert error.json()["status"] == "error" and error.json()["tokenExpiresIn"] == "expired"
    assert error.json()["lastError"]["message"]


def test_test_connection_unknown_connection_is_404(api: Api) -> None:
    for platform_id, headers in (("linkedin-nobody", HEADERS), (EXPIRED_TOKEN_ID, HEADERS), (LINKEDIN_IDS[0], SECOND)):
        answer = api.post(f"/test-connection/{platform_id}", None, headers=headers)
        assert answer.status_code == 404 and answer.json() == {"error": "Connection not found"}


def test_second_account_has_its_own_connections_and_no_posts(api: Api) -> None:
    connections = api.get("/platform-connections", headers=SECOND).json()["connections"]
    assert [c["platformId"] for c in connections] == list(SECOND_ACCOUNT_LINKEDIN_IDS)
    assert {c["platformId"]: c["tokenStatus"] for c in connections}[EXPIRED_TOKEN_ID] == "expired"
    assert api.get("/list-posts", headers=SECOND).json()["posts"] == []
    group = api.get("/list-posts").json()["posts"][0]["postGroupId"]
    assert api.get(f"/get-post/{group}", headers=SECOND).status_code == 404
    stats = api.post("/linkedin-account-statistics", {"platformId": EXPIRED_TOKEN_ID, "queryTypes": ["IMPRESSION"]},
                     headers=SECOND).json()
    assert stats["success"] is False and stats["metrics"] == {"IMPRESSION": None}
