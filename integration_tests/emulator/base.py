"""What every vendor module of the emulator builds on: the parsed request, the answer, the Vendor interface.

Vendor modules import only this module (never ``server``), and ``vendors.py`` lists them: no import cycle.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional


@dataclass
class Request:
    """What a vendor handler gets: the parsed request. ``path`` is the full path, prefix included."""

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str) -> Optional[str]:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def param(self, name: str) -> Optional[str]:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Response:
    """An answer. ``body`` is serialized as JSON unless ``raw`` is given (bytes sent as they are)."""

    status: int
    body: Any = None
    headers: Dict[str, str] = field(default_factory=dict)
    raw: Optional[bytes] = None
    content_type: str = "application/json; charset=utf-8"


class Vendor:
    """A vendor emulation: a path prefix and a handler for requests under it.

    ``scale`` multiplies the size of the data set (posts, accounts, ...) for benchmarks; 1 is the data set
    the tests are written against.
    """

    prefix: str = ""
    name: str = ""

    def __init__(self, scale: int = 1) -> None:
        self.scale = max(1, int(scale))

    def handle(self, request: Request) -> Response:  # pragma: no cover - interface
        raise NotImplementedError
