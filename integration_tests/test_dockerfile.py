"""Replays the Dockerfile without Docker: its COPY lines into an empty build context, its RUN pip install in
a fresh virtualenv, then its ENTRYPOINT. Proves the image would install from only what it copies (package
data included) and that the entrypoint speaks the protocol."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]


def dockerfile_instructions():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    return [line.split(None, 1) for line in lines if line and not line.startswith("#")]


def test_dockerfile_is_minimal_and_pinned():
    instructions = dockerfile_instructions()
    base = next(arg for op, arg in instructions if op == "FROM")
    assert base.startswith("docker.io/airbyte/python-connector-base:") and "@sha256:" in base
    metadata = (ROOT / "metadata.yaml").read_text()
    assert f"baseImage: {base}" in metadata
    assert json.loads(next(arg for op, arg in instructions if op == "ENTRYPOINT")) == ["source-social-analytics"]
    assert [arg for op, arg in instructions if op == "USER"][-1] == "airbyte"  # runs as the base image's non-root user


def _as_runtime_user(command):
    """The command as the Dockerfile's last USER (airbyte) would run it, when we are root and can switch."""
    user = [arg for op, arg in dockerfile_instructions() if op == "USER"][-1]
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return command, False
    if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True)
    return ["runuser", "-u", user, "--"] + command, True


def _runtime_user_can_read(paths):
    for path in paths:
        command, switched = _as_runtime_user(["test", "-r", str(path)])
        if switched and subprocess.run(command, capture_output=True).returncode != 0:
            return False
    return True


def _python_the_runtime_user_can_run():
    """A Python 3 the non-root user can execute (a pyenv under /root cannot be); ours when no switch happens."""
    candidates = [os.path.realpath(getattr(sys, "_base_executable", sys.executable)), "/usr/bin/python3.11", "/usr/bin/python3"]
    for candidate in candidates:
        command, switched = _as_runtime_user([candidate, "-c", "import venv, ensurepip"])
        if not switched:
            return candidates[0]
        if os.path.exists(candidate) and subprocess.run(command, capture_output=True).returncode == 0:
            return candidate
    pytest.fail("no Python the non-root runtime user can execute")


def test_replayed_install_and_entrypoint():
    # world-readable (pytest's tmp_path is root-only): the entrypoint runs as the non-root user
    tmp_path = Path(tempfile.mkdtemp(prefix="dockerfile-replay-"))
    tmp_path.chmod(0o755)
    context = tmp_path / "image" / "airbyte" / "integration_code"
    context.mkdir(parents=True)
    run_commands = []
    for op, arg in dockerfile_instructions():
        if op == "COPY":
            *sources, _destination = shlex.split(arg)
            for source in sources:
                src = ROOT / source
                target = context / source
                if src.is_dir():
                    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(src, target)
        elif op == "RUN":
            run_commands.append(arg)
    env_dir = tmp_path / "venv"
    subprocess.run([_python_the_runtime_user_can_run(), "-m", "venv", str(env_dir)], check=True, timeout=300)
    python = env_dir / "bin" / "python"
    # The package is installed from the copied context exactly as the RUN line says; its dependencies are
    # taken from the test environment (a .pth file) instead of being downloaded and installed again: that
    # the requirements resolve is what scripts/run_tests.sh's own install proves, and it saves ~30 s here.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (Path(site) / "_test_environment_dependencies.pth").write_text("\n".join(ours) + "\n")
    for command in run_commands:
        command = command.replace("pip install", f"{python} -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation", 1)
        subprocess.run(command, shell=True, cwd=context, check=True, timeout=600)
    entrypoint = env_dir / "bin" / "source-social-analytics"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    elsewhere.chmod(0o777)
    command, switched = _as_runtime_user([str(entrypoint), "spec"])
    if switched and not _runtime_user_can_read(ours):
        # a checkout under a root-only directory (mktemp -d): the borrowed dependencies are out of the non-root
        # user's reach, which says nothing about the image; run the entrypoint as ourselves instead
        warnings.warn(f"the non-root user cannot read {ours}: the entrypoint runs as the current user")
        command, switched = [str(entrypoint), "spec"], False
    out = subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    if switched:  # it really ran as a non-root user
        assert subprocess.run(_as_runtime_user(["id", "-u"])[0], capture_output=True, text=True).stdout.strip() != "0"
    specs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{") and '"SPEC"' in line]
    assert len(specs) == 1
    assert specs[0]["spec"]["connectionSpecification"]["properties"]["provider"]["oneOf"]
    # the schemas ship inside the package, so discover works from the image too
    installed = subprocess.run([str(python), "-c", "import source_social_analytics, pathlib; print(pathlib.Path(source_social_analytics.__file__).parent)"],
                               capture_output=True, text=True, check=True, cwd=elsewhere).stdout.strip()
    assert sorted(p.name for p in (Path(installed) / "schemas").glob("*.json")) == [
        "account_statistics.json", "link_analytics.json", "post_analytics.json", "social_statistics.json",
        "youtube_playlists.json",
    ]
    assert not (Path(installed).parent / "integration_tests").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)
