"""SMF services (SmartOS): the parser on recorded svcs/svcprop outputs, hostile lines, and what a
spec's verdict says about them.

No SmartOS machine exists here: the recorded outputs are other projects' recordings of the real
tools (tests/fixtures/smartos/recorded/*.source says where each comes from).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from parity.compare.against_spec import compare_spec_full
from parity.facts.collectors import services, smf
from parity.facts.model import Facts
from parity.facts.request import CollectRequest
from parity.spec import load_spec_text
from parity.spec.model import ServiceName

RECORDED = Path(__file__).parents[1] / "fixtures" / "smartos" / "recorded"
SVCS = (RECORDED / "svcs-H-o-state,fmri-puppet.txt").read_text()
SVCPROP = (RECORDED / "svcprop-a-f-oracle.txt").read_text()

#: what the recorded svcs output says, instance by instance
RECORDED_FACTS = {
    "client": {"running": True, "enabled": None, "state": "degraded",
               "fmri": "svc:/network/dns/client:default", "legacy": False},
    "cswrsyncd": {"running": False, "enabled": None, "state": "maintenance",
                  "fmri": "svc:/network/cswrsyncd:default", "legacy": False},
    "restarter": {"running": True, "enabled": None, "state": "online",
                  "fmri": "svc:/system/svc/restarter:default", "legacy": False},
    "sk98sol": {"running": True, "enabled": None, "state": "legacy_run",
                "fmri": "lrc:/etc/rcS_d/S50sk98sol", "legacy": True},
}
MAINTENANCE = ("service cswrsyncd (svc:/network/cswrsyncd:default) is in maintenance: SMF "
               "stopped it and will not restart it until someone clears it (svcadm clear)")


def parse(svcs: str, svcprop: str = "") -> tuple[dict, list[str]]:
    """Parsed facts and warnings; without svcprop lines, the one warning saying enabled-ness
    is unknown is expected and left out (test_no_svcprop_answer_is_said_once checks it)."""
    warnings: list[str] = []
    text = f"@init smf\n@svcs\n{svcs}\n@enabled\n{svcprop}"
    facts = services.parse(text, CollectRequest(), warnings)
    if not svcprop:
        warnings = [w for w in warnings if w != smf.NO_ENABLED]
    return facts, warnings


def test_no_svcprop_answer_is_said_once() -> None:
    warnings: list[str] = []
    text = "@init smf\n@svcs\nonline svc:/a:default\nonline svc:/b:default\n@enabled\n"
    facts = services.parse(text, CollectRequest(), warnings)
    assert warnings == [smf.NO_ENABLED] and facts["a"]["enabled"] is None
    warnings = []
    services.parse("@init smf\n@svcs\nlegacy_run lrc:/etc/rc3_d/S90x\n@enabled\n",
                   CollectRequest(), warnings)
    assert warnings == []  # legacy services have no enabled property to ask for


def test_recorded_svcs_output() -> None:
    facts, warnings = parse(SVCS)
    assert facts == RECORDED_FACTS
    assert warnings == [MAINTENANCE]


ZONES = (RECORDED / "svcs-aHZ-ozone,state,fmri-smartos.txt").read_text()


def zone_lines(zone: str) -> str:
    """One zone's part of the recorded ``svcs -aHZ -ozone,state,fmri``, without the ZONE column
    (16 wide and a space): the zone's own ``svcs -aH -o state,fmri`` for these instances."""
    return "\n".join(line[17:] for line in ZONES.split("\n") if line.startswith(zone + " "))


