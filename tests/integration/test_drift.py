"""Acceptance 1 and 2 of issue 4, end to end on real containers built from examples/webapp.

One image (the rendered docker context built with ``PARITY_DEV=0``: the prod image) is built
per session and shared; two twin containers ``a`` and ``b`` run from it with ``--network
none``. The tests check the clean twins, then drift ``b`` on purpose and assert that the JSON
report lists exactly the injected changes (and their unavoidable consequences, each named
below), nothing else.

``--strict`` uses a snapshot of twin ``a`` as the base system (``--base-facts``): "everything a
pristine host built from this spec has" is the fairest base, and it does not depend on whether
the collector can tell automatically installed packages apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WEBAPP = ROOT / "examples" / "webapp" / "parity.yaml"
IMAGE = "parity-test-compare-webapp:prod"
PREFIX = "parity-test-compare-"


def parity(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd or ROOT, env=env)


def report(*args: str) -> tuple[int, dict[str, Any]]:
    res = parity(*args, "--format", "json")
    assert res.stdout, res.stderr
    return res.returncode, json.loads(res.stdout)


def triples(doc: dict[str, Any]) -> set[tuple[str, str, str | None, str]]:
    return {(f["kind"], f["name"], f["field"], f["change"])
            for h in doc["hosts"] for f in h["findings"]}


@pytest.fixture(scope="session")
def docker_client() -> Any:
    docker = pytest.importorskip("docker")
    try:
        client = docker.from_env()
        client.ping()
        client.images.get("debian:12")
    except Exception as exc:
        pytest.skip(f"docker engine or debian:12 image not available: {exc}")
    return client


@pytest.fixture(scope="session")
def webapp_image(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example's docker context rendered by parity and built once (layer cache reused)."""
    from parity.render import render_target
    from parity.render.context import DEV_ARG
    from parity.spec import load_spec

    ctx = tmp_path_factory.mktemp("webapp-context")
    render_target(load_spec(WEBAPP), "docker", ctx)
    docker_client.images.build(path=str(ctx), buildargs={DEV_ARG: "0"}, tag=IMAGE,
                               network_mode="host", rm=True, forcerm=True)
    return IMAGE


def _wait_clean(name: str) -> None:
    """Wait until the entrypoint has started both services (it runs in the background)."""
    for _ in range(60):
        code, doc = report("check", str(WEBAPP), "--host", f"docker://{name}")
        if code == 0:
            return
        time.sleep(1)
    pytest.fail(f"{name} never came up clean: {triples(doc)}")


@pytest.fixture(scope="module")
def twins(docker_client: Any, webapp_image: str) -> Iterator[tuple[str, str]]:
    containers = []
    try:
        for side in ("a", "b"):
            name = f"{PREFIX}{side}-{uuid.uuid4().hex[:8]}"
            containers.append(docker_client.containers.run(
                webapp_image, detach=True, name=name, network_mode="none",
                sysctls={"net.core.somaxconn": "1024"}, labels={"org.parity.test": "compare"}))
        names = (containers[0].name, containers[1].name)
        for n in names:
            _wait_clean(n)
        yield names
    finally:
        for c in containers:
            c.remove(force=True)


def _dummy_deb(tmp: Path) -> Path:
    """A tiny, dependency-free package built offline, to install on a host as unwanted extra."""
    root = tmp / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        "Package: parity-test-extra\nVersion: 1.0\nArchitecture: all\n"
        "Maintainer: parity tests <tests@example.invalid>\nDescription: drift on purpose\n")
    out = tmp / "parity-test-extra_1.0_all.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(out)],
                   check=True, capture_output=True)
    return out


def _sh(container: Any, cmd: str, detach: bool = False) -> None:
    code, out = container.exec_run(["sh", "-c", cmd], detach=detach)
    if not detach:
        assert code == 0, f"{cmd}: {out.decode(errors='replace')}"


