"""The shared error handler: skipped responses are warnings a user sees."""
import json

import requests
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import HttpResponseFilter
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from source_social_analytics.components.errors import WarnOnIgnoreErrorHandler


def _response(status, body):
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode()
    return resp


def _handler():
    skip = HttpResponseFilter(
        config={}, parameters={}, http_codes={404}, action="IGNORE",
        error_message="Skipping post {{ response.id }}: {{ response.message }} (code {{ response.code }})",
    )
    return WarnOnIgnoreErrorHandler(config={}, parameters={}, response_filters=[skip], max_retries=2)


def test_ignored_404_is_logged_as_a_warning_naming_the_post(caplog):
    body = {"action": "analytics", "status": "error", "code": 186, "message": "Post ID not found.", "id": "IHvCmacgIc6hMU9IQ6C"}
    with caplog.at_level("WARNING", logger="airbyte"):
        resolution = _handler().interpret_response(_response(404, body))
    assert resolution.response_action == ResponseAction.IGNORE
    assert [r.getMessage() for r in caplog.records] == ["Skipping post IHvCmacgIc6hMU9IQ6C: Post ID not found. (code 186)"]


def test_other_responses_behave_like_the_default_handler(caplog):
    with caplog.at_level("WARNING", logger="airbyte"):
        assert _handler().interpret_response(_response(200, {})).response_action == ResponseAction.SUCCESS
        assert _handler().interpret_response(_response(503, {})).response_action == ResponseAction.RETRY
    assert not caplog.records
