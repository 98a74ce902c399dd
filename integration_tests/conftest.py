"""Integration fixtures: the emulator on 127.0.0.1 and the installed CLI, run as a subprocess."""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import unittest.mock
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from airbyte_cdk.models import AirbyteMessageSerializer
from orjson import orjson

from social_analytics_emulator import Emulator, EmulatorClient, default_vendors
from social_analytics_emulator.ayrshare import API_KEY, PROFILE_KEYS
from social_analytics_emulator.configs import RATE_TIME_SCALE_VARIABLE


def cli_command() -> List[str]:
    """The console script installed next to this interpreter (what Airbyte's image runs)."""
    script = Path(sys.executable).with_name("source-social-analytics")
    return [str(script)] if script.exists() else [sys.executable, "-m", "source_social_analytics.run"]


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    messages: List[Dict[str, Any]] = field(default_factory=list)

    def of_type(self, kind: str) -> List[Dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def records(self, stream: Optional[str] = None) -> List[Dict[str, Any]]:
        return [m["record"]["data"] for m in self.of_type("RECORD") if stream is None or m["record"]["stream"] == stream]

    def states(self) -> List[Dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def final_states(self) -> List[Dict[str, Any]]:
        last: Dict[str, Dict[str, Any]] = {}
        for state in self.states():
            last[state["stream"]["stream_descriptor"]["name"]] = state
        return list(last.values())

    def logs(self, level: str) -> List[str]:
        return [m["log"]["message"] for m in self.of_type("LOG") if m["log"]["level"] == level]

    def errors(self) -> List[Dict[str, Any]]:
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"]["type"] == "ERROR"]


def run_in_process(args: List[str]) -> Tuple[int, str, str]:
    """The console script's ``run()`` in this process: the same code path as the installed CLI (our config
    checks, our Entrypoint, the CDK's launch) without the ~2 s interpreter start-up of a subprocess.
    Exit codes as the CLI's: SystemExit's code, or 1 for an uncaught error (printed as the CDK's
    uncaught-exception hook would print it, secrets filtered)."""
    from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets
    from airbyte_cdk.utils.traced_exception import AirbyteTracedException
    from source_social_analytics import run as run_module

    buffer = io.StringIO()
    errors = io.StringIO()
    # The CLI's log lines are written by the root logger's handler (the CDK's init_logger) to the CDK's
    # print buffer, which writes to the real stdout: point it at the buffer for this run (and back after).
    handlers = [h for h in logging.getLogger("").handlers if isinstance(h, logging.StreamHandler)]
    streams = [h.setStream(buffer) for h in handlers]
    code = 0
    try:
        # PRINT_BUFFER writes to sys.__stdout__ (the real one): here, print() goes to the buffer directly
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors), unittest.mock.patch.object(run_module, "PRINT_BUFFER", contextlib.nullcontext()):
            try:
                run_module.run(args)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except Exception as error:  # what the CLI's uncaught-exception hook does
                traced = error if isinstance(error, AirbyteTracedException) else AirbyteTracedException.from_exception(error)
                print(filter_secrets(orjson.dumps(AirbyteMessageSerializer.dump(traced.as_airbyte_message())).decode()))
                code = 1
    finally:
        for handler, stream in zip(handlers, streams):
            handler.setStream(stream)
    return code, buffer.getvalue(), errors.getvalue()


class Cli:
    """Runs the connector's commands. ``process=True``: the installed console script as a subprocess (what
    Airbyte's image runs); else ``run()`` in this process, for speed (see run_in_process)."""

    def __init__(self, workdir: Path, process: bool = False) -> None:
        self.workdir = workdir
        self.process = process
        self._count = 0

    def write(self, name: str, payload: Any) -> Path:
        self._count += 1
        path = self.workdir / f"{self._count:03d}-{name}.json"
        path.write_text(json.dumps(payload))
        return path

    def run(self, command: str, config: Optional[Dict[str, Any]] = None, catalog: Any = None, state: Any = None, timeout: int = 240,
            debug: bool = False) -> CliResult:
        args = cli_command() + [command] + (["--debug"] if debug else [])
        if config is not None:
            args += ["--config", str(self.write("config", config))]
        if catalog is not None:
            args += ["--catalog", str(self.write("catalog", catalog))]
        if state is not None:
            args += ["--state", str(self.write("state", state))]
        if self.process:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=self.workdir, env=env)
            returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        else:
            returncode, stdout, stderr = run_in_process(args[len(cli_command()):])
        messages = []
        for line in stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                messages.append(json.loads(line))
        return CliResult(returncode, stdout, stderr, messages)


