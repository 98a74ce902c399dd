"""The base of every provider's custom extractor: parse the JSON body, hand it to one job."""
from __future__ import annotations

import json
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, MutableMapping

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config


def json_body(response: requests.Response) -> Any:
    """The answer's JSON body (an empty body is ``None``). Raises ValueError when the body is not JSON."""
    return json.loads(response.content or b"null")


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
