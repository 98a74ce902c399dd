"""Rate-limit benchmark: what a user waits for with the vendors' real limits, per their unit (docs/performance.md).

``python -m benchmarks.rate_limits [--scale 10] [--latency-ms 300] [--workers 8]``. Never a test (minutes, and its
times depend on the machine). The emulator enforces every vendor's documented limit per its unit (Ayrshare 300 / 5 min
per User Profile, HighLevel 100 / 10 s per location, Publora 120 / min per key, Mosaic 120 / min per key for want of a
published one) and answers 429 past it, on a clock ``--scale`` times faster (5-minute windows last 30 s at 10); the
connector's budgets run on the same clock (the config key ``_rate_time_scale``, for benchmarks and tests only) and so does
the vendor's latency (``--latency-ms`` / scale). Every figure is therefore a real sync's, divided by the scale, and
is printed as a ratio. Times are request phases: the emulator's first request to its last answer (start-up apart).

1. Ayrshare, 20 User Profiles x 100 posts, post_analytics: wall time / the per-profile floor (the larger of: the
   busiest profile's requests / its 300 per 5 min; all requests x latency / workers), which must be <= 1.3; and the
   shared budget the connector had before (one 250 / 5 min window for every profile of a source) / wall time, >= 10:
   that shared budget cannot take less than (ceil(requests / 250) - 1) windows, so the speed-up printed is its floor.
2. Every provider's whole sync (every stream) with the default settings, on data that needs several windows: the
   429s the emulator answered (must be 0) and wall time / the budget's floor ((ceil(requests / limit) - 1) windows,
   or the latency floor if larger).
3. ``requests_per_minute`` set below the vendor's limit (Publora Free's 30, Ayrshare 20): the measured rate over the
   sync / the setting, within 10 %.
4. The table of ``benchmarks.run`` section 2 with the budget ON: post_analytics over 1,000+ posts of one profile or
   key (``benchmarks.run.PLANS``) at ``--workers`` and at one worker, against the floor = the larger of requests x
   latency / workers and the unit's budget ((ceil(requests / limit) - 1) windows), with the read's peak memory.
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from benchmarks.run import PLANS, ROOT, STREAMS, Verdict, read
from social_analytics_emulator.ayrshare import benchmark_profile_keys
from social_analytics_emulator.client import EmulatorClient
from social_analytics_emulator.configs import emulator_config

# the vendors' documented limits, per unit: (calls, window seconds); what the emulator enforces here
VENDOR_LIMITS: Dict[str, Tuple[int, float]] = {"ayrshare": (300, 300.0), "highlevel": (100, 10.0), "postpost": (120, 60.0), "mosaic": (120, 60.0)}
SHARED_BEFORE = (250, 300.0)  # the one Ayrshare budget every profile of a source shared before (0.3.0)
PROFILES, POSTS_PER_PROFILE = 20, 100
# data sizes of section 2 (the emulator's scale): each needs several of the vendor's windows
WHOLE_SYNC_SCALES = {"ayrshare": 15, "highlevel": 1, "mosaic": 2, "postpost": 3}


class Emulator:
    """``python -m social_analytics_emulator`` with strict limits on the scaled clock, in its own process."""

    def __init__(self, scale: float, latency_ms: float, data_scale: int = 1, profiles: int = 0) -> None:
        limits = ",".join(f"{vendor}={calls}" for vendor, (calls, _) in VENDOR_LIMITS.items())
        args = [sys.executable, "-m", "social_analytics_emulator", "--scale", str(data_scale), "--rate-time-scale", str(scale),
                "--rate-limits", limits, "--latency-ms", str(latency_ms)]
        if profiles:
            args += ["--ayrshare-profiles", str(profiles), "--ayrshare-posts-per-profile", str(POSTS_PER_PROFILE)]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        self.client = EmulatorClient(self.url, timeout_s=60)

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def sync(workdir: Path, emulator: Emulator, provider: str, streams: List[str], days: int, **settings: Any) -> Dict[str, Any]:
    emulator.client.clear_requests()
    emulator.client.settings(reset_rate_limits=True)
    config = {**emulator_config(provider, emulator.url, days=days), **settings}
    summary = read(workdir, "ours", config, streams, budget=True)
    log = [entry for entry in emulator.client.requests() if entry.get("vendor") == provider]
    moments = sorted(entry["at"] for entry in log)
    summary.update(log=log, requests=len(log), statuses=Counter(entry.get("status") for entry in log),
                   phase=(moments[-1] - moments[0]) if len(moments) > 1 else 0.0)
    return summary


def section_profiles(workdir: Path, scale: float, latency_s: float, workers: int) -> List[Verdict]:
    calls, window = VENDOR_LIMITS["ayrshare"]
    shared_calls, shared_window = SHARED_BEFORE
    print(f"\n1. Ayrshare, {PROFILES} User Profiles x {POSTS_PER_PROFILE} posts, post_analytics, {workers} workers, "
          f"{latency_s * 1000 * scale:.0f} ms latency (clock x{scale:g})")
    with Emulator(scale, latency_s * 1000, profiles=PROFILES) as emulator:
        config_keys = {"profile_keys": benchmark_profile_keys(PROFILES)}
        emulator.client.clear_requests()
        emulator.client.settings(reset_rate_limits=True)
        config = emulator_config("ayrshare", emulator.url, days=15, **config_keys)
        config.update(num_workers=workers, _rate_time_scale=scale)
        summary = read(workdir, "ours", config, ["post_analytics"], budget=True)
        log = [entry for entry in emulator.client.requests() if entry.get("vendor") == "ayrshare"]
    moments = sorted(entry["at"] for entry in log)
    phase = moments[-1] - moments[0] + latency_s
    per_profile = Counter(entry.get("profile_key") for entry in log)
    busiest = max(per_profile.values())
    profile_floor = busiest / (calls / (window / scale))
    latency_floor = len(log) * latency_s / workers
    floor = max(profile_floor, latency_floor)
    shared = (math.ceil(len(log) / shared_calls) - 1) * shared_window / scale
    too_many = Counter(entry.get("status") for entry in log).get(429, 0)
    print(f"   requests {len(log)} ({len(per_profile)} profiles, busiest {busiest}), records {summary['records']}, 429s {too_many}")
    print(f"   wall {phase:.2f} s; floor {floor:.2f} s (profile {profile_floor:.2f} s, latency {latency_floor:.2f} s): "
          f"ratio {phase / floor:.2f}")
    print(f"   the shared 250 / 5 min budget of before: at least {shared:.1f} s, {shared / phase:.1f}x this wall time")
    print(f"   at real time: {phase * scale / 60:.1f} min instead of at least {shared * scale / 60:.0f} min")
    return [
        (phase / floor <= 1.3, "ayrshare", f"{PROFILES} profiles: wall / per-profile floor {phase / floor:.2f} (<= 1.3)"),
        (shared / phase >= 10, "ayrshare", f"{PROFILES} profiles: {shared / phase:.1f}x faster than the shared budget (>= 10)"),
        (too_many == 0, "ayrshare", f"{PROFILES} profiles: {too_many} 429s (0)"),
    ]


def section_whole_syncs(workdir: Path, scale: float, latency_s: float, workers: int, providers: List[str]) -> List[Verdict]:
    print(f"\n2. Whole syncs with the default settings, the vendors' limits enforced, {workers} workers (clock x{scale:g})")
    print(f"   {'provider':10} {'data':>4} {'requests':>8} {'429s':>5} {'limit':>12} {'wall':>7} {'floor':>7} {'ratio':>5}")
    verdicts: List[Verdict] = []
    for provider in providers:
        calls, window = VENDOR_LIMITS[provider]
        with Emulator(scale, latency_s * 1000, data_scale=WHOLE_SYNC_SCALES[provider]) as emulator:
            run = sync(workdir, emulator, provider, STREAMS[provider], days=61, num_workers=workers, _rate_time_scale=scale)
        phase = run["phase"] + latency_s
        floor = max((math.ceil(run["requests"] / calls) - 1) * window / scale, run["requests"] * latency_s / workers)
        too_many = run["statuses"].get(429, 0)
        print(f"   {provider:10} {WHOLE_SYNC_SCALES[provider]:>3}x {run['requests']:8} {too_many:5} {calls:>5}/{window:>4.0f} s"
              f" {phase:6.2f}s {floor:6.2f}s {phase / max(floor, 1e-9):5.2f}")
        verdicts.append((too_many == 0, provider, f"whole sync, default settings: {too_many} 429s in {run['requests']} requests (0)"))
    return verdicts


def section_requests_per_minute(workdir: Path, scale: float, latency_s: float, workers: int) -> List[Verdict]:
    print(f"\n3. requests_per_minute below the vendor's limit: the measured rate (clock x{scale:g})")
    verdicts: List[Verdict] = []
    for provider, per_minute, data_scale in (("postpost", 30, 2), ("ayrshare", 20, 5)):
        with Emulator(scale, latency_s * 1000, data_scale=data_scale) as emulator:
            run = sync(workdir, emulator, provider, ["post_analytics"], days=61, num_workers=workers,
                       requests_per_minute=per_minute, _rate_time_scale=scale)
        moments = sorted(entry["at"] for entry in run["log"])
        # requests per (scaled) minute from the first request, over the minutes the sync filled (the last, partial one apart)
        minute = 60 / scale
        bins = Counter(int((moment - moments[0]) // minute) for moment in moments)
        full = [bins.get(index, 0) for index in range(max(bins))] or [len(moments)]
        measured = sum(full) / len(full)
        minutes = len(full)
        ratio = measured / per_minute
        print(f"   {provider:10} setting {per_minute}/min: {run['requests']} requests, {minutes} full minutes at {measured:.1f}/min"
              f" ({ratio:.2f}x), 429s {run['statuses'].get(429, 0)}")
        verdicts.append((abs(ratio - 1) <= 0.10, provider, f"requests_per_minute {per_minute}: measured {ratio:.2f}x of it (within 10 %)"))
    return verdicts


def section_post_analytics_table(workdir: Path, scale: float, latency_s: float, workers: int) -> List[Verdict]:
    print(f"\n4. post_analytics, 1,000+ posts, budget ON, {latency_s * 1000 * scale:.0f} ms latency (clock x{scale:g}); floor = "
          "max(requests x latency / workers, (ceil(requests / limit) - 1) x window)")
    print(f"   {'provider':10} {'requests':>8} {'429s':>5} {f'{workers} workers':>10} {'floor':>7} {'ratio':>5} {'1 worker':>9} {'floor':>7}"
          f" {'ratio':>5} {'speed-up':>8} {'peak MB':>8}")
    verdicts: List[Verdict] = []
    for provider, plan in PLANS.items():
        calls, window = VENDOR_LIMITS[provider]
        runs = {}
        with Emulator(scale, latency_s * 1000, data_scale=plan.wall_scale) as emulator:
            for count in (workers, 1):
                runs[count] = sync(workdir, emulator, provider, ["post_analytics"], days=plan.days, num_workers=count,
                                   _rate_time_scale=scale)
        cells = ""
        for count, run in runs.items():
            run["wall"] = run["phase"] + latency_s
            budget_floor = (math.ceil(run["requests"] / calls) - 1) * window / scale
            run["floor"] = max(run["requests"] * latency_s / count, budget_floor)
            cells += f" {run['wall']:9.2f}s {run['floor']:6.2f}s {run['wall'] / run['floor']:5.2f}"
        fast, slow = runs[workers], runs[1]
        too_many = sum(run["statuses"].get(429, 0) for run in runs.values())
        print(f"   {provider:10} {fast['requests']:8} {too_many:5}{cells} {slow['wall'] / fast['wall']:7.1f}x {fast['peak_mb']:8.0f}")
        verdicts.append((fast["wall"] / fast["floor"] <= 1.3 and too_many == 0, provider,
                         f"post_analytics budget on: {fast['wall'] / fast['floor']:.2f}x the floor (<= 1.3), {too_many} 429s"))
    return verdicts


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=10.0, help="how much faster the clock runs (5 min -> 30 s at 10)")
    parser.add_argument("--latency-ms", type=float, default=300.0, help="the vendor's latency at real time (divided by --scale)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--only", choices=["profiles", "whole", "rpm", "table"])
    parser.add_argument("--provider", choices=sorted(VENDOR_LIMITS), help="section 2 for one provider")
    args = parser.parse_args(argv)
    latency_s = args.latency_ms / 1000 / args.scale
    verdicts: List[Verdict] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.only in (None, "profiles"):
            verdicts += section_profiles(workdir, args.scale, latency_s, args.workers)
        if args.only in (None, "whole"):
            verdicts += section_whole_syncs(workdir, args.scale, latency_s, args.workers, [args.provider] if args.provider else sorted(VENDOR_LIMITS))
        if args.only in (None, "rpm"):
            verdicts += section_requests_per_minute(workdir, args.scale, latency_s, args.workers)
        if args.only in (None, "table"):
            verdicts += section_post_analytics_table(workdir, args.scale, latency_s, args.workers)
    print()
    for passed, provider, what in verdicts:
        print(f"{'PASS' if passed else 'FAIL'} {provider}: {what}")
    print(json.dumps({"passed": sum(v[0] for v in verdicts), "failed": sum(not v[0] for v in verdicts)}))


if __name__ == "__main__":
    main()
