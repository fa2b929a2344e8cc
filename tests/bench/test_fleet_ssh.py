"""The fleet_ssh area's own logic (bench/suite/fleet_ssh.py), without containers: which hosts
must drift, the inventory, the process sampler, the leftover finder and the testinfra verdict.
A wrong expectation here would make the benchmark accept wrong results."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.suite import fleet_ssh as F
from bench.suite.common import BenchError, Cleanup, Context


def _fleet(tmp_path: Path, drifts: dict[int, str]) -> F.Fleet:
    boxes = [F.Box(i, f"c{i}", f"127.0.0.{100 + i}", 2200 + i, drifts.get(i)) for i in range(4)]
    return F.Fleet(boxes, "relay", tmp_path / "key", tmp_path / "cfg", tmp_path / "known")


def test_inventory_spreads_names_and_expectations_follow_the_boxes(tmp_path: Path) -> None:
    ctx = Context(quick=True, rounds=1, workdir=tmp_path, cleanup=Cleanup())
    fleet = _fleet(tmp_path, {1: "file", 3: "package"})
    path, names = F.write_inventory(ctx, fleet, 10)
    inv = json.loads(path.read_text())
    hosts = inv["all"]["children"]["web"]["hosts"]
    assert names == [f"web-{i:04d}" for i in range(1, 11)] == list(hosts)
    assert hosts["web-0002"] == {"ansible_host": "127.0.0.101", "ansible_port": 2201}
    assert inv["all"]["vars"]["ansible_ssh_common_args"] == f"-F {tmp_path / 'cfg'}"
    expected = fleet.expected(names)
    assert expected["web-0002"] == ("file", "/etc/app/app.conf")  # box 1
    assert expected["web-0004"] == ("package", "coreutils")  # box 3
    assert expected["web-0001"] is None and sum(1 for v in expected.values() if v) == 5


@pytest.mark.parametrize("drift,text", [("file", "workers: 4"), ("user", "-s /bin/bash  app"),
                                        ("package", "Version: 9.1-1+b1")])
def test_setup_makes_the_drift(drift: str, text: str) -> None:
    assert text in F._setup(3, drift)
    assert text not in F._setup(3, None)


def test_service_drift_leaves_the_app_stopped() -> None:
    assert "/etc/init.d/app start" in F._setup(0, None)
    assert "/etc/init.d/app start" not in F._setup(0, "service")


def test_sampler_sees_fds_and_peak_rss() -> None:
    code = ("import os, time; fds=[os.open('/dev/null', os.O_RDONLY) for _ in range(50)]; "
            "b=bytearray(60*2**20); time.sleep(0.3)")
    res = F.run_sampled([sys.executable, "-c", code], env={})
    assert res.rc == 0
    assert res.max_fds >= 50
    assert res.hwm_mib >= 60 and res.maxrss_mib >= 60


def test_leftovers_finds_processes_naming_the_marker(tmp_path: Path) -> None:
    marker = str(tmp_path / "marker")
    # python keeps its argv (sh -c would exec sleep and drop the marker from the command line)
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", marker])
    try:
        deadline = time.monotonic() + 10  # until the child has exec'd (its argv is ours)
        while not F.leftovers(marker) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [pid for pid, _ in F.leftovers(marker)] == [p.pid]
    finally:
        p.kill()
        p.wait()
    assert F.leftovers(marker) == []


def _junit(path: Path, failing: set[str], names: list[str]) -> None:
    cases = []
    for n in names:
        body = "<failure message='x'/>" if n in failing else ""
        cases.append(f"<testcase classname='t' name='test_package[ssh://{n}-bash-5.2.*]'>"
                     f"{body}</testcase><testcase classname='t' name='test_user[ssh://{n}]'/>")
    path.write_text(f"<testsuites><testsuite>{''.join(cases)}</testsuite></testsuites>")


def test_testinfra_verdict_must_match_the_drift(tmp_path: Path) -> None:
    fleet = _fleet(tmp_path, {1: "file"})
    ctx = Context(quick=True, rounds=1, workdir=tmp_path, cleanup=Cleanup())
    _, names = F.write_inventory(ctx, fleet, 8)
    junit = tmp_path / "j.xml"
    res = F.Sampled(1, 1, 1, 1, 1, 1, b"", b"")
    _junit(junit, {"web-0002", "web-0006"}, names)  # box 1's names
    F.verify_testinfra(res, junit, fleet, names)
    _junit(junit, {"web-0002"}, names)
    with pytest.raises(BenchError, match="testinfra failed"):
        F.verify_testinfra(res, junit, fleet, names)
