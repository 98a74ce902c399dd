"""The shared error handler: a successful answer that cannot be used is retried, never half-read."""
import json

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from source_social_analytics.components.errors import VendorErrorHandler, vendor_message


def _response(status, content: bytes, url="https://app.ayrshare.com/api/history?limit=500"):
    resp = requests.Response()
    resp.status_code = status
    resp._content = content
    resp.url = url
    resp.request = requests.Request("GET", url).prepare()
    return resp


def _handler(expected_body="object"):
    skip = HttpResponseFilter(config={}, parameters={}, http_codes={404}, action="SUCCESS")
    return VendorErrorHandler(
        config={}, parameters={"vendor_name": "Ayrshare"}, response_filters=[skip], max_retries=2, expected_body=expected_body
    )


def test_a_truncated_200_is_retried_as_transient_naming_the_endpoint():
    resolution = _handler().interpret_response(_response(200, b'{"history": [{"id": "rhn6'))
    assert resolution.response_action == ResponseAction.RETRY
    assert resolution.failure_type == FailureType.transient_error
    assert "Ayrshare answered GET /api/history with HTTP 200 but a body that is not JSON" in resolution.error_message
    assert "limit=500" not in resolution.error_message  # the path, never the query


def test_a_json_string_where_an_object_belongs_is_retried():
    resolution = _handler().interpret_response(_response(200, json.dumps("Service Unavailable").encode()))
    assert resolution.response_action == ResponseAction.RETRY
    assert "str where a JSON object belongs" in resolution.error_message


def test_an_html_page_with_200_is_retried():
    resolution = _handler().interpret_response(_response(200, b"<html><body>Bad Gateway</body></html>"))
    assert resolution.response_action == ResponseAction.RETRY


def test_the_expected_shape_passes_and_arrays_pass_where_allowed():
    assert _handler().interpret_response(_response(200, b'{"history": []}')).response_action == ResponseAction.SUCCESS
    assert _handler("object_or_array").interpret_response(_response(200, b"[]")).response_action == ResponseAction.SUCCESS
    assert _handler("object").interpret_response(_response(200, b"[]")).response_action == ResponseAction.RETRY


def test_other_responses_behave_like_the_default_handler():
    assert _handler().interpret_response(_response(404, b"not json")).response_action == ResponseAction.SUCCESS  # the filter's word
    assert _handler().interpret_response(_response(503, b"{}")).response_action == ResponseAction.RETRY


def test_vendor_message_reads_every_vendor_error_shape():
    assert vendor_message({"action": "analytics", "status": "error", "code": 186, "message": "Post ID not found."}) == "Post ID not found."
    assert vendor_message({"statusCode": 422, "message": ["Unprocessable Entity", "x"], "error": "Unprocessable Entity"}) == "Unprocessable Entity; x"
    assert vendor_message({"error": "Invalid API key"}) == "Invalid API key"
    assert vendor_message({"detail": "Invalid API key", "error": "invalid_api_key"}) == "invalid_api_key"
    assert vendor_message("oops") == "no message"




def test_a_streams_extra_filters_are_checked_before_the_shared_ones_it_refs():
    """extra_response_filters: a stream names only its own skip; the shared four (here a 404 FAIL standing for
    them) still apply to every other answer, after it."""
    shared = HttpResponseFilter(config={}, parameters={}, http_codes={404, 401}, action="FAIL", failure_type=FailureType.config_error,
                                error_message="shared")
    own = HttpResponseFilter(config={}, parameters={}, http_codes={404}, action="IGNORE", error_message="Skipping post p1")
    handler = VendorErrorHandler(config={}, parameters={"vendor_name": "Ayrshare"}, response_filters=[shared],
                                 extra_response_filters=[own], max_retries=2)
    assert handler.interpret_response(_response(404, b'{"code": 186}')).response_action == ResponseAction.IGNORE
    refused = handler.interpret_response(_response(401, b'{"message": "no"}'))
    assert refused.response_action == ResponseAction.FAIL and refused.error_message == "shared"
    alone = VendorErrorHandler(config={}, parameters={}, response_filters=[shared], max_retries=2)
    assert alone.interpret_response(_response(404, b'{}')).response_action == ResponseAction.FAIL
