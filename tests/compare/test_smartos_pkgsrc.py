"""A SmartOS host's packages judged by pkgsrc's rules, and the SunOS branch end to end.

Version constraints follow pkg_install's dewey ordering on a host whose ``os.family`` is
``pkgsrc``: :func:`parity.compare.against_spec.compare_spec_full` picks the scheme from the host's
family, nothing here is SmartOS specific. ``--strict`` and ``capture`` read the generic ``auto``
mark, which the pkgsrc branch fills from pkg_install's ``automatic`` flag.

The docker test builds ``tests/fixtures/smartos`` (a Linux container whose ``uname``,
``zonename`` and ``pkg_info`` print outputs recorded on real hosts, see its ``recorded/*.source``)
and collects through parity's real docker transport: the collection script's SunOS branches
and the parsers run unchanged. No SmartOS machine exists here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parity.compare.against_spec import compare_spec
from parity.compare.base_system import BaseSystem
from parity.compare.capture import capture_document
from parity.compare.check import CheckOptions, check_facts
from parity.facts import CollectRequest, collect, transport
from parity.facts.model import Facts
from parity.spec import Spec, load_spec_text

FIXTURE = Path(__file__).parents[1] / "fixtures" / "smartos"
RECORDED = FIXTURE / "recorded"

ZONE_OS = {"distro": "smartos", "release": "23.4", "version": "23.4.0",
           "codename": "base-64-lts", "family": "pkgsrc", "zone": "0f5c6b5e",
           "platform": "joyent_20240111T000000Z", "kernel": "5.11", "arch": "i86pc"}


def spec(packages: str, tmp_path: Path) -> Spec:
    return load_spec_text(f"parity: 1\nname: zone\nbase: smartos:23.4\npackages:\n{packages}",
                          tmp_path / "parity.yaml")


def zone(**packages: tuple[str, bool]) -> Facts:
    return Facts(host="zone1", os=dict(ZONE_OS),
                 packages={n: {"version": v, "arch": None, "auto": a}
                           for n, (v, a) in packages.items()})


def triples(spec_: Spec, facts: Facts, **kw: Any) -> set[tuple[str, str, str | None, str]]:
    return {f.identity for f in compare_spec(spec_, facts, **kw)}


def test_nb_revision_is_inside_the_upstream_range(tmp_path: Path) -> None:
    facts = zone(nginx=("1.25.3nb1", False))
    assert triples(spec('  nginx: ">=1.25.3,<1.25.4"\n', tmp_path), facts) == set()
    assert triples(spec('  nginx: "=1.25.2"\n', tmp_path), facts) == {
        ("package", "nginx", "version", "changed")}
    # a pin without nbN is an upstream version, one with it names the package revision
    assert triples(spec('  nginx: "=1.25.3"\n', tmp_path), facts) == set()
    assert triples(spec('  nginx: "=1.25.3nb1"\n', tmp_path), facts) == set()
    assert triples(spec('  nginx: ">=1.25.3nb2"\n', tmp_path), facts) == {
        ("package", "nginx", "version", "changed")}


def test_dewey_decides_where_dpkg_would_not(tmp_path: Path) -> None:
    """``9.6p1`` reads 9.6.16.1 in dewey (``p`` is the 16th letter), after 9.6.16; ``1.0a``
    equals ``1.0.1``; ``rc`` comes before the release. dpkg sorts a letter before ``.`` and
    after the end of a version, so a deb host fails all three pins."""
    pins = '  postgresql96-server: ">=9.6.16"\n  font: "=1.0.1"\n  perl: "<5.38.0"\n'
    facts = zone(**{"postgresql96-server": ("9.6p1", False), "font": ("1.0a", False),
                    "perl": ("5.38.0rc1", False)})
    assert triples(spec(pins, tmp_path), facts) == set()
    facts.os["family"] = "apt"
    assert triples(spec(pins, tmp_path), facts) == {
        ("package", "postgresql96-server", "version", "changed"),
        ("package", "font", "version", "changed"), ("package", "perl", "version", "changed")}


def test_strict_and_capture_judge_what_someone_chose(tmp_path: Path) -> None:
    facts = zone(nginx=("1.25.3nb1", False), htop=("3.2.2", False), pcre2=("10.42", True))
    s = spec('  nginx: "*"\n', tmp_path)
    assert triples(s, facts, strict=True, base=BaseSystem.empty()) == {
        ("package", "htop", None, "unexpected")}
    report = check_facts(s, [facts], CheckOptions(strict=True, base_from_docker=False))
    assert {f.identity for f in report.all_findings()} == {("package", "htop", None,
                                                            "unexpected")}
    doc = capture_document(facts, BaseSystem.empty())
    assert doc["base"] == "smartos:23.4"
    assert doc["packages"] == {"htop": "=3.2.2", "nginx": "=1.25.3nb1"}


# ------------------------------------------------------------------------- end to end, docker


@pytest.fixture(scope="module")
def smartos_image(image_builder: Any) -> str:
    return image_builder(FIXTURE, area="smartos")


@pytest.mark.docker
def test_a_recorded_zone_end_to_end(container_factory: Any, smartos_image: str,
                                    tmp_path: Path) -> None:
    host = container_factory.start(smartos_image)
    before = transport.commands_started()
    facts = collect(f"docker://{host.name}", CollectRequest(kinds=("os", "packages")),
                    timeout=60)
    assert transport.commands_started() - before == 1
    assert facts.unavailable == {} and facts.warnings == []

    # what the recordings say: uname -a and zonename of the procmind blog's zone, /etc/product
    # and /etc/release of Ansible's zone fixture (image base64 14.3.0)
    zonename = (RECORDED / "zonename-zone.txt").read_text().strip()
    assert facts.os == {
        "distro": "smartos", "family": "pkgsrc", "zone": zonename,
        "platform": "joyent_20160121T174331Z", "kernel": "5.11", "arch": "i86pc",
        "release": "14.3", "version": "14.3.0", "codename": "base64",
        "banner": "SmartOS x86_64",
    }
    for name in ("product", "release"):  # the zone's files are the recordings themselves
        recorded = {"product": "product-base64-14.3.0.txt", "release": "release-zone-14.3.0.txt"}
        assert (FIXTURE / "root" / "etc" / name).read_bytes() == (
            RECORDED / recorded[name]).read_bytes()
    # pkg_info -a lists five packages; pkg_info -u (the stand-in prints pkgin show-keep of the
    # same database, see root/opt/local/sbin/pkg_info) names the three chosen ones
    assert facts.packages == {
        "deptree-bottom": {"version": "1.0", "arch": None, "auto": True},
        "deptree-middle": {"version": "1.0", "arch": None, "auto": True},
        "deptree-top": {"version": "1.0", "arch": None, "auto": False},
        "pkgpath": {"version": "1.0", "arch": None, "auto": False},
        "preserve": {"version": "1.0", "arch": None, "auto": False},
    }

    s = spec('  deptree-top: ">=1.0"\n  preserve: "=1.0nb0"\n  pkgpath: ">=2.0"\n', tmp_path)
    report = check_facts(s, [facts], CheckOptions(strict=True, base_from_docker=False))
    # the zone's image is 14.3, the spec's base 23.4: that is drift the recordings show; the
    # first two pins hold (=1.0nb0 is 1.0 by dewey), pkgpath 1.0 is not >=2.0; --strict
    # reports nothing: the two packages nobody chose are automatic
    assert {f.identity for f in report.all_findings()} == {
        ("os", "release", None, "changed"), ("package", "pkgpath", "version", "changed")}
    release = next(f for f in report.all_findings() if f.kind == "os")
    assert (release.expected, release.actual) == ("23.4", "14.3")
    assert int(report.exit_code) == 1
