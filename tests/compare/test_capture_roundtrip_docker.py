"""capture -> up -> diff on real containers: the environment ``parity up`` builds from a captured
spec has the host's accounts and kernel settings, ids included.

The host (``capture_host/Dockerfile``) has accounts packages made (``sshd``, ``messagebus``),
system accounts made by hand (``adduser --system``, ``useradd -r``), a base account in a new
group, and kernel settings given with ``--sysctl`` as a host's would be set. With ``EARLY=1`` it
made a system account before installing the packages, so a fresh container numbers the
packages' accounts lower than the host did: the captured spec pins them, and provisioning must
move them up before it gives their old ids to the hand-made account.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parity.compare.capture import capture_host, write_captured_spec
from parity.compare.capture_sysctl import capture_request, in_scope
from parity.facts import collect
from parity.spec import load_spec

HOST = Path(__file__).parent / "capture_host"
SYSCTL = {"net.ipv4.ip_local_port_range": "20000 60000", "net.core.somaxconn": "1024",
          "net.ipv4.tcp_keepalive_time": "600", "kernel.msgmax": "16384",
          "fs.mqueue.msg_max": "64"}
KINDS = {"user", "group", "sysctl"}

pytestmark = pytest.mark.docker


def _findings(report) -> list:
    return [f for r in report.results for f in r.findings if f.kind in KINDS]


#: "1": the host made its own system account before installing packages, so the packages'
#: accounts have ids one higher than a fresh build gives them (provisioning pins the highest first)
@pytest.mark.parametrize("early", ["0", "1"])
def test_captured_accounts_and_sysctl_come_out_identical(
        image_builder, container_factory, docker_client, tmp_path, early):
    from parity.compare.check import run_diff
    from parity.up import down, up

    from ..up.helpers import sweep, unique

    image = image_builder(HOST, area="compare", buildargs={"EARLY": early})
    host = container_factory.start(image, sysctls=SYSCTL)
    text, left_out = capture_host(f"docker://{host.name}")
    assert left_out == []
    out = tmp_path / "captured" / "parity.yaml"
    out.parent.mkdir()
    write_captured_spec(text, out)
    spec = load_spec(out)
    m = spec.model
    assert m.sysctl == SYSCTL  # exactly what differs from the base system
    assert {"appsvc", "batch", "messagebus", "sshd", "alice", "www-data"} <= set(m.users)
    assert m.users["sshd"].system and m.users["batch"].uid == 999
    assert m.users["www-data"].model_dump(exclude_defaults=True) == {"groups": ["devs"]}
    name = unique(f"capture-rt-{early}")
    try:
        result = up(spec, name=name, network="none")
        report = run_diff(f"docker://{host.name}", result.url, spec=spec)
        assert report.results and report.results[0].error is None
        assert _findings(report) == []
        checked = subprocess.run(
            [sys.executable, "-m", "parity", "check", str(out.parent), "-H", result.url,
             "--format", "json"], capture_output=True, text=True, timeout=300, check=False)
        doc = json.loads(checked.stdout)
        assert [f for h in doc["hosts"] for f in h["findings"] if f["kind"] in KINDS] == []
        assert doc["hosts"][0]["checked"]["sysctl"] == len(SYSCTL)
        assert doc["hosts"][0]["checked"]["user"] >= 6
    finally:
        with contextlib.suppress(Exception):
            down(spec, name=name)
        sweep(docker_client, tmp_path)


def test_every_setting_capture_may_keep_can_be_set_in_a_container(
        base_image, container_factory):
    """Each key in capture's scope that the base system has, set at once with ``--sysctl`` in a
    ``--network none`` container: the kernel refuses none of them, and they read back."""
    probe = container_factory.start(base_image)
    base = collect(f"docker://{probe.name}", capture_request(), 60).sysctl
    keys = {k: v for k, v in base.items() if in_scope(k) and v}
    assert len(keys) > 100 and "net.ipv4.ip_local_port_range" in keys
    keys["net.ipv4.ip_local_port_range"] = "20000 60000"  # and one differing value
    given = container_factory.start(base_image, sysctls=keys)
    got = collect(f"docker://{given.name}", capture_request(), 60).sysctl
    assert {k: got.get(k) for k in keys} == keys
