"""Daemons that run although their init scripts say "stopped" are running.

The Debian 12 host (``hosts/daemons``: nginx, postgresql-15, openssh-server, cron) has sshd and
the PostgreSQL server started by hand, as a captured production container has them: their init
scripts look only for their own pid files and answer 3. Every verdict is checked against
oracles independent of parity's script: the process table (``ps``, zombies apart), the kernel's
listening sockets (``ss -ltn``), and the init script's own ``status`` where that is decisive.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from parity.facts import CollectRequest, collect
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker

HERE = Path(__file__).parent
#: sshd and the PostgreSQL server started outside their init scripts (no pid files of theirs)
START = ("mkdir -p /run/sshd /srv/pg && chown postgres /srv/pg; "
         "/usr/sbin/sshd -o PidFile=none; "
         "su postgres -c '/usr/lib/postgresql/15/bin/initdb -D /srv/pg >/dev/null && "
         "/usr/lib/postgresql/15/bin/pg_ctl -D /srv/pg -o \"-k /tmp -p 5432\" "
         "-l /tmp/pg.log -w start >/dev/null'")


@pytest.fixture(scope="module")
def daemons_image(image_builder: Any) -> str:
    return image_builder(HERE / "hosts" / "daemons", area="facts-daemons")


@pytest.fixture
def host(container_factory: Any, daemons_image: str) -> Any:
    container = container_factory.start(daemons_image)
    exec_ok(container, START)
    _wait(container, lambda: {22, 5432} <= _listening(container), "ports 22 and 5432")
    return container


def _wait(container: Any, ok: Any, what: str) -> None:
    deadline = time.monotonic() + 30
    while not ok():
        assert time.monotonic() < deadline, f"{container.name}: {what} never happened"
        time.sleep(0.2)


def _services(container: Any) -> dict[str, Any]:
    return collect(f"docker://{container.name}", CollectRequest(), timeout=60).services


def _live(container: Any) -> set[str]:
    """Names of the processes that run (``ps``; a zombie, state Z, has exited)."""
    out = exec_ok(container, "ps -eo stat=,comm=")
    return {comm for stat, comm in (ln.split(None, 1) for ln in out.splitlines() if ln.strip())
            if not stat.startswith("Z")}


def _listening(container: Any) -> set[int]:
    """TCP ports something listens on, as the kernel reports them (``ss -ltn``)."""
    out = exec_ok(container, "ss -H -ltn")
    return {int(line.split()[3].rsplit(":", 1)[1]) for line in out.splitlines() if line.strip()}


def _status_rc(container: Any, name: str) -> int:
    return int(container.exec_run(["/etc/init.d/" + name, "status"]).exit_code)


def test_daemons_started_by_hand_run_although_their_scripts_say_3(host: Any) -> None:
    live, ports = _live(host), _listening(host)
    # the oracles: the daemons run and listen; their scripts, looking for their pid files, say 3
    assert "sshd" in live and 22 in ports and _status_rc(host, "ssh") == 3
    assert "postgres" in live and 5432 in ports and _status_rc(host, "postgresql") == 3
    # nginx and cron: no process, no port, and the script says 3 as well
    assert "nginx" not in live and 80 not in ports and _status_rc(host, "nginx") == 3
    assert "cron" not in live and _status_rc(host, "cron") == 3

    got = _services(host)
    assert got["ssh"] == {"running": True, "enabled": True}
    assert got["postgresql"] == {"running": True, "enabled": True}
    assert got["nginx"] == {"running": False, "enabled": True}
    assert got["cron"] == {"running": False, "enabled": True}


def test_stopped_daemons_are_stopped_and_a_decisive_status_0_still_counts(host: Any) -> None:
    exec_ok(host, "su postgres -c '/usr/lib/postgresql/15/bin/pg_ctl -D /srv/pg -w stop' "
                  ">/dev/null && pkill -x sshd")
    exec_ok(host, "service cron start")  # by its script: the LSB answer (0) is decisive
    _wait(host, lambda: not {22, 5432} & _listening(host), "ports 22 and 5432 closed")
    _wait(host, lambda: "sshd" not in _live(host) and "postgres" not in _live(host)
          and _status_rc(host, "cron") == 0, "sshd and postgres gone, cron up")

    got = _services(host)
    assert got["ssh"]["running"] is False
    assert got["postgresql"]["running"] is False
    assert "cron" in _live(host)
    assert got["cron"]["running"] is True
