"""HighLevel, in process: HttpMocker answers, the CDK's entrypoint runs the manifest (airbyte's connector style)."""
import json
import tempfile
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional
from unittest import TestCase
from unittest.mock import patch

import jsonschema
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import _run_command, discover, read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.state_builder import StateBuilder

from source_social_analytics.source import SourceSocialAnalytics

BASE = "https://services.leadconnectorhq.com"
TOKEN = "pit-3f6b2a91-7c4e-4d58-9a1b-e02c5d7f8a64"
LOCATION = "ve9EPM428h8vShlRW1KT"
NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SCHEMAS = __import__("pathlib").Path(__file__).resolve().parents[2] / "source_social_analytics" / "schemas"


def today() -> date:
    return datetime.now(timezone.utc).date()


YESTERDAY = today() - timedelta(days=1)


# -- builders ------------------------------------------------------------------------------------------------
def config(api_version: str = "2021-07-28", start: Optional[date] = None, **provider: Any) -> Dict[str, Any]:
    return {
        "provider": {"provider_type": "highlevel", "access_token": TOKEN, "location_id": LOCATION, "api_version": api_version, **provider},
        "start_date": (start or today() - timedelta(days=30)).isoformat(),
        "lookback_window_days": 2,
    }


def headers(api_version: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Version": api_version}


def accounts_request(api_version: str = "2021-07-28") -> HttpRequest:
    return HttpRequest(f"{BASE}/social-media-posting/{LOCATION}/accounts", headers=headers(api_version))


def account(index: int, platform: str = "facebook", kind: str = "page", expired: bool = False) -> Dict[str, Any]:
    return {"id": f"oauth_{LOCATION}_{index}", "oauthId": "oauth", "profileId": f"{index:024x}", "name": f"Account {index}",
            "platform": platform, "type": kind, "expire": "2027-01-01T00:00:00.000Z", "isExpired": expired, "meta": {}}


def accounts_response(items: List[Dict[str, Any]]) -> HttpResponse:
    return HttpResponse(json.dumps({"success": True, "statusCode": 200, "message": "Fetched Accounts",
                                    "results": {"accounts": items, "groups": []}}), 200)


def statistics_request(profile_ids: List[str], api_version: str = "2021-07-28", window=None, **extra: Any) -> HttpRequest:
    body: Dict[str, Any] = {"profileIds": profile_ids, **extra}
    if window:
        body["currentRange"] = {"startDate": f"{window[0]}T00:00:00.000Z", "endDate": f"{window[1]}T23:59:59.999Z"}
    return HttpRequest(f"{BASE}/social-media-posting/statistics", query_params={"locationId": LOCATION},
                       headers=headers(api_version), body=body)


def statistics_response(days: List[date], platforms=("facebook",), status: int = 201) -> HttpResponse:
    def series(metric: str) -> List[int]:
        return [day.day * 10 + len(metric) for day in days]  # the value says which day it belongs to

    results = {
        "dayRange": [NAMES[day.weekday()] for day in days],
        "totals": {"posts": 1, "likes": 2, "followers": 3, "impressions": 4, "comments": 5},
        "postPerformance": {"posts": {p: series("posts") for p in platforms}, "impressions": series("x"), "likes": series("x"), "comments": series("x")},
        "breakdowns": {
            **{m: {"total": 9, "totalChange": 1.5, "platforms": {p: {"value": 9, "change": -2.25} for p in platforms}} for m in ("posts", "impressions", "reach")},
            "engagement": {p: {"likes": 1, "comments": 2, "shares": 3, "change": 4} for p in platforms},
        },
        "platformTotals": {m: {p: {"total": sum(series(m)), "series": series(m)} for p in platforms} for m in ("impressions", "followers", "likes")},
        "demographics": {"gender": {"totals": {}}, "age": {"totals": {}}},
    }
    return HttpResponse(json.dumps({"results": results, "message": "Analytics Built Successfully", "traceId": "t"}), status)


def days_between(first: date, last: date) -> List[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def catalog(*streams: str, mode: SyncMode = SyncMode.incremental):
    builder = CatalogBuilder()
    for stream in streams or ("account_statistics",):
        builder = builder.with_stream(stream, mode)
    return builder.build()


def run(cfg, streams=("account_statistics",), state=None, mode=SyncMode.incremental, expecting_exception=False):
    cat = catalog(*streams, mode=mode)
    return read(SourceSocialAnalytics(config=cfg, catalog=cat, state=state), cfg, cat, state, expecting_exception=expecting_exception)


def check(cfg) -> Any:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(cfg, handle)
    out = _run_command(SourceSocialAnalytics(config=cfg), ["check", "--config", handle.name])
    return out.connection_status_messages[0].connectionStatus


def assert_valid(records, stream: str) -> None:
    schema = json.loads((SCHEMAS / f"{stream}.json").read_text())
    for record in records:
        jsonschema.validate(record.record.data, schema, format_checker=jsonschema.FormatChecker())


SEVEN = days_between(YESTERDAY - timedelta(days=6), YESTERDAY)  # the fixed v1 window


class TestDiscover(TestCase):
    def test_lists_exactly_the_two_highlevel_streams(self) -> None:
        cfg = config()
        out = discover(SourceSocialAnalytics(config=cfg), cfg)
        assert sorted(s.name for s in out.catalog.catalog.streams) == ["account_statistics", "social_statistics"]


class TestFullRefresh(TestCase):
    @HttpMocker()
    def test_150_accounts_make_two_statistics_requests_of_at_most_100(self, http_mocker: HttpMocker) -> None:
        items = [account(i, platform) for i, platform in zip(range(150), ["facebook", "instagram", "google"] * 50)]
        ordered = [a["profileId"] for a in sorted(items, key=lambda a: (a["platform"], a["profileId"]))]
        http_mocker.get(accounts_request(), accounts_response(items))
        first, second = statistics_request(ordered[:100]), statistics_request(ordered[100:])
        http_mocker.post(first, statistics_response(SEVEN, ("facebook", "google")))
        http_mocker.post(second, statistics_response(SEVEN, ("google", "instagram")))

        out = run(config(), mode=SyncMode.full_refresh)

        http_mocker.assert_number_of_calls(first, 1)
        http_mocker.assert_number_of_calls(second, 1)
        assert not out.errors
        rows = [r.record.data for r in out.records]
        assert len(rows) == 4 * 7  # 2 platforms per batch x 7 days
        # google straddles the two batches: two rows per day, told apart by profile_batch (summed by the vendor per batch)
        google = [r for r in rows if r["platform"] == "google" and r["date"] == YESTERDAY.isoformat()]
        assert len({r["profile_batch"] for r in google}) == 2
        keys = [(r["account_id"], r["platform"], r["date"], r["profile_batch"]) for r in rows]
        assert len(keys) == len(set(keys))
        assert {r["account_id"] for r in rows} == {LOCATION} and {r["provider"] for r in rows} == {"highlevel"}
        assert_valid(out.records, "account_statistics")

    @HttpMocker()
    def test_unsupported_accounts_are_never_sent_and_are_named_in_the_log(self, http_mocker: HttpMocker) -> None:
        items = [account(1, "facebook"), account(2, "linkedin", "profile"), account(3, "linkedin", "page"),
                 account(4, "tiktok", "profile"), account(5, "tiktok", "business"), account(6, "facebook", expired=True),
                 account(7, "twitter", "profile")]
        http_mocker.get(accounts_request(), accounts_response(items))
        request = statistics_request([items[0]["profileId"], items[2]["profileId"], items[4]["profileId"]], platforms=["facebook", "linkedin", "tiktok"])
        http_mocker.post(request, statistics_response(SEVEN, ("facebook", "linkedin", "tiktok")))

        out = run(config(platforms=["facebook", "linkedin", "tiktok"]), mode=SyncMode.full_refresh)

        http_mocker.assert_number_of_calls(request, 1)
        [line] = [m.log.message for m in out.logs if "left out" in m.log.message]
        assert "4 account(s)" in line
        for index in (2, 4, 6, 7):
            assert f"Account {index} " in line
        assert len(out.records) == 21

    @HttpMocker()
    def test_v1_rows_are_the_fixed_last_seven_days_dated_from_yesterday(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), accounts_response([account(1)]))
        http_mocker.post(statistics_request([account(1)["profileId"]]), statistics_response(SEVEN))
        out = run(config(), streams=("account_statistics", "social_statistics"))
        daily = [r.record.data for r in out.records if r.record.stream == "account_statistics"]
        assert [r["date"] for r in daily] == [d.isoformat() for d in SEVEN]
        assert all(r["impressions"] == int(r["date"][-2:]) * 10 + len("impressions") for r in daily)
        [period] = [r.record.data for r in out.records if r.record.stream == "social_statistics"]
        assert (period["period_start"], period["period_end"], period["date"]) == (SEVEN[0].isoformat(), YESTERDAY.isoformat(), YESTERDAY.isoformat())
        assert (period["posts"], period["likes"], period["shares"], period["raw"]["change"]["posts"]) == (9, 1, 3, -2.25)
        assert_valid([r for r in out.records if r.record.stream == "social_statistics"], "social_statistics")


class TestIncremental(TestCase):
    @HttpMocker()
    def test_v3_reads_exact_windows_then_only_from_cursor_minus_lookback(self, http_mocker: HttpMocker) -> None:
        start = YESTERDAY - timedelta(days=13)
        ids = [account(1)["profileId"]]
        http_mocker.get(accounts_request("v3"), accounts_response([account(1)]))
        windows = [(start, start + timedelta(days=6)), (start + timedelta(days=7), YESTERDAY)]
        requests_ = [statistics_request(ids, "v3", (a.isoformat(), b.isoformat())) for a, b in windows]
        for request, (a, b) in zip(requests_, windows):
            http_mocker.post(request, statistics_response(days_between(a, b), status=200))

        out = run(config("v3", start=start))
        for request in requests_:
            http_mocker.assert_number_of_calls(request, 1)
        assert sorted(r.record.data["date"] for r in out.records) == [d.isoformat() for d in days_between(start, YESTERDAY)]
        final = out.most_recent_state.stream_state.__dict__
        assert final["state"] == {"date": YESTERDAY.isoformat()}

        # second sync: saved cursor 3 days ago, lookback 2 -> one window from cursor - 2 days to yesterday
        cursor = YESTERDAY - timedelta(days=3)
        resumed = statistics_request(ids, "v3", ((cursor - timedelta(days=2)).isoformat(), YESTERDAY.isoformat()))
        http_mocker.post(resumed, statistics_response(days_between(cursor - timedelta(days=2), YESTERDAY), status=200))
        state = StateBuilder().with_stream_state("account_statistics", {"use_global_cursor": True, "state": {"date": cursor.isoformat()}}).build()
        again = run(config("v3", start=start), state=state)
        http_mocker.assert_number_of_calls(resumed, 1)
        for request in requests_:
            http_mocker.assert_number_of_calls(request, 1)  # not asked again
        assert min(r.record.data["date"] for r in again.records) == (cursor - timedelta(days=2)).isoformat()
        assert len(again.records) == 6

    @HttpMocker()
    def test_v3_period_rows_compare_with_the_window_before(self, http_mocker: HttpMocker) -> None:
        start = YESTERDAY - timedelta(days=6)
        ids = [account(1)["profileId"]]
        http_mocker.get(accounts_request("v3"), accounts_response([account(1)]))
        prev = {"startDate": f"{(start - timedelta(days=7)).isoformat()}T00:00:00.000Z", "endDate": f"{(start - timedelta(days=1)).isoformat()}T23:59:59.999Z"}
        request = statistics_request(ids, "v3", (start.isoformat(), YESTERDAY.isoformat()), prevRange=prev)
        http_mocker.post(request, statistics_response(days_between(start, YESTERDAY), status=200))
        out = run(config("v3", start=start), streams=("social_statistics",))
        [row] = [r.record.data for r in out.records]
        assert (row["period_start"], row["period_end"]) == (start.isoformat(), YESTERDAY.isoformat())

    @HttpMocker()
    def test_v1_rows_before_the_window_are_dropped_and_state_is_yesterday(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), accounts_response([account(1)]))
        http_mocker.post(statistics_request([account(1)["profileId"]]), statistics_response(SEVEN))
        state = StateBuilder().with_stream_state("account_statistics", {"use_global_cursor": True, "state": {"date": (YESTERDAY - timedelta(days=3)).isoformat()}}).build()
        out = run(config(), state=state)  # lookback 2: from yesterday - 5
        assert sorted(r.record.data["date"] for r in out.records) == [d.isoformat() for d in SEVEN[1:]]
        assert out.most_recent_state.stream_state.__dict__["state"] == {"date": YESTERDAY.isoformat()}


