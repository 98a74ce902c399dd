"""Performance benchmark against the bundled emulator: ``python -m benchmarks.run`` (docs/performance.md).
Never a test: it takes about 15 minutes and its times depend on the machine. One table per section, a
row per provider, then PASS/FAIL verdicts per provider:

1. requests made vs the API's minimum, per provider and stream and per whole sync (latency 0, scale 1);
2. post_analytics of every provider that serves it (Ayrshare, Mosaic, PostPost) over 1,000+ posts at
   ``--latency-ms`` (default 100): wall time at the default workers and at one worker, against the floor =
   requests x latency / workers, and how much faster the workers are (the minimal CDK stream of section 3 at the
   default workers beside it: what the CDK's own concurrency makes of the same requests);
2b. what a user waits for: post_analytics of each provider at scale 1 with each provider's rate_limit ON
   (``--only budget``), against the budget's floor: a moving window of ``limit`` requests per ``interval``;
3. zero-latency throughput, ours vs a minimal declarative stream of the CDK over the same endpoints
   (``benchmarks/minimal_<provider>.yaml``: no custom components, no transformations, no incremental cursor, only
   what makes the same requests), the better of two reads each: the verdict. Beside it, the same minimal stream
   with our post_analytics cursor (``connector.with_our_cursor``), the like-for-like figure: post_analytics is
   incremental, and the CDK's per-partition cursor alone costs a fifth to a quarter of the full-refresh rate;
4. peak memory (max RSS of the connector process) at 10x the records vs 1x.

Data sizes. The emulator's ``scale`` multiplies each vendor's posts; ``PLANS`` gives, per provider, the days the
config reads (every post the emulator has: Ayrshare and PostPost spread theirs over 60 days, Mosaic over 120)
and the scales: the wall-time one gives 1,000+ post analytics requests (Ayrshare primary profile: 24 posts per
unit, Mosaic 250 posts per unit, PostPost about 119 published LinkedIn entries per unit), the memory one is 1x
and the throughput one 10x of it (sections 3 and 4 share the 10x reads). The Ayrshare emulator's own limit (300
requests / 5 min per profile) grows with its scale (social_analytics_emulator/ayrshare.py).

Units of section 3. Ours emits one record per post x destination (x tweet of an X thread); a minimal stream
emits what its extractor path gives: Mosaic ``analytics.platforms[]`` (one per destination, like ours),
Ayrshare ``*/analytics`` (one per platform object of the answer; an X thread is an array and gives none),
PostPost the whole answer (one per post, like ours). Records are therefore not one unit across the two, so the
verdict compares **posts per second**: the distinct posts whose analytics a read asked for
(``request_floor.analytics_posts``) over the time from its first record to its last (building the source and
reading the first list pages is start-up, reported apart). Records per second are printed beside it. The two
reads are checked to make the same requests; where they do not (Mosaic: ours also reads
``GET /social/connections`` and asks a post with two destinations on one platform once per destination, which
the minimal stream cannot), the difference is printed under the table and its cost counts against ours.

The rate budget is dropped for 2-4 (``--no-rate-budget``, connector.py): those measure our code and our
concurrency, not the vendor's limit (Ayrshare's manifest allows 250-300 requests / 5 min, which would make a
1,000-post sync take 20 minutes whatever the workers), whose ceiling the docs page lists per vendor (and section 2b measures with the budget on).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from social_analytics_emulator.client import EmulatorClient
from social_analytics_emulator.configs import PROVIDERS, emulator_config
from social_analytics_emulator.request_floor import _key, analytics_posts, by_endpoint, minimum_requests, repeated

ROOT = Path(__file__).resolve().parent.parent
STREAMS: Dict[str, List[str]] = {
    "ayrshare": ["post_analytics", "link_analytics", "social_statistics"],
    "highlevel": ["account_statistics", "social_statistics"],
    "mosaic": ["post_analytics"],
    "postpost": ["post_analytics", "account_statistics", "social_statistics"],
}
# Parent lists are not cached (manifest, shared: use_cache false): a list two streams share is read once by each,
# one request above the API's minimum per extra stream. Path suffix -> how many of the provider's streams read it.
SHARED_PARENT_LISTS: Dict[str, Dict[str, int]] = {
    "ayrshare": {},
    "highlevel": {"/accounts": 2},  # account_statistics and social_statistics
    "mosaic": {},
    "postpost": {"/platform-connections": 2},  # account_statistics and social_statistics
}


def whole_sync_floor(provider: str, log: List[Dict[str, Any]]) -> Tuple[int, List[str]]:
    """The fewest requests a whole sync of ``provider`` can make (the API's minimum plus one re-read of each shared
    parent list per extra stream that reads it), and the requests the log repeats beyond those re-reads."""
    shared = SHARED_PARENT_LISTS[provider]
    unshared = [entry for entry in log if not any(entry["path"].endswith(suffix) for suffix in shared)]
    return minimum_requests(log) + sum(count - 1 for count in shared.values()), repeated(unshared)


DEFAULT_WORKERS = 8  # the spec's default of num_workers
MIN_POSTS = 1000


@dataclass(frozen=True)
class Plan:
    """How one provider's post_analytics is benchmarked: the days the config reads and the emulator's scales."""

    days: int  # every post the emulator has
    wall_scale: int  # 1,000+ post analytics requests (section 2)
    small_scale: int  # 1x of section 4; sections 3 and 4 read 10x this

    @property
    def big_scale(self) -> int:
        return 10 * self.small_scale


PLANS: Dict[str, Plan] = {
    "ayrshare": Plan(days=61, wall_scale=45, small_scale=10),  # primary profile: 24 posts a unit, 60 days
    "mosaic": Plan(days=121, wall_scale=5, small_scale=1),  # 250 posts a unit, 120 days
    "postpost": Plan(days=61, wall_scale=9, small_scale=1),  # ~119 LinkedIn entries a unit, 60 days
}


class EmulatorProcess:
    """``python -m social_analytics_emulator`` in its own process, so it does not share our GIL."""

    def __init__(self, scale: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "social_analytics_emulator", "--scale", str(scale)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        self.url = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        self.client = EmulatorClient(self.url, timeout_s=60)  # a 10x log takes a while to send

    def settings(self, **values: Any) -> None:
        self.client.settings(**values)

    def clear(self) -> None:
        self.client.clear_requests()

    def log(self) -> List[Dict[str, Any]]:
        return self.client.requests()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> "EmulatorProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


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


def read_post_analytics(workdir: Path, emulator: EmulatorProcess, which: str, provider: str, budget: bool = False,
                        **settings: Any) -> Dict[str, Any]:
    """One post_analytics read of ``provider`` on a clean request log; adds the log's figures to the summary."""
    emulator.clear()
    config = {**emulator_config(provider, emulator.url, days=PLANS[provider].days), **settings}
    summary = read(workdir, which, config, ["post_analytics"], budget=budget)
    log = emulator.log()
    summary.update(log=log, requests=len(log), posts=analytics_posts(log))
    return summary


