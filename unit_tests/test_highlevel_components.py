"""HighLevel components on the vendor's real payload shapes (seed 000, api-notes §2)."""
import json
import logging
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from freezegun import freeze_time

from source_social_analytics.providers.highlevel import (
    HighLevelAccountsExtractor,
    HighLevelDailyExtractor,
    HighLevelPeriodExtractor,
    HighLevelRateLimitBackoff,
    profile_batch,
    window_dates,
)
from source_social_analytics.source import SourceSocialAnalytics

SCHEMAS = Path(__file__).resolve().parents[1] / "source_social_analytics" / "schemas"
URL = "https://services.leadconnectorhq.com/social-media-posting/statistics?locationId=ve9EPM428h8vShlRW1KT"
CONFIG = {"provider": {"provider_type": "highlevel", "access_token": "pit-x", "location_id": "ve9EPM428h8vShlRW1KT"}}
PROFILE = "67a5a9aa776c837de4aa5b12"
ZEROS = [0, 0, 0, 0, 0, 0, 0]

# seed 000, "Example (auto)" of the 201 answer, verbatim
SEED_EXAMPLE = {
    "results": {
        "dayRange": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "totals": {"posts": 0, "likes": 0, "followers": 0, "impressions": 0, "comments": 0},
        "postPerformance": {"posts": {"google": ZEROS}, "impressions": ZEROS, "likes": ZEROS, "comments": ZEROS},
        "breakdowns": {
            "posts": {"total": 0, "totalChange": 0, "platforms": {"google": {"value": 0, "change": 0}}},
            "impressions": {"total": 0, "totalChange": 0, "platforms": {"google": {"value": 0, "change": 0}}},
            "reach": {"total": 0, "totalChange": 0, "platforms": {"google": {"value": 0, "change": 0}}},
            "engagement": {"google": {"likes": 0, "comments": 0, "shares": 0, "change": 0}},
        },
        "platformTotals": {
            "impressions": {"google": {"total": 0, "series": ZEROS}},
            "followers": {"google": {"total": 0, "series": ZEROS}},
            "likes": {"google": {"total": 0, "series": ZEROS}},
        },
        "demographics": {
            "gender": {"totals": {"male": {"total": 0, "percentage": 0}, "female": {"total": 0, "percentage": 0}, "unknown": {"total": 0, "percentage": 0}}},
            "age": {"totals": {"13-17": 0, "18-24": 0, "25-34": 0, "35-44": 0, "45-54": 0, "55-64": 0, "65+": 0}},
        },
    },
    "message": "Analytics Built Successfully",
    "traceId": "42fc8dd8-d55b-475f-944f-9efb90d77564",
}

# the same shape with a distinct number in every field, so that each mapping is proven (api-notes §2.3 v3 values)
DISTINCT = json.loads(json.dumps(SEED_EXAMPLE))
_r = DISTINCT["results"]
_r["postPerformance"]["posts"] = {"instagram": [2, 1, 3, 0, 1, 2, 4], "facebook": [1, 0, 2, 1, 0, 1, 1]}
_r["platformTotals"] = {
    "impressions": {"instagram": {"total": 239, "series": [22, 6, 4, 69, 138, 0, 0]}, "facebook": {"total": 70, "series": [10] * 7}},
    "followers": {"instagram": {"total": 28, "series": [1, 2, 3, 4, 5, 6, 7]}},  # facebook absent: None, never 0
    "likes": {"instagram": {"total": 35, "series": [5] * 7}, "facebook": {"total": 6, "series": [1, 1, 1, 1, 1, 1]}},  # one short
}
_r["breakdowns"] = {
    "posts": {"total": 356, "totalChange": -39.35, "platforms": {"instagram": {"value": 46, "change": -71.95}}},
    "impressions": {"total": 900, "totalChange": 5.5, "platforms": {"instagram": {"value": 239, "change": 12.25}, "facebook": {"value": 70, "change": 0}}},
    "reach": {"total": 400, "totalChange": -1.5, "platforms": {"instagram": {"value": 180, "change": 3.1}}},
    "engagement": {"instagram": {"likes": 35, "comments": 7, "shares": 3, "change": -8.5}, "facebook": {"likes": 6, "comments": 0, "shares": None, "change": 1}},
}


def response(body, request_body=None, status=201) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode()
    resp.url = URL
    resp.request = requests.Request("POST", URL, json=request_body or {"profileIds": [PROFILE]}).prepare()
    return resp


def extract(extractor_class, body, request_body=None, config=CONFIG):
    return list(extractor_class(config=config, parameters={}).extract_records(response(body, request_body)))


def v3_body(start: str, end: str):
    return {"profileIds": [PROFILE], "currentRange": {"startDate": f"{start}T00:00:00.000Z", "endDate": f"{end}T23:59:59.999Z"}}