def test_recorded_smartos_zones() -> None:
    facts, warnings = parse(zone_lines("cube-pkgsrc"))
    assert {k: (v["state"], v["running"]) for k, v in facts.items()} == {
        "local": ("maintenance", False), "minimal": ("online", True),
        "manifest-import": ("online", True), "identity": ("online", True),
        "boot-archive": ("online", True), "global": ("disabled", False)}
    assert facts["identity"]["fmri"] == "svc:/system/identity:node"
    assert warnings == ["service local (svc:/system/filesystem/local:default) is in "
                        "maintenance: SMF stopped it and will not restart it until someone "
                        "clears it (svcadm clear)"]

    facts, warnings = parse(zone_lines("cube-cron"))
    assert sorted(facts) == ["PRESERVE", "allocate", "audio", "boot-config", "mpxio-upgrade",
                             "puppet", "sysetup"]
    assert facts["sysetup"] == {"running": True, "enabled": None, "state": "legacy_run",
                                "fmri": "lrc:/etc/rc2_d/S20sysetup", "legacy": True}
    assert facts["puppet"]["fmri"] == "svc:/sysdef/puppet:default" and warnings == []

    facts, warnings = parse(zone_lines("global"))
    assert {k: v["fmri"] for k, v in facts.items()} == {
        "PRESERVE": "lrc:/etc/rc2_d/S89PRESERVE",
        "dodatadm_udaplt": "lrc:/etc/rc2_d/S81dodatadm_udaplt",
        "sysetup": "lrc:/etc/rc2_d/S20sysetup",
        "config-assemble": "svc:/system/config-assemble:services",
        "diamond": "svc:/sdef/diamond:default",
        "varpd": "svc:/network/varpd:default"}
    assert facts["varpd"]["running"] is False and warnings == []


def test_the_zone_column_is_never_read_as_a_state() -> None:
    """Fed the -Z output as is, a line reads as state "cube-pkgsrc" and an FMRI that starts
    with the state: no instance is made up, every line is skipped and said."""
    facts, warnings = parse(ZONES)
    assert facts == {} and len(warnings) == 19
    assert all(w.startswith("skipped svcs line") for w in warnings)


def test_enabled_comes_from_svcprop_full_fmri_lines() -> None:
    """``svcprop -c -f -p general/enabled`` answers in any order, one self-naming line each; an
    instance it did not answer for stays unknown (null)."""
    answers = ("svc:/network/cswrsyncd:default/:properties/general/enabled boolean true\n"
               "svc:/network/dns/client:default/:properties/general/enabled boolean false\n")
    facts, _ = parse(SVCS, answers)
    assert facts["cswrsyncd"]["enabled"] is True
    assert facts["client"]["enabled"] is False
    assert facts["restarter"]["enabled"] is None
    assert facts["sk98sol"]["enabled"] is None  # legacy: no properties at all


def test_svcprop_f_lines_of_a_real_host() -> None:
    """Every line of a recorded ``svcprop -f`` output splits into entity, property, type and
    values, except the one its recording broke in two."""
    rows = [smf.property_line(line) for line in SVCPROP.splitlines()]
    assert rows[0] == ("svc:/network/bridge", "config/force-protocol", "count", ["3"])
    assert rows[7] == ("svc:/network/dns/client:default", "config/nameserver", "net_address",
                       ["10.10.10.197", "10.10.10.198", "192.192.192.132"])
    assert rows[-1] == ("svc:/application/cups/scheduler:default", "general/active", "boolean",
                        ["true"])
    assert [i for i, r in enumerate(rows) if r is None] == [20]  # "vice\ is\ taken ..."
    # none of them is general/enabled: each is skipped with a warning, nothing is invented
    facts, warnings = parse(SVCS, SVCPROP)
    assert facts == RECORDED_FACTS
    # each line, then that no instance got an enabled value, then the maintenance
    assert len(warnings) == len(rows) + 2 and warnings[-2:] == [smf.NO_ENABLED, MAINTENANCE]


@pytest.mark.parametrize(("line", "why"), [
    ("garbage", "no service FMRI"),
    ("online", "no service FMRI"),
    ("online svc:/network/ssh:default\r", "no service FMRI"),
    ("online svc:/net\rwork/ssh:default", "no service FMRI"),
    ("online svc:/network/ssh:def\x1bault", "no service FMRI"),
    ("legacy_run lrc:/etc/rc2_d/S99\x0cx", "no service FMRI"),
    ("online svc:/network/../ssh:default", "no service FMRI"),
    ("exploded svc:/network/ssh:default", "unknown state"),
    ("\u2028online svc:/network/ssh:default", "unknown state"),
])
def test_hostile_svcs_lines_are_skipped_with_a_warning(line: str, why: str) -> None:
    facts, warnings = parse(f"online svc:/system/cron:default\n{line}")
    assert list(facts) == ["cron"]
    assert len(warnings) == 1 and warnings[0].endswith(why), warnings