Verdict = Tuple[bool, str, str]  # (passed, provider, what)


def section_requests(workdir: Path, providers: List[str]) -> List[Verdict]:
    print("\n1. Requests made vs the API's minimum (latency 0, scale 1; social_analytics_emulator/request_floor.py; a whole"
          " sync\n   reads a parent list two streams share once per stream: SHARED_PARENT_LISTS)")
    print(f"   {'provider':10} {'stream':20} {'made':>5} {'min':>5} {'ratio':>6}  endpoints")
    verdicts: List[Verdict] = []
    with EmulatorProcess(scale=1) as emulator:
        for provider in providers:
            ok = True
            for streams in [[s] for s in STREAMS[provider]] + ([STREAMS[provider]] if len(STREAMS[provider]) > 1 else []):
                emulator.clear()
                read(workdir, "ours", emulator_config(provider, emulator.url), streams, budget=True)
                log = emulator.log()
                least, again = whole_sync_floor(provider, log) if len(streams) > 1 else (minimum_requests(log), repeated(log))
                made = len(log)
                ok &= made == least and not again
                label = streams[0] if len(streams) == 1 else "(whole sync)"
                endpoints = ", ".join(f"{k}: {v}" for k, v in by_endpoint(log).items())
                print(f"   {provider:10} {label:20} {made:5} {least:5} {made / max(least, 1):6.2f}  {endpoints}")
            verdicts.append((ok, provider, "requests at the minimum for every stream, alone and in a whole sync"))
    return verdicts


