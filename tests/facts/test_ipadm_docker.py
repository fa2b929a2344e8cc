"""The collection script's SmartOS branch for ipadm and sysctl, end to end, through parity's
real docker transport and ``parity check``.

No SmartOS machine exists here. The container (tests/fixtures/smartos, FROM debian:12) replaces
``uname`` and ``ipadm`` with stand-ins that print what the real tools printed
(tests/fixtures/smartos/recorded/*.txt, sources beside them) for the exact argument lists
recorded, and fail otherwise; the script, the transport and the parsers are parity's own.
The os facts of that container are not asserted here (they belong to the os collector's SunOS
branch), so the spec's ``drift.ignore`` sets them aside and the verdict is about ipadm and sysctl.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parity.cli import main
from parity.compare.against_spec import compare_spec_full
from parity.facts import CollectRequest, collect
from parity.spec import load_spec_text
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "smartos"

SPEC = """\
parity: 1
name: zone
base: debian:12
sysctl:
  net.ipv4.ip_forward: "0"
ipadm:
  icmp:
    max_buf: {max_buf}
  ipv4:
    hostmodel: weak
  tcp:
    congestion_control: sunreno
drift:
  ignore:
    - path: "os/*"
      reason: the stand-in container's os facts are the os collector's to check
"""
NOT_APPLICABLE = "sysctl is Linux's; on SmartOS declare network tunables under ipadm:"


@pytest.fixture
def zone(image_builder: Any, container_factory: Any) -> Any:
    """A container standing in for a SmartOS zone (network none)."""
    return container_factory.start(image_builder(FIXTURE, area="smartos"))


def test_the_stand_ins_answer_only_what_was_recorded(zone: Any) -> None:
    recorded = (FIXTURE / "recorded" / "ipadm-show-prop-all.txt").read_text(encoding="utf-8")
    assert exec_ok(zone, "ipadm show-prop -c -o proto,property,current") == recorded
    assert exec_ok(zone, "uname -s") == "SunOS\n"
    code, _ = zone.exec_run(["ipadm", "show-prop", "-c", "-o", "current", "tcp"])
    assert code == 2


def test_a_zone_reports_ipadm_values_and_sysctl_as_not_applicable(zone: Any) -> None:
    spec = load_spec_text(SPEC.format(max_buf=262144))
    request = CollectRequest.from_spec(spec)
    request = CollectRequest(sysctl=request.sysctl,
                             ipadm=(*request.ipadm, "tcp/smallest_anon_port", "tcp/_cwnd_max"))
    facts = collect(f"docker://{zone.name}", request, timeout=60)

    # what the recorded output says, and nothing it does not say
    assert facts.ipadm == {"icmp/max_buf": "262144", "ipv4/hostmodel": "weak",
                           "tcp/congestion_control": "sunreno"}
    assert facts.unavailable == {"sysctl": NOT_APPLICABLE}
    # the private property's own call was not recorded: the stand-in fails, the host says so
    assert [w for w in facts.warnings if w.startswith("ipadm:")] == [
        "ipadm: ipadm show-prop exited 2: 'ipadm stand-in: no recorded output for: ipadm "
        "show-prop -c -o proto,property,current -p _cwnd_max tcp'"]

    result = compare_spec_full(spec, facts)
    assert [f for f in result.findings if f.kind in ("ipadm", "sysctl")] == []
    assert result.checked["ipadm"] == 3 and "sysctl" not in result.checked
    assert f"docker://{zone.name}: sysctl not compared: {NOT_APPLICABLE}" in result.notes


def _check(tmp_path: Path, zone: Any, max_buf: int,
           capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    """``parity check`` in-process (its real entry point, exit code included): code, report."""
    spec = tmp_path / f"{max_buf}" / "parity.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC.format(max_buf=max_buf), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["check", str(spec), "-H", f"docker://{zone.name}", "--format", "json"])
    return int(exited.value.code or 0), json.loads(capsys.readouterr().out)


def test_parity_check_passes_with_sysctl_as_a_note_and_fails_on_ipadm_drift(
        zone: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _check(tmp_path, zone, 262144, capsys)
    assert code == 0, report
    host = f"docker://{zone.name}"
    # the stand-in zone's recorded svcs also lists a service in maintenance: its own warning
    assert [w for w in report["warnings"] if "services:" not in w] == [
        f"{host}: sysctl not compared: {NOT_APPLICABLE}"]
    assert report["summary"]["failing"] == 0

    code, report = _check(tmp_path, zone, 1048576, capsys)
    assert code == 1, report
    [row] = report["hosts"]
    # os findings (the stand-in zone is a SmartOS one, the spec says debian) are ignored by rule
    assert [(f["kind"], f["name"], f["expected"], f["actual"], f["change"])
            for f in row["findings"] if f["kind"] != "os"] == [
        ("ipadm", "icmp/max_buf", "1048576", "262144", "changed")]
