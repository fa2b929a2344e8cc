"""Every way ``up`` can fail: one clear paragraph, the right exit code, nothing left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parity import labels
from parity.spec import load_spec

from .helpers import copy_example, parity_cli, unique


def write_spec(root: Path, body: str, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    path = root / "parity.yaml"
    path.write_text(f"parity: 1\nbase: debian:12\n{body}")
    return path


def ours(client, spec_path: Path, *, by_sha: bool = False) -> list:
    """Containers and images carrying this spec's path, or with ``by_sha`` its hash too
    (intermediate build containers carry the hash label from the Dockerfile; only for specs
    unique to the test, since other suites build the examples with the same hash)."""
    found = []
    wanted = [f"{labels.SPEC_PATH}={spec_path.resolve()}"]
    if by_sha:
        wanted.append(f"{labels.SPEC_SHA256}={load_spec(spec_path).sha256}")
    for label in wanted:
        found += client.containers.list(all=True, filters={"label": label})
        found += client.images.list(filters={"label": label})
    return found


def assert_one_paragraph(stderr: str) -> None:
    """No traceback; the error is the last thing printed (progress lines may precede it)."""
    assert "Traceback" not in stderr
    assert "error: " in stderr
    assert "==>" not in stderr[stderr.index("error: "):]


def test_no_docker_daemon(tmp_path: Path) -> None:
    """DOCKER_HOST at a dead socket stands in for a stopped daemon (the shared one keeps
    running)."""
    spec_path = copy_example(tmp_path)
    dead = f"unix://{tmp_path}/dead/docker.sock"
    proc = parity_cli("up", str(spec_path), env={"DOCKER_HOST": dead, "SECRET_KEY": "x"})
    assert proc.returncode == 4
    assert_one_paragraph(proc.stderr)
    assert dead in proc.stderr and "dockerd" in proc.stderr and "docker info" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    status = parity_cli("status", str(spec_path), env={"DOCKER_HOST": dead})
    assert status.returncode == 4 and "Traceback" not in status.stderr
    assert "docker: Cannot reach the Docker daemon" in status.stdout


def test_no_vagrant_binary(tmp_path: Path) -> None:
    spec_path = copy_example(tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(sys.executable)
    proc = parity_cli("up", str(spec_path), "--target", "vagrant",
                      env={"PATH": str(bindir), "SECRET_KEY": "x"})
    assert proc.returncode == 4, proc.stderr
    assert_one_paragraph(proc.stderr)
    assert "`vagrant` command is not installed" in proc.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    spec_path = copy_example(tmp_path)
    proc = parity_cli("up", str(spec_path), "--provider", "docker")
    assert proc.returncode == 2 and "--target vagrant" in proc.stderr
    proc = parity_cli("up", str(spec_path), "--name", "a b")
    assert proc.returncode in (2, 4) and "Traceback" not in proc.stderr


@pytest.mark.docker
@pytest.mark.parametrize("command", ["up", "down"])
def test_name_docker_accepts_but_no_image_tag_can_use(workdir: Path, docker_client,
                                                      command: str) -> None:
    """``a..b`` is a legal container name but ``a..b:dev`` no legal tag: a usage error (it was a
    traceback from the Docker SDK), before anything is rendered or built."""
    spec_path = copy_example(workdir)
    proc = parity_cli(command, str(spec_path), "--name", "a..b", "--network", "none",
                      env={"SECRET_KEY": "x"}) if command == "up" else parity_cli(
        command, str(spec_path), "--name", "a..b")
    assert proc.returncode == 2, proc.stderr
    assert_one_paragraph(proc.stderr)
    assert "'a..b'" in proc.stderr and "--name" in proc.stderr
    assert "rendering" not in proc.stderr
    assert ours(docker_client, spec_path) == []


@pytest.mark.docker
def test_missing_secret_fails_before_anything_is_built(workdir: Path, docker_client) -> None:
    spec_path = copy_example(workdir)
    proc = parity_cli("up", str(spec_path), "--name", unique("nosecret"), "--network", "none",
                      drop=("SECRET_KEY",))
    assert proc.returncode == 2
    assert_one_paragraph(proc.stderr)
    assert "SECRET_KEY" in proc.stderr and "--env-file" in proc.stderr
    assert "building" not in proc.stderr
    assert ours(docker_client, spec_path) == []
    env_file = workdir / "secrets.env"
    env_file.write_text("SECRET_KEY=from-the-file\n")
    # the env file is read (a bad line in it is reported, proving it was consulted)
    env_file.write_text("SECRET_KEY from-the-file\n")
    proc = parity_cli("up", str(spec_path), "--env-file", str(env_file), "--network", "none",
                      "--name", unique("nosecret"), drop=("SECRET_KEY",))
    assert proc.returncode == 2 and f"{env_file}:1:" in proc.stderr


@pytest.mark.docker
def test_missing_base_image(workdir: Path, docker_client) -> None:
    import docker.errors

    try:
        docker_client.images.get("debian:11")
        pytest.skip("debian:11 exists on this daemon; the test needs a base image that does not")
    except docker.errors.ImageNotFound:
        pass
    spec_path = write_spec(workdir / "old", "name: old\n").resolve()
    spec_path.write_text(spec_path.read_text().replace("debian:12", "debian:11"))
    proc = parity_cli("up", str(spec_path), "--name", unique("nobase"), "--network", "none")
    assert proc.returncode == 4
    assert_one_paragraph(proc.stderr)
    assert "debian:11" in proc.stderr and "debootstrap" in proc.stderr
    assert "bullseye" in proc.stderr
    assert ours(docker_client, spec_path) == []


@pytest.mark.docker
def test_failing_build_step_shows_its_output_and_cleans_up(workdir: Path, docker_client) -> None:
    spec_path = write_spec(workdir / "broken", "name: broken\nprovision: [boom.sh]\n",
                           {"boom.sh": "echo parity-test-about-to-fail\nexit 3\n"})
    name = unique("broken")
    proc = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert proc.returncode == 4
    assert "Traceback" not in proc.stderr
    message = proc.stderr[proc.stderr.index("error: "):]
    assert "docker build of" in message and "failed at Step" in message
    assert "parity-test-about-to-fail" in message  # the last lines of the build output
    assert "Fix the failing step" in message
    assert ours(docker_client, spec_path, by_sha=True) == []
    assert not docker_client.images.list(name=f"{name}")


@pytest.mark.docker
def test_port_already_taken(workdir: Path, docker_client) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        spec_path = write_spec(workdir / "ports", f"name: ports\nports: [{port}]\n")
        proc = parity_cli("up", str(spec_path), "--name", unique("ports"), "--network", "host")
    assert proc.returncode == 4
    assert_one_paragraph(proc.stderr)
    assert f"Port tcp/{port} is already in use" in proc.stderr and "--network none" in proc.stderr
    assert "building" not in proc.stderr
    assert ours(docker_client, spec_path) == []


@pytest.mark.docker
def test_port_taken_when_a_stopped_environment_is_started_again(workdir: Path,
                                                                docker_client) -> None:
    """Starting a stopped host-network environment checks its ports like a first ``up``
    (it used to start it and let the service fail inside), and leaves the container as it was."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec_path = write_spec(workdir / "restart", f"name: restart\nports: [{port}]\n")
    name = unique("restart")
    first = parity_cli("up", str(spec_path), "--name", name, "--network", "host")
    assert first.returncode == 0, first.stderr
    docker_client.containers.get(name).stop(timeout=1)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        proc = parity_cli("up", str(spec_path), "--name", name, "--network", "host")
    assert proc.returncode == 4, proc.stderr
    assert_one_paragraph(proc.stderr)
    assert f"Port tcp/{port} is already in use" in proc.stderr
    assert docker_client.containers.get(name).status == "exited"  # still there, not started
    again = parity_cli("up", str(spec_path), "--name", name, "--network", "host")
    assert again.returncode == 0, again.stderr
    assert "started it again" in again.stderr
    assert docker_client.containers.get(name).status == "running"


