"""Kill and resume: a read SIGKILLed right after its first, a middle or its last STATE message, then resumed
from the state it printed, loses no record. Covers every incremental stream of every provider.

How a case runs
- Every read is a real process running the console script's code, ``source_social_analytics.run.run``.
  It is a child forked from a forkserver that has already imported the connector and built one source.
  A fresh interpreter would spend about 2 s on imports, and this module makes some 70 reads. The child's
  fd 1 goes to a file.
- The killed read: the child's stdout holds the writing thread right after the N-th STATE line and tells
  the parent, which sends SIGKILL. A platform that stops reading the pipe holds a source the same way. What
  the read printed is then exactly its output up to that STATE, on a fast machine or a slow one, so no
  emulator latency is needed and the result does not depend on timing.
- The resumed read gets the last STATE message per stream that the killed read printed, as Airbyte would.
- The clean read: the same config read once from no state, with every case stream of that config.
- Checked for each case:
  - the killed read died of signal 9 after exactly N STATE messages;
  - the resumed read exits 0 with no error;
  - the records of the killed and resumed reads together hold every primary key of the clean read (the
    key comes from the discovered catalog's ``source_defined_primary_key``);
  - each key holds the clean read's values, taking the resumed read's record over the killed read's as a
    deduplicating destination does. VOLATILE_FIELDS are left out. Ayrshare's emulated metrics grow with
    the clock, so for Ayrshare a number may differ by 1 % or by 1;
  - at the first and middle kill points, the killed read printed only part of the clean read's keys, so
    it really stopped midway.
- One worker (``num_workers: 1``): partitions are read one after another, so every read of a stream prints
  its records and STATE messages in the same order.

Why the reads print a state at every partition's close
The CDK emits a partitioned stream's state at most once every 600 s, plus a final one
(``ConcurrentPerPartitionCursor._throttle_state_message``). A read of one second therefore prints only its
first STATE (at the first partition's close) and its last. A sync of hours prints one every ten minutes,
each at a partition's close, and those are the states a killed long sync leaves. Every read here lifts the
throttle, so a short read also has the middle STATE messages of a long sync. Each state's content is the
CDK's own, unchanged.

STATE messages per stream (with the CASES configs below; middle = STATE (n + 1) // 2 of n)
- ayrshare post_analytics: one per post plus the final one (profiles brand-eu and brand-us, 14 days).
- ayrshare link_analytics: one per profile plus the final one. A third profile, brand-bulk, has no links.
  It sits between the other two, so its close is the middle STATE and comes before brand-us's links.
- ayrshare social_statistics: one per platform (9) plus the final one, profile brand-us only. The emulator
  answers 429 past 300 requests per profile in 5 minutes, and the suite's other tests use brand-eu most.
- ayrshare youtube_playlists: one per profile plus the final one. brand-eu has no YouTube (no playlist, its close
  is the first STATE), brand-us has 2 playlists (the middle STATE), brand-native 3.
- mosaic post_analytics: one per analytics call (a post, or one destination of it) plus the final one (14 days).
- postpost post_analytics: one per published LinkedIn entry of a post plus the final one (14 days).
- postpost account_statistics: 45 days, so two 30-day windows for each of the two accounts: 4 closes plus
  the final one. With 14 days there would be 3 STATE messages, and the middle one would come after the
  last record.
- postpost social_statistics: one per account plus the final one, 3 in all. It has no window to split and
  the emulator has two LinkedIn accounts, so the middle STATE (the second account's close) comes after the
  last record and before the final state. That kill point cannot stop midway in records.
- highlevel account_statistics and social_statistics, API versions v3 and 2021-07-28: ONE STATE, the final
  one, whatever the window or the number of partitions. The cursor is a global substream cursor whose parent
  (the accounts) has no incremental state, and the CDK never emits such a cursor's state mid-sync. First,
  middle and last are the same message, so the case is "killed after its only STATE".
"""
from __future__ import annotations

