"""``up``'s readiness wait: the drift checker's own verdict, not pid files parity must guess.

cron writes /run/crond.pid and procps is a one-shot script that leaves no process at all: the
entrypoint found no pid file for either, and ``up`` used to wait out its whole timeout for them.
Now ``up`` waits for the entrypoint's marker, then asks the services collector (the script and
parser ``parity check`` uses) whether each declared service runs.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest

from parity.facts import CollectRequest, collect
from parity.spec import load_spec
from parity.up import docker_driver, down, readiness, up
from parity.up.display import Display

from .helpers import unique

pytestmark = [pytest.mark.docker, pytest.mark.slow]

SPEC = """\
parity: 1
name: {name}
base: debian:12
packages:
  cron: "*"
  procps: "*"
services:
{services}
"""
CRON_AND_PROCPS = """\
  cron: {running: true, enabled: true}
  procps: {running: true, enabled: true}
"""


def exec_in(name: str, command: str) -> str:
    """``command``'s output in container ``name`` (``docker exec``, as the tests see it)."""
    import docker

    client = docker.from_env()
    try:
        return client.containers.get(name).exec_run(["sh", "-c", command]).output.decode()
    finally:
        client.close()


def _spec(root: Path, name: str, services: str) -> Any:
    root.mkdir(parents=True)
    (root / "parity.yaml").write_text(SPEC.format(name=name, services=services))
    return load_spec(root / "parity.yaml")


def _timed_wait(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record how long each readiness wait takes (the real method runs; only a clock around
    it)."""
    took: list[float] = []
    real = docker_driver.DockerDriver._wait_ready

    def timed(self: Any, *args: Any, **kwargs: Any) -> None:
        start = time.monotonic()
        try:
            real(self, *args, **kwargs)
        finally:
            took.append(time.monotonic() - start)

    monkeypatch.setattr(docker_driver.DockerDriver, "_wait_ready", timed)
    return took


def test_services_without_guessable_pid_files_do_not_wait_out_the_timeout(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    took = _timed_wait(monkeypatch)
    spec = _spec(workdir / "ready", "ready", CRON_AND_PROCPS)
    name = unique("ready")
    out = io.StringIO()
    try:
        up(spec, name=name, network="none", display=Display(out))
        assert len(took) == 1
        assert took[0] < 20, f"readiness took {took[0]:.1f}s"
        assert "services started: cron, procps" in out.getvalue(), out.getvalue()
        assert "did not start" not in out.getvalue()
        # the checker agrees, and so does the host: cron runs, procps's script says 0
        facts = collect(f"docker://{name}", CollectRequest(kinds=("services",)), timeout=60)
        assert facts.services["cron"]["running"] is True
        assert facts.services["procps"]["running"] is True
        assert exec_in(name, "pgrep -x cron").strip()
        assert exec_in(name, "/etc/init.d/procps status; echo rc=$?").strip().endswith("rc=0")
        assert exec_in(name, "test -e /run/parity/entrypoint.started && echo yes").strip() == "yes"
        # the entrypoint's pid file for cron, now found under the daemon's name (crond.pid)
        assert exec_in(name, "cat /run/parity/cron.pid").strip() == exec_in(
            name, "cat /run/crond.pid").strip()
    finally:
        down(spec, name=name)


def test_a_service_that_never_starts_is_a_warning_naming_it(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness, "READY_TIMEOUT", 3.0)
    took = _timed_wait(monkeypatch)
    services = CRON_AND_PROCPS + '  ghost: {running: true, command: ["/bin/false"]}\n'
    spec = _spec(workdir / "ghost", "ghost", services)
    name = unique("ghost")
    out = io.StringIO()
    try:
        up(spec, name=name, network="none", display=Display(out))
        text = out.getvalue()
        assert "warning: service ghost did not start within 3s" in text, text
        assert "services started" not in text
        assert took and took[0] >= 3
        facts = collect(f"docker://{name}", CollectRequest(kinds=("services",)), timeout=60)
        assert facts.services["ghost"]["running"] is False
        assert facts.services["cron"]["running"] is True
    finally:
        down(spec, name=name)