@pytest.mark.docker
def test_stopped_environment_that_cannot_start_again(workdir: Path, docker_client) -> None:
    """Docker refusing to start the stopped container is one paragraph (it was a traceback)."""
    spec_path = write_spec(workdir / "nostart", "name: nostart\n")
    name = unique("nostart")
    assert parity_cli("up", str(spec_path), "--name", name, "--network", "none").returncode == 0
    container = docker_client.containers.get(name)
    container.exec_run(["rm", "/usr/local/bin/parity-entrypoint"])
    container.stop(timeout=1)
    proc = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert proc.returncode == 4, proc.stderr
    assert_one_paragraph(proc.stderr)
    assert "Docker could not start the container" in proc.stderr


@pytest.mark.docker
def test_container_that_stops_while_up_waits_for_its_services(workdir: Path,
                                                               docker_client) -> None:
    """The entrypoint exits while ``up`` waits for a service: its log tail, exit 4, and the
    container and image this ``up`` made are removed."""
    spec_path = write_spec(workdir / "dying", (
        "name: dying\nservices:\n"
        "  killer: {running: true, command: [sh, -c, 'sleep 2; kill 1']}\n"
        "  ghost: {running: true}\n"))
    name = unique("dying")
    proc = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert proc.returncode == 4, proc.stderr
    assert_one_paragraph(proc.stderr)
    assert f"container {name} stopped right after starting" in proc.stderr
    assert "started killer" in proc.stderr  # the container's own log lines
    assert ours(docker_client, spec_path, by_sha=True) == []


