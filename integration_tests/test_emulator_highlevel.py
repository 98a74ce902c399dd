"""The HighLevel Social Planner emulator behaves as the vendor's documentation says (seed 000, api-notes §2)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from social_analytics_emulator.highlevel import (
    ACCESS_TOKEN,
    BIG_LOCATION_ID,
    LOCATION_ID,
    REASON_EXPIRED,
    REASON_LINKEDIN_NOT_PAGE,
    REASON_PLATFORM,
    REASON_TIKTOK_NOT_BUSINESS,
    SECOND_ACCESS_TOKEN,
    STATISTICS_PLATFORMS,
    SUPPORTED_PROFILE_IDS,
    UNKNOWN_LOCATION_ID,
    UNSUPPORTED_PROFILE_IDS,
    HighLevelEmulator,
    daily_value,
    percent_change,
)
from social_analytics_emulator.server import Emulator

RATE_HEADERS = (
    "X-RateLimit-Limit-Daily",
    "X-RateLimit-Daily-Remaining",
    "X-RateLimit-Interval-Milliseconds",
    "X-RateLimit-Max",
    "X-RateLimit-Remaining",
)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PINNED_TODAY = date(2025, 3, 20)  # a Thursday


class _Client:
    def __init__(self, base: str, vendor: HighLevelEmulator) -> None:
        self.base = base + "/highlevel"
        self.vendor = vendor

    def headers(self, version: Optional[str] = "2021-07-28", token: Optional[str] = ACCESS_TOKEN) -> Dict[str, str]:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if version is not None:
            headers["Version"] = version
        return headers

    def accounts(self, location: str = LOCATION_ID, **kwargs: Any) -> requests.Response:
        return requests.get(f"{self.base}/social-media-posting/{location}/accounts", headers=self.headers(**kwargs), timeout=10)

    def stats(self, body: Any, location: Optional[str] = LOCATION_ID, **kwargs: Any) -> requests.Response:
        params = {"locationId": location} if location is not None else {}
        return requests.post(
            f"{self.base}/social-media-posting/statistics", params=params, json=body, headers=self.headers(**kwargs), timeout=10
        )


@pytest.fixture(scope="module")
def server() -> Iterator[_Client]:
    vendor = HighLevelEmulator()
    with Emulator([vendor]) as emulator:
        yield _Client(emulator.url, vendor)


@pytest.fixture()
def client(server: _Client) -> _Client:
    """The shared server with a fresh rate-limit budget, the real clock and the real UTC date."""
    fresh = HighLevelEmulator()
    server.vendor.clock = fresh.clock
    server.vendor.today = fresh.today
    server.vendor.reset_rate_limits()
    return server


@pytest.fixture()
def pinned(client: _Client) -> _Client:
    client.vendor.today = lambda: PINNED_TODAY
    return client


def _days(first: date, last: date) -> List[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


_PLATFORM_OF = {a.profile_id: a.platform for a in HighLevelEmulator().accounts(LOCATION_ID)}


def _platform_of(profile_id: str) -> str:
    return _PLATFORM_OF[profile_id]


def _expected_series(profile_ids: List[str], platform: str, days: List[date], metric: str) -> List[int]:
    return [sum(daily_value(p, platform, d, metric) for p in profile_ids if _platform_of(p) == platform) for d in days]


# -- auth, Version, location ---------------------------------------------------------------------------------
def test_missing_or_bad_token_is_401(client: _Client) -> None:
    expected = {"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"}
    for token in (None, "pit-00000000-0000-0000-0000-000000000000"):
        answer = client.accounts(token=token)
        assert answer.status_code == 401
        assert answer.json() == expected
        answer = client.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID]}, token=token)
        assert answer.status_code == 401
        assert answer.json() == expected


def test_version_header_required_and_checked(client: _Client) -> None:
    missing = client.accounts(version=None)
    assert missing.status_code == 401
    assert missing.json()["message"] == "version header was not found."
    wrong = client.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID]}, version="2021-04-15")
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "version header is invalid"
    for version in ("2021-07-28", "v3"):
        assert client.accounts(version=version).status_code == 200


def test_unknown_location_is_403(client: _Client) -> None:
    body = {"statusCode": 403, "message": "The token does not have access to this location."}
    answer = client.accounts(UNKNOWN_LOCATION_ID)
    assert answer.status_code == 403 and answer.json() == body
    answer = client.stats({"profileIds": ["67a5a9aa776c837de4aa5b12"]}, location=UNKNOWN_LOCATION_ID)
    assert answer.status_code == 403 and answer.json() == body
    # the second token (another app) only knows LOCATION_ID
    assert client.accounts(BIG_LOCATION_ID, token=SECOND_ACCESS_TOKEN).status_code == 403
    assert client.accounts(LOCATION_ID, token=SECOND_ACCESS_TOKEN).status_code == 200


def test_unknown_path_is_nest_404(client: _Client) -> None:
    answer = requests.get(f"{client.base}/social-media-posting/nothing", headers=client.headers(), timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {"statusCode": 404, "message": "Cannot GET /social-media-posting/nothing", "error": "Not Found"}
    answer = requests.get(f"{client.base}/social-media-posting/statistics", headers=client.headers(), timeout=10)
    assert answer.status_code == 404


# -- accounts ------------------------------------------------------------------------------------------------
def test_accounts_shape_and_unsupported_kinds(client: _Client) -> None:
    answer = client.accounts()
    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True and body["statusCode"] == 200 and isinstance(body["message"], str)
    accounts = body["results"]["accounts"]
    assert 10 <= len(accounts) <= 12
    for account in accounts:
        assert set(account) == {"id", "oauthId", "profileId", "name", "platform", "type", "expire", "isExpired", "meta"}
    by_profile = {a["profileId"]: a for a in accounts}
    assert set(by_profile) == set(SUPPORTED_PROFILE_IDS[LOCATION_ID]) | set(UNSUPPORTED_PROFILE_IDS[LOCATION_ID])
    assert any(a["platform"] == "linkedin" and a["type"] != "page" for a in accounts)
    assert any(a["platform"] == "tiktok" and a["type"] != "business" for a in accounts)
    assert any(a["isExpired"] for a in accounts)
    reasons = UNSUPPORTED_PROFILE_IDS[LOCATION_ID]
    assert sorted(reasons.values()) == sorted([REASON_EXPIRED, REASON_LINKEDIN_NOT_PAGE, REASON_TIKTOK_NOT_BUSINESS, REASON_PLATFORM])
    for profile_id, reason in reasons.items():
        account = by_profile[profile_id]
        if reason == REASON_EXPIRED:
            assert account["isExpired"] is True
        elif reason == REASON_LINKEDIN_NOT_PAGE:
            assert account["platform"] == "linkedin" and account["type"] != "page"
        elif reason == REASON_TIKTOK_NOT_BUSINESS:
            assert account["platform"] == "tiktok" and account["type"] != "business"
        else:
            assert account["platform"] not in STATISTICS_PLATFORMS
    supported_platforms = {by_profile[p]["platform"] for p in SUPPORTED_PROFILE_IDS[LOCATION_ID]}
    assert supported_platforms == set(STATISTICS_PLATFORMS)
    groups = body["results"]["groups"]
    assert groups and set(groups[0]) == {"id", "name", "accountIds"}


def test_big_location_and_scale() -> None:
    assert len(SUPPORTED_PROFILE_IDS[BIG_LOCATION_ID]) == 150
    assert not UNSUPPORTED_PROFILE_IDS[BIG_LOCATION_ID]
    vendor = HighLevelEmulator(scale=2)
    with Emulator([vendor]) as emulator:
        c = _Client(emulator.url, vendor)
        assert len(c.accounts(BIG_LOCATION_ID).json()["results"]["accounts"]) == 300
        small = c.accounts(LOCATION_ID).json()["results"]["accounts"]
        assert len(small) == 2 * len(HighLevelEmulator().accounts(LOCATION_ID))
        assert len({a["profileId"] for a in small}) == len(small)


# -- statistics: status codes and windows --------------------------------------------------------------------
def test_v1_is_201_with_the_last_7_days_ending_yesterday(client: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    answer = client.stats({"profileIds": ids})
    assert answer.status_code == 201
    body = answer.json()
    assert body["message"] == "Analytics Built Successfully" and isinstance(body["traceId"], str)
    today = client.vendor.today()
    days = _days(today - timedelta(days=7), today - timedelta(days=1))
    results = body["results"]
    assert results["dayRange"] == [WEEKDAYS[d.weekday()] for d in days]
    assert results["platformTotals"]["impressions"]["facebook"]["series"] == _expected_series(ids, "facebook", days, "impressions")
    assert set(results) == {"dayRange", "totals", "postPerformance", "breakdowns", "platformTotals", "demographics"}


def test_v3_default_window_is_200_and_same_numbers(pinned: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    v1 = pinned.stats({"profileIds": ids})
    v3 = pinned.stats({"profileIds": ids}, version="v3")
    assert (v1.status_code, v3.status_code) == (201, 200)
    assert v1.json()["results"] == v3.json()["results"]
    assert v3.json()["results"]["dayRange"] == ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  # 13..19 March 2025


def test_v3_custom_window_series_and_weekdays(pinned: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    first, last = date(2025, 2, 20), date(2025, 3, 1)
    days = _days(first, last)
    answer = pinned.stats(
        {"profileIds": ids, "currentRange": {"startDate": "2025-02-20T00:00:00.000Z", "endDate": "2025-03-01T23:59:59.999Z"}},
        version="v3",
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert len(days) == 10
    assert results["dayRange"] == [WEEKDAYS[d.weekday()] for d in days]
    for metric in ("impressions", "followers", "likes"):
        for platform, entry in results["platformTotals"][metric].items():
            assert len(entry["series"]) == 10
            assert entry["series"] == _expected_series(ids, platform, days, metric)
            assert entry["total"] == sum(entry["series"])
    # instagram has two accounts: the series is their sum
    instagram_ids = [p for p in ids if _platform_of(p) == "instagram"]
    assert len(instagram_ids) == 2
    assert results["postPerformance"]["posts"]["instagram"] == [
        daily_value(instagram_ids[0], "instagram", d, "posts") + daily_value(instagram_ids[1], "instagram", d, "posts") for d in days
    ]
    assert len(results["postPerformance"]["impressions"]) == 10
    # no prevRange with a currentRange: no comparison data
    assert results["breakdowns"]["impressions"]["totalChange"] == 0


def test_same_day_same_number_in_any_window(pinned: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]

    def series(start: str, end: str) -> List[int]:
        answer = pinned.stats({"profileIds": ids, "currentRange": {"startDate": start, "endDate": end}}, version="v3")
        return answer.json()["results"]["platformTotals"]["likes"]["tiktok"]["series"]

    wide = series("2025-03-01", "2025-03-10")
    narrow = series("2025-03-05", "2025-03-06")
    single = series("2025-03-06", "2025-03-06")
    assert narrow == wide[4:6]
    assert single == [wide[5]]


def test_prev_range_gives_percentage_changes(pinned: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    current, previous = _days(date(2025, 3, 8), date(2025, 3, 14)), _days(date(2025, 3, 1), date(2025, 3, 7))
    answer = pinned.stats(
        {
            "profileIds": ids,
            "currentRange": {"startDate": "2025-03-08", "endDate": "2025-03-14"},
            "prevRange": {"startDate": "2025-03-01", "endDate": "2025-03-07"},
        },
        version="v3",
    )
    assert answer.status_code == 200
    impressions = answer.json()["results"]["breakdowns"]["impressions"]
    now = sum(sum(_expected_series(ids, p, current, "impressions")) for p in STATISTICS_PLATFORMS)
    before = sum(sum(_expected_series(ids, p, previous, "impressions")) for p in STATISTICS_PLATFORMS)
    assert impressions["total"] == now
    assert impressions["totalChange"] == percent_change(now, before) != 0
    fb_now = sum(_expected_series(ids, "facebook", current, "impressions"))
    fb_before = sum(_expected_series(ids, "facebook", previous, "impressions"))
    assert impressions["platforms"]["facebook"] == {"value": fb_now, "change": percent_change(fb_now, fb_before)}


def test_v1_ignores_current_range(pinned: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    plain = pinned.stats({"profileIds": ids}).json()["results"]
    ranged = pinned.stats({"profileIds": ids, "currentRange": {"startDate": "2025-01-01", "endDate": "2025-01-31"}})
    assert ranged.status_code == 201
    assert ranged.json()["results"] == plain
    assert len(plain["dayRange"]) == 7


# -- statistics: validation ----------------------------------------------------------------------------------
def test_more_than_100_profile_ids_is_400(client: _Client) -> None:
    ids = SUPPORTED_PROFILE_IDS[BIG_LOCATION_ID]
    for version in ("2021-07-28", "v3"):
        answer = client.stats({"profileIds": ids[:101]}, location=BIG_LOCATION_ID, version=version)
        assert answer.status_code == 400
        assert answer.json()["statusCode"] == 400 and isinstance(answer.json()["message"], str)
    assert client.stats({"profileIds": ids[:100]}, location=BIG_LOCATION_ID).status_code == 201
    assert client.stats({"profileIds": ids[:100]}, location=BIG_LOCATION_ID, version="v3").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"profileIds": []},
        {},
        {"profileIds": ["x"], "platforms": ["twitter"]},
        {"profileIds": ["x"], "prevRange": {"startDate": "2025-03-01", "endDate": "2025-03-07"}},
        {"profileIds": ["x"], "currentRange": {"startDate": "2025-03-08", "endDate": "2025-03-01"}},
        {"profileIds": ["x"], "currentRange": {"startDate": "yesterday", "endDate": "2025-03-01"}},
        {"profileIds": ["x"], "currentRange": {"startDate": "2025-03-01"}},
        {"profileIds": ["x"], "currentRange": {"startDate": "2025-03-01", "endDate": "2025-03-02"},
         "prevRange": {"startDate": "2025-02-30", "endDate": "2025-03-01"}},
    ],
)
def test_invalid_parameters_are_400(client: _Client, body: Dict[str, Any]) -> None:
    answer = client.stats(body, version="v3")
    assert answer.status_code == 400, answer.text
    assert answer.json()["statusCode"] == 400 and isinstance(answer.json()["message"], str)


def test_malformed_body_is_422(client: _Client) -> None:
    answer = requests.post(
        f"{client.base}/social-media-posting/statistics",
        params={"locationId": LOCATION_ID},
        data=b"{not json",
        headers={**client.headers(), "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 422
    assert answer.json() == {"statusCode": 422, "message": ["Unprocessable Entity"], "error": "Unprocessable Entity"}
    typed = client.stats({"profileIds": "abc"})
    assert typed.status_code == 422 and isinstance(typed.json()["message"], list)


def test_unsupported_profiles_are_ignored_and_platform_filter(pinned: _Client) -> None:
    unsupported = list(UNSUPPORTED_PROFILE_IDS[LOCATION_ID])
    answer = pinned.stats({"profileIds": unsupported})
    assert answer.status_code == 201
    results = answer.json()["results"]
    assert results["totals"] == {"posts": 0, "likes": 0, "followers": 0, "impressions": 0, "comments": 0}
    assert results["platformTotals"]["impressions"] == {}
    assert results["postPerformance"]["impressions"] == [0] * 7
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID] + unsupported
    filtered = pinned.stats({"profileIds": ids, "platforms": ["facebook", "linkedin"]}).json()["results"]
    assert set(filtered["platformTotals"]["likes"]) == {"facebook", "linkedin"}
    supported_only = pinned.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID], "platforms": ["facebook", "linkedin"]})
    assert supported_only.json()["results"] == filtered


# -- rate limits ---------------------------------------------------------------------------------------------
def test_five_rate_limit_headers_on_every_answer(client: _Client) -> None:
    answers = [
        client.accounts(),
        client.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID]}),
        client.stats({"profileIds": []}),
        client.accounts(token=None),
        client.accounts(UNKNOWN_LOCATION_ID),
        requests.get(f"{client.base}/nope", headers=client.headers(), timeout=10),
    ]
    for answer in answers:
        for name in RATE_HEADERS:
            assert name in answer.headers, (answer.status_code, name)
        assert answer.headers["X-RateLimit-Interval-Milliseconds"] == "10000"
        assert answer.headers["X-RateLimit-Max"] == "100"
        assert answer.headers["X-RateLimit-Limit-Daily"] == "200000"
    first, second = client.accounts(), client.accounts()
    assert int(second.headers["X-RateLimit-Remaining"]) == int(first.headers["X-RateLimit-Remaining"]) - 1
    assert int(second.headers["X-RateLimit-Daily-Remaining"]) == int(first.headers["X-RateLimit-Daily-Remaining"]) - 1


def test_429_past_100_requests_in_10_seconds(client: _Client) -> None:
    now = [1000.0]
    client.vendor.clock = lambda: now[0]
    url = f"{client.base}/social-media-posting/{LOCATION_ID}/accounts"
    for index in range(100):
        answer = requests.get(url, headers=client.headers(), timeout=10)
        assert answer.status_code == 200, index
        now[0] += 0.05
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    blocked = requests.get(url, headers=client.headers(), timeout=10)
    assert blocked.status_code == 429
    assert blocked.json() == {"statusCode": 429, "message": "Too Many Requests"}
    assert blocked.headers["X-RateLimit-Remaining"] == "0"
    # the budget is per token and location
    assert client.accounts(BIG_LOCATION_ID).status_code == 200
    assert client.accounts(LOCATION_ID, token=SECOND_ACCESS_TOKEN).status_code == 200
    # 10 s after the first request, room again
    now[0] = 1010.0
    assert requests.get(url, headers=client.headers(), timeout=10).status_code == 200