@pytest.fixture(scope="module")
def drifted(twins: tuple[str, str], docker_client: Any,
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Record the clean results, then drift ``b`` in every way the issue lists."""
    a, b = twins
    tmp = tmp_path_factory.mktemp("drift")
    base = tmp / "a.json"
    snap = parity("snapshot", f"docker://{a}", "--spec", str(WEBAPP), "-o", str(base))
    assert snap.returncode == 0, snap.stderr
    before = {
        "check": report("check", str(WEBAPP), "--host", f"docker://{a}", "--host",
                        f"docker://{b}"),
        "strict": report("check", str(WEBAPP), "--host", f"docker://{b}", "--strict",
                         "--base-facts", str(base)),
        "diff": report("diff", f"docker://{a}", f"docker://{b}", "--spec", str(WEBAPP)),
        # the default base system: the spec's base image, probed in the local engine
        "strict_image": report("check", str(WEBAPP), "--host", f"docker://{b}", "--strict"),
    }
    cb = docker_client.containers.get(b)
    deb = _dummy_deb(tmp)
    subprocess.run(["docker", "cp", str(deb), f"{b}:/tmp/extra.deb"], check=True)
    _sh(cb, "dpkg -i /tmp/extra.deb && rm /tmp/extra.deb")  # extra package
    _sh(cb, "dpkg -r curl")  # remove a declared package
    _sh(cb, "chmod 0600 /etc/nginx/conf.d/shop.conf")  # chmod a declared file
    _sh(cb, "echo tampered >> /etc/shop/release")  # edit a declared file
    _sh(cb, "userdel app")  # delete a declared user
    _sh(cb, "kill $(cat /run/parity/nginx.pid)")  # stop a declared service
    # a listening port nobody declared, on loopback inside the --network none container
    _sh(cb, "perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => q(127.0.0.1), "
            "LocalPort => 9999, Listen => 1, ReuseAddr => 1) or die $!; sleep 3600'",
        detach=True)
    pid = docker_client.api.inspect_container(b)["State"]["Pid"]
    subprocess.run(["nsenter", "-t", str(pid), "-n", "sh", "-c",
                    "echo 512 > /proc/sys/net/core/somaxconn"], check=True)  # change a sysctl
    for _ in range(30):  # nginx exits and the listener binds asynchronously
        done = cb.exec_run(["sh", "-c", "grep -q ':270F ' /proc/net/tcp && "
                                        "! kill -0 $(cat /run/parity/nginx.pid) 2>/dev/null"])
        if done.exit_code == 0:
            break
        time.sleep(0.5)
    return {"a": a, "b": b, "base": base, "before": before, "tmp": tmp}


#: every injected change, plus the consequences a person would also expect to see
EXPECTED_CHECK = {
    ("package", "curl", None, "missing"),
    ("package", "parity-test-extra", None, "unexpected"),
    ("file", "/etc/nginx/conf.d/shop.conf", "mode", "changed"),
    ("file", "/etc/shop/release", "sha256", "changed"),
    ("user", "app", None, "missing"),
    # consequence: app's files now belong to a bare uid/gid (userdel also removed group "app")
    ("file", "/srv/app", "owner", "changed"), ("file", "/srv/app", "group", "changed"),
    ("file", "/srv/app/index.html", "owner", "changed"),
    ("file", "/srv/app/index.html", "group", "changed"),
    ("service", "nginx", "running", "changed"),
    ("port", "tcp/8080", None, "missing"),  # consequence: nginx served 8080
    ("port", "tcp/9999", None, "unexpected"),
    ("sysctl", "net.core.somaxconn", None, "changed"),
}


def test_clean_hosts_pass(drifted: dict[str, Any]) -> None:
    code, doc = drifted["before"]["check"]
    assert (code, triples(doc)) == (0, set())
    assert [h["status"] for h in doc["hosts"]] == ["ok", "ok"]
    code, doc = drifted["before"]["strict"]
    assert (code, triples(doc)) == (0, set())


def test_fresh_host_is_clean_under_strict_with_the_base_image(drifted: dict[str, Any]) -> None:
    """Dependencies apt marked automatic (also Architecture: all ones such as nginx-common) and
    the tools provision.sh installs (procps) are nobody's addition."""
    code, doc = drifted["before"]["strict_image"]
    assert (code, triples(doc)) == (0, set())
    assert any(w.startswith("--strict base system: docker image debian:12")
               for w in doc["warnings"])


def test_drifted_host_shows_exactly_the_injected_changes(drifted: dict[str, Any]) -> None:
    code, doc = report("check", str(WEBAPP), "--host", f"docker://{drifted['b']}", "--strict",
                       "--base-facts", str(drifted["base"]))
    assert code == 1
    assert triples(doc) == EXPECTED_CHECK
    by_path = {f["path"]: f for f in doc["hosts"][0]["findings"]}
    assert by_path["file//etc/nginx/conf.d/shop.conf/mode"]["actual"] == "0600"
    assert by_path["sysctl/net.core.somaxconn"]["actual"] == "512"


def test_without_strict_only_declared_items_drift(drifted: dict[str, Any]) -> None:
    code, doc = report("check", str(WEBAPP), "--host", f"docker://{drifted['b']}")
    assert code == 1
    assert triples(doc) == {t for t in EXPECTED_CHECK if t[3] != "unexpected"}


def test_twins_diff_clean_then_exactly_the_differences(drifted: dict[str, Any]) -> None:
    code, doc = drifted["before"]["diff"]
    assert (code, triples(doc)) == (0, set())
    a, b = drifted["a"], drifted["b"]
    code, doc = report("diff", f"docker://{a}", f"docker://{b}", "--spec", str(WEBAPP))
    assert code == 1
    assert triples(doc) == {
        ("package", "curl", None, "missing"),
        ("package", "parity-test-extra", None, "unexpected"),
        ("file", "/etc/nginx/conf.d/shop.conf", "mode", "changed"),
        ("file", "/etc/shop/release", "sha256", "changed"),
        ("file", "/srv/app", "owner", "changed"), ("file", "/srv/app", "group", "changed"),
        ("file", "/srv/app/index.html", "owner", "changed"),
        ("file", "/srv/app/index.html", "group", "changed"),
        ("user", "app", None, "missing"),
        # host vs host sees every group: "app" went with its user, and memberships changed
        ("group", "app", None, "missing"),
        ("group", "deploy", "members", "changed"), ("group", "www-data", "members", "changed"),
        ("service", "nginx", "running", "changed"),
        ("port", "tcp/8080", None, "missing"),
        ("port", "tcp/9999", None, "unexpected"),
        ("sysctl", "net.core.somaxconn", None, "changed"),
    }


def test_diff_against_a_snapshot_equals_diff_against_the_live_host(
        drifted: dict[str, Any]) -> None:
    live = report("diff", f"docker://{drifted['a']}", f"docker://{drifted['b']}",
                  "--spec", str(WEBAPP))
    snap = report("diff", str(drifted["base"]), f"docker://{drifted['b']}",
                  "--spec", str(WEBAPP))
    assert snap[0] == live[0] == 1
    assert triples(snap[1]) == triples(live[1])


def test_baseline_accepts_todays_drift_and_catches_new(drifted: dict[str, Any]) -> None:
    tmp, b = drifted["tmp"], drifted["b"]
    baseline = tmp / "baseline.json"
    args = ("check", str(WEBAPP), "--host", f"docker://{b}")
    code, doc = report(*args, "--write-baseline", str(baseline))
    assert code == 0 and doc["summary"]["baselined"] == len(doc["hosts"][0]["findings"]) > 0
    code, doc = report(*args, "--baseline", str(baseline))
    assert code == 0
    # the same baseline does not excuse drift on another axis (--strict adds unexpected items)
    code, doc = report(*args, "--baseline", str(baseline), "--strict",
                       "--base-facts", str(drifted["base"]))
    assert code == 1
    assert {(f["kind"], f["name"]) for h in doc["hosts"] for f in h["findings"] if f["fails"]} \
        == {("package", "parity-test-extra"), ("port", "tcp/9999")}


def test_unreachable_host_is_exit_3_and_others_still_reported(drifted: dict[str, Any]) -> None:
    res = parity("check", str(WEBAPP), "--host", f"docker://{drifted['a']}",
                 "--host", f"docker://{PREFIX}no-such-container", "--format", "junit")
    assert res.returncode == 3, res.stderr
    root = ET.fromstring(res.stdout)
    assert root.get("errors") == "1" and root.get("failures") == "0"
    assert len(root.findall("testsuite")) == 2


def test_capture_writes_a_spec_the_host_passes(drifted: dict[str, Any]) -> None:
    out = drifted["tmp"] / "captured" / "parity.yaml"
    res = parity("capture", f"docker://{drifted['a']}", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert parity("validate", str(out)).returncode == 0
    text = out.read_text()
    assert "nginx: =1.22" in text and "app:" in text
    again = parity("capture", f"docker://{drifted['a']}", "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    code, doc = report("check", str(out), "--host", f"docker://{drifted['a']}")
    assert (code, triples(doc)) == (0, set())
