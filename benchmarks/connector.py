"""The benchmark's child process: one ``read`` of our connector (or of the minimal CDK yardstick), timed.

``python -m benchmarks.connector ours|minimal|minimal_incremental read --config C --catalog K [--state S]``.
``minimal`` reads ``benchmarks/minimal_<provider_type>.yaml`` (the config's provider), a plain declarative
source of the CDK; ``minimal_incremental`` the same with our post_analytics cursor (``with_our_cursor``).
Protocol messages go to stdout as usual (the parent sends them to a file); the last line on stderr is a JSON
summary: ``{"seconds": <the read, from building the source to its last message>, "records": n,
"streaming_seconds": <first record to last>}``. The time excludes the interpreter and import start-up (about
2 s, the same for every run), which ``run.py`` reports apart.

``--profile FILE`` writes a cProfile of the read to FILE (pstats format), every thread's merged: the CDK reads
partitions in worker threads, which ``python -m cProfile`` alone would not see. Times are each thread's CPU time
(``time.thread_time``): waiting for the GIL, a lock or a socket is not counted, so the figures add up to the CPU
the read costs (about 5x slower under the profiler). Read it with ``python -m pstats FILE``, or
``pstats.Stats(FILE).sort_stats("cumulative").print_stats("source_social_analytics|airbyte_cdk", 25)``.

``--no-rate-budget`` drops every provider's ``rate_limit`` (the budgets its authenticators pace with): the wall-time benchmark measures how close the
concurrency gets to the latency floor; the budget's ceiling is a separate figure (docs/performance.md), and with
it a 1,000-post sync would take the budget's minutes whatever the workers.
"""
from __future__ import annotations

import contextlib
import cProfile
import json
import pstats
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

HERE = Path(__file__).resolve().parent
OUR_MANIFEST = HERE.parent / "source_social_analytics" / "manifest.yaml"


def minimal_manifest(provider_type: str) -> str:
    """The minimal CDK yardstick of one provider (benchmarks/minimal_<provider>.yaml)."""
    path = HERE / f"minimal_{provider_type}.yaml"
    if not path.exists():
        raise SystemExit(f"no minimal yardstick for provider {provider_type!r}: {path.name} is missing")
    return str(path)


def with_our_cursor(manifest: Dict[str, Any]) -> Dict[str, Any]:
    """The minimal yardstick with our post_analytics cursor on its post_analytics stream: the manifest's
    ``shared/window_cursor`` on ``published_at``, one global cursor over the posts (as ours), its end at now
    (the minimal source has no config normalization to fill ``end_date``). Still no custom component and no
    transformation: the figure is what an incremental post_analytics costs in the CDK alone."""
    import copy

    import yaml

    cursor = copy.deepcopy(yaml.safe_load(OUR_MANIFEST.read_text())["definitions"]["shared"]["window_cursor"])
    cursor.update(cursor_field="published_at", global_substream_cursor=True)
    cursor["end_datetime"]["datetime"] = "{{ now_utc().strftime('%Y-%m-%dT%H:%M:%SZ') }}"
    for stream in manifest["streams"]:
        if stream.get("name") == "post_analytics":
            stream["incremental_sync"] = cursor
    return manifest


class _CountingStdout:
    """Counts RECORD lines on their way to the real stdout (cheap: one substring test per line)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.records = 0
        self.first: Optional[float] = None
        self.last: Optional[float] = None

    def write(self, text: str) -> int:
        count = text.count('"type":"RECORD"')
        if count:
            self.records += count
            self.last = time.perf_counter()
            self.first = self.first or self.last
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _without_budget(cls: type) -> type:
    class NoBudget(cls):  # type: ignore[misc, valid-type]
        def _read_and_parse_yaml_file(self, path_to_yaml_file: str):  # type: ignore[no-untyped-def]
            manifest = super()._read_and_parse_yaml_file(path_to_yaml_file)
            for section in manifest["definitions"].values():  # each provider's rate_limit, which its authenticators $ref
                if isinstance(section, dict) and "rate_limit" in section:
                    section["rate_limit"] = {"rates": []}
            return manifest

    return NoBudget


@contextlib.contextmanager
def _profiled(path: Optional[str]) -> Iterator[None]:
    """cProfile every thread started inside (one profile per thread, merged with the main thread's into ``path``)."""
    if not path:
        yield
        return
    profiles = [cProfile.Profile(time.thread_time)]
    thread_run = threading.Thread.run

    def run(self: threading.Thread) -> None:
        profile = cProfile.Profile(time.thread_time)
        profiles.append(profile)
        profile.runcall(thread_run, self)

    threading.Thread.run = run  # type: ignore[method-assign]
    profiles[0].enable()
    try:
        yield
    finally:
        profiles[0].disable()
        threading.Thread.run = thread_run  # type: ignore[method-assign]
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            with contextlib.suppress(TypeError):  # a thread still running has no stats yet
                stats.add(profile)
        stats.dump_stats(path)


def main(argv: List[str]) -> None:
    profile_path = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    options = {"--no-rate-budget", "--profile", profile_path}
    which, args = argv[0], [a for a in argv[1:] if a not in options]
    no_budget = "--no-rate-budget" in argv
    with _profiled(profile_path):
        _read(which, args, no_budget)


def _read(which: str, args: List[str], no_budget: bool) -> None:
    counting = _CountingStdout(sys.stdout)
    sys.stdout = counting
    started = time.perf_counter()
    if which == "ours":
        from source_social_analytics import run as run_module  # imported here: the yardstick runs the CDK alone
        from source_social_analytics.source import SourceSocialAnalytics

        if no_budget:
            run_module.SourceSocialAnalytics = _without_budget(SourceSocialAnalytics)
        # PRINT_BUFFER writes to sys.__stdout__: count what run() prints instead
        run_module.PRINT_BUFFER = __import__("contextlib").nullcontext()
        run_module.run(args)
    else:
        config_path = AirbyteEntrypoint.extract_config(args)
        catalog_path = AirbyteEntrypoint.extract_catalog(args)
        config = YamlDeclarativeSource.read_config(config_path)
        source_class = YamlDeclarativeSource
        if which == "minimal_incremental":

            class source_class(YamlDeclarativeSource):  # type: ignore[no-redef]
                def _read_and_parse_yaml_file(self, path_to_yaml_file: str):  # type: ignore[no-untyped-def]
                    return with_our_cursor(super()._read_and_parse_yaml_file(path_to_yaml_file))

        source = source_class(
            path_to_yaml=minimal_manifest(config["provider"]["provider_type"]),
            config=config,
            catalog=YamlDeclarativeSource.read_catalog(catalog_path),
        )
        import airbyte_cdk.entrypoint as entrypoint_module

        entrypoint_module.PRINT_BUFFER = __import__("contextlib").nullcontext()
        launch(source, args)
    sys.stdout.flush()
    streaming = (counting.last or 0) - (counting.first or 0)
    summary = {"seconds": time.perf_counter() - started, "records": counting.records, "streaming_seconds": streaming}
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