def test_hostile_svcprop_lines_are_skipped_with_a_warning() -> None:
    facts, warnings = parse("online svc:/system/cron:default", (
        "svc:/system/cron:default/:properties/general/enabled boolean maybe\n"
        "svc:/system/cron:default/:properties/general/enabled\r boolean false\n"
        "svc:/system/cron:default/:properties/general/enabled astring true\n"
        "true\n"))
    assert facts["cron"]["enabled"] is None
    assert len(warnings) == 5 and warnings[-1] == smf.NO_ENABLED


def test_transitioning_state_and_duplicates() -> None:
    facts, warnings = parse("online*        svc:/system/cron:default\n"
                            "offline        svc:/system/cron:default\n"
                            "-              svc:/site/new:default\n")
    assert facts["cron"]["state"] == "online" and facts["cron"]["running"] is True
    assert facts["new"] == {"running": False, "enabled": None, "state": "-",
                            "fmri": "svc:/site/new:default", "legacy": False}
    assert warnings == ["skipped svcs line 'offline        svc:/system/cron:default': "
                        "'svc:/system/cron:default' listed twice"]


def test_keys_are_the_names_people_write() -> None:
    facts, _ = parse("\n".join([
        "online  svc:/pkgsrc/nginx:default",
        "online  svc:/network/physical:default",
        "online  svc:/network/physical:nwam",
        "online  svc:/network/gunicorn:netmgt",
        "online  svc:/network/dns/client:default",
        "online  svc:/network/ldap/client:default",
        "legacy_run  lrc:/etc/rc2_d/S89PRESERVE",
        "legacy_run  lrc:/etc/rc3_d/S90nginx",
    ]))
    assert {k: v["fmri"] for k, v in facts.items()} == {
        "nginx": "svc:/pkgsrc/nginx:default",
        "physical": "svc:/network/physical:default",
        "physical:nwam": "svc:/network/physical:nwam",
        "gunicorn": "svc:/network/gunicorn:netmgt",  # its only instance: the service's name
        "svc:/network/dns/client:default": "svc:/network/dns/client:default",
        "svc:/network/ldap/client:default": "svc:/network/ldap/client:default",
        "PRESERVE": "lrc:/etc/rc2_d/S89PRESERVE",
        "lrc:/etc/rc3_d/S90nginx": "lrc:/etc/rc3_d/S90nginx",  # nginx is the SMF service's
    }


def test_the_smf_branch_says_when_svcs_is_missing() -> None:
    from parity.facts.collectors import get_collector

    text = get_collector("services").snippet(CollectRequest())
    assert 'echo "$NA svcs not found"' in text
    assert text.count("svcprop -c -f -p general/enabled") == 1


def _facts(services_facts: dict, warnings: list[str] | None = None) -> Facts:
    return Facts(host="zone", os={"distro": "debian", "release": "12", "family": "apt"},
                 services=services_facts, warnings=warnings or [])


def _spec(tmp_path: Path, name: str, flags: str = "{running: true, enabled: true}"):
    text = f"parity: 1\nname: t\nbase: debian:12\nservices:\n  {name!r}: {flags}\n"
    return load_spec_text(text, tmp_path / "parity.yaml")


@pytest.mark.parametrize("name", ["cswrsyncd", "svc:/network/cswrsyncd:default",
                                  "svc:/network/cswrsyncd"])
def test_running_spec_on_a_service_in_maintenance_is_drift_with_the_state_said(
        tmp_path: Path, name: str) -> None:
    """Short name, FMRI, or the service's FMRI for its default instance: the same fact, and the
    same verdict; the state is in the comparison's notes."""
    facts, warnings = parse(SVCS, "svc:/network/cswrsyncd:default/:properties/general/enabled"
                                  " boolean true\n")
    result = compare_spec_full(_spec(tmp_path, name), _facts(facts, warnings))
    assert [f.identity for f in result.findings] == [("service", name, "running", "changed")]
    assert result.findings[0].expected is True and result.findings[0].actual is False
    assert any("cswrsyncd" in n and "in maintenance" in n for n in result.notes)


