"""Docker contexts are honoured like the docker CLI honours them (parity.up.dockerclient)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.errors import EnvironmentError_
from parity.up.dockerclient import connect, endpoint

from .helpers import EXAMPLES

pytestmark = [pytest.mark.docker]

SOCKET = "unix:///var/run/docker.sock"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_client) -> Iterator[Path]:
    """A private DOCKER_CONFIG with two contexts made by the docker CLI itself."""
    if shutil.which("docker") is None:
        pytest.skip("the docker CLI is not installed")
    folder = tmp_path / "docker-config"
    env = {**os.environ, "DOCKER_CONFIG": str(folder)}
    env.pop("DOCKER_HOST", None)
    for name, host in (("parity-live", SOCKET), ("parity-dead", f"unix://{tmp_path}/no.sock")):
        subprocess.run(["docker", "context", "create", name, "--docker", f"host={host}"],
                       env=env, check=True, capture_output=True)
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    yield folder


def test_docker_context_names_the_daemon(config: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "parity-live")
    assert endpoint() == (SOCKET, "parity-live")
    assert connect(timeout=30).ping()


def test_docker_context_use_counts_too(config: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    subprocess.run(["docker", "context", "use", "parity-dead"], env=env, check=True,
                   capture_output=True)
    where, name = endpoint()
    assert name == "parity-dead" and where.endswith("/no.sock")
    with pytest.raises(EnvironmentError_) as err:
        connect(timeout=5)
    text = err.value.render()
    assert "Docker context parity-dead" in text and "no.sock" in text


def test_docker_host_wins_over_a_context(config: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "parity-dead")
    monkeypatch.setenv("DOCKER_HOST", SOCKET)
    assert endpoint() == (SOCKET, None)
    assert connect(timeout=30).ping()


def test_cli_through_a_dead_context_exits_4(config: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_CONFIG": str(config), "DOCKER_CONTEXT": "parity-dead"}
    env.pop("DOCKER_HOST", None)
    result = subprocess.run([sys.executable, "-m", "parity", "status",
                             str(EXAMPLES / "webapp")], env=env, capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 4
    assert "Docker context parity-dead" in result.stdout + result.stderr


def test_a_context_that_does_not_exist_is_named(config: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "parity-nosuch")
    with pytest.raises(EnvironmentError_) as err:
        connect(timeout=5)
    assert "parity-nosuch" in err.value.render() and "docker context ls" in err.value.render()
