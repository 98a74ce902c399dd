"""Helpers the component tests share: a vendor's JSON answer as a requests.Response, run through an extractor."""
from __future__ import annotations

import json
from typing import Any, List, Mapping

import requests


def json_response(body: Any, url: str, status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.url = url
    return response


def extract_with(extractor_class, body: Any, config: Mapping[str, Any], url: str) -> List[Mapping[str, Any]]:
    return list(extractor_class(config=config, parameters={}).extract_records(json_response(body, url)))
