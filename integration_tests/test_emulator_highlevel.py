"""The HighLevel Social Planner emulator behaves as the vendor's documentation says (seed 000, api-notes §2)."""
from __future__ import annotations

from datetime import date, timedelta
import threading
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from social_analytics_emulator.highlevel import (
    ACCESS_TOKEN,
    BIG_LOCATION_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    INACTIVE_LOCATION_ID,
    INACTIVE_REFRESH_TOKEN,
    LOCATION_ID,
    REFRESH_TOKEN,
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


# -- statistics: the seed's follower totals -------------------------------------------------------------------
def test_platform_totals_followers_carry_total_and_one_daily_series_entry_per_day(pinned: _Client) -> None:
    """Seed 000: ``platformTotals.followers.<platform>`` is ``{total: number, series: number[]}``, series aligned with
    ``dayRange``. The seed says nothing more; the emulator's series are daily new followers and total their sum."""
    ids = SUPPORTED_PROFILE_IDS[LOCATION_ID]
    results = pinned.stats({"profileIds": ids}).json()["results"]
    followers = results["platformTotals"]["followers"]
    assert set(followers) == set(results["breakdowns"]["engagement"]) and followers
    days = _days(PINNED_TODAY - timedelta(days=7), PINNED_TODAY - timedelta(days=1))
    for platform, entry in followers.items():
        assert set(entry) == {"total", "series"}
        assert entry["series"] == _expected_series(ids, platform, days, "followers")
        assert entry["total"] == sum(entry["series"])
    assert results["totals"]["followers"] == sum(e["total"] for e in followers.values())


# -- OAuth 2.0 (api-notes-2 §5.1) -----------------------------------------------------------------------------
class _Clock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def oauth(client: _Client) -> Iterator[_Client]:
    """The shared server with a clock the test moves, the initial refresh tokens and the default token TTL."""
    clock = _Clock()
    client.vendor.clock = clock
    client.vendor.access_token_ttl_s = 86399
    client.vendor.reset_oauth()
    client.clock = clock  # type: ignore[attr-defined]
    yield client
    client.vendor.access_token_ttl_s = 86399
    client.vendor.reset_oauth()


def _refresh(client: _Client, refresh_token: Optional[str] = None, **fields: Optional[str]) -> requests.Response:
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "refresh_token",
            "refresh_token": refresh_token, "user_type": "Location", **fields}
    return requests.post(f"{client.base}/oauth/token", data={k: v for k, v in form.items() if v is not None}, timeout=10)


def test_refresh_answers_the_documented_v1_token_body(oauth: _Client) -> None:
    answer = _refresh(oauth, REFRESH_TOKEN)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope",
                         "userType", "locationId", "companyId", "userId", "planId"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86399 and body["userType"] == "Location"
    assert body["locationId"] == LOCATION_ID and body["refresh_token"] != REFRESH_TOKEN
    assert "socialplanner/statistics.readonly" in body["scope"].split()
    assert oauth.vendor.token_calls == 1


def test_refresh_chain_kills_the_used_refresh_token_and_the_new_one_works(oauth: _Client) -> None:
    first = _refresh(oauth, REFRESH_TOKEN).json()
    assert oauth.accounts(token=first["access_token"]).status_code == 200
    assert oauth.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID]}, token=first["access_token"]).status_code == 201
    second = _refresh(oauth, first["refresh_token"])
    assert second.status_code == 200
    reused = _refresh(oauth, REFRESH_TOKEN)
    assert reused.status_code == 400
    assert reused.json() == {"statusCode": 400, "message": "Invalid grant: refresh token is invalid"}
    assert _refresh(oauth, first["refresh_token"]).json() == {"statusCode": 400, "message": "Invalid grant: refresh token is invalid"}
    newest = second.json()["refresh_token"]
    assert oauth.vendor.current_refresh_token(LOCATION_ID) == newest
    assert oauth.vendor.valid_refresh_tokens() == [INACTIVE_REFRESH_TOKEN, newest]
    assert _refresh(oauth, newest).status_code == 200
    assert oauth.vendor.token_calls == 5


def test_unknown_or_revoked_refresh_token_is_invalid_grant_without_an_oauth_error_key(oauth: _Client) -> None:
    for token in ("0" * 32,):
        assert _refresh(oauth, token).json() == {"statusCode": 400, "message": "Invalid grant: refresh token is invalid"}
    oauth.vendor.revoke_refresh_token(REFRESH_TOKEN)
    revoked = _refresh(oauth, REFRESH_TOKEN)
    assert revoked.status_code == 400 and "error" not in revoked.json()


def test_oauth_access_token_expires_after_expires_in_on_the_vendor_clock(oauth: _Client) -> None:
    oauth.vendor.access_token_ttl_s = 60
    body = _refresh(oauth, REFRESH_TOKEN).json()
    assert body["expires_in"] == 60
    oauth.clock.now += 59  # type: ignore[attr-defined]
    assert oauth.accounts(token=body["access_token"]).status_code == 200
    oauth.clock.now += 1  # type: ignore[attr-defined]
    expired = oauth.accounts(token=body["access_token"])
    assert expired.status_code == 401
    assert expired.json() == {"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"}
    assert oauth.stats({"profileIds": SUPPORTED_PROFILE_IDS[LOCATION_ID]}, token=body["access_token"]).status_code == 401
    renewed = _refresh(oauth, body["refresh_token"]).json()  # the refresh token outlives the access token
    assert oauth.accounts(token=renewed["access_token"]).status_code == 200


