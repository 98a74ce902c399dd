"""The main job on the embedded default: a full sync of every stream through PyAirbyte.

Starts the local API emulator on 127.0.0.1, points the connector at it, and lets PyAirbyte (offline mode)
run the installed `source-social-analytics` executable into its default local DuckDB cache
(./.cache/default_cache/). Prints per-stream row counts and a few rows. This is how Python ingestion jobs
(Dagster, Airflow, plain scripts) use the connector; swap the config for real credentials to read a real
account.

    python -m integration_tests.demo_sync [--streams post_analytics,link_analytics]
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

import pendulum  # noqa: E402

from integration_tests.emulator import Emulator, default_vendors  # noqa: E402
from integration_tests.emulator.ayrshare import API_KEY  # noqa: E402

SHOW_COLUMNS = {
    "post_analytics": ["account_id", "platform", "post_id", "published_at", "likes", "comments", "impressions", "reach"],
    "link_analytics": ["account_id", "short_link", "created_at", "clicks"],
    "social_statistics": ["account_id", "platform", "date", "followers", "following", "posts", "impressions"],
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="*", help="comma-separated stream names, or * for all")
    args = parser.parse_args(argv)

    import airbyte as ab  # imported late: it is slow, and the env above must be set first
    import pandas as pd

    executable = Path(sys.executable).with_name("source-social-analytics")
    if not executable.exists():
        print(f"{executable} not found: install the connector in this virtualenv first (pip install '.[pyairbyte]').")
        return 2

    with Emulator(default_vendors()) as emulator:
        config = {
            "provider": {"provider_type": "ayrshare", "api_key": API_KEY, "base_url": f"{emulator.url}/api"},
            "start_date": pendulum.today("UTC").subtract(days=30).to_date_string(),
            "lookback_window_days": 7,
        }
        print(f"Local API emulator on {emulator.url}; syncing Ayrshare from {config['start_date']} to today.\n")
        streams = "*" if args.streams == "*" else [s.strip() for s in args.streams.split(",") if s.strip()]
        source = ab.get_source("source-social-analytics", local_executable=str(executable), config=config, streams=streams)
        source.check()
        result = source.read(force_full_refresh=True)

        pd.set_option("display.width", 200)
        pd.set_option("display.max_columns", 20)
        print("\nRows per stream:")
        for name, dataset in sorted(result.streams.items()):
            print(f"  {name:<20} {len(dataset):>6}")
        for name, dataset in sorted(result.streams.items()):
            frame = dataset.to_pandas()
            columns = [c for c in SHOW_COLUMNS.get(name, list(frame.columns)[:8]) if c in frame.columns]
            print(f"\n{name} (first 5 rows of {len(frame)}):")
            print(frame[columns].head(5).to_string(index=False))
        cache_path = getattr(result.cache, "db_path", None)
        if cache_path:
            print(f"\nDuckDB cache: {cache_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
