"""VendorKeyAuthenticator (components/credentials.py): the key rendered once, and no request signed after the
vendor's 401 to it, with the shared auth_failed_401 filter's own words; other keys and the next command go on."""
from __future__ import annotations

import json

import pytest
import requests
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_social_analytics.components.credentials import RejectedCredentials, VendorKeyAuthenticator

WORDS = {"vendor_name": "Ayrshare", "key_field": "provider.api_key", "key_hint": "use the Primary Profile API key."}
FILTER_MESSAGE = (
    "{{ parameters.vendor_name }} rejected the credentials (HTTP 401: {{ response.get('message') }}). "
    "Check {{ parameters.key_field }}: {{ parameters.key_hint }}"
)


def _filter(config):
    return HttpResponseFilter(action=ResponseAction.FAIL, failure_type=FailureType.config_error, http_codes={401},
                              error_message=FILTER_MESSAGE, config=config, parameters=WORDS)


def _authenticator(config, **fields):
    return VendorKeyAuthenticator(config=config, parameters=WORDS, api_token="{{ config['provider']['api_key'] }}",
                                  rejection_filter=_filter(config), **fields)


def _answer(status: int, request: requests.PreparedRequest, body) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.request = status, json.dumps(body).encode(), request
    response.headers["Content-Type"] = "application/json"
    return response


def _signed(authenticator) -> requests.PreparedRequest:
    return authenticator(requests.Request("GET", "https://app.ayrshare.com/api/history").prepare())


@pytest.fixture(autouse=True)
def clean_slate():
    RejectedCredentials.forget_all()
    yield
    RejectedCredentials.forget_all()


def test_the_key_is_sent_in_the_header_with_its_scheme_or_bare():
    config = {"provider": {"api_key": "AK-1"}}
    assert _signed(_authenticator(config)).headers["Authorization"] == "Bearer AK-1"
    bare = _authenticator(config, header="x-api-key", scheme="")
    assert _signed(bare).headers["x-api-key"] == "AK-1" and bare.get_auth_header() == {"x-api-key": "AK-1"}


def test_the_key_is_rendered_once_when_built():
    config = {"provider": {"api_key": "AK-1"}}
    authenticator = _authenticator(config)
    config["provider"]["api_key"] = "changed"  # a later render would see this
    assert authenticator.token == "Bearer AK-1"


def test_after_a_401_the_key_signs_nothing_more_with_the_filters_words_for_every_stream_of_the_command():
    config = {"provider": {"api_key": "AK-bad"}}
    first, other_stream = _authenticator(config), _authenticator(config)
    request = _signed(first)
    first.update_from_response(request, _answer(401, request, {"status": "error", "code": 102, "message": "API Key not valid."}))
    for authenticator in (first, other_stream):
        with pytest.raises(AirbyteTracedException) as refused:
            authenticator.get_auth_header()
        assert refused.value.failure_type == FailureType.config_error
        assert refused.value.message == (
            "Ayrshare rejected the credentials (HTTP 401: API Key not valid.). Check provider.api_key: use the Primary Profile API key."
        )
    assert _signed(_authenticator({"provider": {"api_key": "AK-good"}})).headers["Authorization"] == "Bearer AK-good"
    RejectedCredentials.forget_all()  # the next command
    assert first.token == "Bearer AK-bad"


def test_answers_other_than_a_401_to_its_own_key_change_nothing():
    config = {"provider": {"api_key": "AK-1"}}
    authenticator = _authenticator(config)
    request = _signed(authenticator)
    for status in (200, 403, 429, 500):
        authenticator.update_from_response(request, _answer(status, request, {"message": "x"}))
    foreign = requests.Request("GET", "https://app.ayrshare.com/api/history", headers={"Authorization": "Bearer other"}).prepare()
    authenticator.update_from_response(foreign, _answer(401, foreign, {"message": "x"}))
    assert authenticator.token == "Bearer AK-1" and not RejectedCredentials.any()
