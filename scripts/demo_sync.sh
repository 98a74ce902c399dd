#!/usr/bin/env bash
# The main job on the embedded default: creates .venv-sync, installs the connector, its emulator and PyAirbyte
# ('.[pyairbyte,emulator]'), then runs examples/demo_sync.py: it starts the local API emulator on 127.0.0.1,
# runs a full sync of every stream into PyAirbyte's local DuckDB cache and prints per-stream row counts and a
# few rows. No network beyond the package index.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv-sync/bin/python ] || "$PYTHON" -m venv .venv-sync
rm -rf build  # setuptools would otherwise ship modules deleted since the last install
.venv-sync/bin/python -m pip install --quiet --disable-pip-version-check '.[pyairbyte,emulator]'
exec .venv-sync/bin/python examples/demo_sync.py "$@"
