#!/usr/bin/env bash
# The whole test suite on a fresh machine: creates .venv, installs the connector with its test extras,
# runs unit and integration tests (PyAirbyte included, for its integration test) on every core (pytest-xdist;
# --dist loadscope keeps a module's or class's tests on one worker, so a module-scoped first sync runs once and the
# standard suite's emulator on its fixed port is started by one worker only). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
rm -rf build  # setuptools would otherwise ship modules deleted since the last install
.venv/bin/python -m pip install --quiet --disable-pip-version-check '.[tests,pyairbyte]'
set +e
.venv/bin/python -m pytest -n auto --dist loadscope "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit "$status"