def section_wall_time(workdir: Path, providers: List[str], latency_ms: float, workers: int, scale: Optional[int]) -> List[Verdict]:
    print(f"\n2. post_analytics at {latency_ms:.0f} ms latency, 1,000+ posts, no rate budget (--no-rate-budget drops the"
          f" providers' rate_limit,\n   e.g. Ayrshare's 300 requests / 5 min per profile); floor = requests x latency / workers;"
          f" the minimal CDK stream (section 3) at {workers} workers for reference")
    counts = [workers] + ([1] if workers != 1 else [])
    head = "".join(f"  {f'{count} worker' + ('s' if count > 1 else ''):>10} {'floor':>7} {'ratio':>5}" for count in counts)
    print(f"   {'provider':10} {'scale':>5} {'days':>4} {'posts':>5} {'requests':>8}{head}  {'speed-up':>8}  {'minimal':>8} {'ratio':>5}")
    verdicts: List[Verdict] = []
    for provider in providers:
        plan = PLANS[provider]
        runs: Dict[int, Dict[str, Any]] = {}
        with EmulatorProcess(scale=scale or plan.wall_scale) as emulator:
            emulator.settings(latency_ms=latency_ms)
            for count in counts:
                runs[count] = read_post_analytics(workdir, emulator, "ours", provider, num_workers=count)
            minimal = read_post_analytics(workdir, emulator, "minimal", provider, num_workers=workers)
        cells = ""
        for count, run in runs.items():
            run["floor"] = run["requests"] * latency_ms / 1000 / count
            run["ratio"] = run["seconds"] / run["floor"]
            cells += f"  {run['seconds']:8.1f} s {run['floor']:5.1f} s {run['ratio']:5.2f}"
        fast = runs[workers]
        speedup = runs[1]["seconds"] / fast["seconds"]
        minimal_ratio = minimal["seconds"] / (minimal["requests"] * latency_ms / 1000 / workers)
        print(f"   {provider:10} {scale or plan.wall_scale:5} {plan.days:4} {fast['posts']:5} {fast['requests']:8}{cells}"
              f"  {speedup:7.1f}x  {minimal['seconds']:6.1f} s {minimal_ratio:5.2f}")
        ok = fast["ratio"] <= 1.3 and speedup >= 4 and fast["posts"] >= MIN_POSTS
        verdicts.append((ok, provider, f"post_analytics {fast['ratio']:.2f}x the floor at {workers} workers (<= 1.3), "
                                       f"{speedup:.1f}x faster than one worker (>= 4), {fast['posts']:,} posts (>= {MIN_POSTS:,})"))
    return verdicts


def rate_policy(provider: str) -> Tuple[int, float]:
    """(calls, window seconds) the connector paces one rate unit of ``provider`` at with no header yet: the published
    rate of its manifest's ``rate_limit`` at PACE_SHARE (components/rate_budget.py)."""
    from source_social_analytics.components.rate_budget import PACE_SHARE

    manifest = yaml.safe_load((ROOT / "source_social_analytics" / "manifest.yaml").read_text())
    rate = manifest["definitions"][provider]["rate_limit"]["rates"][0]
    return int(math.floor(rate["calls"] * PACE_SHARE)), float(rate["seconds"])


def section_rate_budget(workdir: Path, providers: List[str], latency_ms: float, workers: int) -> List[Verdict]:
    """What a user waits for: post_analytics with every provider's rate_limit on, at scale 1 (every post of the
    emulator's data set). The budget is a moving window of ``limit`` requests per ``interval``: the first
    ``limit`` requests go at once, each further one waits for the window, so the floor is the larger of the
    latency floor and (ceil(requests / limit) - 1) x interval, or the same read without the budget if longer."""
    print(f"\n2b. post_analytics with the rate budget ON (each provider's rate_limit), scale 1, {latency_ms:.0f} ms latency,"
          f" {workers} workers;\n   floor = max(requests x latency / workers, (ceil(requests / limit) - 1) x window, the same read without budget)")
    print(f"   {'provider':10} {'posts':>5} {'requests':>8} {'budget':>14} {'wall':>8} {'floor':>8} {'ratio':>5} {'no budget':>9}")
    verdicts: List[Verdict] = []
    for provider in providers:
        limit, window = rate_policy(provider)
        with EmulatorProcess(scale=1) as emulator:
            emulator.settings(latency_ms=latency_ms)
            paced = read_post_analytics(workdir, emulator, "ours", provider, budget=True, num_workers=workers)
            free = read_post_analytics(workdir, emulator, "ours", provider, num_workers=workers)
        requests_made = paced["requests"]
        # the budget's own floor, or the same read without the budget when that is longer (a read under the
        # window's limit is paced by latency and start-up, not by the budget)
        floor = max(requests_made * latency_ms / 1000 / workers, (math.ceil(requests_made / limit) - 1) * window, free["seconds"])
        ratio = paced["seconds"] / floor
        print(f"   {provider:10} {paced['posts']:5} {requests_made:8} {f'{limit} / {window:.0f} s':>14} {paced['seconds']:7.1f}s"
              f" {floor:7.1f}s {ratio:5.2f} {free['seconds']:8.1f}s")
        verdicts.append((ratio <= 1.3, provider, f"budget-paced post_analytics {ratio:.2f}x its floor (<= 1.3)"))
    return verdicts


