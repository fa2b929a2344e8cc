"""End to end against real containers: one command per host, read-only, concurrent, robust."""

from __future__ import annotations

import subprocess
import threading
import time
from typing import Any

import pytest

from parity.errors import HostError
from parity.facts import CollectRequest, HostTarget, collect, collect_many, transport
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker

REQUEST = CollectRequest(
    paths=("/etc/passwd", "/etc/hostname", "/etc/alternatives/awk", "/tmp", "/srv/my file",
           "/etc/shadow"),
    sysctl=("net.ipv4.ip_forward", "kernel.hostname", "no.such.key"),
    services=("nginx", "cron"),
)


def _execs(name: str, since: float) -> list[str]:
    """``exec_start`` events docker recorded for container ``name`` since ``since``."""
    out = subprocess.run(
        ["docker", "events", "--since", f"{since:.3f}", "--until", f"{time.time():.3f}",
         "--filter", f"container={name}", "--filter", "event=exec_start",
         "--format", "{{json .Action}}"],
        capture_output=True, text=True, check=True, timeout=30).stdout
    return [line for line in out.splitlines() if line.strip()]


def _fs_state(container: Any) -> str:
    """Every path on the container's root filesystem with size, mode, mtime, plus /etc hashes."""
    return exec_ok(container, "find / -xdev -printf '%p %s %m %T@ %U:%G\\n' | sort; "
                              "find /etc /root /var /tmp -xdev -type f -exec sha256sum {} + | sort")


def test_debian_container_one_command_and_facts(debian_host: Any) -> None:
    exec_ok(debian_host, "mkdir -p /srv && echo hi > '/srv/my file' && chmod 640 '/srv/my file'"
                         " && mkdir -p /etc/parity/services /run/parity"
                         " && touch /etc/parity/services/cron")
    url = f"docker://{debian_host.name}"
    since = time.time()
    before = transport.commands_started()
    facts = collect(url, REQUEST, timeout=30)
    assert transport.commands_started() - before == 1
    time.sleep(1.1)
    # the host agrees: docker started exactly one exec in the container
    assert len(_execs(debian_host.name, since)) == 1

    assert facts.host == url
    assert facts.os["distro"] == "debian" and facts.os["release"] == "12"
    assert facts.os["family"] == "apt" and facts.os["codename"] == "bookworm"
    assert facts.packages["base-files"]["version"].startswith("12")
    assert len(facts.packages) > 50
    assert facts.users["root"]["uid"] == 0 and facts.users["root"]["groups"] == ["root"]
    assert facts.groups["root"]["gid"] == 0
    assert facts.files["/srv/my file"]["mode"] == "0640"
    assert facts.files["/srv/my file"]["sha256"] == (
        "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4")
    assert facts.files["/etc/alternatives/awk"]["type"] == "link"
    assert facts.files["/tmp"] == {"type": "directory", "mode": "1777", "owner": "root",
                                   "group": "root", "sha256": None, "target": None}
    assert facts.files["/etc/shadow"]["group"] == "shadow"
    assert facts.sysctl["kernel.hostname"] == debian_host.attrs["Config"]["Hostname"]
    assert "no.such.key" not in facts.sysctl
    assert facts.services["cron"] == {"running": False, "enabled": True}
    assert "nginx" not in facts.services
    assert facts.ports == {}  # network none: nothing listens
    assert facts.unavailable == {}


def test_collection_leaves_the_filesystem_unchanged(debian_host: Any) -> None:
    exec_ok(debian_host, "echo x > /srv/data; ln -s /etc/passwd /srv/link")
    request = CollectRequest(paths=("/srv/data", "/srv/link", "/etc"),
                             sysctl=("net.ipv4.ip_forward",), services=("hwclock.sh", "cron"))
    before_fs, before_diff = _fs_state(debian_host), _diff(debian_host)
    collect(f"docker://{debian_host.name}", request, timeout=30)
    after_fs, after_diff = _fs_state(debian_host), _diff(debian_host)
    assert after_fs == before_fs
    assert after_diff == before_diff


def test_twenty_hosts_concurrently_one_killed_mid_run(container_factory: Any,
                                                      base_image: str) -> None:
    hosts = [container_factory.start(base_image) for _ in range(20)]
    victim = hosts[7]
    # the victim has a service whose status probe takes long enough to kill it mid-run, and no
    # `timeout` command (as old BusyBox hosts), so nothing on the host cuts the probe short
    exec_ok(victim, "printf '#!/bin/sh\\ncase \"$1\" in status) sleep 120;; esac\\n' "
                    "> /etc/init.d/slowsvc && chmod 755 /etc/init.d/slowsvc && "
                    "rm /usr/bin/timeout")
    request = CollectRequest(services=("slowsvc",))
    results: list[Any] = []
    runner = threading.Thread(target=lambda: results.extend(
        collect_many([f"docker://{h.name}" for h in hosts], request, jobs=20, timeout=90,
                     progress=False)))
    start = time.monotonic()
    runner.start()
    deadline = time.monotonic() + 60
    while "sleep 120" not in exec_ok(victim, "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '"
                                     " || true"):
        assert time.monotonic() < deadline, "the victim's collection never started"
        time.sleep(0.2)
    victim.kill()
    runner.join(60)
    assert not runner.is_alive()
    assert time.monotonic() - start < 60
    assert len(results) == 20
    errors = [r for r in results if not r.ok]
    assert [r.name for r in errors] == [f"docker://{victim.name}"]
    assert victim.name in errors[0].error
    ok = [r for r in results if r.ok]
    assert len(ok) == 19
    assert all(r.facts.os["distro"] == "debian" for r in ok)
    assert [r.name for r in results] == [f"docker://{h.name}" for h in hosts]  # input order


