"""Service verdicts on a real SysV host agree with the real tools.

One image (debian:12 + cron, ``hosts/cron``) is built per session; every test starts its own
container with ``sleep infinity`` as PID 1, which never reaps, so a stopped daemon stays behind
as a zombie exactly as in containers without an init. Each verdict is checked against
independent oracles: testinfra's own ``host.service(name)``, the init script's ``status`` exit
code, and the process state the kernel reports in ``/proc/PID/status``.
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


@pytest.fixture(scope="module")
def cron_image(image_builder: Any) -> str:
    return image_builder(HERE / "hosts" / "cron", area="facts-cron")


@pytest.fixture
def host(container_factory: Any, cron_image: str) -> Any:
    """A fresh container whose PID 1 is ``sleep infinity`` (network none)."""
    return container_factory.start(cron_image)


def _services(container: Any, *names: str) -> dict[str, Any]:
    return collect(f"docker://{container.name}", CollectRequest(services=names),
                   timeout=60).services


def _testinfra(container: Any, name: str) -> tuple[bool, bool]:
    """testinfra's verdict: (is_running, is_enabled)."""
    import testinfra

    svc = testinfra.get_host(f"docker://{container.name}").service(name)
    return svc.is_running, svc.is_enabled


def _status_rc(container: Any, name: str) -> int:
    """The init script's own LSB answer."""
    return int(container.exec_run(["/etc/init.d/" + name, "status"]).exit_code)


def _state(container: Any, pid: int) -> str:
    """The kernel's ``State:`` letter for ``pid`` ("" when the process is gone)."""
    out = exec_ok(container, f"sed -n 's/^State:[[:space:]]*//p' /proc/{pid}/status "
                             "2>/dev/null || true")
    return out.strip()[:1]


def _wait_state(container: Any, pid: int, want: str) -> None:
    deadline = time.monotonic() + 20
    while _state(container, pid) != want:
        assert time.monotonic() < deadline, f"pid {pid} never reached state {want!r}"
        time.sleep(0.2)


def _start_cron(container: Any) -> int:
    exec_ok(container, "service cron start")
    deadline = time.monotonic() + 20
    while not exec_ok(container, "cat /run/crond.pid 2>/dev/null || true").strip():
        assert time.monotonic() < deadline, "cron wrote no pid file"
        time.sleep(0.2)
    return int(exec_ok(container, "cat /run/crond.pid").strip())


def _fake(container: Any, name: str, pid_file: str | None = None) -> int:
    """Start a process named ``name`` that is no service (a copy of sleep); its pid."""
    record = f" && echo $! > {pid_file}" if pid_file else ""
    out = exec_ok(container, f"mkdir -p /opt/fake /run/parity && cp /bin/sleep /opt/fake/{name}"
                             f" && (/opt/fake/{name} 600 >/dev/null 2>&1 &"
                             f" echo $!{record})")
    return int(out.split()[-1])


def test_running_cron(host: Any) -> None:
    pid = _start_cron(host)
    assert _state(host, pid) in ("S", "R")
    assert _services(host)["cron"] == {"running": True, "enabled": True}
    assert _testinfra(host, "cron") == (True, True)
    assert _status_rc(host, "cron") == 0


def test_stopped_cron_left_as_a_zombie_is_stopped(host: Any) -> None:
    pid = _start_cron(host)
    exec_ok(host, "service cron stop")
    _wait_state(host, pid, "Z")  # PID 1 (sleep) does not reap: the zombie really is there

    assert _services(host)["cron"] == {"running": False, "enabled": True}
    assert _testinfra(host, "cron") == (False, True)
    assert _status_rc(host, "cron") == 3


def test_a_live_process_of_the_daemons_name_outweighs_status_3(host: Any) -> None:
    """Where parity departs from testinfra's SysV rule (docs/facts.md, Service rules): a live
    process carrying the daemon's name makes the service run although its script, looking for
    its own pid file, says 3. testinfra asks only the script."""
    pid = _start_cron(host)
    exec_ok(host, "service cron stop")
    _wait_state(host, pid, "Z")
    fake = _fake(host, "cron")  # started outside the init script: no /run/crond.pid
    assert _state(host, fake) in ("S", "R")
    assert exec_ok(host, f"cat /proc/{fake}/comm").strip() == "cron"
    assert _status_rc(host, "cron") == 3

    assert _services(host)["cron"] == {"running": True, "enabled": True}
    assert _testinfra(host, "cron") == (False, True)  # the script's answer, the process aside


def test_cron_killed_outright_is_stopped_although_its_status_script_says_running(
        host: Any) -> None:
    """``kill -9`` leaves /run/crond.pid and a zombie; the LSB status function tests the pid
    with ``kill -0``, which succeeds on a zombie, so the script (and testinfra, which asks it)
    say "running". The kernel says the process has exited: parity sides with the kernel."""
    pid = _start_cron(host)
    exec_ok(host, f"kill -9 {pid}")
    _wait_state(host, pid, "Z")
    assert exec_ok(host, "cat /run/crond.pid").strip() == str(pid)
    assert _status_rc(host, "cron") == 0
    assert _testinfra(host, "cron") == (True, True)  # fooled by the zombie, as the script is

    assert _services(host)["cron"] == {"running": False, "enabled": True}
    # a live cron again (started afresh, the old zombie still there): running
    exec_ok(host, "rm /run/crond.pid")
    new = _start_cron(host)
    assert new != pid and _state(host, pid) == "Z"
    assert _services(host)["cron"] == {"running": True, "enabled": True}
    assert _testinfra(host, "cron") == (True, True)


