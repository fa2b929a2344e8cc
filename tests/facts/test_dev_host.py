"""``-H dev``: "no environment is running" only when that is known; no daemon is exit 4."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = "parity: 1\nname: devhost\nbase: debian:12\n"


def _check_dev(tmp_path: Path, docker_host: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "parity.yaml").write_text(SPEC)
    env = dict(os.environ)
    if docker_host is not None:
        env["DOCKER_HOST"] = docker_host
    return subprocess.run([sys.executable, "-m", "parity", "check", "parity.yaml", "-H", "dev"],
                          capture_output=True, text=True, timeout=180, check=False,
                          cwd=tmp_path, env=env)


def test_no_socket_is_exit_4(tmp_path: Path) -> None:
    where = f"unix://{tmp_path}/nothing-here.sock"
    proc = _check_dev(tmp_path, where)
    assert proc.returncode == 4, proc.stderr
    assert f"Cannot reach the Docker daemon at {where}" in proc.stderr
    assert "no dev environment" not in proc.stderr and "Traceback" not in proc.stderr


def test_dead_socket_is_exit_4(tmp_path: Path) -> None:
    """A socket file nobody listens on any more (a crashed dockerd): connection refused."""
    path = tmp_path / "dead.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
    proc = _check_dev(tmp_path, f"unix://{path}")
    assert proc.returncode == 4, proc.stderr
    assert "Cannot reach the Docker daemon" in proc.stderr and "refused" in proc.stderr


@pytest.mark.docker
def test_running_daemon_without_environment_is_exit_2(tmp_path: Path) -> None:
    proc = _check_dev(tmp_path, None)
    assert proc.returncode == 2, proc.stderr
    assert "no dev environment is running" in proc.stderr
