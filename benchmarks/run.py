"""Performance benchmark against the bundled emulator: ``python -m benchmarks.run`` (README, "Performance and
scale"). Never a test: it takes minutes and its times depend on the machine. It prints ratios:

1. requests made vs the API's minimum, per provider and stream and per whole sync (latency 0, scale 1);
2. Mosaic post_analytics over 1,000+ posts at ``--latency-ms`` (default 100): wall time at the default
   workers and at one worker, against the floor = requests x latency / workers;
3. records per second at zero latency (first record to last: building the source is start-up, reported
   apart), ours vs a minimal declarative CDK stream over the same endpoints (benchmarks/minimal_mosaic.yaml:
   no custom components, no transformations);
4. peak memory (max RSS of the connector process) at 10x the records vs 1x.

The rate budget is dropped for 2-4 (see connector.py): those measure our code and our concurrency, not the
vendor's limit, whose ceiling README lists per vendor.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests

from benchmarks.requests_floor import by_endpoint, minimum_requests, repeated
from integration_tests.configs import PROVIDERS, emulator_config

ROOT = Path(__file__).resolve().parent.parent
STREAMS: Dict[str, List[str]] = {
    "ayrshare": ["post_analytics", "link_analytics", "social_statistics"],
    "highlevel": ["account_statistics", "social_statistics"],
    "mosaic": ["post_analytics"],
    "postpost": ["post_analytics", "account_statistics", "social_statistics"],
}
DEFAULT_WORKERS = 8  # the spec's default of num_workers
MOSAIC_DAYS = 121  # the emulator spreads Mosaic's posts over the last 120 days: read them all


class EmulatorProcess:
    """``python -m integration_tests.emulator`` in its own process, so it does not share our GIL."""

    def __init__(self, scale: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "integration_tests.emulator", "--scale", str(scale)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        self.url = self.proc.stdout.readline().strip()  # type: ignore[union-attr]

    def settings(self, **values: Any) -> None:
        requests.put(f"{self.url}/__emulator__/settings", json=values, timeout=10).raise_for_status()

    def clear(self) -> None:
        requests.delete(f"{self.url}/__emulator__/requests", timeout=10).raise_for_status()

    def log(self) -> List[Dict[str, Any]]:
        return requests.get(f"{self.url}/__emulator__/requests", timeout=60).json()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _catalog(streams: List[str]) -> Dict[str, Any]:
    return {
        "streams": [
            {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
             "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
            for name in streams
        ]
    }


def read(workdir: Path, which: str, config: Dict[str, Any], streams: List[str], budget: bool = False) -> Dict[str, Any]:
    """One read in a child process; returns its summary plus the process's peak memory (MB)."""
    config_path, catalog_path = workdir / "config.json", workdir / "catalog.json"
    config_path.write_text(json.dumps(config))
    catalog_path.write_text(json.dumps(_catalog(streams)))
    args = [sys.executable, "-m", "benchmarks.connector", which, "read", "--config", str(config_path), "--catalog", str(catalog_path)]
    if not budget:
        args.append("--no-rate-budget")
    with open(workdir / "stdout.jsonl", "w") as out, open(workdir / "stderr.txt", "w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        process_seconds = time.perf_counter() - started
    stderr = (workdir / "stderr.txt").read_text().strip().splitlines()
    if os.waitstatus_to_exitcode(status) != 0 or not stderr:
        raise SystemExit(f"{which} read of {streams} failed: {' '.join(stderr[-5:])}")
    summary = json.loads(stderr[-1])
    summary.update(peak_mb=usage.ru_maxrss / 1024, process_seconds=process_seconds, cpu_seconds=usage.ru_utime + usage.ru_stime)
    return summary


def section_requests(workdir: Path) -> bool:
    print("\n1. Requests made vs the API's minimum (latency 0, scale 1; benchmarks/requests_floor.py)")
    print(f"   {'provider':10} {'stream':20} {'made':>5} {'min':>5} {'ratio':>6}  endpoints")
    ok = True
    emulator = EmulatorProcess(scale=1)
    try:
        for provider in PROVIDERS:
            for streams in [[s] for s in STREAMS[provider]] + ([STREAMS[provider]] if len(STREAMS[provider]) > 1 else []):
                emulator.clear()
                read(workdir, "ours", emulator_config(provider, emulator.url), streams, budget=True)
                log = emulator.log()
                made, least = len(log), minimum_requests(log)
                ok &= made == least and not repeated(log)
                label = streams[0] if len(streams) == 1 else "(whole sync)"
                endpoints = ", ".join(f"{k}: {v}" for k, v in by_endpoint(log).items())
                print(f"   {provider:10} {label:20} {made:5} {least:5} {made / max(least, 1):6.2f}  {endpoints}")
    finally:
        emulator.stop()
    return ok


def section_wall_time(workdir: Path, latency_ms: float, scale: int, workers: int) -> Tuple[bool, Dict[str, Any]]:
    print(f"\n2. Mosaic post_analytics at {latency_ms:.0f} ms latency, scale {scale} (no rate budget)")
    emulator = EmulatorProcess(scale=scale)
    results: Dict[int, Tuple[float, int]] = {}
    try:
        emulator.settings(latency_ms=latency_ms)
        for count in (workers, 1):
            emulator.clear()
            config = {**emulator_config("mosaic", emulator.url, days=MOSAIC_DAYS), "num_workers": count}
            summary = read(workdir, "ours", config, ["post_analytics"])
            results[count] = (summary["seconds"], len(emulator.log()))
    finally:
        emulator.stop()
    figures: Dict[str, Any] = {}
    for count, (seconds, made) in results.items():
        floor = made * latency_ms / 1000 / count
        figures[count] = seconds / floor
        print(f"   workers {count:2}: {made} requests, {seconds:7.1f} s; floor {floor:6.1f} s; ratio to floor {seconds / floor:5.2f}")
    speedup = results[1][0] / results[workers][0]
    posts = results[workers][1]
    print(f"   {workers} workers are {speedup:.1f}x faster than one ({posts} requests)")
    ok = figures[workers] <= 1.3 and speedup >= 4 and posts >= 1000
    return ok, {"ratio": figures[workers], "speedup": speedup, "requests": posts, "seconds": results[workers][0], "seconds_1": results[1][0]}


def section_throughput_and_memory(workdir: Path, scale: int) -> Tuple[bool, bool]:
    print(f"\n3. Records per second at zero latency, Mosaic post_analytics, scale {scale}")
    emulator = EmulatorProcess(scale=scale)
    try:
        config = emulator_config("mosaic", emulator.url, days=MOSAIC_DAYS)
        rates = {}
        for which in ("minimal", "ours", "minimal", "ours"):  # twice each, the better of two: less noise
            summary = read(workdir, which, config, ["post_analytics"])
            rate = summary["records"] / summary["streaming_seconds"]
            rates[which] = max(rates.get(which, 0.0), rate)
            print(f"   {which:8} {summary['records']:6} records, read in {summary['seconds']:6.2f} s (first to last record"
                  f" {summary['streaming_seconds']:6.2f} s, CPU {summary['cpu_seconds']:5.2f} s with start-up): {rate:7.0f} records/s")
        ratio = rates["ours"] / rates["minimal"]
        print(f"   ours / minimal CDK stream: {ratio:.2f}")
        fast_enough = ratio >= 0.8
        big = read(workdir, "ours", config, ["post_analytics"])
    finally:
        emulator.stop()
    print("\n4. Peak memory of the connector process, Mosaic post_analytics")
    emulator = EmulatorProcess(scale=max(1, scale // 10))
    try:
        small = read(workdir, "ours", emulator_config("mosaic", emulator.url, days=MOSAIC_DAYS), ["post_analytics"])
    finally:
        emulator.stop()
    growth = big["peak_mb"] / small["peak_mb"]
    print(f"   {small['records']:6} records: {small['peak_mb']:6.1f} MB;  {big['records']:6} records: {big['peak_mb']:6.1f} MB;"
          f"  ratio {growth:.2f} for {big['records'] / small['records']:.0f}x the records")
    return fast_enough, growth <= 1.5


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=100.0, help="the emulator's latency for the wall-time run")
    parser.add_argument("--scale", type=int, default=5, help="Mosaic data size for the wall-time run (250 posts per unit)")
    parser.add_argument("--throughput-scale", type=int, default=10, help="data size of the zero-latency and 10x-memory runs")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="num_workers of the fast run")
    parser.add_argument("--only", choices=["requests", "wall", "throughput"], help="run one section")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        verdicts = {}
        if args.only in (None, "requests"):
            verdicts["requests at the minimum"] = section_requests(workdir)
        if args.only in (None, "wall"):
            verdicts["post_analytics within 1.3x of the floor, >= 4x one worker"] = section_wall_time(
                workdir, args.latency_ms, args.scale, args.workers)[0]
        if args.only in (None, "throughput"):
            fast, lean = section_throughput_and_memory(workdir, args.throughput_scale)
            verdicts["zero-latency throughput >= 0.8x the minimal CDK stream"] = fast
            verdicts["peak memory at 10x the records <= 1.5x"] = lean
    print()
    for name, ok in verdicts.items():
        print(f"   {'PASS' if ok else 'FAIL'}  {name}")
    sys.exit(0 if all(verdicts.values()) else 1)


if __name__ == "__main__":
    main()