def test_parity_pid_file_of_a_zombie_or_dead_process_is_stopped(host: Any) -> None:
    """A service parity's entrypoint started (no init script): its pid file decides, and a
    zombie or a process merely named like it does not make it run."""
    exec_ok(host, "mkdir -p /etc/parity/services && touch /etc/parity/services/worker "
                  "/etc/parity/services/api /etc/parity/services/gone")
    worker = _fake(host, "worker", "/run/parity/worker.pid")
    exec_ok(host, f"kill {worker}")
    _wait_state(host, worker, "Z")
    _fake(host, "worker")  # a live namesake without the pid file
    api = _fake(host, "api", "/run/parity/api.pid")
    exec_ok(host, "echo 999999 > /run/parity/gone.pid")

    got = _services(host, "worker", "api", "gone")
    assert got["worker"] == {"running": False, "enabled": True}
    assert got["api"] == {"running": True, "enabled": True}
    assert got["gone"] == {"running": False, "enabled": True}
    assert _state(host, worker) == "Z" and _state(host, api) in ("S", "R")
    assert _state(host, 999999) == ""
    # testinfra knows these only through `service NAME status`: no init script, not running
    assert _testinfra(host, "worker")[0] is False


def test_verdicts_do_not_depend_on_the_request(host: Any) -> None:
    """``parity check`` (asks for the spec's services) and ``parity diff`` (may ask for none)
    must see the same host; a hanging status script is cut off, not waited for."""
    pid = _start_cron(host)
    exec_ok(host, "service cron stop")
    _wait_state(host, pid, "Z")
    fake = _fake(host, "cron")
    exec_ok(host, "printf '#!/bin/sh\\ncase \"$1\" in status) sleep 60;; esac\\n' "
                  "> /etc/init.d/slowsvc && chmod 755 /etc/init.d/slowsvc")
    names = ("cron", "procps", "hwclock.sh", "slowsvc", "telnetd")
    start = time.monotonic()
    without = _services(host)
    assert time.monotonic() - start < 30
    with_names = _services(host, *names)
    assert with_names == without
    # a live process named cron (the kernel's word) outweighs the script's 3
    assert _state(host, fake) in ("S", "R") and _status_rc(host, "cron") == 3
    assert without["cron"] == {"running": True, "enabled": True}
    assert without["slowsvc"] == {"running": False, "enabled": False}
    assert "telnetd" not in without
    assert (without["hwclock.sh"]["running"], without["hwclock.sh"]["enabled"]) == _testinfra(
        host, "hwclock.sh")


def test_a_status_probe_in_flight_is_not_the_daemon(host: Any) -> None:
    """The kernel names a process running an init script after the script: while another
    check (or an admin) asks ``/etc/init.d/appd status``, a live process called ``appd``
    exists. Two checks of one host at once must not take each other's probe for the daemon
    (the benchmark fleet's 40 names on 4 boxes once did)."""
    exec_ok(host, "printf '#!/bin/sh\\ncase \"$1\" in status) [ -e /tmp/hold ] && sleep 600;"
                  " exit 3;; esac\\n' > /etc/init.d/appd && chmod 755 /etc/init.d/appd")
    # the other check's probe: held in its status until this test ends
    out = exec_ok(host, "touch /tmp/hold && (/etc/init.d/appd status >/dev/null 2>&1 &"
                        " echo $!)")
    probe = int(out.split()[-1])
    exec_ok(host, "rm /tmp/hold")  # parity's own probe answers 3 at once
    # the oracles: a live process named appd, running the script; the script itself says 3
    assert _state(host, probe) in ("S", "R")
    assert exec_ok(host, f"cat /proc/{probe}/comm").strip() == "appd"
    assert exec_ok(host, f"tr '\\0' ' ' < /proc/{probe}/cmdline").split()[1:] == [
        "/etc/init.d/appd", "status"]
    assert _status_rc(host, "appd") == 3

    assert _services(host, "appd")["appd"] == {"running": False, "enabled": False}
    # the daemon itself, once it runs (a copy of sleep called appd): running
    _fake(host, "appd")
    assert _services(host, "appd")["appd"] == {"running": True, "enabled": False}


def test_a_script_that_runs_as_its_own_daemon_still_counts(host: Any) -> None:
    """Only a *status* probe is left out: a script whose ``start`` backgrounds a loop of its
    own is the daemon (``/bin/sh /etc/init.d/loopd start`` named ``loopd``), and its status
    3 does not outweigh it (docs/facts.md, Service rules)."""
    exec_ok(host, "printf '#!/bin/sh\ncase \"$1\" in start) (while :; do sleep 1; done)"
                  " >/dev/null 2>&1 & ;; status) exit 3;; esac\n' > /etc/init.d/loopd"
                  " && chmod 755 /etc/init.d/loopd && /etc/init.d/loopd start")
    pids = exec_ok(host, "for d in /proc/[0-9]*; do [ \"$(cat $d/comm 2>/dev/null)\" = loopd ]"
                         " && echo ${d#/proc/}; done; true").split()
    # the oracles: a live loopd running the script's start; the script itself says 3
    assert pids and all(_state(host, int(p)) in ("S", "R") for p in pids)
    assert exec_ok(host, f"tr '\\0' ' ' < /proc/{pids[0]}/cmdline").split()[1:] == [
        "/etc/init.d/loopd", "start"]
    assert _status_rc(host, "loopd") == 3

    assert _services(host, "loopd")["loopd"] == {"running": True, "enabled": False}
