#!/usr/bin/env bash
# The whole suite against the airbyte-cdk versions that matter for setup.py's range (>=7.39,<8): the newest 7.x
# on the index and 7.39.1, the oldest we test. One venv per version (.venv-cdk-<version>); a version equal to the
# one already in .venv (which scripts/run_tests.sh just tested) is skipped with --skip-tested, which is how .ci/run
# calls it. Arguments after -- go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
skip_tested=0
if [ "${1:-}" = "--skip-tested" ]; then skip_tested=1; shift; fi
[ "${1:-}" = "--" ] && shift
newest=$("$PYTHON" -m pip index versions airbyte-cdk 2>/dev/null | sed -n 's/^Available versions: //p' | tr ',' '\n' | tr -d ' ' | grep '^7\.' | head -n 1)
[ -n "$newest" ] || { echo "could not read the newest airbyte-cdk 7.x from the package index" >&2; exit 1; }
tested=""
if [ "$skip_tested" -eq 1 ] && [ -x .venv/bin/python ]; then
  tested=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('airbyte-cdk'))")
fi
for version in $(printf '%s\n' "$newest" 7.39.1 | sort -u); do
  if [ "$version" = "$tested" ]; then
    echo "airbyte-cdk $version: already tested by scripts/run_tests.sh (the newest 7.x is $newest)"
    continue
  fi
  venv=".venv-cdk-$version"
  [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
  rm -rf build
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "airbyte-cdk==$version" '.[tests,pyairbyte]'
  "$venv/bin/python" -c "import importlib.metadata as m; v = m.version('airbyte-cdk'); assert v == '$version', v"
  echo "airbyte-cdk $version: the whole suite"
  "$venv/bin/python" -m pytest -n auto --dist loadscope "$@"
done