def validates(rows, stream, **extra):
    schema = json.loads((SCHEMAS / f"{stream}.json").read_text())
    for row in rows:
        jsonschema.validate({"provider": "highlevel", "account_id": "ve9EPM428h8vShlRW1KT", "retrieved_at": "2026-11-23T10:00:00Z", **row}, schema,
                            format_checker=jsonschema.FormatChecker())


class TestSeedExampleDaily:
    @freeze_time("2026-11-23 08:00:00")  # a Monday: the default window is Mon 11-16 .. Sun 11-22, as the seed's dayRange
    def test_seed_example_flattens_to_one_row_per_day(self):
        rows = extract(HighLevelDailyExtractor, SEED_EXAMPLE)
        assert [row["date"] for row in rows] == [f"2026-11-{day}" for day in range(16, 23)]
        batch = profile_batch([PROFILE])
        for row in rows:
            assert row == {"platform": "google", "date": row["date"], "impressions": 0, "followers_gained": 0, "likes": 0, "posts": 0,
                           "profile_batch": batch}
        validates(rows, "account_statistics")

    @freeze_time("2026-11-23 08:00:00")
    def test_every_series_maps_field_by_field(self):
        rows = {(r["platform"], r["date"]): r for r in extract(HighLevelDailyExtractor, DISTINCT)}
        assert len(rows) == 14  # facebook, instagram x 7 days
        assert [rows[("instagram", f"2026-11-{d}")]["impressions"] for d in range(16, 23)] == [22, 6, 4, 69, 138, 0, 0]
        # the daily series is new followers per day: a gain, never the follower count
        assert [rows[("instagram", f"2026-11-{d}")]["followers_gained"] for d in range(16, 23)] == [1, 2, 3, 4, 5, 6, 7]
        assert all("followers" not in row for row in rows.values())
        assert [rows[("instagram", f"2026-11-{d}")]["posts"] for d in range(16, 23)] == [2, 1, 3, 0, 1, 2, 4]
        assert rows[("instagram", "2026-11-22")]["likes"] == 5
        assert rows[("facebook", "2026-11-16")]["followers_gained"] is None  # absent series: None, never 0
        assert rows[("facebook", "2026-11-21")]["likes"] == 1 and rows[("facebook", "2026-11-22")]["likes"] is None  # short series
        assert rows[("facebook", "2026-11-18")]["posts"] == 2
        validates(rows.values(), "account_statistics")

    def test_v3_window_comes_from_the_request(self):
        body = json.loads(json.dumps(SEED_EXAMPLE))
        body["results"]["dayRange"] = ["Sun", "Mon", "Tue"]
        for series in body["results"]["platformTotals"].values():
            series["google"]["series"] = [4, 5, 6]
        body["results"]["postPerformance"]["posts"]["google"] = [1, 0, 1]
        rows = extract(HighLevelDailyExtractor, body, v3_body("2025-03-02", "2025-03-04"))
        assert [(r["date"], r["impressions"], r["posts"]) for r in rows] == [("2025-03-02", 4, 1), ("2025-03-03", 5, 0), ("2025-03-04", 6, 1)]


class TestSeedExamplePeriod:
    @freeze_time("2026-11-23 08:00:00")
    def test_seed_example_flattens_to_one_row_per_platform(self):
        [row] = extract(HighLevelPeriodExtractor, SEED_EXAMPLE)
        assert row == {
            "platform": "google", "date": "2026-11-22", "period_start": "2026-11-16", "period_end": "2026-11-22",
            "posts": 0, "impressions": 0, "reach": 0, "likes": 0, "comments": 0, "shares": 0, "followers_gained": 0,
            "raw": {
                "change": {"posts": 0, "impressions": 0, "reach": 0, "engagement": 0},
                "platform_totals": {"impressions": 0, "followers": 0, "likes": 0},
                "total_change": {"posts": 0, "impressions": 0, "reach": 0},
                "totals": SEED_EXAMPLE["results"]["totals"],
                "demographics": SEED_EXAMPLE["results"]["demographics"],
            },
            "profile_batch": profile_batch([PROFILE]),
        }
        validates([row], "social_statistics")

    @freeze_time("2026-11-23 08:00:00")
    def test_every_breakdown_maps_field_by_field(self):
        rows = {r["platform"]: r for r in extract(HighLevelPeriodExtractor, DISTINCT)}
        ig, fb = rows["instagram"], rows["facebook"]
        assert (ig["posts"], ig["impressions"], ig["reach"], ig["likes"], ig["comments"], ig["shares"]) == (46, 239, 180, 35, 7, 3)
        assert ig["raw"]["change"] == {"posts": -71.95, "impressions": 12.25, "reach": 3.1, "engagement": -8.5}
        assert ig["raw"]["platform_totals"] == {"impressions": 239, "followers": 28, "likes": 35}
        assert ig["raw"]["total_change"] == {"posts": -39.35, "impressions": 5.5, "reach": -1.5}
        # facebook has no posts/reach breakdown and a null share count: None, never 0
        assert (fb["posts"], fb["impressions"], fb["reach"], fb["likes"], fb["comments"], fb["shares"]) == (None, 70, None, 6, 0, None)
        assert fb["raw"]["platform_totals"]["followers"] is None
        # platformTotals.followers.<p>.total is the sum of the daily gains (1+…+7 = 28): the period's gain, not a count
        assert ig["followers_gained"] == 28 and "followers" not in ig
        assert fb["followers_gained"] is None  # no followers series for facebook: None, never 0
        validates(rows.values(), "social_statistics")


