"""Docker contexts are honoured like the docker CLI honours them (parity.up.dockerclient)."""

from __future__ import annotations

import contextlib
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


@pytest.fixture
def tcp_engine() -> Iterator[str]:
    """The local engine reached over TCP on loopback, as a remote engine is: a byte relay from
    127.0.0.2:PORT to the daemon's socket (hijacked exec/attach streams included)."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.2", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def pump(src: socket.socket, dst: socket.socket) -> None:
        # one direction at a time: at its end only that direction is closed (a half-close, as
        # `docker exec` closes stdin and then still reads the command's output)
        with contextlib.suppress(OSError):
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            daemon = socket.socket(socket.AF_UNIX)
            daemon.connect(SOCKET.removeprefix("unix://"))
            for a, b in ((client, daemon), (daemon, client)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.2:{port}"
    stop.set()
    thread.join(5)
    server.close()


@pytest.mark.slow
def test_up_check_and_down_through_a_tcp_context(config: Path, tcp_engine: str, tmp_path: Path,
                                                 monkeypatch) -> None:
    """A context naming an engine over TCP: `up`, `check -H dev` (testinfra's docker backend
    runs the docker CLI, which follows the context itself) and `down` all reach it."""
    from .helpers import copy_example, sweep, unique

    env = {**os.environ, "DOCKER_CONFIG": str(config)}
    env.pop("DOCKER_HOST", None)
    subprocess.run(["docker", "context", "create", "parity-tcp", "--docker",
                    f"host={tcp_engine}"], env=env, check=True, capture_output=True)
    env.update(DOCKER_CONTEXT="parity-tcp", SECRET_KEY="x")
    spec = copy_example(tmp_path)
    name = unique("context")

    def parity(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "parity", *args], env=env, text=True,
                              capture_output=True, check=False, timeout=900)

    try:
        up = parity("up", str(spec), "--name", name, "--network", "none", "-v")
        assert up.returncode == 0, up.stderr[-2000:]
        assert up.stdout.strip() == f"docker://{name}"
        checked = parity("check", str(spec), "-H", f"docker://{name}", "--role", "dev",
                         "--retry-timeout", "60s")
        assert checked.returncode == 0, checked.stdout[-2000:]
        status = parity("status", str(spec), "--format", "json")
        assert f'"name": "{name}"' in status.stdout
    finally:
        down = parity("down", str(spec), "--name", name)
        import docker

        sweep(docker.from_env(), tmp_path)
    assert down.returncode == 0 and "removed container" in down.stdout