class TestErrors(TestCase):
    @HttpMocker()
    def test_check_succeeds_with_one_accounts_call(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), accounts_response([account(1)]))
        http_mocker.post(statistics_request([account(1)["profileId"]]), statistics_response(SEVEN))
        status = check(config())
        assert status.status.value == "SUCCEEDED", status.message

    @HttpMocker()
    def test_bad_token_is_a_config_error_naming_access_token(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), HttpResponse(json.dumps({"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"}), 401))
        status = check(config())
        assert status.status.value == "FAILED" and "provider.access_token" in status.message and "Invalid token" in status.message
        assert TOKEN not in status.message

    @HttpMocker()
    def test_unknown_location_is_a_config_error_naming_location_id(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), HttpResponse(json.dumps({"statusCode": 403, "message": "The token does not have access to this location."}), 403))
        status = check(config())
        assert status.status.value == "FAILED" and "provider.location_id" in status.message
        http_mocker.clear_all_matchers()
        http_mocker.get(accounts_request(), HttpResponse(json.dumps({"statusCode": 400, "message": "Location not found", "error": "Bad Request"}), 400))
        out = run(config(), expecting_exception=True)
        [error] = [e.trace.error for e in out.errors if e.trace.error.failure_type.value == "config_error"][:1]
        assert "provider.location_id" in error.message and "Location not found" in error.message

    @HttpMocker()
    def test_422_fails_naming_the_request_with_an_array_message(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(accounts_request(), accounts_response([account(1)]))
        http_mocker.post(statistics_request([account(1)["profileId"]]),
                         HttpResponse(json.dumps({"statusCode": 422, "message": ["Unprocessable Entity", "profileIds must be an array"], "error": "Unprocessable Entity"}), 422))
        out = run(config(), expecting_exception=True)
        messages = [e.trace.error.message for e in out.errors]
        assert any("POST /social-media-posting/statistics" in m and "HTTP 422" in m and "Unprocessable Entity; profileIds must be an array" in m for m in messages), messages
        assert not out.records

    @HttpMocker()
    def test_429_waits_the_rate_limit_interval_then_retries(self, http_mocker: HttpMocker) -> None:
        limited = HttpResponse(json.dumps({"statusCode": 429, "message": "Too Many Requests"}), 429,
                               {"X-RateLimit-Remaining": "0", "X-RateLimit-Interval-Milliseconds": "10000", "X-RateLimit-Max": "100",
                                "X-RateLimit-Limit-Daily": "200000", "X-RateLimit-Daily-Remaining": "199000"})
        http_mocker.get(accounts_request(), accounts_response([account(1)]))
        request = statistics_request([account(1)["profileId"]])
        http_mocker.post(request, [limited, statistics_response(SEVEN)])
        with patch("time.sleep") as sleep:
            out = run(config())
        http_mocker.assert_number_of_calls(request, 2)
        assert len(out.records) == 7
        assert any(abs(call.args[0] - 11.0) < 0.01 or abs(call.args[0] - 10.0) < 0.01 for call in sleep.call_args_list), sleep.call_args_list