import gc
import io
import json
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from integration_tests.conftest import CliResult
from social_analytics_emulator.ayrshare import BULK_PROFILE_KEY, NATIVE_PROFILE_KEY, PROFILE_KEYS
from social_analytics_emulator.configs import emulator_config

pytestmark = pytest.mark.integration

STATE_PREFIX = '{"type":"STATE"'
# Fields that differ between any two reads of the same data: when we read it, when the vendor answered,
# and the vendor's own object (PostPost's carries cache flags: "cached" on a repeat within 30 minutes).
VOLATILE_FIELDS = ("retrieved_at", "vendor_updated_at", "raw", "raw_metrics")
PARALLEL_READS = 2  # children at a time: a read is CPU-bound (about 0.3 s), on 2 cores
READ_TIMEOUT = 60


@dataclass(frozen=True)
class Setup:
    """A provider's config, read clean once (with all its cases' streams)."""

    provider: str
    days: int = 14
    overrides: Tuple[Tuple[str, Any], ...] = ()

    @property
    def name(self) -> str:
        version = dict(self.overrides).get("api_version")
        return f"{self.provider}-{version}" if version else self.provider

    def config(self, emulator_url: str) -> Dict[str, Any]:
        return {**emulator_config(self.provider, emulator_url, days=self.days, **dict(self.overrides)), "num_workers": 1}

    @property
    def metrics_grow(self) -> bool:
        """The emulator's Ayrshare metrics grow with the clock, so two reads a second apart may differ by 1."""
        return self.provider == "ayrshare"


@dataclass(frozen=True)
class Case:
    """One incremental stream of one provider, with a config that gives it distinct kill points."""

    setup: Setup
    stream: str
    kill_points: Tuple[str, ...] = ("first", "middle", "last")
    middle_after_last_record: bool = False  # postpost social_statistics: see the module docstring

    @property
    def id(self) -> str:
        return f"{self.setup.name}-{self.stream}"


AYRSHARE = Setup("ayrshare", overrides=(("profile_keys", (PROFILE_KEYS["brand-eu"], PROFILE_KEYS["brand-us"])),))
AYRSHARE_US = Setup("ayrshare", overrides=(("profile_keys", (PROFILE_KEYS["brand-us"],)),))
AYRSHARE_LINKS = Setup("ayrshare", overrides=(("profile_keys", (PROFILE_KEYS["brand-eu"], BULK_PROFILE_KEY, PROFILE_KEYS["brand-us"])),))
AYRSHARE_PLAYLISTS = Setup("ayrshare", overrides=(("profile_keys", (PROFILE_KEYS["brand-eu"], PROFILE_KEYS["brand-us"], NATIVE_PROFILE_KEY)),))
HIGHLEVEL_V3 = Setup("highlevel", overrides=(("api_version", "v3"),))
HIGHLEVEL_2021 = Setup("highlevel", overrides=(("api_version", "2021-07-28"),))
POSTPOST = Setup("postpost")
CASES = [
    Case(AYRSHARE, "post_analytics"),
    Case(AYRSHARE_LINKS, "link_analytics"),
    Case(AYRSHARE_US, "social_statistics"),
    Case(AYRSHARE_PLAYLISTS, "youtube_playlists"),
    Case(HIGHLEVEL_V3, "account_statistics", kill_points=("only",)),
    Case(HIGHLEVEL_V3, "social_statistics", kill_points=("only",)),
    Case(HIGHLEVEL_2021, "account_statistics", kill_points=("only",)),
    Case(HIGHLEVEL_2021, "social_statistics", kill_points=("only",)),
    Case(Setup("mosaic"), "post_analytics"),
    Case(POSTPOST, "post_analytics"),
    Case(Setup("postpost", days=45), "account_statistics"),
    Case(POSTPOST, "social_statistics", middle_after_last_record=True),
]


