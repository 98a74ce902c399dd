"""HighLevel OAuth 2.0 (api-notes-2 §5), in process with HttpMocker: the single-use refresh token is renewed through
the v1 token endpoint (form-encoded, user_type=Location), handed to the platform in a CONNECTOR_CONFIG control message
and used for the rest of the sync; a 401 refreshes once; a spent refresh token is a config_error; a paused location is
transient; no secret reaches a log line."""
import contextlib
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from unittest import TestCase
from unittest.mock import patch
from urllib.parse import urlencode

from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_social_analytics.source import config_problem
from unit_tests.mock_server.test_highlevel import (
    BASE, LOCATION, SEVEN, account, accounts_response, check, run, statistics_response,
)

CLIENT_ID = "6650f1d2c3b4a59e8f7d1c2b-lx3k9q2m"
CLIENT_SECRET = "3c9f2e1a-7b4d-4e8f-a6c5-91d2e0b7f483"
FIRST_REFRESH = "f0c4b2e8a61d4e3f9b7c5a2d8e1f6b30"
SECOND_REFRESH = "44d90cf4791bbc094e2e01dccb5f4b8f"
FIRST_ACCESS = "665bcfcb9c9c64367dde5e9d025240e8"
SECOND_ACCESS = "0b9e77d4a1c24f3e8d5a6b7c8d9e0f1a"