def _diff(container: Any) -> list[tuple[str, int]]:
    """``docker diff`` as a sorted list (the daemon does not keep an order)."""
    return sorted((d["Path"], d["Kind"]) for d in container.diff() or [])


def _local_clients(name: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if name in line and "docker exec" in line]


def test_hung_host_times_out_and_leaves_no_client(hung_host: Any) -> None:
    start = time.monotonic()
    with pytest.raises(HostError, match=rf"docker://{hung_host.name}: timed out after 3s"):
        collect(f"docker://{hung_host.name}", timeout=3)
    assert time.monotonic() - start < 15
    assert _local_clients(hung_host.name) == []


def test_garbage_output_is_an_error_naming_the_host(garbage_host: Any) -> None:
    results = collect_many([f"docker://{garbage_host.name}"], timeout=20, progress=False)
    assert not results[0].ok
    assert results[0].error.startswith(f"docker://{garbage_host.name}: ")
    assert "markers" in results[0].error or "unusable output" in results[0].error


def test_missing_container_is_an_error() -> None:
    results = collect_many(["docker://parity-test-facts-does-not-exist"], timeout=20,
                           progress=False)
    assert not results[0].ok
    assert "parity-test-facts-does-not-exist" in results[0].error
    assert "No such container" in results[0].error


def test_hung_host_does_not_hold_up_the_others(hung_host: Any, debian_host: Any) -> None:
    start = time.monotonic()
    results = collect_many([HostTarget("hung", f"docker://{hung_host.name}"),
                            HostTarget("fine", f"docker://{debian_host.name}")],
                           timeout=4, progress=False)
    assert time.monotonic() - start < 20
    assert [r.ok for r in results] == [False, True]
    assert results[0].error.startswith("hung: timed out")


def test_busybox_host(container_factory: Any, busybox_image: str) -> None:
    c = container_factory.start(busybox_image, ["sleep", "600"])
    exec_ok(c, "mkdir -p '/srv/a b' && echo hi > '/srv/a b/c' && chmod 600 '/srv/a b/c' "
               "&& chown 1234:1 '/srv/a b/c' && ln -s c '/srv/a b/l' "
               "&& mkdir -p /etc/parity/services && touch /etc/parity/services/httpd")
    before = _diff(c)
    facts = collect(f"docker://{c.name}", CollectRequest(
        paths=("/srv/a b/c", "/srv/a b/l", "/etc/motd", "/bin/sh", "/nope"),
        sysctl=("kernel.ostype",), services=("httpd", "sleep")), timeout=30)
    assert _diff(c) == before
    assert facts.unavailable == {"packages": "no package manager database found "
                                             "(dpkg-query, rpm, /lib/apk/db/installed)"}
    assert facts.os["distro"] is None and facts.os["arch"]
    assert facts.users["daemon"]["groups"] == ["daemon"]
    assert facts.groups["daemon"]["members"] == ["root"]
    assert facts.files["/srv/a b/c"] == {
        "type": "file", "mode": "0600", "owner": "1234", "group": "daemon",
        "sha256": "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
        "target": None}
    assert facts.files["/srv/a b/l"]["target"] == "c"
    assert facts.files["/etc/motd"]["mode"] == "0600"
    assert facts.files["/nope"]["type"] == "absent"
    assert facts.sysctl == {"kernel.ostype": "Linux"}
    # httpd is enabled (parity service file) but not running; sleep runs (process match)
    assert facts.services["httpd"] == {"running": False, "enabled": True}
    assert facts.services["sleep"] == {"running": True, "enabled": False}


def test_kill_all_stops_running_collections(hung_host: Any) -> None:
    """What Ctrl-C does: every in-flight transport process is killed, the pool returns."""
    results: list[Any] = []
    t = threading.Thread(target=lambda: results.extend(
        collect_many([f"docker://{hung_host.name}"], timeout=120, progress=False)))
    start = time.monotonic()
    t.start()
    while not _local_clients(hung_host.name):
        assert time.monotonic() - start < 30
        time.sleep(0.1)
    transport.kill_all()
    t.join(30)
    assert not t.is_alive() and time.monotonic() - start < 30
    assert not results[0].ok and hung_host.name in results[0].error
    assert _local_clients(hung_host.name) == []