# The suite runs hundreds of syncs back to back against one emulator, which counts each vendor's rate window across
# all of them (PostPost's X-RateLimit-Remaining reaches 0 after 120 requests in a minute, and the connector then waits
# for the reset, as it must). Its windows run 60 times faster here, like the rate benchmark's, so that syncs minutes
# apart in real life do not wait out each other's windows; the connector's own pacing is proven with a fake clock
# (unit_tests/test_rate_budget.py) and measured in benchmarks/rate_limits.py, at real speed.
SUITE_RATE_TIME_SCALE = 60
# ... and the connector's budgets on the same clock, in every config emulator_config() makes (configs.py)
os.environ.setdefault(RATE_TIME_SCALE_VARIABLE, str(SUITE_RATE_TIME_SCALE))
SUITE_CLOCK = {"_rate_time_scale": SUITE_RATE_TIME_SCALE}  # for the configs a test writes by hand


@pytest.fixture(scope="session")
def emulator():
    with Emulator(default_vendors(), rate_time_scale=SUITE_RATE_TIME_SCALE) as running:
        yield running


@pytest.fixture
def api(emulator):
    """The emulator's test hooks (an EmulatorClient), reset around each test."""
    client = EmulatorClient(emulator.url)
    client.clear_requests()
    client.clear_faults()
    yield client
    client.clear_faults()


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def process_cli(tmp_path) -> Cli:
    """The installed console script as a subprocess: for the end-to-end paths (stderr, exit codes, signals)."""
    return Cli(tmp_path, process=True)


@pytest.fixture(scope="module")
def module_cli(tmp_path_factory) -> Cli:
    """A CLI whose runs a whole test module shares (e.g. one first sync, asserted by several tests)."""
    return Cli(tmp_path_factory.mktemp("cli"))


def emulator_log(emulator) -> List[Dict[str, Any]]:
    return EmulatorClient(emulator.url).requests()


@pytest.fixture(scope="module")
def discovered(module_cli, config):
    """The catalog a module's ``config`` fixture discovers (each test module defines ``config``)."""
    return module_cli.run("discover", config)


@pytest.fixture(scope="module")
def first_sync(module_cli, config, discovered, emulator):
    """A full first sync of every stream of a module's ``config``, with the emulator's request log of it."""
    EmulatorClient(emulator.url).clear_requests()
    return module_cli.run("read", config, catalog_for(discovered)), emulator_log(emulator)


@pytest.fixture(scope="session")
def ayrshare_config(emulator) -> Dict[str, Any]:
    """Tests copy it before changing it."""
    return {
        "provider": {
            "provider_type": "ayrshare",
            "api_key": API_KEY,
            "base_url": f"{emulator.url}/api",
        },
        "start_date": __import__("pendulum").today("UTC").subtract(days=60).to_date_string(),
        **SUITE_CLOCK,
    }


@pytest.fixture
def ayrshare_profiles_config(ayrshare_config) -> Dict[str, Any]:
    config = json.loads(json.dumps(ayrshare_config))
    config["provider"]["profile_keys"] = list(PROFILE_KEYS.values())
    return config


def catalog_for(discovered: CliResult, sync_mode: str = "incremental") -> Dict[str, Any]:
    [catalog] = [m["catalog"] for m in discovered.of_type("CATALOG")]
    return {
        "streams": [
            {
                "stream": stream,
                "sync_mode": sync_mode,
                "destination_sync_mode": "append_dedup" if sync_mode == "incremental" else "overwrite",
                "cursor_field": stream.get("default_cursor_field") if sync_mode == "incremental" else None,
                "primary_key": stream.get("source_defined_primary_key"),
            }
            for stream in catalog["streams"]
        ]
    }
