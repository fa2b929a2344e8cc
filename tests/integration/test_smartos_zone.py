"""A SmartOS zone checked end to end, as a user runs parity: ``check``, ``snapshot``, ``diff``.

No SmartOS machine exists here. The zone is the Linux container of tests/fixtures/smartos, whose
SmartOS tools (``uname``, ``zonename``, ``pkg_info``, ``svcs``, ``svcprop``, ``netstat``,
``digest``, ``ipadm``) are stand-ins printing outputs recorded on real SmartOS and illumos
machines (``recorded/*.txt``, each with a ``.source``). Everything of parity's runs unchanged:
the CLI, the one collection script (its SunOS branches), the docker transport, the parsers and
the verdicts. The other tests of the branches check each kind's facts; this one checks what a
user sees: exit codes, findings and notes for a ``base: smartos`` spec.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parity.cli import main

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "smartos"

#: what the recordings say, declared; ``{preserve}`` and ``{cswrsyncd}`` are varied per test
SPEC = """\
parity: 1
name: zone
base: smartos:23.4
packages:
  deptree-top: ">=1.0"        # pkg_info: deptree-top-1.0 (installed on request)
  pkgpath: "1.0"
  preserve: "{preserve}"
services:
  restarter: {{running: true}}                        # online
  svc:/network/dns/client:default: {{running: true}}  # degraded still runs; named by FMRI
  cswrsyncd: {{running: {cswrsyncd}}}                 # in maintenance
users:
  nobody: {{uid: 60001}}
groups:
  staff: {{gid: 10}}
ports: [443, 8080]
ipadm:
  icmp: {{max_buf: 262144}}
sysctl:
  net.core.somaxconn: 1024
drift:
  ignore:
    - path: os/release
      reason: the one recorded zone /etc/product is base64 14.3.0, older than any smartos base
"""


@pytest.fixture(scope="module")
def zone(docker_client: Any, base_image: str) -> Any:
    from tests.helpers.docker import ContainerFactory, build_image

    factory = ContainerFactory(docker_client, "smartos")
    try:
        yield factory.start(build_image(docker_client, FIXTURE, area="smartos"))
    finally:
        factory.cleanup()


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out, out.err


def _spec(tmp_path: Path, name: str, **values: str) -> Path:
    path = tmp_path / name / "parity.yaml"
    path.parent.mkdir()
    path.write_text(SPEC.format(**values), encoding="utf-8")
    return path


def test_check_of_a_zone_names_exactly_its_drift(zone: Any, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    host = f"docker://{zone.name}"
    ok = _spec(tmp_path, "ok", preserve=">=1.0nb0,<1.0.1", cswrsyncd="false")
    code, out, _ = _run(["check", str(ok), "-H", host, "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0, out
    [row] = report["hosts"]
    assert [f for f in row["findings"] if not f.get("ignored")] == []
    # the Linux setting is not applicable on SmartOS: a note, never drift; maintenance is said
    assert f"{host}: sysctl not compared: sysctl is Linux's; on SmartOS declare network " \
           "tunables under ipadm:" in report["warnings"]
    assert any("cswrsyncd" in w and "maintenance" in w for w in report["warnings"])

    drift = _spec(tmp_path, "drift", preserve="<1.0", cswrsyncd="true")
    code, out, _ = _run(["check", str(drift), "-H", host, "--format", "json"], capsys)
    assert code == 1, out
    [row] = json.loads(out)["hosts"]
    assert sorted((f["kind"], f["name"], f.get("field"), f["expected"], f["actual"])
                  for f in row["findings"] if not f.get("ignored")) == [
        ("package", "preserve", "version", "<1.0", "1.0"),
        ("service", "cswrsyncd", "running", True, False),
    ]


def test_snapshot_then_diff_of_a_zone_is_clean(zone: Any, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    host = f"docker://{zone.name}"
    snap = tmp_path / "zone.json"
    code, _, err = _run(["snapshot", host, "-o", str(snap)], capsys)
    assert code == 0, err
    facts = json.loads(snap.read_text())
    facts = facts.get("facts", facts)
    assert facts["os"]["distro"] == "smartos" and facts["os"]["family"] == "pkgsrc"
    assert facts["packages"]["preserve"] == {"version": "1.0", "arch": None, "auto": False}
    assert facts["services"]["cswrsyncd"]["state"] == "maintenance"
    code, out, _ = _run(["diff", host, str(snap)], capsys)
    assert code == 0, out


def test_capture_of_a_zone_keeps_what_someone_chose(zone: Any) -> None:
    """A zone's /etc, its platform SMF services and accounts come with its image (no package
    database or base system records them): capture leaves them out, keeps pkgsrc's chosen
    packages (the automatic mark) and reads only the folders asked for."""
    from parity.compare.base_system import BaseSystem
    from parity.compare.capture import capture_spec
    from parity.compare.capture_files import DEFAULT_ROOTS
    from parity.compare.capture_remote import capture_files
    from parity.facts import collect, resolve_hosts
    from parity.facts.request import CollectRequest

    url = f"docker://{zone.name}"
    files = capture_files(resolve_hosts([url])[0], (*DEFAULT_ROOTS, "/opt/parity-recorded"),
                          timeout=60)
    assert files.entries and all(p.startswith("/opt/parity-recorded/") for p in files.entries)
    assert any("SmartOS zone's /etc comes with its image" in n for n in files.notes)

    facts = collect(url, CollectRequest(), timeout=60)
    # the one recorded zone is base64 14.3.0; a spec needs a base parity knows
    facts.os["release"] = "23.4"
    text, _ = capture_spec(facts, BaseSystem.empty())
    assert "base: smartos:23.4" in text
    assert "deptree-top: =1.0" in text and "deptree-bottom" not in text  # automatic
    # svc:/system/..., svc:/network/... and lrc: scripts are the image's; nobody is illumos'
    assert "services:" not in text and "nobody" not in text and "noaccess" not in text
