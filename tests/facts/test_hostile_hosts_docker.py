"""Hostile hosts, end to end on real containers: odd items are warnings, never the host's end.

Each container is a debian:12 (network none) that someone made awkward: a process whose name
holds ``\\r`` (any unprivileged user can start one), malformed ``/etc/passwd`` lines, a GECOS with
``\\x0c``, a file and a link target holding a newline, an init script named with U+2028; a host
that prints 200 MB; a container without ``/bin/sh``. The answers are checked against the host's
own tools (``getent``, ``find -printf``), read split at ``\\n`` / NUL only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from parity.errors import HostError
from parity.facts import CollectRequest, collect, collect_many, transport
from tests.helpers.docker import TEST_LABEL, exec_ok, unique_name

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
LS = "\u2028"
LINK = "/srv/li\nnk"
ODD_FILE = "/srv/fi\nle\r"
SETUP = textwrap.dedent(f"""\
    set -e
    cp /bin/sleep "/tmp/sl$(printf '\\r')p"
    printf 'this line is not an account\\nshort:x:1\\nbadid:x:one:1::/:/bin/sh\\n' >> /etc/passwd
    printf 'gecos:x:1500:100:Form$(printf '\\f')feed:/home/g:/bin/sh\\n' >> /etc/passwd
    printf 'half:x:' >> /etc/group
    mkdir -p /srv
    ln -s "$(printf '../tar\\nget')" "$(printf '/srv/li\\nnk')"
    printf hi > "$(printf '/srv/fi\\nle\\r')"
    printf '#!/bin/sh\\ncase "$1" in status) exit 0;; esac\\n' > '/etc/init.d/svc{LS}x'
    chmod 755 '/etc/init.d/svc{LS}x'