def _stop_after(kill_point: str, states: int) -> int:
    """The STATE message (1-based) a kill point stops after, in a read that prints ``states`` of them."""
    return {"first": 1, "middle": (states + 1) // 2, "last": states, "only": states}[kill_point]


# ------------------------------------------------------------------------------------ in the forked child
class _StdoutHeldAtKillPoint(io.TextIOBase):
    """The child's stdout writes whole lines to fd 1. After it writes the ``stop_after``-th STATE line, it
    tells the parent and holds the writing thread until SIGKILL comes. Every other writer waits on its
    lock meanwhile."""

    def __init__(self, stop_after: Optional[int], conn: multiprocessing.connection.Connection) -> None:
        super().__init__()
        self._stop_after = stop_after
        self._conn = conn
        self._lock = threading.RLock()
        self._pending = ""
        self._states = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            while "\n" in self._pending:
                line, self._pending = self._pending.split("\n", 1)
                _write_to_fd_1(line + "\n")
                if line.startswith(STATE_PREFIX):
                    self._states += 1
                    if self._states == self._stop_after:
                        self._conn.send(("state", self._states))
                        threading.Event().wait()  # until SIGKILL
        return len(text)

    def flush(self) -> None:
        with self._lock:
            _write_to_fd_1(self._pending)
            self._pending = ""


def _write_to_fd_1(text: str) -> None:
    data = text.encode()
    while data:
        data = data[os.write(1, data) :]


def _read_in_child(argv: List[str], out_path: str, stop_after: Optional[int], conn: multiprocessing.connection.Connection) -> None:
    """In the forked child: ``run(argv)``, with fd 1 in ``out_path`` and fd 2 in /dev/null. The child exits
    with the CLI's exit code, or is killed at ``stop_after``."""
    from airbyte_cdk.sources.declarative.incremental.concurrent_partition_cursor import ConcurrentPerPartitionCursor

    from source_social_analytics.run import run

    for fd, path, flags in ((1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), (2, os.devnull, os.O_WRONLY)):
        opened = os.open(path, flags, 0o644)
        os.dup2(opened, fd)
        os.close(opened)
    stdout = _StdoutHeldAtKillPoint(stop_after, conn)
    sys.stdout = sys.__stdout__ = stdout  # the CDK's print buffer writes to sys.__stdout__
    for logger in [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)]:
        for handler in getattr(logger, "handlers", []):
            if type(handler) is logging.StreamHandler:  # the CDK's log lines: to stdout, in order
                handler.setStream(stdout)
    # a state at every partition's close, as in a sync of hours (see the module docstring)
    ConcurrentPerPartitionCursor._throttle_state_message = lambda self: time.time()
    code = 0
    try:
        run(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # what the CLI's uncaught-exception hook (the CDK's entrypoint installs it) prints
        sys.excepthook(*sys.exc_info())
        code = 1
    stdout.flush()
    conn.send(("returned", code))
    os._exit(code)


def _warm_up() -> None:
    """Does what the start of every run does once, so that every child starts from filled caches: builds a
    source (the CDK caches its component schema and parsed templates) and checks its config (the config
    checks read the spec's rules from manifest.yaml once per process). Then moves every object out of the
    garbage collector's reach, so that children neither collect nor copy them. A read then costs a child
    about half the CPU. Neither step starts a thread, so forking afterwards stays safe."""
    from source_social_analytics.source import SourceSocialAnalytics

    assert SourceSocialAnalytics(config=emulator_config("postpost", "http://127.0.0.1:9")).config_problem() is None
    gc.freeze()


if sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    _warm_up()  # in the forkserver, which imports this module (ChildReads): every child starts warm


# -------------------------------------------------------------------------------------- in the test process
@dataclass
class Read(CliResult):
    """What one child printed (up to its kill point, if it was killed) and how it ended."""

    ended: Optional[Tuple[str, int]] = None  # ("state", N) at the kill point, or ("returned", exit code)

    def of_stream(self, stream: str) -> "Read":
        """This read without the RECORD and STATE messages of other streams."""

        def other(message: Dict[str, Any]) -> bool:
            if message.get("type") == "RECORD":
                return message["record"]["stream"] != stream
            if message.get("type") == "STATE":
                return message["state"]["stream"]["stream_descriptor"]["name"] != stream
            return False

        return Read(self.returncode, self.stdout, self.stderr, [m for m in self.messages if not other(m)], self.ended)


class ChildReads:
    """Runs connector commands in children forked from one forkserver, which imported the connector once."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._count = 0
        self._lock = threading.Lock()
        self._tracker_was_running = resource_tracker._resource_tracker._fd is not None
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["source_social_analytics.run", __name__])

    def close(self) -> None:
        """Stops the forkserver (and the resource tracker it started): no process outlives the module."""
        forkserver._forkserver._stop()
        self.context.set_forkserver_preload(["__main__"])  # multiprocessing's default
        if not self._tracker_was_running:
            resource_tracker._resource_tracker._stop()

    def _path(self, name: str) -> Path:
        with self._lock:
            self._count += 1
            return self.workdir / f"{self._count:03d}-{name}"

    def _write(self, name: str, payload: Any) -> str:
        path = self._path(f"{name}.json")
        path.write_text(json.dumps(payload))
        return str(path)

    def run(self, command: str, config: Dict[str, Any], catalog: Any = None, state: Any = None, stop_after: Optional[int] = None) -> Read:
        """``command`` in a child. With ``stop_after``, the child is SIGKILLed right after that STATE line."""
        argv = [command, "--config", self._write("config", config)]
        if catalog is not None:
            argv += ["--catalog", self._write("catalog", catalog)]
        if state is not None:
            argv += ["--state", self._write("state", state)]
        out = self._path(f"{command}.out")
        receiver, sender = self.context.Pipe(duplex=False)
        child = self.context.Process(target=_read_in_child, args=(argv, str(out), stop_after, sender), daemon=True)
        # multiprocessing is not thread-safe here: start() polls every other child, and a child's exit status
        # can be read only once (a second reader gets 255). So start() and join() take turns.
        with self._lock:
            child.start()
        sender.close()
        ended = None
        try:
            if multiprocessing.connection.wait([receiver], READ_TIMEOUT):
                ended = receiver.recv()
        except EOFError:  # the child died without a word
            pass
        finally:
            receiver.close()
            if ended is None or ended[0] == "state":
                child.kill()
            multiprocessing.connection.wait([child.sentinel], READ_TIMEOUT)
            with self._lock:
                child.join(0)
        text = out.read_text() if out.exists() else ""
        return Read(child.exitcode, text, "", [json.loads(line) for line in text.splitlines() if line.startswith("{")], ended)


@dataclass
class KilledAndResumed:
    stop_after: int
    killed: Read
    resumed: Read


@dataclass
class CaseReads:
    case: Case
    primary_key: List[List[str]]
    clean: Read  # the clean read of the case's stream
    kill_points: Dict[str, "Future[KilledAndResumed]"]


@pytest.fixture(scope="module")
def reads_of(emulator, tmp_path_factory):
    """Every read of this module, run PARALLEL_READS at a time: a discover per provider, a clean read per
    Setup, then for each case and kill point a killed read and its resume. Each test waits for its case."""
    reads = ChildReads(tmp_path_factory.mktemp("kill-and-resume"))
    pool = ThreadPoolExecutor(PARALLEL_READS, thread_name_prefix="kill-and-resume")
    try:
        # A task waits only on tasks submitted before it. The pool takes tasks in order, so it has already
        # started those, and it cannot deadlock.
        setups = {case.setup: [c.stream for c in CASES if c.setup == case.setup] for case in CASES}
        discovered = {}  # the catalog depends on the provider only
        for setup in setups:
            if setup.provider not in discovered:
                discovered[setup.provider] = pool.submit(reads.run, "discover", setup.config(emulator.url))

        def stream(setup: Setup, name: str) -> Dict[str, Any]:
            [catalog] = [m["catalog"] for m in discovered[setup.provider].result().of_type("CATALOG")]
            [found] = [s for s in catalog["streams"] if s["name"] == name]
            assert "incremental" in found["supported_sync_modes"], found
            return found

        def catalog(setup: Setup, names: List[str]) -> Dict[str, Any]:
            return {"streams": [{"stream": s, "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                                 "cursor_field": s["default_cursor_field"], "primary_key": s["source_defined_primary_key"]}
                                for s in (stream(setup, name) for name in names)]}

        cleans = {setup: pool.submit(lambda s, n: reads.run("read", s.config(emulator.url), catalog(s, n)), setup, names)
                  for setup, names in setups.items()}

        def kill_and_resume(case: Case, kill_point: str) -> KilledAndResumed:
            config, one_stream = case.setup.config(emulator.url), catalog(case.setup, [case.stream])
            stop_after = _stop_after(kill_point, len(cleans[case.setup].result().of_stream(case.stream).states()))
            killed = reads.run("read", config, one_stream, stop_after=stop_after)
            resumed = reads.run("read", config, one_stream, state=killed.final_states())
            return KilledAndResumed(stop_after, killed, resumed)

        kill_points = {case: {point: pool.submit(kill_and_resume, case, point) for point in case.kill_points} for case in CASES}
        yield {
            case.id: CaseReads(case, stream(case.setup, case.stream)["source_defined_primary_key"],
                               cleans[case.setup].result().of_stream(case.stream), kill_points[case])
            for case in CASES
        }
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        reads.close()


def _by_key(records: List[Dict[str, Any]], primary_key: List[List[str]]) -> Dict[Tuple[Any, ...], Dict[str, Any]]:
    return {tuple(record.get(field) for [field] in primary_key): record for record in records}


def _differences(clean: Dict[str, Any], synced: Dict[str, Any], metrics_grow: bool) -> Dict[str, Tuple[Any, Any]]:
    """The fields (VOLATILE_FIELDS aside) whose value in ``synced`` is not the clean read's."""
    different = {}
    for name in sorted((set(clean) | set(synced)) - set(VOLATILE_FIELDS)):
        a, b = clean.get(name), synced.get(name)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        if a != b and not (metrics_grow and numbers and math.isclose(a, b, rel_tol=0.01, abs_tol=1)):
            different[name] = (a, b)
    return different


@pytest.mark.parametrize("case_id, kill_point", [(case.id, point) for case in CASES for point in case.kill_points])
def test_a_read_killed_right_after_a_state_resumes_from_it_with_no_record_missing(reads_of, case_id, kill_point):
    reads = reads_of[case_id]
    case, primary_key, clean = reads.case, reads.primary_key, reads.clean
    assert clean.returncode == 0 and not clean.errors(), clean.errors()
    clean_records = _by_key(clean.records(), primary_key)
    assert clean_records, f"{case_id}: the clean read has no record to lose"
    states = len(clean.states())
    if kill_point == "only":
        assert states == 1, f"{case_id}: {states} STATE messages: first, middle and last kill points exist now"
    else:
        assert len({_stop_after(point, states) for point in ("first", "middle", "last")}) == 3, f"{case_id}: {states} STATE messages"

    run = reads.kill_points[kill_point].result()
    killed, resumed = run.killed, run.resumed
    where = f"{case_id}, killed after STATE {run.stop_after} of {states}"
    assert killed.ended == ("state", run.stop_after), f"{where}: the read ended with {killed.ended}"
    assert killed.returncode == -9 and len(killed.states()) == run.stop_after, (killed.returncode, len(killed.states()))
    assert resumed.returncode == 0 and not resumed.errors(), resumed.errors()

    killed_records = _by_key(killed.records(), primary_key)
    if kill_point == "first" or (kill_point == "middle" and not case.middle_after_last_record):
        assert set(killed_records) < set(clean_records), f"{where}: it was not killed midway"

    # what a deduplicating destination holds: the resumed read's record, else the killed read's
    synced = {**killed_records, **_by_key(resumed.records(), primary_key)}
    missing = sorted(set(clean_records) - set(synced), key=repr)
    assert not missing, f"{where}: {len(missing)} of {len(clean_records)} records missing, e.g. {missing[:3]}"
    changed = {key: diff for key in clean_records if (diff := _differences(clean_records[key], synced[key], case.setup.metrics_grow))}
    assert not changed, f"{where}: {len(changed)} records differ from the clean read's, e.g. {list(changed.items())[:2]}"
