"""The main job on the embedded default: every stream of every provider through PyAirbyte, twice.

Starts the local API emulator on 127.0.0.1, points the connector at it, and lets PyAirbyte (offline mode)
run the installed `source-social-analytics` executable for each of the four providers into a local DuckDB
cache per provider (./.cache/social_<provider>/): a first read (full refresh), then a second one that is
incremental from the state kept in the cache. Prints row counts per provider and stream, and a few rows. This is how Python ingestion jobs
(Dagster, Airflow, plain scripts) use the connector; swap the config for real credentials to read a real
account.

Imports only the installed ``social_analytics_emulator`` package, PyAirbyte (and pandas, which it brings) and the
standard library, so it runs
from any directory once ``pip install '.[pyairbyte,emulator]'`` is done (scripts/demo_sync.sh does it):

    python examples/demo_sync.py [--providers ayrshare,postpost] [--days 14]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# PyAirbyte must not reach for its connector registry or telemetry: this machine may be offline.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_LOGGING_ROOT", str(Path(tempfile.gettempdir()) / "source-social-analytics-logs"))

from social_analytics_emulator import Emulator, default_vendors  # noqa: E402
from social_analytics_emulator.configs import PROVIDERS, emulator_config  # noqa: E402

SHOW_COLUMNS = {
    "post_analytics": ["account_id", "platform", "post_id", "published_at", "likes", "comments", "impressions", "reach"],
    "link_analytics": ["account_id", "short_link", "created_at", "clicks"],
    "account_statistics": ["account_id", "platform", "date", "impressions", "likes", "comments", "reach"],
    "social_statistics": ["account_id", "platform", "date", "followers", "impressions", "likes", "posts"],
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", default=",".join(PROVIDERS), help="comma-separated providers (default: all four)")
    parser.add_argument("--days", type=int, default=14, help="how many days back the first sync starts")
    args = parser.parse_args(argv)

    import airbyte as ab  # imported late: it is slow, and the env above must be set first
    import pandas as pd

    executable = Path(sys.executable).with_name("source-social-analytics")
    if not executable.exists():
        print(f"{executable} not found: install the connector in this virtualenv first (pip install '.[pyairbyte,emulator]').")
        return 2
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)

    counts = []
    with Emulator(default_vendors()) as emulator:
        print(f"Local API emulator on {emulator.url}.")
        for provider in [p.strip() for p in args.providers.split(",") if p.strip()]:
            config = emulator_config(provider, emulator.url, days=args.days)
            # one cache per provider: PyAirbyte keeps each source's state in its cache, by source name
            cache = ab.new_local_cache(f"social_{provider}")
            source = ab.get_source("source-social-analytics", local_executable=str(executable), config=config, streams="*")
            source.check()
            print(f"\n== {provider}: first read (full refresh, from {config['start_date']}) ==")
            result = source.read(cache=cache, force_full_refresh=True)
            first = {name: len(dataset) for name, dataset in result.streams.items()}
            print(f"== {provider}: second read (incremental, from the state the first one left in the cache) ==")
            result = source.read(cache=cache)
            for name, dataset in sorted(result.streams.items()):
                counts.append((provider, name, first[name], len(dataset)))
                # nullable integer columns: a missing metric prints <NA>, never NaN in a float column
                frame = dataset.to_pandas().convert_dtypes()
                for column in frame.columns:  # a metric no row has: a nullable integer column of <NA>
                    if frame[column].isna().all() and frame[column].dtype == object:
                        frame[column] = frame[column].astype("Int64")
                columns = [c for c in SHOW_COLUMNS.get(name, list(frame.columns)[:8]) if c in frame.columns]
                print(f"\n{provider} / {name} (first 3 rows of {len(frame)}):")
                print(frame[columns].head(3).to_string(index=False))
            print(f"DuckDB cache: {getattr(cache, 'db_path', '?')}")

    print("\nRows per provider and stream (first read: full refresh; second read: incremental, deduplicated on the primary key):")
    print(f"  {'provider':<10} {'stream':<20} {'full':>6} {'incremental':>12}")
    for provider, name, full, incremental in counts:
        print(f"  {provider:<10} {name:<20} {full:>6} {incremental:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
