"""A local HTTP emulator of the vendors' analytics APIs, for tests, the demo sync and benchmarks.

Written from the vendors' pages (``shared/seeds``) and ``shared/api-notes.md`` only, never from the
connector's code. One server hosts every vendor under its own path prefix (see ``vendors.py``), binds to
127.0.0.1 only, and keeps a log of the requests it answered so that tests can count them.

Test hooks live under ``/__emulator__/`` (never part of a vendor API):

- ``GET /__emulator__/requests``          the request log (method, path, query, vendor, profile_key, headers, body,
                                          ``at``, ``status``: the HTTP status answered, null when nothing was
                                          (a ``hang``/``drop`` fault), ``fault``: the kind of injected fault that
                                          answered instead of the vendor, else null)
- ``DELETE /__emulator__/requests``       clear the log
- ``POST /__emulator__/faults``           ``{"path": "/api/analytics/social", "status": 500, "times": 2,
                                          "headers": {...}, "body": {...}}``: the next ``times`` requests
                                          whose path starts with ``path`` get that answer instead. ``"kind"``
                                          instead of ``status`` picks a fault that is not an HTTP answer:
                                          ``truncated`` (a 200 whose JSON is cut), ``html`` (a 502 HTML page),
                                          ``hang`` (no answer for ``seconds``), ``drop`` (connection closed).
- ``DELETE /__emulator__/faults``         drop all pending faults
- ``PUT /__emulator__/settings``          ``{"fault_rate": 0.2, "fault_seed": 1, "latency_ms": 100,
                                          "hang_seconds": 5}``: random faults on a deterministic share of
                                          requests, and a fixed latency on every answer; and the rate settings
                                          below. Answers the settings in force (400 for a bad rate setting,
                                          then nothing changed)
- ``GET /__emulator__/settings``          the settings in force

Rate settings (keys of ``PUT /__emulator__/settings``; also ``Emulator(...)`` keywords and CLI flags):

- ``rate_time_scale`` (float > 0, default 1; ``--rate-time-scale``): every rate window of every vendor is divided
  by it (Ayrshare 5 min per profile and its 24 h X/Twitter window, HighLevel 10 s and its day, PostPost/Publora
  60 s, Mosaic 60 s), and so is every time the vendors report about them (HighLevel
  ``X-RateLimit-Interval-Milliseconds``, Publora ``X-RateLimit-Reset``/``retryAfter``, Mosaic ``Retry-After``;
  whole units, rounded up, never 0). For new requests; resets every rate counter.
- ``rate_limits`` (``--rate-limits ayrshare=300,highlevel=100,postpost=120,mosaic=120``): ``{"ayrshare": 300,
  "highlevel": 100, "postpost": 120, "mosaic": 120}``, any subset, each the exact limit per the vendor's unit: per
  User Profile per 5 min (Ayrshare; the primary profile is one, each Profile-Key another), per token and location
  per 10 s (HighLevel; the 200,000/day stays), per API key per 60 s (PostPost/Publora, Mosaic). Not multiplied by
  ``scale``; ``null`` restores the vendor's default (Ayrshare ``300 * scale``, HighLevel 100, PostPost advertises
  120/min but enforces nothing, Mosaic none). Past it each vendor's documented 429 (see its module). Resets the
  counters of the vendors named.
- ``twitter_analytics_daily_cap`` (int or null = off, the default; ``--twitter-analytics-daily-cap``): Ayrshare's
  X/Twitter analytics calls (``POST /analytics/post`` answers with twitter) per profile per 24 h; past it a 429
  that names the X/Twitter daily limit while ``x-ratelimit-count`` stays within ``x-ratelimit-max`` (``ayrshare.py``).
- ``reset_rate_limits`` (true): forget every vendor's rate counters.

Benchmark-sized Ayrshare accounts (``Emulator(ayrshare_profiles=N, ayrshare_posts_per_profile=M)``, CLI
``--ayrshare-profiles N --ayrshare-posts-per-profile M``, ``default_vendors(...)`` likewise): N extra User Profiles
with M posts each over the last ~14 days; their Profile-Keys are ``ayrshare.benchmark_profile_keys(N)``.

Random fault mode (``fault_rate`` > 0, or ``--fault-rate``): that share of vendor requests, picked by a
seeded generator, gets one of: 429 with ``Retry-After: 1``, 429 without it, 500, 502, 503, an HTML error
page, a 200 with truncated JSON, a slow answer (``hang_seconds``, past the client's read timeout), or a
dropped connection. A retried request draws again, so a client that retries gets through.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from .ayrshare import BENCHMARK_POSTS_PER_PROFILE
from .base import Request, Response, Vendor
from .vendors import _UNSET, apply_rate_settings, default_vendors, parse_rate_limits

CONTROL_PREFIX = "/__emulator__"

MAX_RANDOM_FAULTS_IN_A_ROW = 3
RANDOM_FAULT_KINDS = ("429-retry-after", "429", "500", "502", "503", "html", "truncated", "hang", "drop")
HTML_ERROR_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass
class _Fault:
    path: str
    status: int
    times: int
    headers: Dict[str, str]
    body: Any
    kind: str = "status"
    seconds: float = 0.0


class EmulatorState:
    """Request log, injected faults and settings, shared by all handler threads."""

    def __init__(self, fault_rate: float = 0.0, fault_seed: int = 1, latency_ms: float = 0.0, hang_seconds: float = 5.0) -> None:
        self._lock = threading.Lock()
        self.requests: List[Dict[str, Any]] = []
        self._faults: List[_Fault] = []
        self.latency_ms = latency_ms
        self.hang_seconds = hang_seconds
        self.configure_random_faults(fault_rate, fault_seed)

    def configure_random_faults(self, rate: float, seed: int) -> None:
        with self._lock:
            self.fault_rate = float(rate)
            self._random = random.Random(seed)
            self._streaks: Dict[str, int] = {}

    def log(self, entry: Dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def add_fault(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, path: str, request_key: str = "") -> Optional[_Fault]:
        """An injected fault for this request, if any. Random faults never hit the same request (``request_key``:
        method, path, query, body) more than MAX_RANDOM_FAULTS_IN_A_ROW times in a row, so that a client that
        retries always gets through: the random mode measures recovery, not luck."""
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path) and fault.times > 0:
                    fault.times -= 1
                    return fault
            if self.fault_rate > 0 and self._random.random() < self.fault_rate:
                streak = self._streaks.get(request_key, 0)
                if streak < MAX_RANDOM_FAULTS_IN_A_ROW:
                    self._streaks[request_key] = streak + 1
                    return _random_fault(self._random.choice(RANDOM_FAULT_KINDS), self.hang_seconds)
            self._streaks.pop(request_key, None)
        return None


def _random_fault(kind: str, hang_seconds: float) -> _Fault:
    if kind.startswith("429"):
        headers = {"Retry-After": "1"} if kind == "429-retry-after" else {}
        return _Fault("", 429, 1, headers, {"error": "Too many requests (emulated fault)"})
    if kind.isdigit():
        return _Fault("", int(kind), 1, {}, {"error": f"emulated server error {kind}"})
    return _Fault("", 502 if kind == "html" else 200, 1, {}, None, kind=kind, seconds=hang_seconds)


def _make_handler_class(vendors: List[Vendor], state: EmulatorState) -> type:
    class _RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once (keep-alive answers took ~40 ms)
        server_version = "social-analytics-emulator/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return  # keep test output clean; the request log is kept in `state`

        _log_entry: Optional[Dict[str, Any]] = None  # the log entry of the request being answered (vendor paths)

        def _send(self, response: Response) -> None:
            if self._log_entry is not None:
                self._log_entry["status"] = response.status  # the key exists already: the entry never changes size
            if response.raw is not None:
                payload = response.raw
            else:
                payload = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
            self.send_response(response.status)
            if payload:
                self.send_header("Content-Type", response.content_type)
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _send_fault(self, fault: _Fault, request: Request, vendor: Optional[Vendor]) -> None:
            if fault.kind == "status":
                self._send(Response(fault.status, fault.body, dict(fault.headers)))
            elif fault.kind == "html":
                self._send(Response(fault.status or 502, raw=HTML_ERROR_PAGE, content_type="text/html"))
            elif fault.kind == "truncated":
                # the real answer, cut in the middle: a 200 whose body is not JSON
                real = vendor.handle(request) if vendor else Response(200, {"data": []})
                whole = real.raw if real.raw is not None else json.dumps(real.body).encode("utf-8")
                self._send(Response(200, raw=whole[: max(1, len(whole) // 2)], headers={**real.headers, **fault.headers}))
            elif fault.kind == "hang":
                threading.Event().wait(fault.seconds)  # not time.sleep: in-process tests patch that
                self.close_connection = True
            elif fault.kind == "drop":
                self.close_connection = True  # nothing written: the client sees the connection dropped

        def _dispatch(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self._log_entry = None
            request = Request(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers=dict(self.headers.items()),
                body=body,
            )
            if request.path.startswith(CONTROL_PREFIX):
                self._send(self._control(request))
                return
            vendor = next((v for v in vendors if request.path.startswith(v.prefix + "/")), None)
            entry: Dict[str, Any] = {
                "method": request.method,
                "path": request.path,
                "query": {k: v if len(v) > 1 else v[0] for k, v in request.query.items()},
                "vendor": vendor.name if vendor else None,
                "profile_key": request.header("Profile-Key"),
                "headers": dict(request.headers),
                "body": _safe_json(body),
                "at": time.time(),
                "status": None,  # set when the answer is sent; stays None when none is (hang, drop)
                "fault": None,  # the kind of injected fault that answered instead of the vendor, if any
            }
            self._log_entry = entry
            state.log(entry)
            if state.latency_ms:
                threading.Event().wait(state.latency_ms / 1000.0)
            fault = state.take_fault(request.path, f"{request.method} {self.path} {body!r}")
            if fault is not None:
                entry["fault"] = fault.kind
                self._send_fault(fault, request, vendor)
                return
            if vendor is None:
                self._send(Response(404, {"error": f"no such path: {request.path}"}))
                return
            try:
                response = vendor.handle(request)
            except Exception as error:  # an emulator bug must show up as a 500, like a real server
                response = Response(500, {"error": f"emulator error: {error!r}"})
            self._send(response)

        def _control(self, request: Request) -> Response:
            what = request.path[len(CONTROL_PREFIX) :].strip("/")
            if what == "requests" and request.method == "GET":
                return Response(200, list(state.requests))
            if what == "requests" and request.method == "DELETE":
                state.clear_log()
                return Response(200, {"cleared": True})
            if what == "faults" and request.method == "POST":
                spec = request.json() or {}
                state.add_fault(
                    _Fault(
                        path=spec["path"],
                        status=int(spec.get("status", 500)),
                        times=int(spec.get("times", 1)),
                        headers={k: str(v) for k, v in (spec.get("headers") or {}).items()},
                        body=spec.get("body", {"error": "injected fault"}),
                        kind=spec.get("kind", "status"),
                        seconds=float(spec.get("seconds", state.hang_seconds)),
                    )
                )
                return Response(200, {"added": True})
            if what == "faults" and request.method == "DELETE":
                state.clear_faults()
                return Response(200, {"cleared": True})
            if what == "settings" and request.method == "GET":
                return Response(200, _settings(state, vendors))
            if what == "settings" and request.method == "PUT":
                spec = request.json() or {}
                try:
                    apply_rate_settings(
                        vendors,
                        rate_time_scale=spec.get("rate_time_scale"),
                        rate_limits=spec.get("rate_limits"),
                        twitter_analytics_daily_cap=spec.get("twitter_analytics_daily_cap", _UNSET),
                        reset=bool(spec.get("reset_rate_limits")),
                    )
                except (TypeError, ValueError, AttributeError) as error:
                    return Response(400, {"error": f"bad rate settings: {error}"})
                if "fault_rate" in spec or "fault_seed" in spec:
                    state.configure_random_faults(float(spec.get("fault_rate", state.fault_rate)), int(spec.get("fault_seed", 1)))
                state.latency_ms = float(spec.get("latency_ms", state.latency_ms))
                state.hang_seconds = float(spec.get("hang_seconds", state.hang_seconds))
                return Response(200, _settings(state, vendors))
            return Response(404, {"error": f"unknown control path {request.path}"})

        do_GET = _dispatch
        do_POST = _dispatch
        do_PUT = _dispatch
        do_PATCH = _dispatch
        do_DELETE = _dispatch

    return _RequestHandler


def _settings(state: EmulatorState, vendors: List[Vendor]) -> Dict[str, Any]:
    """The settings in force: the fault and latency ones, and each vendor's rate clock and enforced limit."""
    scales = {vendor.rate_time_scale for vendor in vendors}
    return {
        "fault_rate": state.fault_rate,
        "latency_ms": state.latency_ms,
        "hang_seconds": state.hang_seconds,
        "rate_time_scale": scales.pop() if len(scales) == 1 else {v.name: v.rate_time_scale for v in vendors},
        "rate_limits": {vendor.name: vendor.rate_limit() for vendor in vendors},
        "twitter_analytics_daily_cap": next(
            (getattr(v, "twitter_analytics_daily_cap") for v in vendors if hasattr(v, "twitter_analytics_daily_cap")), None
        ),
    }