def oauth_config(**credentials: Any) -> Dict[str, Any]:
    """As the user saves it: no start or end date (the connector's defaults), OAuth credentials."""
    return {"provider": {"provider_type": "highlevel", "location_id": LOCATION, "credentials": {
        "auth_type": "oauth2.0", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": FIRST_REFRESH, **credentials}}}


def token_request(refresh_token: str = FIRST_REFRESH) -> HttpRequest:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": refresh_token,
            "user_type": "Location"}
    return HttpRequest(f"{BASE}/oauth/token", body=urlencode(form))


def token_response(access_token: str, refresh_token: str) -> HttpResponse:
    return HttpResponse(json.dumps({"access_token": access_token, "token_type": "Bearer", "expires_in": 86399, "refresh_token": refresh_token,
                                    "scope": "socialplanner/account.readonly socialplanner/statistics.readonly", "userType": "Location",
                                    "locationId": LOCATION, "companyId": "Cmp7Hq2LxA9vTk4RzW1e", "userId": "Usr3Kd8PqN5wXb2YtM6c"}), 200)


def signed(url: str, token: str, **kwargs: Any) -> HttpRequest:
    return HttpRequest(url, headers={"Authorization": f"Bearer {token}", "Version": "2021-07-28"}, **kwargs)


def accounts(token: str) -> HttpRequest:
    return signed(f"{BASE}/social-media-posting/{LOCATION}/accounts", token)


def statistics(token: str) -> HttpRequest:
    # the body as text: HttpMocker compares a Mapping body by parsing every request's body as JSON, and the token
    # request's is a form
    return signed(f"{BASE}/social-media-posting/statistics", token, query_params={"locationId": LOCATION},
                  body=json.dumps({"profileIds": [account(1)["profileId"]]}))



def read_capturing_stdout(cfg, **kwargs: Any):
    """The read, and the CONNECTOR_CONFIG configs the CDK printed (it prints them to stdout at once, outside the
    message iterator, so that the platform stores the new refresh token even if the sync then fails)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        out = run(cfg, **kwargs)
    configs = []
    for line in printed.getvalue().splitlines():
        if line.startswith("{") and '"CONTROL"' in line:
            message = json.loads(line)
            if message["control"]["type"] == "CONNECTOR_CONFIG":
                configs.append(message["control"]["connectorConfig"]["config"])
    return out, configs


def logs_text(out) -> str:
    return "\n".join(m.log.message for m in out.logs) + "\n".join(str(e.trace.error) for e in out.errors)


class TestOAuth(TestCase):
    @HttpMocker()
    def test_the_refresh_is_form_encoded_for_a_location_and_its_new_refresh_token_is_handed_to_the_platform(self, http_mocker: HttpMocker) -> None:
        refresh = token_request()
        http_mocker.post(refresh, token_response(FIRST_ACCESS, SECOND_REFRESH))
        http_mocker.get(accounts(FIRST_ACCESS), accounts_response([account(1)]))
        http_mocker.post(statistics(FIRST_ACCESS), statistics_response(SEVEN))
        out, controls = read_capturing_stdout(oauth_config())
        assert len(out.records) == 7
        http_mocker.assert_number_of_calls(refresh, 1)
        assert len(controls) == 1
        credentials = controls[0]["provider"]["credentials"]
        assert credentials["refresh_token"] == SECOND_REFRESH and credentials["access_token"] == FIRST_ACCESS
        expiry = datetime.fromisoformat(credentials["token_expiry_date"])
        assert timedelta(hours=23) < expiry - datetime.now(timezone.utc) <= timedelta(seconds=86399)
        # the user left the dates empty: the platform must not store today as the end date (nor a fixed start)
        assert "end_date" not in controls[0] and "start_date" not in controls[0]

    @HttpMocker()
    def test_a_stored_unexpired_access_token_is_used_and_a_401_refreshes_once_then_retries(self, http_mocker: HttpMocker) -> None:
        later = (datetime.now(timezone.utc) + timedelta(hours=20)).isoformat()
        cfg = oauth_config(access_token=FIRST_ACCESS, token_expiry_date=later)
        stale = accounts(FIRST_ACCESS)
        http_mocker.get(stale, HttpResponse(json.dumps({"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"}), 401))
        refresh = token_request()
        http_mocker.post(refresh, token_response(SECOND_ACCESS, SECOND_REFRESH))
        http_mocker.get(accounts(SECOND_ACCESS), accounts_response([account(1)]))
        http_mocker.post(statistics(SECOND_ACCESS), statistics_response(SEVEN))
        with patch("time.sleep"):  # the CDK's retry after the refresh waits its backoff
            out, controls = read_capturing_stdout(cfg)
        assert len(out.records) == 7 and not out.errors
        http_mocker.assert_number_of_calls(refresh, 1)
        http_mocker.assert_number_of_calls(stale, 1)
        [handed] = controls
        assert handed["provider"]["credentials"]["refresh_token"] == SECOND_REFRESH

    @HttpMocker()
    def test_an_expired_stored_access_token_is_refreshed_before_the_first_request(self, http_mocker: HttpMocker) -> None:
        earlier = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
        refresh = token_request()
        http_mocker.post(refresh, token_response(SECOND_ACCESS, SECOND_REFRESH))
        http_mocker.get(accounts(SECOND_ACCESS), accounts_response([account(1)]))
        http_mocker.post(statistics(SECOND_ACCESS), statistics_response(SEVEN))
        out = run(oauth_config(access_token=FIRST_ACCESS, token_expiry_date=earlier))
        assert len(out.records) == 7
        http_mocker.assert_number_of_calls(refresh, 1)

    @HttpMocker()
    def test_a_used_or_revoked_refresh_token_is_a_config_error_asking_to_reauthorise(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(token_request(), HttpResponse(json.dumps({"statusCode": 400, "message": "Invalid grant: refresh token is invalid"}), 400))
        out, controls = read_capturing_stdout(oauth_config(), expecting_exception=True)
        errors = [e.trace.error for e in out.errors]
        assert errors and all(e.failure_type.value == "config_error" for e in errors), errors
        assert any("Re-authenticate" in e.message for e in errors)
        assert not out.records and not controls
        status = check(oauth_config())
        assert status.status.value == "FAILED" and "Re-authenticate" in status.message

    @HttpMocker()
    def test_a_paused_location_is_transient_and_keeps_the_refresh_token(self, http_mocker: HttpMocker) -> None:
        http_mocker.post(token_request(), HttpResponse(json.dumps({"statusCode": 400, "message": "Location is not active"}), 400))
        out, controls = read_capturing_stdout(oauth_config(), expecting_exception=True)
        errors = [e.trace.error for e in out.errors]
        assert errors and all(e.failure_type.value == "transient_error" for e in errors), errors
        assert any("Location is not active" in e.message and "refresh token is kept" in e.message for e in errors)
        assert not controls  # nothing to store: the old token still works

    @HttpMocker()
    def test_no_secret_of_the_refresh_reaches_a_log_line_or_an_error(self, http_mocker: HttpMocker) -> None:
        refresh = token_request()
        http_mocker.post(refresh, token_response(FIRST_ACCESS, SECOND_REFRESH))
        http_mocker.get(accounts(FIRST_ACCESS), HttpResponse(json.dumps({"statusCode": 403, "message": "The token does not have access to this location."}), 403))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            out = run(oauth_config(), expecting_exception=True)
        text = logs_text(out) + "\n".join(line for line in printed.getvalue().splitlines() if '"CONTROL"' not in line)
        assert out.errors
        for secret in (CLIENT_SECRET, FIRST_REFRESH, FIRST_ACCESS, SECOND_REFRESH):
            assert secret not in text


class TestCredentialChoice(TestCase):
    def test_neither_a_token_nor_credentials_names_the_field(self) -> None:
        problem = config_problem({"provider": {"provider_type": "highlevel", "location_id": LOCATION}})
        assert problem and "`provider.credentials` is required" in problem

    def test_both_forms_at_once_is_refused(self) -> None:
        cfg = oauth_config()
        cfg["provider"]["access_token"] = "pit-3f6b2a91-7c4e-4d58-9a1b-e02c5d7f8a64"
        problem = config_problem(cfg)
        assert problem and "keep only provider.credentials" in problem and "pit-3f6b" not in problem

    def test_oauth_without_a_refresh_token_names_it(self) -> None:
        cfg = oauth_config()
        del cfg["provider"]["credentials"]["refresh_token"]
        problem = config_problem(cfg)
        assert problem and "provider.credentials" in problem and "refresh_token" in problem

    @HttpMocker()
    def test_a_private_integration_token_under_credentials_signs_like_the_earlier_access_token(self, http_mocker: HttpMocker) -> None:
        pit = "pit-3f6b2a91-7c4e-4d58-9a1b-e02c5d7f8a64"
        cfg = {"provider": {"provider_type": "highlevel", "location_id": LOCATION,
                            "credentials": {"auth_type": "private_integration_token", "access_token": pit}}}
        http_mocker.get(accounts(pit), accounts_response([account(1)]))
        http_mocker.post(statistics(pit), statistics_response(SEVEN))
        out, controls = read_capturing_stdout(cfg)
        assert len(out.records) == 7 and not controls
