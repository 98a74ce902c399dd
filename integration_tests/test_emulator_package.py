"""The emulator works as an installed package, away from a checkout: a wheel of the repository is installed into
an empty virtualenv (no dependencies: the emulator needs only the standard library, and the connector's own
dependencies are left out, so an emulator that imported the connector would fail to start), then its
``social-analytics-emulator`` console script is started from a directory outside the checkout, answers an
authenticated vendor request and its request log, and is stopped."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from social_analytics_emulator import mosaic
from social_analytics_emulator.client import EmulatorClient

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]
NOT_THE_SOURCE = shutil.ignore_patterns(".git", ".venv*", ".cache", ".pytest_cache", ".tmp", "build", "dist", "*.egg-info", "__pycache__")


def _build_wheel(workdir: Path) -> Path:
    """A wheel of the repository, built from a copy of it (the build writes build/ and *.egg-info into its source).
    No build isolation: setuptools comes from this environment instead of the package index."""
    source = workdir / "source"
    shutil.copytree(ROOT, source, ignore=NOT_THE_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(workdir / "wheels"), str(source)], check=True, timeout=120)
    [wheel] = (workdir / "wheels").glob("*.whl")
    return wheel


def test_installed_emulator_serves_outside_the_checkout(tmp_path):
    wheel = _build_wheel(tmp_path)
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=60)
    python = env_dir / "bin" / "python"
    # this interpreter's pip installs into the new environment, offline and without dependencies
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("PYTEST_")}
    location = subprocess.run([str(python), "-c", "import social_analytics_emulator; print(social_analytics_emulator.__file__)"],
                              cwd=elsewhere, env=env, capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    assert Path(location).is_relative_to(env_dir) and not Path(location).is_relative_to(ROOT)

    server = subprocess.Popen([str(env_dir / "bin" / "social-analytics-emulator"), "--port", "0"], cwd=elsewhere, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()  # type: ignore[union-attr]
        assert url.startswith("http://127.0.0.1:"), server.stderr.read() if server.poll() is not None else url  # type: ignore[union-attr]
        whoami = urllib.request.Request(f"{url}/mosaic/whoami", headers={"Authorization": f"Bearer {mosaic.API_KEY}"})
        with urllib.request.urlopen(whoami, timeout=10) as answer:
            assert answer.status == 200
            assert json.loads(answer.read())["api_key_id"] == mosaic.API_KEY_ID
        [logged] = EmulatorClient(url).requests()
        assert (logged["method"], logged["path"], logged["vendor"]) == ("GET", "/mosaic/whoami", "mosaic")
    finally:
        server.terminate()
        server.wait(timeout=10)