def _safe_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        return body.decode("utf-8", "replace")


class Emulator:
    """The running server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(
        self,
        vendors: Optional[List[Vendor]] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        fault_rate: float = 0.0,
        fault_seed: int = 1,
        latency_ms: float = 0.0,
        hang_seconds: float = 5.0,
        now: Optional[datetime] = None,
        rate_time_scale: Optional[float] = None,
        rate_limits: Optional[Mapping[str, Optional[int]]] = None,
        ayrshare_profiles: int = 0,
        ayrshare_posts_per_profile: int = BENCHMARK_POSTS_PER_PROFILE,
        twitter_analytics_daily_cap: Optional[int] = None,
    ) -> None:
        """``now``: the fixed moment the default vendors compute their data at (ignored when ``vendors`` are given,
        which carry their own). ``ayrshare_profiles``/``ayrshare_posts_per_profile``: extra Ayrshare benchmark
        profiles (default vendors only; see ``ayrshare.benchmark_profile_keys``). ``rate_time_scale``, ``rate_limits``
        and ``twitter_analytics_daily_cap`` are applied to the vendors, given or default (see the module docstring);
        None leaves the vendors' own."""
        if vendors and ayrshare_profiles:
            raise ValueError("ayrshare_profiles builds the default vendors: give AyrshareEmulator(benchmark_profiles=...) instead")
        self.state = EmulatorState(fault_rate, fault_seed, latency_ms, hang_seconds)
        self.vendors: List[Vendor] = list(vendors or default_vendors(
            now=now, ayrshare_profiles=ayrshare_profiles, ayrshare_posts_per_profile=ayrshare_posts_per_profile,
        ))
        apply_rate_settings(
            self.vendors, rate_time_scale=rate_time_scale, rate_limits=rate_limits,
            twitter_analytics_daily_cap=_UNSET if twitter_analytics_daily_cap is None else twitter_analytics_daily_cap,
        )
        self._server = ThreadingHTTPServer((host, port), _make_handler_class(self.vendors, self.state))
        self._server.daemon_threads = True
        self._server.request_queue_size = 64
        self._thread: Optional[threading.Thread] = None

    @property
    def address(self) -> Tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def start(self) -> "Emulator":
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local vendor API emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 = any free port)")
    parser.add_argument("--scale", type=int, default=1, help="multiply the size of every vendor's data set")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="wait this long before every answer")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that get a random fault (0..1)")
    parser.add_argument("--fault-seed", type=int, default=1, help="seed of the random fault sequence")
    parser.add_argument("--hang-seconds", type=float, default=5.0, help="how long a 'hang' fault waits before closing")
    parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="the fixed moment the data is computed at, ISO 8601 with an offset (default: the start)")
    parser.add_argument("--rate-time-scale", type=float, default=None,
                        help="divide every rate-limit window (and the times reported about it) by this (default 1)")
    parser.add_argument("--rate-limits", type=parse_rate_limits, default=None,
                        help="exact limits per vendor unit, e.g. ayrshare=300,highlevel=100,postpost=120,mosaic=120")
    parser.add_argument("--ayrshare-profiles", type=int, default=0, help="extra Ayrshare benchmark User Profiles")
    parser.add_argument("--ayrshare-posts-per-profile", type=int, default=BENCHMARK_POSTS_PER_PROFILE,
                        help="posts of each Ayrshare benchmark profile, over the last ~14 days")
    parser.add_argument("--twitter-analytics-daily-cap", type=int, default=None,
                        help="Ayrshare X/Twitter analytics calls per profile per 24 h (default: no cap)")
    args = parser.parse_args(argv)
    emulator = Emulator(
        default_vendors(
            scale=args.scale, now=args.now, ayrshare_profiles=args.ayrshare_profiles,
            ayrshare_posts_per_profile=args.ayrshare_posts_per_profile,
        ),
        port=args.port, fault_rate=args.fault_rate, fault_seed=args.fault_seed, latency_ms=args.latency_ms,
        hang_seconds=args.hang_seconds, rate_time_scale=args.rate_time_scale, rate_limits=args.rate_limits,
        twitter_analytics_daily_cap=args.twitter_analytics_daily_cap,
    )
    # The first line on stdout is the base URL, so a parent process can read where we listen.
    print(emulator.url, flush=True)
    try:
        emulator._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator._server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