def _comparable(log: List[Dict[str, Any]]) -> Counter:
    """The requests of a log, the time of day of dates left out (the last window ends 'now', a second apart)."""
    return Counter(re.sub(r"T\d\d:\d\d:\d\dZ", "", _key(entry)) for entry in log)


def _only(mine: Counter, theirs: Counter) -> str:
    """The requests in ``mine`` and not in ``theirs``, by endpoint."""
    extra = [json.loads(key) for key in (mine - theirs).elements()]
    return ", ".join(f"{k}: {v}" for k, v in by_endpoint({"method": m, "path": p} for m, p, *_ in extra).items()) or "none"


def section_throughput_and_memory(workdir: Path, providers: List[str], big: Optional[int]) -> List[Verdict]:
    print("\n3. Zero latency, post_analytics: ours vs the minimal CDK stream over the same endpoints"
          " (benchmarks/minimal_<provider>.yaml),\n   first record to last, the better of two reads each;"
          " the verdict is on posts/s (records are not one unit: see run.py)")
    print(f"   {'provider':10} {'scale':>5} {'requests ours/min':>17} {'posts':>6} {'records ours/min':>16}"
          f" {'posts/s ours/min':>16} {'ratio':>5}  {'records/s ours/min':>18}  {'CPU s ours/min':>14}")
    verdicts: List[Verdict] = []
    bigs: Dict[str, Dict[str, Any]] = {}
    notes: List[str] = []
    like_for_like: Dict[str, Tuple[float, float, float, float]] = {}
    for provider in providers:
        plan = PLANS[provider]
        scale = big or plan.big_scale
        best: Dict[str, Dict[str, Any]] = {}
        peak = 0.0
        with EmulatorProcess(scale=scale) as emulator:
            for which in ("minimal", "minimal_incremental", "ours") * 2:  # twice each, the better of two: less noise
                run = read_post_analytics(workdir, emulator, which, provider)
                run["posts_per_s"] = run["posts"] / max(run["streaming_seconds"], 1e-9)
                run["records_per_s"] = run["records"] / max(run["streaming_seconds"], 1e-9)
                if which == "ours":
                    peak = max(peak, run["peak_mb"])
                if run["posts_per_s"] > best.get(which, {}).get("posts_per_s", -1.0):
                    best[which] = run
        ours, minimal, incremental = best["ours"], best["minimal"], best["minimal_incremental"]
        ratio = ours["posts_per_s"] / minimal["posts_per_s"]
        like_for_like[provider] = (ours["posts_per_s"] / incremental["posts_per_s"], incremental["posts_per_s"], ratio,
                                   incremental["posts_per_s"] / minimal["posts_per_s"])
        print(f"   {provider:10} {scale:5} {ours['requests']:8} / {minimal['requests']:<6} {ours['posts']:6}"
              f" {ours['records']:7} / {minimal['records']:<6} {ours['posts_per_s']:7.0f} / {minimal['posts_per_s']:<6.0f}"
              f" {ratio:5.2f}  {ours['records_per_s']:8.0f} / {minimal['records_per_s']:<7.0f}"
              f"  {ours['cpu_seconds']:6.1f} / {minimal['cpu_seconds']:<5.1f}")
        mine, theirs = _comparable(ours["log"]), _comparable(minimal["log"])
        if mine != theirs or ours["posts"] != minimal["posts"]:
            notes.append(f"   {provider}: requests only ours made: {_only(mine, theirs)}; only the minimal: {_only(theirs, mine)}")
        bigs[provider] = {**ours, "peak_mb": peak, "scale": scale}
    for note in notes:
        print(note)
    if not notes:
        print("   both make the same requests for every provider")
    # The verdict is on the full-refresh minimal (the yardstick: no custom component, no transformation,
    # nothing but the requests). Beside it, the minimal with the CDK's incremental cursor that any incremental
    # post_analytics needs (column "CDK cursor": what that cursor alone costs the CDK).
    print("   the same minimal stream with our post_analytics cursor (connector.with_our_cursor: the CDK's incremental")
    print("   per-partition cursor, still no custom component and no transformation), for comparison:")
    print(f"   {'provider':10} {'posts/s':>7} {'ours / it':>9} {'ours / full-refresh minimal':>27} {'CDK cursor: it / full-refresh':>30}")
    for provider, (versus, rate, full, cursor_cost) in like_for_like.items():
        print(f"   {provider:10} {rate:7.0f} {versus:9.2f} {full:27.2f} {cursor_cost:30.2f}")
        verdicts.append((full >= 0.8, provider, f"zero-latency throughput {full:.2f}x the minimal CDK stream, in posts/s"
                                                f" (>= 0.8; {versus:.2f}x the same with the CDK's incremental cursor)"))

    print("\n4. Peak memory (max RSS) of the connector process, post_analytics at zero latency, 1x vs 10x the records")
    print(f"   {'provider':10} {'1x scale':>8} {'records':>7} {'peak MB':>7}   {'10x scale':>9} {'records':>7} {'peak MB':>7}"
          f"   {'records':>7} {'memory':>6}")
    for provider in providers:
        small_scale = max(1, bigs[provider]["scale"] // 10)
        with EmulatorProcess(scale=small_scale) as emulator:
            small = read_post_analytics(workdir, emulator, "ours", provider)
        large = bigs[provider]
        growth = large["peak_mb"] / small["peak_mb"]
        print(f"   {provider:10} {small_scale:8} {small['records']:7} {small['peak_mb']:7.1f}   {large['scale']:9} {large['records']:7}"
              f" {large['peak_mb']:7.1f}   {large['records'] / max(small['records'], 1):6.1f}x {growth:6.2f}")
        verdicts.append((growth <= 1.5, provider, f"peak memory {growth:.2f}x at {large['records'] / max(small['records'], 1):.0f}x"
                                                  f" the records (<= 1.5)"))
    return verdicts


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=100.0, help="the emulator's latency for the wall-time run")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="num_workers of the fast run")
    parser.add_argument("--provider", choices=PROVIDERS, help="benchmark one provider (HighLevel has no post_analytics: section 1 only)")
    parser.add_argument("--only", choices=["requests", "wall", "budget", "throughput"],
                        help="run one section (budget: 2b, the rate budget on; throughput: 3 and 4)")
    parser.add_argument("--scale", type=int, help="the emulator's scale of the wall-time run (default: PLANS, per provider)")
    parser.add_argument("--throughput-scale", type=int, help="the 10x scale of sections 3-4, 1x = a tenth (default: PLANS)")
    args = parser.parse_args(argv)
    providers = [args.provider] if args.provider else list(PROVIDERS)
    timed = [p for p in providers if p in PLANS]
    verdicts: List[Verdict] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.only in (None, "requests"):
            verdicts += section_requests(workdir, providers)
        if args.only in (None, "wall") and timed:
            verdicts += section_wall_time(workdir, timed, args.latency_ms, args.workers, args.scale)
        if args.only in (None, "budget") and timed:
            verdicts += section_rate_budget(workdir, timed, args.latency_ms, args.workers)
        if args.only in (None, "throughput") and timed:
            verdicts += section_throughput_and_memory(workdir, timed, args.throughput_scale)
    if not timed and args.only in ("wall", "throughput"):
        print(f"\n   {', '.join(providers)}: no post_analytics, nothing to time (sections 2-4 cover {', '.join(PLANS)})")
    print()
    for ok, provider, what in verdicts:
        print(f"   {'PASS' if ok else 'FAIL'}  {provider:10} {what}")
    sys.exit(0 if verdicts and all(ok for ok, _, _ in verdicts) else 1)


if __name__ == "__main__":
    main()
