"""The base of every provider's custom extractor: parse the JSON body once, hand it to one job."""
from __future__ import annotations

import json
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, MutableMapping

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config



_PARSED = "_social_analytics_json_body"


def json_body(response: requests.Response) -> Any:
    """The answer's JSON body, parsed once: the error handler checks its shape (components/errors.py), then the
    extractor reads it; each used to parse it again. Raises ValueError when the body is not JSON."""
    parsed = response.__dict__.get(_PARSED, _PARSED)
    if parsed is _PARSED:
        parsed = json.loads(response.content or b"null")
        response.__dict__[_PARSED] = parsed
    return parsed


@dataclass
class JsonBodyExtractor(RecordExtractor):
    """Subclasses implement ``records_from(body)``.

    The error handler (``VendorErrorHandler``) has already refused a 2xx body that is not JSON or not the
    expected container, so a body that still fails to parse raises: never a silently empty page.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.parameters = parameters

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        yield from self.records_from(json_body(response))

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:  # pragma: no cover - interface
        raise NotImplementedError