@pytest.mark.docker
def test_ctrl_c_during_build_leaves_nothing(workdir: Path, docker_client) -> None:
    marker = f"parity-test-slow-{os.getpid()}-{time.time_ns()}"
    spec_path = write_spec(workdir / "slow", "name: slow\nprovision: [slow.sh]\n",
                           {"slow.sh": f"echo {marker}\nsleep 300\n"})
    name = unique("sigint")
    proc = subprocess.Popen(
        [sys.executable, "-m", "parity", "up", str(spec_path), "--name", name,
         "--network", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # the build is inside the slow RUN step once the marker shows
            seen.append(line)
            if marker in line:
                break
        else:
            pytest.fail("the build never reached the slow step:\n" + "".join(seen[-20:]))
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=120)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, "".join(seen[-5:]) + rest
    assert "Traceback" not in rest and "interrupted" in rest
    # the daemon cancels the build once the client hangs up; give it a moment to clean up
    deadline = time.monotonic() + 60
    while ours(docker_client, spec_path, by_sha=True) and time.monotonic() < deadline:
        time.sleep(1)
    left = ours(docker_client, spec_path, by_sha=True)
    assert left == [], [(x.id, x.attrs.get("Created"), x.attrs.get("State")) for x in left]
    assert not docker_client.containers.list(all=True, filters={"name": name})


@pytest.mark.docker
def test_ctrl_c_while_waiting_for_services_leaves_nothing(workdir: Path, docker_client) -> None:
    """Ctrl-C after the container started (``up`` waits for a service that never starts):
    the container and the image this ``up`` built are removed."""
    spec_path = write_spec(workdir / "waiting", "name: waiting\nservices:\n"
                                                "  ghost: {running: true}\n")
    name = unique("waiting")
    proc = subprocess.Popen(
        [sys.executable, "-m", "parity", "up", str(spec_path), "--name", name,
         "--network", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if f"starting container {name}" in line:
                break
        else:
            pytest.fail("up never started the container:\n" + "".join(seen[-20:]))
        deadline = time.monotonic() + 30
        while not docker_client.containers.list(filters={"name": name}):
            assert time.monotonic() < deadline, "the container never ran"
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=120)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, "".join(seen[-5:]) + rest
    assert "Traceback" not in rest and "interrupted" in rest
    assert not docker_client.containers.list(all=True, filters={"name": name})
    assert ours(docker_client, spec_path, by_sha=True) == []
