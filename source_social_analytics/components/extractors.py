"""The base of every provider's custom extractor: parse the JSON body once, hand it to one job."""
from __future__ import annotations

import logging
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, Mapping, MutableMapping

import requests
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.types import Config

logger = logging.getLogger("airbyte")


@dataclass
class JsonBodyExtractor(RecordExtractor):
    """Subclasses implement ``records_from(body)``; a body that is not JSON gives no records and a warning."""

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.parameters = parameters

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[str, Any]]:
        try:
            body = response.json()
        except ValueError:
            logger.warning("%s answered with a body that is not JSON; no records taken from it.", response.url)
            return
        yield from self.records_from(body)

    def records_from(self, body: Any) -> Iterable[MutableMapping[str, Any]]:  # pragma: no cover - interface
        raise NotImplementedError
