"""A local HTTP emulator of the vendors' analytics APIs, for tests and the demo sync.

Written from the vendors' pages (``shared/seeds``) and ``shared/api-notes.md`` only, never from the
connector's code. One server hosts every vendor under its own path prefix (Ayrshare under ``/api``),
binds to 127.0.0.1 only, and keeps a log of the requests it answered so that tests can count them.

Test hooks live under ``/__emulator__/`` (never part of a vendor API):

- ``GET /__emulator__/requests``          the request log (method, path, query, vendor)
- ``DELETE /__emulator__/requests``       clear the log
- ``POST /__emulator__/faults``           ``{"path": "/api/analytics/social", "status": 500, "times": 2,
                                          "headers": {...}, "body": {...}}``: the next ``times`` requests
                                          whose path starts with ``path`` get that answer instead
- ``DELETE /__emulator__/faults``         drop all pending faults
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

CONTROL_PREFIX = "/__emulator__"


@dataclass
class Request:
    """What a vendor handler gets: the parsed request."""

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
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
    status: int
    body: Any = None
    headers: Dict[str, str] = field(default_factory=dict)


class Vendor:
    """A vendor emulation: a path prefix and a handler for requests under it."""

    prefix: str = ""
    name: str = ""

    def handle(self, request: Request) -> Response:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class _Fault:
    path: str
    status: int
    times: int
    headers: Dict[str, str]
    body: Any


class EmulatorState:
    """Request log and injected faults, shared by all handler threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: List[Dict[str, Any]] = []
        self._faults: List[_Fault] = []

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

    def take_fault(self, path: str) -> Optional[_Fault]:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


def _make_handler_class(vendors: List[Vendor], state: EmulatorState) -> type:
    class _RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "social-analytics-emulator/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return  # keep test output clean; the request log is kept in `state`

        def _send(self, response: Response) -> None:
            payload = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
            self.send_response(response.status)
            if response.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _dispatch(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
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
            state.log(
                {
                    "method": request.method,
                    "path": request.path,
                    "query": {k: v if len(v) > 1 else v[0] for k, v in request.query.items()},
                    "vendor": vendor.name if vendor else None,
                    "profile_key": request.header("Profile-Key"),
                    "body": _safe_json(body),
                }
            )
            fault = state.take_fault(request.path)
            if fault is not None:
                self._send(Response(fault.status, fault.body, dict(fault.headers)))
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
                    )
                )
                return Response(200, {"added": True})
            if what == "faults" and request.method == "DELETE":
                state.clear_faults()
                return Response(200, {"cleared": True})
            return Response(404, {"error": f"unknown control path {request.path}"})

        do_GET = _dispatch
        do_POST = _dispatch
        do_PUT = _dispatch
        do_PATCH = _dispatch
        do_DELETE = _dispatch

    return _RequestHandler


def _safe_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        return body.decode("utf-8", "replace")


class Emulator:
    """The running server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self, vendors: List[Vendor], host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = EmulatorState()
        self._server = ThreadingHTTPServer((host, port), _make_handler_class(vendors, self.state))
        self._server.daemon_threads = True
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


def default_vendors() -> List[Vendor]:
    from .ayrshare import AyrshareEmulator

    return [AyrshareEmulator()]


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local vendor API emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 = any free port)")
    args = parser.parse_args(argv)
    emulator = Emulator(default_vendors(), port=args.port)
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
