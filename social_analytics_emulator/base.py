"""What every vendor module of the emulator builds on: the parsed request, the answer, the Vendor interface.

Vendor modules import only this module (never ``server``), and ``vendors.py`` lists them: no import cycle.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
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

    ``now`` is the vendor's "now" for its data: set once, when the vendor is built (or passed in), and the
    same for the vendor's whole life, so the same request answers the same body however long a test runs
    (metrics that grow with a post's age, ``lastUpdated`` stamps, "today"). Only pacing (rate-limit windows,
    answer caches) follows the wall clock.

    ``rate_time_scale`` (default 1.0) speeds up the vendor's *rate clock* only: every rate-limit window (and every
    time the vendor reports in its rate headers or 429 bodies) is divided by it, so a benchmark or a test can live
    through a 5-minute window in 5 s (scale 60). Data times (``now``) are never scaled. ``set_rate_limit(n)`` makes
    the vendor enforce exactly ``n`` requests per its documented unit (profile, location, key) and window; ``None``
    is the vendor's default. Both reset the rate counters (``reset_rate_limits``).
    """

    prefix: str = ""
    name: str = ""
    rate_time_scale: float = 1.0

    def __init__(self, scale: int = 1, now: Optional[datetime] = None) -> None:
        self.scale = max(1, int(scale))
        moment = now if now is not None else datetime.now(timezone.utc)
        self._now = moment.astimezone(timezone.utc).replace(microsecond=0)

    def now(self) -> datetime:
        """The fixed moment this vendor's data is computed at (see the class docstring)."""
        return self._now

    # -- rate limits (see the class docstring) ---------------------------------------------------------------
    def rate_window(self, seconds: float) -> float:
        """A documented rate window of ``seconds``, on the scaled rate clock."""
        return seconds / self.rate_time_scale

    def set_rate_time_scale(self, factor: float) -> None:
        factor = float(factor)
        if not factor > 0:
            raise ValueError(f"rate_time_scale must be > 0, not {factor}")
        self.rate_time_scale = factor
        self.reset_rate_limits()

    def set_rate_limit(self, limit: Optional[int]) -> None:
        """Enforce exactly ``limit`` requests per the vendor's unit and window (None: the vendor's default)."""
        if limit is not None and int(limit) < 1:
            raise ValueError(f"a rate limit must be >= 1, not {limit}")
        self.reset_rate_limits()

    def rate_limit(self) -> Optional[int]:
        """The limit enforced now per unit and window (None: nothing enforced)."""
        return None

    def reset_rate_limits(self) -> None:
        """Forget every rate counter (a fresh budget everywhere)."""

    def handle(self, request: Request) -> Response:  # pragma: no cover - interface
        raise NotImplementedError
