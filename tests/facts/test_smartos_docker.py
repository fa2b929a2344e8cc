"""The collection script's SmartOS branch end to end: services, ports, files and users collected
with parity's real docker transport from the Linux container that plays a SmartOS zone
(tests/fixtures/smartos: stand-ins print recorded outputs of svcs and netstat, digest computes
digest(1)'s format, root/ holds illumos' own /etc/passwd and /etc/group).

No SmartOS machine exists here. What this proves is the shell part (the ``$SYS = SunOS``
branches under a POSIX sh, the argument lists, the batching) and that the facts equal what the
recorded outputs say; the tools' own behaviour is taken from their recordings.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import pytest

from parity.facts import CollectRequest, collect, transport
from tests.facts.test_smartos_services import RECORDED_FACTS
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).parents[1] / "fixtures" / "smartos"
#: the one uname answer the branch needs ($SYS); the os helper's uname stand-in replaces this
#: when it lands in standins/ (then `uname -s` already says SunOS and nothing is added)
_UNAME = "#!/bin/sh\n[ \"$*\" = -s ] && { echo SunOS; exit 0; }\nexec /bin/uname \"$@\"\n"
PATHS = ("/etc/passwd", "/etc/group", "/etc/shadow", "/opt/parity-recorded", "/no/such/file")


@pytest.fixture
def zone(image_builder: Any, container_factory: Any) -> Any:
    tag = image_builder(FIXTURE, area="smartos")
    c = container_factory.start(tag)
    if exec_ok(c, ["/bin/sh", "-c", "uname -s"]).strip() != "SunOS":
        exec_ok(c, ["/bin/sh", "-c", f"printf '%s' '{_UNAME}' > /usr/local/sbin/uname && "
                                     "chmod 755 /usr/local/sbin/uname"])
    return c


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_smartos_zone_facts_equal_the_recordings(zone: Any) -> None:
    request = CollectRequest(kinds=("services", "ports", "files", "users"), paths=PATHS,
                             secret_paths=frozenset({"/etc/shadow"}))
    before = transport.commands_started()
    facts = collect(f"docker://{zone.name}", request, timeout=60)
    assert transport.commands_started() - before == 1
    assert facts.unavailable == {}

    # svcs -aH -o state,fmri (recorded/svcs-H-o-state,fmri-puppet.txt)
    assert facts.services == RECORDED_FACTS
    # ONE svcprop, asked for exactly the svc: instances svcs listed (none of the lrc: one);
    # it has no recording to answer with, so every enabled stays unknown
    asked = exec_ok(zone, ["cat", "/tmp/parity-standin-svcprop.args"]).splitlines()
    assert asked == ["-c", "-f", "-p", "general/enabled", "svc:/system/svc/restarter:default",
                     "svc:/network/cswrsyncd:default", "svc:/network/dns/client:default"]
    assert any("cswrsyncd" in w and "maintenance" in w for w in facts.warnings)

    # netstat -f inet -an (recorded/netstat-f-inet-an-smartos-imgapi.txt); inet6 unrecorded
    assert facts.ports == {
        "tcp/443": {"protocol": "tcp", "port": 443, "addresses": ["0.0.0.0"]},
        "tcp/8080": {"protocol": "tcp", "port": 8080, "addresses": ["0.0.0.0"]},
        "tcp/8081": {"protocol": "tcp", "port": 8081, "addresses": ["127.0.0.1"]},
        "tcp/8443": {"protocol": "tcp", "port": 8443, "addresses": ["0.0.0.0"]},
    }

    # illumos' /etc/passwd and /etc/group, as the zone has them
    assert len(facts.users) == 17
    assert facts.users["root"] == {
        "uid": 0, "gid": 0, "home": "/", "shell": "/sbin/sh",
        "groups": ["root", "adm", "bin", "daemon", "lp", "mail", "nuucp", "other", "sys",
                   "tty", "uucp"]}
    # illumos leaves system accounts' shells empty: kept as such, not skipped
    assert facts.users["daemon"] == {"uid": 1, "gid": 1, "home": "/", "shell": "",
                                     "groups": ["other", "adm", "bin"]}
    assert facts.users["nobody4"]["groups"] == ["nogroup"]

    # files: GNU stat, digest (the stand-in's sha256 of the zone's own bytes), secrets unhashed
    root = FIXTURE / "root" / "etc"
    assert facts.files["/etc/passwd"]["sha256"] == _sha256(root / "passwd")
    assert facts.files["/etc/group"]["sha256"] == _sha256(root / "group")
    assert facts.files["/etc/passwd"]["owner"] == "root"
    assert facts.files["/etc/shadow"]["type"] == "file"
    assert facts.files["/etc/shadow"]["sha256"] is None
    assert facts.files["/opt/parity-recorded"]["type"] == "directory"
    assert facts.files["/no/such/file"]["type"] == "absent"


def test_collection_asks_each_tool_once(zone: Any) -> None:
    """However many services and files: one svcs, one svcprop, two netstat, one digest."""
    for tool in ("svcs", "svcprop", "netstat", "digest"):
        real = f"/usr/local/bin/{tool}"
        exec_ok(zone, ["/bin/sh", "-c", f"mv {real} {real}.real && printf '%s\\n' "
                                        f"'#!/bin/sh' 'echo {tool} >> /tmp/calls' "
                                        f"'exec {real}.real \"$@\"' > {real} && chmod 755 {real}"])
    paths = tuple(f"/etc/f{i}" for i in range(40))
    exec_ok(zone, ["/bin/sh", "-c", "for i in $(seq 0 39); do echo $i > /etc/f$i; done"])
    start = time.monotonic()
    facts = collect(f"docker://{zone.name}", CollectRequest(
        kinds=("services", "ports", "files"), paths=paths), timeout=60)
    assert time.monotonic() - start < 30
    assert all(facts.files[p]["sha256"] for p in paths)
    calls = exec_ok(zone, ["cat", "/tmp/calls"]).split()
    assert sorted(calls) == ["digest", "netstat", "netstat", "svcprop", "svcs"]
