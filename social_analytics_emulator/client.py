"""A client of a running emulator's test hooks (``/__emulator__/...``, see ``server.py``): the request log, injected
faults and settings; and ``most_in_flight``, what a request log says about concurrency, and ``status_counts``, the
answers per HTTP status (e.g. the 429s of a benchmark).

Standard library only (``urllib``), like the rest of the package: tests, benchmarks and pipelines without vendor
keys use it against an emulator in this process or in another one.
"""
from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List, Mapping, Optional

from .server import CONTROL_PREFIX


class EmulatorClient:
    """The test hooks of the emulator at ``url`` (its base URL, e.g. ``http://127.0.0.1:8765``). Every call
    raises ``urllib.error.HTTPError`` when the emulator refuses it."""

    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def _call(self, method: str, what: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(f"{self.url}{CONTROL_PREFIX}/{what}", data=data, method=method,
                                         headers={"Content-Type": "application/json"} if data is not None else {})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def requests(self, path_prefix: str = "") -> List[Dict[str, Any]]:
        """The request log (oldest first), only the requests whose path starts with ``path_prefix``."""
        return [entry for entry in self._call("GET", "requests") if entry["path"].startswith(path_prefix)]

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def fault(self, path: str, status: int, times: int = 1, headers: Optional[Mapping[str, str]] = None, body: Any = None,
              kind: str = "status", seconds: Optional[float] = None) -> None:
        """The next ``times`` requests whose path starts with ``path`` get ``status`` (with ``headers`` and ``body``)
        instead of their answer; ``kind`` ``truncated``, ``html``, ``hang`` (for ``seconds``) or ``drop`` picks a fault
        that is not a plain HTTP answer."""
        spec: Dict[str, Any] = {"path": path, "status": status, "times": times, "headers": dict(headers or {}), "kind": kind}
        if seconds is not None:
            spec["seconds"] = seconds
        if body is not None:
            spec["body"] = body
        self._call("POST", "faults", spec)

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def settings(self, **values: Any) -> Dict[str, Any]:
        """Sets ``fault_rate``, ``fault_seed``, ``latency_ms``, ``hang_seconds``, and the rate settings
        ``rate_time_scale``, ``rate_limits`` (``{"ayrshare": 300, ...}``), ``twitter_analytics_daily_cap``,
        ``reset_rate_limits`` (see ``server.py``); returns the settings now in force."""
        return self._call("PUT", "settings", values)

    def current_settings(self) -> Dict[str, Any]:
        return self._call("GET", "settings")

    def status_counts(self, vendor: Optional[str] = None, path_prefix: str = "") -> Dict[Optional[int], int]:
        """How many logged answers had each HTTP status (None: no answer was sent), for one ``vendor`` (its name,
        e.g. ``"ayrshare"``) or all, e.g. ``{200: 412, 429: 3}``: the 429s a benchmark provoked."""
        return status_counts(self.requests(path_prefix), vendor)


def status_counts(log: List[Dict[str, Any]], vendor: Optional[str] = None) -> Dict[Optional[int], int]:
    """Answers per HTTP status in a request log (all vendors, or only ``vendor``'s)."""
    counts: Dict[Optional[int], int] = {}
    for entry in log:
        if vendor is None or entry.get("vendor") == vendor:
            counts[entry.get("status")] = counts.get(entry.get("status"), 0) + 1
    return counts


def most_in_flight(log: List[Dict[str, Any]], latency_s: float) -> int:
    """The most requests of an emulator log that arrived within one latency of each other: each holds its thread
    until answered, so that is how many were in flight at once."""
    times = sorted(entry["at"] for entry in log)
    return max(sum(1 for t in times if start <= t < start + latency_s * 0.9) for start in times)
