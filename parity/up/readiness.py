"""When is a fresh environment ready? When the drift checker would say its services run.

Both ways parity starts a container from the rendered image (the docker target, and Vagrant's
docker provider building the same Dockerfile) wait here, so "ready" means one thing: the
entrypoint has run every service's start command (its marker file), and then the services
collector's own script, run in the container and read by its own parser, finds each service the
spec wants running. Pid files are not asked: the entrypoint can only guess them for daemons an
init script started (cron writes /run/crond.pid), and one-shot scripts (procps) never have one.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from parity import labels
from parity.errors import EnvironmentError_
from parity.spec import Spec
from parity.up.display import Display

if TYPE_CHECKING:
    from docker.models.containers import Container

#: how long ``up`` waits for every declared service to run (the checker's verdict)
READY_TIMEOUT = 90.0
#: seconds between two readiness checks (one ``docker exec`` of the services script each)
READY_POLL = 0.3
#: host-side deadline of one readiness check, in seconds (its status probes take 5 at most)
READY_PROBE_DEADLINE = 20
#: the entrypoint writes this once it has run every service's start command
#: (templates/render/provision/entrypoint.sh.j2 spells the same path)
READY_MARKER = f"{labels.PID_DIR}/entrypoint.started"


def wait_ready(container: Container, spec: Spec, display: Display,
               since: datetime | None = None) -> None:
    """Wait until the entrypoint has run every service's start, then until the drift
    checker's own verdict says each service that should run does.

    Readiness is judged as ``parity check`` judges it (the services collector's script,
    run in the container and read by its parser: one code path), not by pid files, which
    the entrypoint can only guess for daemons an init script started (cron writes
    /run/crond.pid) and which one-shot scripts (procps) never have. A container whose
    entrypoint exits is a failed ``up`` (its log tail is shown); services not running
    after :data:`READY_TIMEOUT` are a warning, because the environment is up and ``docker
    logs`` is the way to see why one service did not start. ``since`` (a restarted
    container, whose filesystem keeps the last run's marker until its entrypoint clears
    it) counts only a marker written from that second on.
    """
    from docker.errors import APIError

    wanted = sorted(n for n, s in spec.model.services.items() if s.running)
    deadline = time.monotonic() + READY_TIMEOUT
    missing = wanted
    started = False
    while True:
        container.reload()
        if container.status != "running":
            raise EnvironmentError_(
                f"container {container.name} stopped right after starting "
                f"(status {container.status}).\n" + log_tail(container),
                hint="Its entrypoint failed; fix the cause shown above and run `parity up` "
                     "again (the container was removed).",
            )
        if not wanted:
            return
        try:
            started = started or _entrypoint_started(container, since)
            if started:
                missing = _not_running(container, wanted)
        except APIError:
            continue  # it stopped since the reload; the next round reports it
        if started and not missing:
            display.info(f"services started: {', '.join(wanted)}")
            return
        if time.monotonic() > deadline:
            display.info(
                f"warning: service {', '.join(missing)} did not start within "
                f"{READY_TIMEOUT:.0f}s; see `docker logs {container.name}`")
            return
        time.sleep(READY_POLL)

def _entrypoint_started(container: Container, since: datetime | None) -> bool:
    """The entrypoint wrote its marker (at or after ``since``, when given): it has run
    every service's start command."""
    res = container.exec_run(["stat", "-c", "%Y", READY_MARKER])
    stamp = res.output.decode("utf-8", "replace").strip()
    if res.exit_code != 0 or not stamp.isdigit():
        return False
    return since is None or int(stamp) >= int(since.timestamp())

def _not_running(container: Container, wanted: list[str]) -> list[str]:
    """The services of ``wanted`` the checker would not find running right now."""
    from parity.facts.collection import parse_output
    from parity.facts.request import CollectRequest
    from parity.facts.script import ScriptOutputError, build_script

    script = build_script(CollectRequest(kinds=("services",), services=tuple(wanted)))
    res = container.exec_run(["/bin/sh", "-c", script.command(READY_PROBE_DEADLINE)])
    try:
        facts = parse_output(script, f"docker://{container.name}",
                             res.output.decode("utf-8", "replace"))
    except ScriptOutputError:
        return wanted  # cut short (the container stopping): the next round decides
    found = facts.services or {}
    return [n for n in wanted if not (found.get(n) or {}).get("running")]


def log_tail(container: Container) -> str:
    """The container's last log lines, indented: why its entrypoint failed."""
    logs = container.logs(tail=20).decode("utf-8", "replace")
    return "Last lines of its log:\n" + "\n".join(f"  | {line}" for line in logs.splitlines())
