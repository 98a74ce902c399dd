"""PostPost in-process: HttpMocker answers, the CDK reads (entrypoint_wrapper). Fixed past dates: exact requests."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional
from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse
from airbyte_cdk.test.state_builder import StateBuilder
from jsonschema import validate

from source_social_analytics.source import SourceSocialAnalytics

BASE = "https://api.postpost.dev/api/v1"
KEY = "sk_mock_1a2b3c4d5e6f.0a1b2c3d4e5f6a7b8c9d"
ACCOUNTS = ("linkedin-Tz9W5i6ZYG", "linkedin-Hk4Qm2PxVb")
ALL = ["IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE"]
DAILY = ["IMPRESSION", "REACTION", "COMMENT", "RESHARE"]
FAILED = "Failed to fetch metric from LinkedIn"


def config(**top: Any) -> Dict[str, Any]:
    return {"provider": {"provider_type": "postpost", "api_key": KEY}, "start_date": "2026-10-01", "end_date": "2026-10-05",
            "lookback_window_days": 2, **top}


def ymd(text: str) -> Dict[str, int]:
    year, month, day = (int(part) for part in text.split("-"))
    return {"year": year, "month": month, "day": day}


def run(stream: str, cfg: Dict[str, Any], state: Optional[list] = None, mode: SyncMode = SyncMode.incremental):
    catalog = CatalogBuilder().with_stream(stream, mode).build()
    with patch("time.sleep"):
        return read(SourceSocialAnalytics(config=cfg, catalog=catalog, state=state), cfg, catalog, state)


def schema(stream: str) -> Dict[str, Any]:
    return json.load(open(f"source_social_analytics/schemas/{stream}.json"))


def connections(http_mocker: HttpMocker) -> None:
    body = {"success": True, "connections": [{"platformId": ACCOUNTS[0]}, {"platformId": "twitter-1"}, {"platformId": ACCOUNTS[1]}]}
    http_mocker.get(HttpRequest(f"{BASE}/platform-connections", headers={"x-api-key": KEY}), HttpResponse(json.dumps(body)))


def list_page(page: int) -> HttpRequest:
    return HttpRequest(f"{BASE}/list-posts", query_params={
        "platform": "linkedin", "sortBy": "scheduledTime", "sortOrder": "asc", "limit": "100", **({"page": str(page)} if page > 1 else {}),
        "fromDate": "2026-10-01T00:00:00Z", "toDate": "2026-10-05T23:59:59Z"})


def group(n: int, status: str = "published") -> Dict[str, Any]:
    return {"postGroupId": f"{n:024x}", "status": status, "scheduledTime": f"2026-10-0{1 + n % 4}T10:00:00.000Z",
            "platforms": [{"platformId": ACCOUNTS[0], "platform": "linkedin", "status": status}]}


def stats_request(posted_id: str, account: str = ACCOUNTS[0]) -> HttpRequest:
    return HttpRequest(f"{BASE}/linkedin-post-statistics", body={"postedId": posted_id, "platformId": account, "queryTypes": ALL})


class PostAnalyticsTest(TestCase):
    @HttpMocker()
    def test_pages_get_post_and_one_statistics_request_per_post(self, http_mocker: HttpMocker) -> None:
        page1 = [group(n) for n in range(1, 4)]  # hasNextPage, not the count, decides: small pages keep the budget idle
        page2 = [group(4, "partially_published"), group(5, "failed")]
        pages = {1: list_page(1), 2: list_page(2)}
        stats: Dict[int, HttpRequest] = {}
        http_mocker.get(pages[1], HttpResponse(json.dumps({"success": True, "posts": page1, "pagination": {"page": 1, "hasNextPage": True}})))
        http_mocker.get(pages[2], HttpResponse(json.dumps({"success": True, "posts": page2, "pagination": {"page": 2, "hasNextPage": False}})))
        for item in page1 + page2[:1]:
            n = int(item["postGroupId"], 16)
            entries = [{"_id": "e", "platform": "linkedin", "platformId": "Tz9W5i6ZYG", "status": "published", "postedId": f"urn:li:share:{n}"},
                       {"_id": "f", "platform": "linkedin", "platformId": "Hk4Qm2PxVb", "status": "failed", "error": {"code": "INVALID_CONTENT"}}]
            http_mocker.get(HttpRequest(f"{BASE}/get-post/{item['postGroupId']}"),
                            HttpResponse(json.dumps({"success": True, "postGroupId": item["postGroupId"], "posts": entries})))
            if n == 3:
                body = {"success": False, "metrics": {"IMPRESSION": 10, "MEMBERS_REACHED": None, "REACTION": 2, "COMMENT": -1, "RESHARE": None},
                        "errors": [{"metric": "RESHARE", "error": FAILED}], "cached": False}
            else:
                body = {"success": True, "metrics": {"IMPRESSION": n * 10, "MEMBERS_REACHED": n * 5, "REACTION": n, "COMMENT": 1, "RESHARE": 0},
                        "cachedMetrics": ["IMPRESSION"], "cached": True}
            stats[n] = stats_request(f"urn:li:share:{n}")
            http_mocker.post(stats[n], HttpResponse(json.dumps(body)))

        output = run("post_analytics", config())

        records = [r.record.data for r in output.records]
        assert len(records) == 4 and not output.errors  # 3 + the partially published one; the failed group has none
        for n in (1, 2, 3, 4):  # one statistics request per post, all five metrics in it
            http_mocker.assert_number_of_calls(stats[n], 1)
        http_mocker.assert_number_of_calls(pages[1], 1)
        http_mocker.assert_number_of_calls(pages[2], 1)
        by_id = {r["platform_post_id"]: r for r in records}
        three = by_id["urn:li:share:3"]
        assert (three["impressions"], three.get("reach"), three.get("comments"), three.get("shares")) == (10, None, None, None)
        assert three["metric_errors"] == [{"metric": "RESHARE", "error": FAILED}]  # only the real failure
        one = by_id["urn:li:share:1"]
        assert (one["account_id"], one["post_id"], one["platform"], one["published_at"]) == (ACCOUNTS[0], f"{1:024x}", "linkedin", "2026-10-02T10:00:00Z")
        assert one["shares"] == 0 and one["raw_metrics"]["cachedMetrics"] == ["IMPRESSION"] and one["metric_errors"] == []
        for record in records:
            validate(record, schema("post_analytics"))
        state = output.most_recent_state.stream_state.__dict__
        assert state["state"] == {"published_at": "2026-10-04T10:00:00Z"}


def daily_request(account: str, start: str, end_exclusive: str) -> HttpRequest:
    return HttpRequest(f"{BASE}/linkedin-account-statistics", body={
        "platformId": account, "aggregation": "DAILY", "queryTypes": DAILY, "dateRange": {"start": ymd(start), "end": ymd(end_exclusive)}})


def daily_answer(days: List[str], impressions: int) -> HttpResponse:
    rows = lambda value: [{"count": value, "dateRange": {"start": ymd(d), "end": ymd(d)}} for d in days]  # noqa: E731
    return HttpResponse(json.dumps({"success": True, "aggregation": "DAILY", "cached": False,
                                    "metrics": {"IMPRESSION": rows(impressions), "REACTION": rows(3), "COMMENT": rows(-1), "RESHARE": rows(0)}}))


def gains_request(account: str) -> HttpRequest:
    """The daily follower gains over the sync period (config(): 2026-10-01 .. 2026-10-05, the end exclusive)."""
    return HttpRequest(f"{BASE}/linkedin-followers", body={
        "platformId": account, "period": "daily", "dateRange": {"start": ymd("2026-10-01"), "end": ymd("2026-10-06")}})


def gains_answer(counts: Dict[str, int]) -> HttpResponse:
    return HttpResponse(json.dumps({"success": True, "data": [{"date": d, "count": c} for d, c in counts.items()],
                                    "totalGrowth": sum(counts.values()), "cached": False}))


class AccountStatisticsTest(TestCase):
    DAYS = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05"]

    @HttpMocker()
    def test_two_accounts_are_two_partitions_then_resume_from_cursor_minus_lookback(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        gains = {account: gains_request(account) for account in ACCOUNTS}
        for account, impressions in zip(ACCOUNTS, (100, 200)):
            http_mocker.post(daily_request(account, "2026-10-01", "2026-10-06"), daily_answer(self.DAYS, impressions))
        # account 1 gained followers on 3 of the 5 days (a 0 is a real 0); account 2's answer has no days at all
        http_mocker.post(gains[ACCOUNTS[0]], gains_answer({"2026-10-01": 4, "2026-10-02": 0, "2026-10-04": 7}))
        http_mocker.post(gains[ACCOUNTS[1]], gains_answer({}))

        output = run("account_statistics", config())

        records = [r.record.data for r in output.records]
        assert len(records) == 10 and not output.errors
        gained = {(r["account_id"], r["date"]): r.get("followers_gained") for r in records}
        assert [gained[(ACCOUNTS[0], d)] for d in self.DAYS] == [4, 0, None, 7, None]  # a day not reported: null, never 0
        assert all(gained[(ACCOUNTS[1], d)] is None for d in self.DAYS)
        assert all(r.get("followers") is None for r in records)  # a gain is never written as the count
        for request in gains.values():
            http_mocker.assert_number_of_calls(request, 1)  # one per account for the whole sync, not per window
        assert {(r["account_id"], r["impressions"]) for r in records} == {(ACCOUNTS[0], 100), (ACCOUNTS[1], 200)}
        assert all(r.get("reach") is None and r.get("comments") is None and r["shares"] == 0 for r in records)  # -1 -> null, 0 stays
        for record in records:
            validate(record, schema("account_statistics"))
        state = output.most_recent_state.stream_state.__dict__
        assert {s["partition"]["account_id"]: s["cursor"]["date"] for s in state["states"]} == {ACCOUNTS[0]: "2026-10-05", ACCOUNTS[1]: "2026-10-05"}

    @HttpMocker()
    def test_saved_state_per_account_requests_only_from_cursor_minus_lookback(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        # account 1 saved 10-04, account 2 saved 10-03; lookback 2 days -> 10-02 and 10-01
        first, second = daily_request(ACCOUNTS[0], "2026-10-02", "2026-10-06"), daily_request(ACCOUNTS[1], "2026-10-01", "2026-10-06")
        http_mocker.post(first, daily_answer(self.DAYS[1:], 1))
        http_mocker.post(second, daily_answer(self.DAYS, 2))
        for account in ACCOUNTS:
            http_mocker.post(gains_request(account), gains_answer({"2026-10-03": 1}))
        state = StateBuilder().with_stream_state("account_statistics", {
            "use_global_cursor": False, "state": {"date": "2026-10-03"}, "lookback_window": 0,
            "states": [{"partition": {"account_id": ACCOUNTS[0], "parent_slice": {}}, "cursor": {"date": "2026-10-04"}},
                       {"partition": {"account_id": ACCOUNTS[1], "parent_slice": {}}, "cursor": {"date": "2026-10-03"}}]}).build()

        output = run("account_statistics", config(), state)

        assert not output.errors and len(output.records) == 4 + 5
        http_mocker.assert_number_of_calls(first, 1)  # no other window was asked for (an unmatched request raises)
        http_mocker.assert_number_of_calls(second, 1)


def summary_request(account: str, period=("2025-10-06", "2026-10-06")) -> HttpRequest:
    return HttpRequest(f"{BASE}/linkedin-profile-summary", headers={"x-api-key": KEY},
                       body={"platformId": account, "dateRange": {"start": ymd(period[0]), "end": ymd(period[1])}})


def summary_answer(total, growth, errors=None) -> HttpResponse:
    body = {"success": not errors, "profile": {"followers": {"total": total, "periodGrowth": growth},
                                               "posts": {"totalImpressions": 25000, "totalMembersReached": 12500, "totalReactions": 500,
                                                         "totalComments": 75, "totalReshares": 30}}}
    if errors:
        body.update(partialData=True, errors=errors)
    return HttpResponse(json.dumps(body))


class SocialStatisticsTest(TestCase):
    @HttpMocker()
    def test_summary_figures_listed_in_errors_are_null_not_the_zero_the_api_writes(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        cfg = config(start_date="2024-01-01", end_date="2026-10-05")
        answers = {
            ACCOUNTS[0]: summary_answer(5000, 0, [{"metric": "followersPeriod", "error": "Failed to fetch follower growth"},
                                                  {"metric": "post_MEMBERS_REACHED", "error": "Failed to fetch members_reached count"}]),
            ACCOUNTS[1]: summary_answer(0, 0, ["Failed to fetch followers"]),  # the OpenAPI's strings
        }
        for account in ACCOUNTS:
            http_mocker.post(
                HttpRequest(f"{BASE}/linkedin-account-statistics", body={"platformId": account, "aggregation": "TOTAL", "queryTypes": ALL,
                                                                           "dateRange": {"start": ymd("2025-10-06"), "end": ymd("2026-10-06")}}),
                HttpResponse(json.dumps({"success": True, "aggregation": "TOTAL", "cached": False, "metrics": {
                    "IMPRESSION": 1, "MEMBERS_REACHED": 1, "RESHARE": 1, "REACTION": 1, "COMMENT": 1}})))
            http_mocker.post(summary_request(account), answers[account])

        records = {r.record.data["account_id"]: r.record.data for r in run("social_statistics", cfg).records}

        # (a null field is left out of the record, as every null metric)
        assert records[ACCOUNTS[0]]["followers"] == 5000 and records[ACCOUNTS[0]].get("followers_gained") is None
        assert records[ACCOUNTS[1]].get("followers") is None and records[ACCOUNTS[1]]["followers_gained"] == 0

    @HttpMocker()
    def test_total_over_the_period_one_record_per_account(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        cfg = config(start_date="2024-01-01", end_date="2026-10-05")  # longer than the API's 365 days: clamped
        followers = {account: summary_request(account) for account in ACCOUNTS}
        for account, reach, count in zip(ACCOUNTS, (22150, None), (1234, 0)):
            http_mocker.post(
                HttpRequest(f"{BASE}/linkedin-account-statistics", body={"platformId": account, "aggregation": "TOTAL", "queryTypes": ALL,
                                                                           "dateRange": {"start": ymd("2025-10-06"), "end": ymd("2026-10-06")}}),
                HttpResponse(json.dumps({"success": True, "aggregation": "TOTAL", "cached": False, "metrics": {
                    "IMPRESSION": 45230, "MEMBERS_REACHED": reach, "RESHARE": 89, "REACTION": 1234, "COMMENT": 256}})))
            http_mocker.post(followers[account], summary_answer(count, 150 if count else 0))

        output = run("social_statistics", cfg)

        records = {r.record.data["account_id"]: r.record.data for r in output.records}
        assert set(records) == set(ACCOUNTS) and not output.errors
        # the profile summary's count (a count; a real 0 stays 0) and the period's gain: one request per account
        assert records[ACCOUNTS[0]]["followers"] == 1234 and records[ACCOUNTS[1]]["followers"] == 0
        assert records[ACCOUNTS[0]]["followers_gained"] == 150 and records[ACCOUNTS[1]]["followers_gained"] == 0
        for request in followers.values():
            http_mocker.assert_number_of_calls(request, 1)
        assert records[ACCOUNTS[0]]["reach"] == 22150 and records[ACCOUNTS[1]].get("reach") is None
        assert records[ACCOUNTS[1]]["raw"]["metric_errors"] == []
        assert (records[ACCOUNTS[0]]["period_start"], records[ACCOUNTS[0]]["period_end"]) == ("2025-10-06", "2026-10-05")
        for record in records.values():
            validate(record, schema("social_statistics"))


class FollowersUnavailableTest(TestCase):
    """POST /linkedin-followers answers 500 "Failed to fetch LinkedIn followers statistics" (api-notes-2 §4.1) when
    LinkedIn does not give the figure. The lookup is the parent of the account's rows: that account is skipped for
    this sync with one WARN (not retried: one call), the other accounts come, and its saved cursor does not move,
    so the next sync reads its window again."""

    FAILED = HttpResponse(json.dumps({"error": "Failed to fetch LinkedIn followers statistics"}), 500)

    @HttpMocker()
    def test_the_account_is_skipped_with_one_warning_and_its_state_does_not_move(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        http_mocker.post(daily_request(ACCOUNTS[1], "2026-10-01", "2026-10-06"), daily_answer(AccountStatisticsTest.DAYS, 5))
        failed = gains_request(ACCOUNTS[0])
        http_mocker.post(failed, self.FAILED)
        http_mocker.post(gains_request(ACCOUNTS[1]), gains_answer({"2026-10-02": 3}))

        output = run("account_statistics", config())

        records = [r.record.data for r in output.records]
        assert not output.errors and {r["account_id"] for r in records} == {ACCOUNTS[1]} and len(records) == 5
        http_mocker.assert_number_of_calls(failed, 1)
        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN" and "Skipping one PostPost account" in m.log.message]
        assert len(warnings) == 1 and "Failed to fetch LinkedIn followers statistics" in warnings[0]
        state = output.most_recent_state.stream_state.__dict__
        assert {s["partition"]["account_id"] for s in state["states"]} == {ACCOUNTS[1]}  # the skipped account's cursor: not moved

    @HttpMocker()
    def test_another_500_is_an_outage_retried_not_a_skip(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        for account in ACCOUNTS:
            http_mocker.post(daily_request(account, "2026-10-01", "2026-10-06"), daily_answer(AccountStatisticsTest.DAYS, 5))
        flaky = gains_request(ACCOUNTS[0])
        http_mocker.post(flaky, [HttpResponse(json.dumps({"error": "Internal server error"}), 500), gains_answer({"2026-10-02": 3})])
        http_mocker.post(gains_request(ACCOUNTS[1]), gains_answer({}))
        with patch("time.sleep"):
            output = run("account_statistics", config())
        records = [r.record.data for r in output.records]
        assert not output.errors and len(records) == 10
        http_mocker.assert_number_of_calls(flaky, 2)
        assert [r["followers_gained"] for r in records if r["account_id"] == ACCOUNTS[0] and r["date"] == "2026-10-02"] == [3]


class ErrorsTest(TestCase):
    @HttpMocker()
    def test_unknown_platform_id_404_is_a_config_error(self, http_mocker: HttpMocker) -> None:
        body = {"success": True, "connections": [{"platformId": ACCOUNTS[0]}]}
        http_mocker.get(HttpRequest(f"{BASE}/platform-connections"), HttpResponse(json.dumps(body)))
        http_mocker.post(gains_request(ACCOUNTS[0]), HttpResponse(json.dumps({"error": "LinkedIn connection not found"}), 404))
        output = run("account_statistics", config())
        [error, *_] = [e.trace.error for e in output.errors]
        assert error.failure_type.value == "config_error" and "provider.platform_ids" in error.message

    @HttpMocker()
    def test_429_waits_for_retry_after_then_succeeds(self, http_mocker: HttpMocker) -> None:
        connections(http_mocker)
        limited = HttpResponse(json.dumps({"success": False, "error": "Rate limit exceeded", "retryAfter": 45}), 429)
        http_mocker.post(daily_request(ACCOUNTS[0], "2026-10-01", "2026-10-06"), [limited, daily_answer(["2026-10-01"], 1)])
        http_mocker.post(daily_request(ACCOUNTS[1], "2026-10-01", "2026-10-06"), daily_answer(["2026-10-01"], 2))
        for account in ACCOUNTS:
            http_mocker.post(gains_request(account), gains_answer({"2026-10-01": 1}))
        with patch("time.sleep") as sleep:
            catalog = CatalogBuilder().with_stream("account_statistics", SyncMode.full_refresh).build()
            output = read(SourceSocialAnalytics(config=config(), catalog=catalog), config(), catalog)
        assert len(output.records) == 2 and not output.errors
        assert any(call.args and call.args[0] >= 45 for call in sleep.call_args_list)