# -- the date rule, on a frozen clock on each day of the week -------------------------------------------------
NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEK = [date(2026, 11, 16) + timedelta(days=offset) for offset in range(7)]  # Mon 11-16 .. Sun 11-22


def daily_body(days):
    body = json.loads(json.dumps(SEED_EXAMPLE))
    body["results"]["dayRange"] = [NAMES[d.weekday()] for d in days]
    for series in body["results"]["platformTotals"].values():
        series["google"]["series"] = [d.day for d in days]  # the value says which day it belongs to
    body["results"]["postPerformance"]["posts"]["google"] = [d.day for d in days]
    return body


@pytest.mark.parametrize("today", WEEK, ids=[NAMES[d.weekday()] for d in WEEK])
def test_v1_rows_are_the_seven_days_ending_yesterday(today):
    days = [today - timedelta(days=7 - i) for i in range(7)]
    with freeze_time(f"{today.isoformat()} 23:59:00"):
        rows = extract(HighLevelDailyExtractor, daily_body(days))
    assert [row["date"] for row in rows] == [d.isoformat() for d in days]
    assert all(row["impressions"] == date.fromisoformat(row["date"]).day for row in rows)
    assert rows[-1]["date"] == (today - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("today", WEEK, ids=[NAMES[d.weekday()] for d in WEEK])
def test_v3_rows_are_the_requested_days(today):
    start, end = today - timedelta(days=9), today - timedelta(days=1)  # 9 days: longer than the default 7
    days = [start + timedelta(days=i) for i in range(9)]
    with freeze_time(f"{today.isoformat()} 00:00:01"):
        rows = extract(HighLevelDailyExtractor, daily_body(days), v3_body(start.isoformat(), end.isoformat()))
    assert [row["date"] for row in rows] == [d.isoformat() for d in days]
    assert all(row["likes"] == date.fromisoformat(row["date"]).day for row in rows)


def test_names_of_a_window_one_day_off_are_accepted_with_a_warning(caplog):
    ending_today = [date(2026, 11, 17) + timedelta(days=i) for i in range(7)]  # location ahead of UTC
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        days = window_dates([NAMES[d.weekday()] for d in ending_today], end=date(2026, 11, 22))
    assert days == ending_today
    assert "time zone" in caplog.text


def test_names_that_fit_no_window_are_dated_by_position_with_a_warning(caplog):
    """The docs only say dayRange names the period's days: a vendor that copies the example literally, or
    answers another length, still gives its numbers, dated by position and said so in the log."""
    with caplog.at_level("WARNING", logger="airbyte"):
        assert window_dates(["Mon", "Wed"], end=date(2026, 11, 22)) == [date(2026, 11, 21), date(2026, 11, 22)]
        assert window_dates(["Fri", "Sat", "Sun"], end=date(2026, 11, 22), start=date(2026, 11, 16)) == [
            date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]  # the days before the 20th get no row
    assert len([r for r in caplog.records if "dated by position" in r.getMessage()]) == 2
    assert window_dates([], end=date(2026, 11, 22)) == []
    assert window_dates(["monday", "TUESDAY"], end=date(2026, 11, 17)) == [date(2026, 11, 16), date(2026, 11, 17)]


# -- accounts ------------------------------------------------------------------------------------------------
def account(profile_id, platform, kind, name, expired=False):
    return {"id": f"oauth_loc_{profile_id}", "oauthId": "oauth", "profileId": profile_id, "name": name, "platform": platform,
            "type": kind, "expire": "2024-03-11T19:29:59.785Z", "isExpired": expired, "meta": {"canDelete": True}}


ACCOUNTS = {
    "success": True, "statusCode": 200, "message": "Fetched Accounts",
    "results": {
        "accounts": [
            account("p-ig", "instagram", "business", "brandhq"),
            account("aF3KhyL8JIuBwzK3m7Ly", "google", "location", "Sample Account"),
            account("p-li-profile", "linkedin", "profile", "Jane Founder"),
            account("p-li-page", "linkedin", "page", "Brand HQ Inc."),
            account("p-tt-profile", "tiktok", "profile", "@jane"),
            account("p-tt-business", "tiktok", "business", "@brandhq"),
            account("p-fb-expired", "facebook", "page", "Brand Outlet", expired=True),
            account("p-tw", "twitter", "profile", "@brandhq"),
            account("p-fb", "facebook", "page", "Brand HQ"),
        ],
        "groups": [{"id": "6284c43d519161e96cc09c13", "name": "Primary", "accountIds": []}],
    },
}


def accounts(config=CONFIG):
    resp = response(ACCOUNTS, status=200)
    return list(HighLevelAccountsExtractor(config=config, parameters={}).extract_records(resp))


def test_unsupported_accounts_are_left_out_and_named_in_one_log_line(caplog):
    with caplog.at_level(logging.INFO, logger="airbyte"):
        kept = accounts()
    assert [a["profileId"] for a in kept] == ["p-fb", "aF3KhyL8JIuBwzK3m7Ly", "p-ig", "p-li-page", "p-tt-business"]  # by platform
    [line] = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    for name in ("Jane Founder", "@jane (tiktok", "Brand Outlet", "@brandhq (twitter"):
        assert name in line
    assert "p-li-profile" in line and "4 account(s)" in line


def test_profile_ids_and_platforms_from_the_config(caplog):
    config = {"provider": {**CONFIG["provider"], "profile_ids": ["p-ig", "p-li-profile"], "platforms": ["instagram"]}}
    with caplog.at_level(logging.INFO, logger="airbyte"):
        kept = accounts(config)
    assert [a["profileId"] for a in kept] == ["p-ig"]
    assert "Jane Founder" in caplog.text and "Brand Outlet" not in caplog.text  # only the configured ones are judged


def test_a_profile_id_the_location_does_not_have_is_a_config_error_naming_it():
    """The statistics API ignores an unknown profileId silently: the user would miss that account unawares."""
    config = {"provider": {**CONFIG["provider"], "profile_ids": ["p-ig", "p-gone"]}}
    with pytest.raises(AirbyteTracedException) as raised:
        accounts(config)
    assert raised.value.failure_type == FailureType.config_error
    message = raised.value.message
    assert message.startswith("`provider.profile_ids` lists p-gone, which this HighLevel location does not have")
    assert "p-ig (instagram)" in message and "leave profile_ids empty" in message


@freeze_time("2026-11-23 08:00:00")
def test_two_periods_that_end_the_same_day_are_two_social_statistics_records():
    """A v3 sync resumed (or run again) on the same day starts at cursor − lookback: its first period ends on
    the day the previous sync's last period ended, but starts later. With a key on the end day alone, a
    deduplicating destination replaced the full period's row with the shorter one's, and the days between
    the two starts were left in no period. integration_tests/test_kill_and_resume.py found this."""
    config = {"provider": {**CONFIG["provider"], "api_version": "v3"}, "start_date": "2026-10-01"}
    catalog = SourceSocialAnalytics(config=config).discover(logging.getLogger("airbyte"), config)
    [stream] = [s for s in catalog.streams if s.name == "social_statistics"]

    def keys(first_day: date):
        days = [first_day + timedelta(days=i) for i in range((date(2026, 11, 22) - first_day).days + 1)]
        body = json.loads(json.dumps(SEED_EXAMPLE))
        body["results"]["dayRange"] = [NAMES[d.weekday()] for d in days]
        rows = extract(HighLevelPeriodExtractor, body, v3_body(days[0].isoformat(), days[-1].isoformat()))
        assert {(row["period_start"], row["date"]) for row in rows} == {(days[0].isoformat(), "2026-11-22")}
        return {tuple(row.get(field) for [field] in stream.source_defined_primary_key) for row in rows}

    assert keys(date(2026, 11, 16)).isdisjoint(keys(date(2026, 11, 18)))


def test_profile_batch_is_stable_and_order_free():
    assert profile_batch(["b", "a"]) == profile_batch(["a", "b"]) != profile_batch(["a"])
    assert profile_batch(["a"]).startswith("b-") and len(profile_batch(["a"])) == 14


def test_rate_limit_backoff_reads_the_headers():
    strategy = HighLevelRateLimitBackoff(config={}, parameters={})
    resp = requests.Response()
    resp.status_code = 429
    resp.headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Interval-Milliseconds": "10000", "X-RateLimit-Max": "100"})
    assert strategy.backoff_time(resp, 1) == 10.0
    resp.headers["X-RateLimit-Remaining"] = "12"
    assert strategy.backoff_time(resp, 1) is None
    assert strategy.backoff_time(requests.ConnectionError(), 1) is None