def test_token_ttl_is_a_constructor_argument() -> None:
    vendor = HighLevelEmulator(access_token_ttl_s=5, clock=lambda: 10.0)
    with Emulator([vendor]) as emulator:
        answer = _refresh(_Client(emulator.url, vendor), REFRESH_TOKEN)
    assert answer.json()["expires_in"] == 5


def test_a_refresh_does_not_revoke_the_older_access_token(oauth: _Client) -> None:
    oauth.vendor.access_token_ttl_s = 100
    old = _refresh(oauth, REFRESH_TOKEN).json()
    oauth.clock.now += 50  # type: ignore[attr-defined]
    new = _refresh(oauth, old["refresh_token"]).json()
    assert oauth.accounts(token=old["access_token"]).status_code == 200
    oauth.clock.now += 50  # type: ignore[attr-defined]
    assert oauth.accounts(token=old["access_token"]).status_code == 401
    assert oauth.accounts(token=new["access_token"]).status_code == 200


def test_location_not_active_is_transient_and_the_same_refresh_token_works_later(oauth: _Client) -> None:
    for _ in range(2):
        paused = _refresh(oauth, INACTIVE_REFRESH_TOKEN)
        assert paused.status_code == 400
        assert paused.json() == {"statusCode": 400, "message": "Location is not active"}
        assert INACTIVE_REFRESH_TOKEN in oauth.vendor.valid_refresh_tokens()
    oauth.vendor.set_location_active(INACTIVE_LOCATION_ID, True)
    body = _refresh(oauth, INACTIVE_REFRESH_TOKEN).json()
    assert body["locationId"] == INACTIVE_LOCATION_ID
    assert oauth.accounts(INACTIVE_LOCATION_ID, token=body["access_token"]).json()["results"]["accounts"] == []
    # any location can be paused; its refresh token survives the pause
    oauth.vendor.set_location_active(LOCATION_ID, False)
    assert _refresh(oauth, REFRESH_TOKEN).json()["message"] == "Location is not active"
    oauth.vendor.set_location_active(LOCATION_ID, True)
    assert _refresh(oauth, REFRESH_TOKEN).status_code == 200


def test_private_integration_token_is_still_accepted_next_to_oauth_tokens(oauth: _Client) -> None:
    body = _refresh(oauth, REFRESH_TOKEN).json()
    oauth.clock.now += 10 * 86400  # type: ignore[attr-defined]  PITs have no expiry
    assert oauth.accounts(token=ACCESS_TOKEN).status_code == 200
    assert oauth.accounts(BIG_LOCATION_ID, token=ACCESS_TOKEN).status_code == 200
    assert oauth.accounts(token=body["access_token"]).status_code == 401


def test_oauth_access_token_reaches_only_its_own_location(oauth: _Client) -> None:
    body = _refresh(oauth, REFRESH_TOKEN).json()
    denied = oauth.accounts(BIG_LOCATION_ID, token=body["access_token"])
    assert denied.status_code == 403
    assert denied.json() == {"statusCode": 403, "message": "The token does not have access to this location."}


def test_oauth_rate_limit_budget_is_per_app_not_per_access_token(oauth: _Client) -> None:
    first = _refresh(oauth, REFRESH_TOKEN).json()
    before = int(oauth.accounts(token=first["access_token"]).headers["X-RateLimit-Remaining"])
    second = _refresh(oauth, first["refresh_token"]).json()
    after = int(oauth.accounts(token=second["access_token"]).headers["X-RateLimit-Remaining"])
    assert after == before - 1


@pytest.mark.parametrize(
    "fields, status, message",
    [
        ({"client_id": None}, 400, "Missing parameter: clientId"),
        ({"client_secret": None}, 400, "Missing parameter: clientSecret"),
        ({"grant_type": None}, 400, "Missing parameter: grantType"),
        ({"grant_type": "password"}, 400, "Invalid parameter: grantType"),
        ({"refresh_token": None}, 400, "Missing parameter: refreshToken"),
        ({"user_type": "Company"}, 400, "Invalid parameter: userType"),
        ({"client_secret": "wrong"}, 401, "Invalid client: client credentials are invalid"),
        ({"client_id": "someone-else"}, 401, "Invalid client: client credentials are invalid"),
    ],
)
def test_token_call_parameter_and_client_errors_leave_the_refresh_token_valid(
    oauth: _Client, fields: Dict[str, Optional[str]], status: int, message: str
) -> None:
    fields = {"refresh_token": REFRESH_TOKEN, **fields}
    answer = _refresh(oauth, **fields)  # type: ignore[arg-type]
    assert answer.status_code == status
    assert answer.json()["message"] == message and answer.json()["statusCode"] == status
    assert REFRESH_TOKEN in oauth.vendor.valid_refresh_tokens()


def test_two_concurrent_refreshes_of_one_token_only_one_wins(oauth: _Client) -> None:
    answers: List[requests.Response] = []
    barrier = threading.Barrier(4)

    def refresh() -> None:
        barrier.wait()
        answers.append(_refresh(oauth, REFRESH_TOKEN))

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400]
    assert len([t for t in oauth.vendor.valid_refresh_tokens() if t != INACTIVE_REFRESH_TOKEN]) == 1
