"""Error handling shared by every provider."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional, Union

import requests
from airbyte_cdk.sources.declarative.requesters.error_handlers.default_error_handler import DefaultErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

logger = logging.getLogger("airbyte")


@dataclass
class WarnOnIgnoreErrorHandler(DefaultErrorHandler):
    """A DefaultErrorHandler whose IGNORE responses are logged as warnings, not at INFO.

    The CDK logs an ignored response at INFO; a skipped record (e.g. a post deleted at the network,
    HTTP 404) is something a user must see in the sync log, so the filter's ``error_message`` is
    logged as a WARN message. Everything else behaves exactly like ``DefaultErrorHandler``.

    In:  404 matched by ``{http_codes: [404], action: IGNORE, error_message: "Skipping post …"}``
    Out: ``ErrorResolution(IGNORE, …)`` and one WARN log "Skipping post …".
    """

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]] = None) -> ErrorResolution:
        resolution = super().interpret_response(response_or_exception)
        if resolution.response_action == ResponseAction.IGNORE:
            logger.warning(resolution.error_message or f"Ignoring response {response_or_exception!r}")
        return resolution
