"""The rendered Dockerfile is a Containerfile too: Podman builds it, runs it, and the drift
checker reads the container through testinfra's ``podman://`` transport with no drift."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.compare.check import CheckOptions, run_check
from parity.render import render_target
from parity.render.context import DEV_ARG
from parity.spec import load_spec

pytestmark = [pytest.mark.podman, pytest.mark.slow]

WEBAPP = Path(__file__).resolve().parents[2] / "examples" / "webapp" / "parity.yaml"
IMAGE = "localhost/parity-test-podman/shop:prod"


def podman(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    context = tmp_path_factory.mktemp("podman-context")
    render_target(load_spec(WEBAPP), "docker", context)
    built = podman("build", "--network", "host", "--force-rm", "--build-arg", f"{DEV_ARG}=0",
                   "-t", IMAGE, str(context))
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield IMAGE
    podman("rmi", "-f", IMAGE, timeout=120)


@pytest.fixture
def container(image: str) -> Iterator[str]:
    name = f"parity-test-podman-{uuid.uuid4().hex[:8]}"
    started = podman("run", "-d", "--name", name, "--network", "none", "--label",
                     "org.parity.test=1", "--sysctl", "net.core.somaxconn=1024", image,
                     timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the entrypoint writes a pid file per service
            pids = podman("exec", name, "ls", "/run/parity", timeout=30).stdout.split()
            if {"nginx.pid", "postgresql.pid"} <= set(pids):
                break
            time.sleep(0.5)
        yield name
    finally:
        podman("rm", "-f", "-t", "0", name, timeout=120)


def test_podman_built_container_matches_the_spec(container: str) -> None:
    spec = load_spec(WEBAPP)
    report = run_check(spec, [f"podman://{container}"], options=CheckOptions(role="prod"))
    (host,) = report.results
    assert host.error is None
    assert [f.path for f in host.findings] == []
    assert host.checked["package"] >= len(spec.model.packages)


def test_podman_image_has_the_pinned_packages(container: str) -> None:
    out = podman("exec", container, "dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
                 "nginx", "postgresql-15", timeout=60).stdout
    versions = dict(line.split() for line in out.splitlines())
    assert versions["nginx"].startswith("1.22.")
    assert versions["postgresql-15"].startswith("15.")
    # the prod image (PARITY_DEV=0) leaves dev_packages out
    assert podman("exec", container, "dpkg-query", "-W", "git", timeout=60).returncode != 0
