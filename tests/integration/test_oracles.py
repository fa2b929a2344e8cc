"""Parity's facts of a real host vs independent oracles, then acceptance 1 of issue 7.

One image (``oracle_host/Dockerfile``) holds odd but real states: two architectures of a package,
epochs, a backport, a held package, a removed-not-purged package, a dotted user name, a primary
gid without a group entry, setuid/setgid/sticky/0000 modes, numeric owners, relative and dangling
symlinks, non-ASCII paths. Containers run it with ``--network none`` and ``sleep infinity`` as
PID 1, which never reaps: stopping cron leaves a zombie ``cron`` process, as on any container
whose init does not reap.

Part 1 asserts, for EVERY item of every fact kind, that parity's collected value equals what the
host's own tools say (``dpkg-query``, ``apt-mark``, ``getent``, ``id``, ``stat``, ``readlink``,
``sha256sum``, ``ss``, ``sysctl``, init scripts) and what testinfra's modules say.

Part 2 (acceptance) checks the hand-written ``specs/oracle-host.yaml`` clean with and without
``--strict`` (base system: the spec's ``debian:12`` image, as parity finds it by default), then
applies real drift to a second container of the same image and asserts the findings are EXACTLY
the injected changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import oracles
from tests.helpers.docker import ContainerFactory, exec_ok

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container
    from testinfra.host import Host

    from parity.facts import Facts

pytestmark = [pytest.mark.docker, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONTEXT = HERE / "oracle_host"
SPEC = HERE / "specs" / "oracle-host.yaml"

#: every path the oracle tests ask for: each odd case, a few ordinary ones, and absent ones
PATHS = (
    "/srv/oracle", "/srv/oracle/data.txt", "/srv/oracle/other.txt", "/srv/oracle/suid",
    "/srv/oracle/sgid", "/srv/oracle/shared", "/srv/oracle/team", "/srv/oracle/locked",
    "/srv/oracle/numeric", "/srv/oracle/sub", "/srv/oracle/sub/rel-link",
    "/srv/oracle/same-dir-link", "/srv/oracle/abs-link", "/srv/oracle/dangling",
    "/srv/données", "/srv/données/ü.txt", "/home/john.doe", "/home/john.doe/notes.txt",
    "/etc/passwd", "/etc/shadow", "/usr/bin/passwd", "/tmp", "/dev/null", "/bin",
    "/srv/oracle/no-such-file", "/srv/no-such-dir/x",
)
SYSCTLS = ("net.core.somaxconn", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
           "kernel.hostname", "kernel.pid_max", "vm.overcommit_memory", "net.no.such.key")
#: every init script on the image, plus a service that does not exist
SERVICES = ("atd", "cron", "hwclock.sh", "procps", "telnetd")
#: the declared tcp/udp listeners; socat writes nothing, the pid file lets a drift stop one
LISTENERS = {
    "8080": "TCP4-LISTEN:8080,bind=127.0.0.1,reuseaddr,fork SYSTEM:true",
    "9090": "TCP6-LISTEN:9090,ipv6only=0,reuseaddr,fork SYSTEM:true",
    "5353": "-u UDP4-RECV:5353 OPEN:/dev/null",
}


# ------------------------------------------------------------------------------- the host


def _start_listener(container: Container, name: str, args: str) -> None:
    exec_ok(container,
            f"socat {args} </dev/null >/dev/null 2>&1 & echo $! > /run/listen-{name}.pid")


def _wait(container: Container, check: str, what: str) -> None:
    for _ in range(50):
        if container.exec_run(["sh", "-c", check]).exit_code == 0:
            return
        time.sleep(0.1)
    pytest.fail(f"{container.name}: {what} never happened ({check})")


def bring_up(container: Container) -> None:
    """Runtime state: atd running, cron started then stopped (a zombie), three listeners."""
    exec_ok(container, "service cron start && service atd start")
    _wait(container, "/etc/init.d/cron status", "cron start")
    exec_ok(container, "service cron stop")
    _wait(container, "ps -eo stat=,comm= | grep -q '^Z.* cron$'", "a zombie cron")
    for name, args in LISTENERS.items():
        _start_listener(container, name, args)
    _wait(container, "ss -H -ltnu | grep -q ':8080 ' && ss -H -ltnu | grep -q ':9090 ' && "
                     "ss -H -ltnu | grep -q ':5353 '", "listening on 8080, 9090 and 5353/udp")


@pytest.fixture(scope="module")
def oracle_image(image_builder: Any) -> str:
    return str(image_builder(CONTEXT, area="oracles"))


@pytest.fixture(scope="module")
def hosts(docker_client: docker.DockerClient) -> Iterator[ContainerFactory]:
    factory = ContainerFactory(docker_client, "oracles")
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def host_a(hosts: ContainerFactory, oracle_image: str) -> Container:
    """The clean host: what the spec describes."""
    container = hosts.start(oracle_image, sysctls={"net.core.somaxconn": "1024"})
    bring_up(container)
    return container


@pytest.fixture(scope="module")
def ti(host_a: Container) -> Host:
    import testinfra

    return testinfra.get_host(f"docker://{host_a.name}")


@pytest.fixture(scope="module")
def facts(host_a: Container) -> Facts:
    from parity.facts import CollectRequest, collect

    request = CollectRequest(paths=PATHS, sysctl=SYSCTLS, services=SERVICES)
    return collect(f"docker://{host_a.name}", request, timeout=120)


# ----------------------------------------------------------------- part 1: facts vs oracles


def test_os_equals_os_release_uname_and_testinfra(facts: Facts, ti: Host) -> None:
    release = dict(line.split("=", 1) for line in
                   oracles.run_ok(ti, "cat /etc/os-release").replace('"', "").splitlines())
    info = ti.system_info
    assert facts.os == {
        "distro": release["ID"], "release": release["VERSION_ID"],
        "version": release["VERSION_ID"], "codename": release["VERSION_CODENAME"],
        "arch": oracles.run_ok(ti, "uname -m").strip(),
        "kernel": oracles.run_ok(ti, "uname -r").strip(), "family": "apt",
    }
    assert (info.distribution, info.release, info.codename, info.arch) == (
        facts.os["distro"], facts.os["release"], facts.os["codename"], facts.os["arch"])
    assert facts.unavailable == {}


def test_packages_equal_dpkg_query_for_every_package(facts: Facts, ti: Host) -> None:
    """Name (dpkg's ``zlib1g:i386`` for the foreign copy), version with epoch, architecture,
    and installed-state filtering (``config-files`` is not installed; ``hold`` is)."""
    want = oracles.packages(ti)
    got = {n: {"version": p["version"], "arch": p["arch"]} for n, p in facts.packages.items()}
    assert got == want
    # the odd states really are on the host, so the equality above covered them
    states = oracles.dpkg_states(ti)
    assert states["logrotate:amd64"] == "config-files" and "logrotate" not in facts.packages
    assert "at" in oracles.held(ti) and "at" in facts.packages
    assert {"zlib1g", "zlib1g:i386"} <= set(facts.packages)
    assert facts.packages["zlib1g:i386"]["arch"] == "i386"
    assert facts.packages["passwd"]["version"].startswith("1:4.13")
    assert "~bpo12" in facts.packages["socat"]["version"]


def test_auto_marks_equal_apt_mark_showauto(facts: Facts, ti: Host) -> None:
    auto = oracles.auto_installed(ti)
    assert {n for n, p in facts.packages.items() if p.get("auto")} == auto
    assert not facts.packages["zlib1g:i386"]["auto"] and facts.packages["libc6:i386"]["auto"]


def test_packages_equal_testinfra_package(facts: Facts, ti: Host) -> None:
    mismatches = {}
    for name, pkg in facts.packages.items():
        # testinfra asks dpkg-query for one name; a bare multi-arch name would match both copies
        query = name if ":" in name or f"{name}:i386" not in facts.packages else f"{name}:amd64"
        tp = ti.package(query)
        if not tp.is_installed or tp.version != pkg["version"]:
            mismatches[name] = (tp.is_installed, tp.version if tp.is_installed else None)
    assert mismatches == {}
    assert not ti.package("logrotate").is_installed


def test_users_equal_getent_and_id_for_every_user(facts: Facts, ti: Host) -> None:
    got = {n: {k: u[k] for k in ("uid", "gid", "home", "shell")} for n, u in facts.users.items()}
    assert got == oracles.passwd(ti)
    # primary group first (by name, or by number when it has no entry), then the others
    got_groups = {n: (u["groups"][:1], sorted(u["groups"][1:])) for n, u in facts.users.items()}
    want_groups = {}
    for name in facts.users:
        ids = oracles.id_groups(ti, name)
        want_groups[name] = (ids[:1], sorted(ids[1:]))
    assert got_groups == want_groups
    assert oracles.id_groups(ti, "orphan") == ["5555"]


def test_users_equal_testinfra_user(facts: Facts, ti: Host) -> None:
    for name, user in facts.users.items():
        tu = ti.user(name)
        assert (tu.uid, tu.gid, tu.home, tu.shell) == (
            user["uid"], user["gid"], user["home"], user["shell"]), name
        if name != "orphan":  # testinfra's `id -Gn` fails on a gid without a group entry
            assert sorted(tu.groups) == sorted(user["groups"]), name
    assert facts.users["john.doe"]["groups"] == ["john.doe", "devs", "users"]


def test_groups_equal_getent_group_and_testinfra(facts: Facts, ti: Host) -> None:
    assert facts.groups == oracles.group_db(ti)
    for name, group in facts.groups.items():
        assert ti.group(name).gid == group["gid"], name
    assert "5555" not in facts.groups and facts.groups["devs"]["members"] == ["john.doe"]


def test_files_equal_stat_readlink_sha256sum_for_every_path(facts: Facts, ti: Host) -> None:
    assert set(facts.files) == set(PATHS)
    assert {p: facts.files[p] for p in PATHS} == {p: oracles.stat_path(ti, p) for p in PATHS}


def test_files_equal_testinfra_file(facts: Facts, ti: Host) -> None:
    for path, f in facts.files.items():
        tf = ti.file(path)
        assert (tf.exists or tf.is_symlink) == (f["type"] != "absent"), path
        assert tf.is_symlink == (f["type"] == "link"), path
        if f["type"] == "link":
            if path != "/srv/oracle/dangling":  # realpath cannot resolve a missing directory
                resolved = os.path.normpath(PurePosixPath(path).parent / f["target"])
                assert tf.linked_to == resolved, path
            continue
        if f["type"] == "absent":
            continue
        assert (tf.is_file, tf.is_directory) == (f["type"] == "file", f["type"] == "directory")
        assert f"{tf.mode:04o}" == f["mode"], path
        assert str(tf.uid) == f["owner"] or tf.user == f["owner"], path
        assert str(tf.gid) == f["group"] or tf.group == f["group"], path
        if f["type"] == "file" and path != "/dev/null":
            assert tf.sha256sum == f["sha256"], path
    odd = {p: (facts.files[p]["mode"], facts.files[p]["owner"], facts.files[p]["group"])
           for p in ("/srv/oracle/suid", "/srv/oracle/sgid", "/srv/oracle/shared",
                     "/srv/oracle/locked", "/srv/oracle/numeric")}
    assert odd == {"/srv/oracle/suid": ("4755", "root", "root"),
                   "/srv/oracle/sgid": ("2711", "root", "root"),
                   "/srv/oracle/shared": ("1777", "root", "root"),
                   "/srv/oracle/locked": ("0000", "root", "root"),
                   "/srv/oracle/numeric": ("0640", "4242", "4343")}
    assert facts.files["/srv/oracle/sub/rel-link"]["target"] == "../data.txt"
    assert facts.files["/srv/oracle/dangling"]["target"] == "missing/nowhere"


def test_ports_equal_ss_and_testinfra_socket(facts: Facts, ti: Host) -> None:
    assert facts.ports == oracles.listening(ti)
    assert set(facts.ports) == oracles.testinfra_listening(ti)
    assert set(facts.ports) == {"tcp/8080", "tcp/9090", "udp/5353"}


def test_sysctl_equals_sysctl_n_and_testinfra(facts: Facts, ti: Host) -> None:
    assert facts.sysctl == oracles.sysctl(ti, SYSCTLS)
    for key, value in facts.sysctl.items():
        assert " ".join(str(ti.sysctl(key)).split()) == value, key
    assert "net.no.such.key" not in facts.sysctl
    assert facts.sysctl["net.ipv4.ip_local_port_range"] == "32768 60999"


def test_services_equal_init_scripts_and_testinfra_service(facts: Facts, ti: Host) -> None:
    """``running`` is what the init script's status says (LSB exit 0); ``enabled`` is a start
    link in a runlevel directory, as testinfra's Service reads it. A zombie is not running."""
    assert "cron" in oracles.zombies(ti)  # the odd state this test is about
    names = set(facts.services) | set(SERVICES)
    got = {n: facts.services.get(n) for n in sorted(names)}
    want: dict[str, Any] = {}
    for name in sorted(names):
        status = oracles.init_status(ti, name)
        ts = ti.service(name)
        if status is None and not ts.is_enabled:
            want[name] = None  # nothing on the host knows this service: not listed
            continue
        assert ts.is_running == (status == 0), name
        want[name] = {"running": status == 0, "enabled": ts.is_enabled}
    assert got == want
    assert got["cron"] == {"running": False, "enabled": True}
    assert got["atd"] == {"running": True, "enabled": True}
    assert got["telnetd"] is None


# ------------------------------------------------------------------ part 2: acceptance 1


def parity(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, importing this checkout."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env=env, check=False)


def check(host: Container, *extra: str) -> tuple[int, set[tuple[str, str, str | None, str]]]:
    res = parity("check", str(SPEC), "--host", f"docker://{host.name}", "--format", "json",
                 *extra)
    assert res.stdout, res.stderr
    doc = json.loads(res.stdout)
    found = {(f["kind"], f["name"], f["field"], f["change"])
             for h in doc["hosts"] for f in h["findings"]}
    return res.returncode, found


def test_spec_is_valid() -> None:
    res = parity("validate", str(SPEC))
    assert res.returncode == 0, res.stderr


def test_clean_host_checks_clean(host_a: Container) -> None:
    assert check(host_a) == (0, set())


def test_clean_host_checks_clean_under_strict(host_a: Container) -> None:
    """Base system: the spec's debian:12 image, probed by parity itself (the default)."""
    assert check(host_a, "--strict") == (0, set())


#: (command, expected findings): one real drift each, with its unavoidable consequences
DRIFTS: list[tuple[str, set[tuple[str, str, str | None, str]]]] = [
    ("dpkg -i /opt/parity-debs/socat_*.deb",  # the bookworm build, below the backport
     {("package", "socat", "version", "changed")}),
    ("dpkg -r zlib1g:i386", {("package", "zlib1g:i386", None, "missing")}),
    ("chmod 0755 /srv/oracle/suid", {("file", "/srv/oracle/suid", "mode", "changed")}),
    ("echo edited >> '/srv/données/ü.txt'",
     {("file", "/srv/données/ü.txt", "sha256", "changed")}),
    ("ln -sfn ../other.txt /srv/oracle/sub/rel-link",
     {("file", "/srv/oracle/sub/rel-link", "target", "changed")}),
    ("chown 4243 /srv/oracle/numeric", {("file", "/srv/oracle/numeric", "owner", "changed")}),
    ("rm /srv/oracle/locked", {("file", "/srv/oracle/locked", None, "missing")}),
    ("gpasswd -d john.doe devs", {("user", "john.doe", "groups", "changed")}),
    ("usermod -s /bin/sh john.doe", {("user", "john.doe", "shell", "changed")}),
    ("service atd stop", {("service", "atd", "running", "changed")}),
    ("kill $(cat /run/listen-9090.pid)", {("port", "tcp/9090", None, "missing")}),
    # run without --sysctl net.core.somaxconn=1024: the namespace default (4096)
    ("true", {("sysctl", "net.core.somaxconn", None, "changed")}),
]
#: additions only --strict reports
STRICT_DRIFTS: list[tuple[str, set[tuple[str, str, str | None, str]]]] = [
    ("mkdir -p /tmp/x/DEBIAN && printf 'Package: parity-extra\\nVersion: 1.0\\n"
     "Architecture: all\\nMaintainer: t <t@example.invalid>\\nDescription: drift\\n' "
     "> /tmp/x/DEBIAN/control && dpkg-deb -b --root-owner-group /tmp/x /tmp/x.deb >/dev/null "
     "&& dpkg -i /tmp/x.deb && rm -r /tmp/x /tmp/x.deb",
     {("package", "parity-extra", None, "unexpected")}),
    # useradd also makes the user's own group: someone added that too
    ("useradd -u 2500 intruder",
     {("user", "intruder", None, "unexpected"), ("group", "intruder", None, "unexpected")}),
    ("socat TCP4-LISTEN:7777,bind=127.0.0.1,reuseaddr,fork SYSTEM:true "
     "</dev/null >/dev/null 2>&1 &", {("port", "tcp/7777", None, "unexpected")}),
]


@pytest.fixture(scope="module")
def host_b(hosts: ContainerFactory, oracle_image: str) -> Container:
    """A copy of the clean host (same image, same start-up), then every drift above."""
    container = hosts.start(oracle_image)
    bring_up(container)
    for command, _ in (*DRIFTS, *STRICT_DRIFTS):
        exec_ok(container, command)
    _wait(container, "ss -H -ltn | grep -q ':7777 ' && ! ss -H -ltn | grep -q ':9090 ' && "
                     "ps -eo stat=,comm= | grep -q '^Z.* atd$'", "the drifted runtime state")
    return container


def test_the_drift_is_real_by_the_hosts_own_tools(host_a: Container, host_b: Container) -> None:
    """dpkg orders the versions (a downgrade below the spec's ``>=1.8``), getent/id see the
    account changes: the expected findings are facts about the host, not about parity."""
    import testinfra

    a, b = (testinfra.get_host(f"docker://{c.name}") for c in (host_a, host_b))
    old, new = a.package("socat").version, b.package("socat").version
    assert b.run(f"dpkg --compare-versions {new} lt {old}").rc == 0
    assert b.run(f"dpkg --compare-versions {new} lt 1.8").rc == 0
    assert not b.package("zlib1g:i386").is_installed
    assert b.user("john.doe").shell == "/bin/sh"
    assert "devs" not in oracles.id_groups(b, "john.doe")
    assert b.file("/srv/oracle/sub/rel-link").linked_to == "/srv/oracle/other.txt"
    assert b.file("/srv/oracle/numeric").uid == 4243
    assert oracles.init_status(b, "atd") != 0 and "atd" in oracles.zombies(b)
    assert set(oracles.listening(b)) == {"tcp/8080", "tcp/7777", "udp/5353"}
    assert b.sysctl("net.core.somaxconn") != a.sysctl("net.core.somaxconn") == 1024


def test_drifted_copy_reports_exactly_the_drift(host_b: Container) -> None:
    want = set().union(*(found for _, found in DRIFTS))
    assert check(host_b) == (1, want)


def test_drifted_copy_under_strict_also_reports_exactly_the_additions(host_b: Container) -> None:
    want = set().union(*(found for _, found in (*DRIFTS, *STRICT_DRIFTS)))
    assert check(host_b, "--strict") == (1, want)