""")


def _getent_passwd(c: Any) -> dict[str, dict[str, Any]]:
    """``getent passwd`` split at ``\\n`` only, the lines glibc accepts."""
    out: dict[str, dict[str, Any]] = {}
    for line in exec_ok(c, ["getent", "passwd"]).split("\n"):
        if line:
            name, _pw, uid, gid, _gecos, home, shell = line.split(":")
            out[name] = {"uid": int(uid), "gid": int(gid), "home": home, "shell": shell}
    return out


def _nul(c: Any, command: str) -> list[str]:
    return [x for x in exec_ok(c, ["sh", "-c", command]).split("\0") if x]


def test_odd_items_are_warnings_and_the_rest_is_complete(container_factory: Any,
                                                         base_image: str) -> None:
    c = container_factory.start(base_image)
    exec_ok(c, ["sh", "-c", SETUP])
    c.client.api.exec_start(c.client.api.exec_create(c.id, ["/tmp/sl\rp", "600"])["Id"],
                            detach=True)
    request = CollectRequest(paths=(LINK, ODD_FILE, "/etc/hostname"),
                             services=("sl\rp", f"svc{LS}x"))
    results = collect_many([f"docker://{c.name}"], request, timeout=60, progress=False)
    assert results[0].ok, results[0].error
    facts = results[0].facts

    # users: every account glibc reads, exactly; the odd lines are named in warnings
    users = {n: {k: v for k, v in u.items() if k != "groups"} for n, u in facts.users.items()}
    assert users == _getent_passwd(c)
    assert "gecos" in facts.users
    assert facts.warnings == [
        "users: skipped /etc/passwd line 'this line is not an account': not 7 fields",
        "users: skipped /etc/passwd line 'short:x:1': not 7 fields",
        "users: skipped /etc/passwd line 'badid:x:one:1::/:/bin/sh': non-numeric uid/gid",
        "groups: skipped /etc/group line 'half:x:': not 4 fields",
    ]
    getent_groups = {ln.split(":")[0] for ln in exec_ok(c, ["getent", "group"]).split("\n") if ln}
    assert set(facts.groups) == getent_groups

    # files: the link target as find(1) prints it, newlines and all; the odd name is one path
    [target] = _nul(c, "find /srv -maxdepth 1 -type l -printf '%l\\0'")
    assert target == "../tar\nget"
    assert facts.files[LINK]["type"] == "link" and facts.files[LINK]["target"] == target
    assert facts.files[ODD_FILE]["type"] == "file"
    assert facts.files[ODD_FILE]["sha256"] == (
        "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4")  # sha256("hi")

    # services: the process named with \r runs; the U+2028 init script answers status 0
    assert facts.services["sl\rp"] == {"running": True, "enabled": False}
    assert facts.services[f"svc{LS}x"] == {"running": True, "enabled": False}
    initd = {p.rsplit("/", 1)[1] for p in _nul(c, "find /etc/init.d -type f -printf '%p\\0'")}
    assert f"svc{LS}x" in initd and set(facts.services) - {"sl\rp"} <= initd


def test_check_exit_code_and_warnings_shown(container_factory: Any, base_image: str,
                                            tmp_path: Any) -> None:
    """``parity check`` on such a host exits 0/1 (not 3), and shows the warnings escaped."""
    c = container_factory.start(base_image)
    exec_ok(c, ["sh", "-c", SETUP])
    c.client.api.exec_start(c.client.api.exec_create(c.id, ["/tmp/sl\rp", "600"])["Id"],
                            detach=True)
    spec = tmp_path / "parity.yaml"
    spec.write_text("parity: 1\nname: odd\nbase: debian:12\npackages: {base-files: '*'}\n"
                    "users:\n  gecos: {uid: 1500}\n")
    proc = subprocess.run([sys.executable, "-m", "parity", "check", str(spec), "--host",
                           f"docker://{c.name}"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    shown = proc.stdout + proc.stderr
    assert "skipped /etc/passwd line 'short:x:1'" in shown
    assert "\r" not in shown and "\u2028" not in shown


def _inflate(c: Any, megabytes: int) -> None:
    exec_ok(c, ["sh", "-c", "yes 'u:x:1000:1000:padding padding padding padding padding:/h:/bin/sh'"
                            f" | head -c {megabytes * 1_000_000} >> /etc/passwd"])


_PEAK = """
import json, sys
from parity.facts import collect_many
res = collect_many(sys.argv[1:], timeout=60, progress=False)
# VmHWM, the peak RSS of this process's own memory: ru_maxrss would also count the RSS of the
# pytest process that started it (Linux keeps the maximum across the vfork+exec).
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"results": [[r.name, r.ok, r.error] for r in res], "maxrss_kib": peak}))
"""


def test_huge_output_is_that_hosts_error_and_memory_stays_bounded(
        container_factory: Any, base_image: str) -> None:
    big = container_factory.start(base_image)
    fine = container_factory.start(base_image)
    _inflate(big, 200)
    import json

    proc = subprocess.run([sys.executable, "-c", _PEAK, f"docker://{big.name}",
                           f"docker://{fine.name}"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    doc = json.loads(proc.stdout)
    (_, ok_big, err_big), (_, ok_fine, _) = doc["results"]
    assert not ok_big and ok_fine
    limit = transport.DEFAULT_MAX_OUTPUT
    assert err_big.startswith(f"docker://{big.name}: output exceeded {limit} bytes")
    assert fine.name not in err_big and len(err_big) < 600
    # 16 MiB of output at most, plus the interpreter: far from the 1.3 GB the whole 200 MB took
    assert doc["maxrss_kib"] < 200 * 1024, doc["maxrss_kib"]
    clients = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert big.name not in clients  # the docker exec client was killed


def test_output_limit_is_configurable(container_factory: Any, base_image: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    c = container_factory.start(base_image)
    monkeypatch.setenv("PARITY_MAX_OUTPUT", "1K")
    with pytest.raises(HostError, match=rf"docker://{c.name}: output exceeded 1024 bytes"):
        collect(f"docker://{c.name}", timeout=30)
    monkeypatch.setenv("PARITY_MAX_OUTPUT", "lots")
    from parity.errors import UsageError

    with pytest.raises(UsageError, match="PARITY_MAX_OUTPUT='lots'"):
        collect_many([f"docker://{c.name}"], timeout=30, progress=False)
    monkeypatch.delenv("PARITY_MAX_OUTPUT")
    assert collect(f"docker://{c.name}", timeout=30).os["distro"] == "debian"


@pytest.fixture(scope="module")
def no_sh_image(docker_client: Any) -> str:
    """debian:12 without /bin/sh (and dash): ``docker export`` of it, minus those, imported."""
    import docker.errors

    tag = "parity-test-facts-nosh:1"
    try:
        docker_client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    name = unique_name("facts")
    subprocess.run(["docker", "create", "--name", name, "--label", f"{TEST_LABEL}=1",
                    "debian:12", "true"], check=True, capture_output=True)
    try:
        exported = subprocess.run(["docker", "export", name], check=True,
                                  capture_output=True).stdout
        trimmed = subprocess.run(["tar", "--delete", "usr/bin/sh", "usr/bin/dash"],
                                 input=exported, check=True, capture_output=True).stdout
        subprocess.run(["docker", "import", "--change", f"LABEL {TEST_LABEL}=1", "-", tag],
                       input=trimmed, check=True, capture_output=True)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    return tag


def test_a_host_without_sh_says_why(container_factory: Any, no_sh_image: str) -> None:
    c = container_factory.start(no_sh_image, ["/usr/bin/sleep", "infinity"])
    with pytest.raises(HostError) as info:
        collect(f"docker://{c.name}", timeout=30)
    message = info.value.render()
    assert message.startswith(f"docker://{c.name}: the command failed with exit status 126; "
                              "the transport said: ")
    assert "/bin/sh" in message and "no such file or directory" in message
    assert "markers" not in message