def test_fmri_named_services_that_run_are_no_drift(tmp_path: Path) -> None:
    facts, _ = parse(SVCS)
    for name in ("svc:/system/svc/restarter:default", "restarter",
                 "svc:/network/dns/client:default", "lrc:/etc/rcS_d/S50sk98sol"):
        # enabled is unknown (no svcprop answer; legacy has none): never drift
        assert compare_spec_full(_spec(tmp_path, name), _facts(facts)).findings == [], name


def test_an_fmri_the_host_lacks_is_missing(tmp_path: Path) -> None:
    facts, _ = parse(SVCS)
    result = compare_spec_full(_spec(tmp_path, "svc:/pkgsrc/nginx:default"), _facts(facts))
    assert [f.identity for f in result.findings] == [
        ("service", "svc:/pkgsrc/nginx:default", None, "missing")]


@pytest.mark.parametrize("name", ["nginx", "getty@tty1", "physical:nwam",
                                  "svc:/pkgsrc/nginx:default", "svc:/network/ssh",
                                  "svc:/network/dns/client:default", "lrc:/etc/rc3_d/S90foo"])
def test_service_names_a_spec_may_use(name: str) -> None:
    assert TypeAdapter(ServiceName).validate_python(name) == name


@pytest.mark.parametrize("name", ["svc:/a/../b:default", "svc://localhost/ssh", "svc:/",
                                  "../x", "a/b", "svc:/a:b:c", "svc:/a/.x:default",
                                  "lrc:/etc/rc3_d/S90 foo", "svc:/ssh:default\n"])
def test_service_names_a_spec_may_not_use(name: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ServiceName).validate_python(name)


def _run_branch(tmp_path: Path, svcs: str, svcprop: str | None) -> tuple[str, list[str]]:
    """The services snippet under dash as ``$SYS = SunOS``, with test-local ``svcs`` and
    ``svcprop`` scripts (``svcprop`` answers every FMRI it is given, in reverse order, the
    way ``-f`` lines may come)."""
    import os
    import shutil
    import subprocess

    from parity.facts.collectors import get_collector

    if shutil.which("dash") is None:
        pytest.skip("dash is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "svcs").write_text(f"#!/bin/sh\n{svcs}\n")
    if svcprop is not None:
        (bin_dir / "svcprop").write_text(f"#!/bin/sh\n{svcprop}\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    script = ('have() { command -v "$1" >/dev/null 2>&1; }\nNA="@@NA"\nSYS=SunOS\n'
              + get_collector("services").snippet(CollectRequest()))
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"}
    out = subprocess.run(["dash", "-c", script], capture_output=True, text=True, env=env,
                         timeout=60, check=True).stdout
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return out, calls


def test_the_branch_asks_one_svcprop_for_every_svc_instance(tmp_path: Path) -> None:
    recorded = RECORDED / "svcs-H-o-state,fmri-puppet.txt"
    answer = (f'echo "$*" >> {tmp_path}/calls; shift 4; for f do r="$f $r"; done; '
              'for f in $r; do echo "$f/:properties/general/enabled boolean true"; done')
    out, calls = _run_branch(tmp_path, f"cat '{recorded}'", answer)
    assert calls == ["-c -f -p general/enabled svc:/system/svc/restarter:default "
                     "svc:/network/cswrsyncd:default svc:/network/dns/client:default"]
    warnings: list[str] = []
    facts = services.parse(out, CollectRequest(), warnings)
    assert {k: v["enabled"] for k, v in facts.items()} == {
        "client": True, "cswrsyncd": True, "restarter": True, "sk98sol": None}
    assert warnings == [MAINTENANCE]


def test_the_branch_without_svcprop_or_with_a_failing_svcs(tmp_path: Path) -> None:
    out, _ = _run_branch(tmp_path, "echo 'online svc:/system/cron:default'", None)
    facts = services.parse(out, CollectRequest(), [])
    assert facts["cron"]["enabled"] is None and facts["cron"]["running"] is True
    out, _ = _run_branch(tmp_path / "x", "echo 'svcs: Could not bind to repository' >&2; exit 1",
                         None)
    assert "@@NA svcs failed" in out and "@svcs" not in out
