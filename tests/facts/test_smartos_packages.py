"""pkgsrc packages (SmartOS, NetBSD), from ``pkg_info``/``pkgin`` outputs recorded on real hosts.

The section the packages snippet prints on a pkgsrc host is ``manager pkgsrc``, ``pkg_info -a``'s
lines, then ``@auto pkgsrc-user`` and ``pkg_info -u``'s lines (packages not marked automatic).
Recordings and their sources: ``tests/fixtures/smartos/recorded/``. ``pkgin list`` and ``pkgin
show-keep`` print the same ``name-version  comment`` lines from the same package database (pkgin's
keep flag is pkg_install's automatic mark), so their recordings feed the parser too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from parity.facts.collectors import os as os_collector
from parity.facts.collectors import packages
from parity.facts.request import CollectRequest

RECORDED = Path(__file__).parents[1] / "fixtures" / "smartos" / "recorded"


def section(listing: str, user: str | None) -> str:
    text = "manager pkgsrc\n" + (RECORDED / listing).read_text()
    if user is not None:
        text += "@auto pkgsrc-user\n" + (RECORDED / user).read_text()
    return text


def parse(text: str) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    return packages.parse(text, CollectRequest(), warnings), warnings


def test_pkg_info_with_the_automatic_mark() -> None:
    pkgs, warnings = parse(section("pkg_info-a-pkgin-test-suite.txt",
                                   "pkgin-show-keep-pkgin-test-suite.txt"))
    assert pkgs == {
        "deptree-bottom": {"version": "1.0", "arch": None, "auto": True},
        "deptree-middle": {"version": "1.0", "arch": None, "auto": True},
        "deptree-top": {"version": "1.0", "arch": None, "auto": False},
        "pkgpath": {"version": "1.0", "arch": None, "auto": False},
        "preserve": {"version": "1.0", "arch": None, "auto": False},
    }
    assert warnings == []


def test_pkgin_list_of_the_same_database_reads_the_same() -> None:
    """pkgin pads the name column to 20, pkg_info to 19 and a space: only the token counts."""
    a, _ = parse(section("pkg_info-a-pkgin-test-suite.txt", None))
    b, _ = parse(section("pkgin-list-pkgin-test-suite.txt", None))
    assert a == b and all("auto" not in p for p in a.values())


def test_an_illumos_pkgsrc_bootstrap_splits_at_the_last_dash() -> None:
    pkgs, warnings = parse(section("pkgin-list-omnios-pkgsrc.txt", None))
    assert len(pkgs) == 22 and warnings == []
    assert pkgs["pkg_install"]["version"] == "20211115"
    assert pkgs["pkg_install-info"]["version"] == "4.5nb3"
    assert pkgs["bootstrap-mk-files"]["version"] == "20230225"
    assert pkgs["mozilla-rootcerts"]["version"] == "1.0.20221204"
    assert pkgs["pkgin"]["version"] == "22.10.0nb1"
    assert pkgs["gcc12-libs"]["version"] == "12.2.0"


def test_no_user_installed_package_marks_every_one_automatic() -> None:
    pkgs, _ = parse(section("pkg_info-a-pkgin-test-suite.txt", None) + "@auto pkgsrc-user\n")
    assert {p["auto"] for p in pkgs.values()} == {True}


@pytest.mark.parametrize("line", [
    "nodash  a comment without a version",
    "-1.0 a name missing",
    "trailing- dash",
    "\x1b[31mred\x1b[0m",
    "\r\x01",
])
def test_a_line_that_is_not_name_version_is_skipped(line: str) -> None:
    text = section("pkg_info-a-pkgin-test-suite.txt", "pkgin-show-keep-pkgin-test-suite.txt")
    text = text.replace("manager pkgsrc\n", f"manager pkgsrc\n{line}\n", 1)
    pkgs, warnings = parse(text)
    assert len(pkgs) == 5
    assert len(warnings) == 1 and warnings[0].startswith("skipped pkg_info -a line")


def test_control_characters_in_a_comment_are_only_data() -> None:
    text = "manager pkgsrc\nzlib-1.2.13  library \r with \x0c odd \x85 bytes\n"
    pkgs, warnings = parse(text)
    assert pkgs == {"zlib": {"version": "1.2.13", "arch": None}} and warnings == []


def test_garbage_in_the_user_list_is_skipped() -> None:
    text = section("pkg_info-a-pkgin-test-suite.txt", "pkgin-show-keep-pkgin-test-suite.txt")
    pkgs, warnings = parse(text + "\x00\x01garbage\n")
    assert pkgs["deptree-top"]["auto"] is False and pkgs["deptree-bottom"]["auto"] is True
    assert len(warnings) == 1 and warnings[0].startswith("skipped pkg_info -u line")


def test_the_snippet_runs_pkg_info_twice_and_never_pkgin() -> None:
    """Two processes for any number of packages; pkgin would write its own database."""
    text = packages.snippet(CollectRequest())
    pkgsrc = text.split("elif have dpkg-query", 1)[0]
    assert pkgsrc.count('"$pk" -') == 2
    assert '"$pk" -a' in pkgsrc and '"$pk" -u' in pkgsrc and "pkgin" not in pkgsrc
    # the global zone's tools come before a zone's prefix
    assert pkgsrc.index("/opt/tools/sbin/pkg_info") < pkgsrc.index("/opt/local/sbin/pkg_info")
    assert '[ "$SYS" != Linux ]' in pkgsrc


@pytest.mark.ksh93
def test_the_sunos_branches_run_under_ksh93(tmp_path: Path) -> None:
    """illumos' /bin/sh is ksh93: the os and packages snippets' SunOS branches run under it
    with the stand-ins (rewritten to read the recordings from here) first on PATH."""
    fixture = RECORDED.parent
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in (fixture / "standins" / "uname", fixture / "standins" / "zonename",
                 fixture / "root" / "opt" / "local" / "sbin" / "pkg_info"):
        target = bin_dir / tool.name
        target.write_text(tool.read_text().replace("/opt/parity-recorded", str(RECORDED)))
        target.chmod(0o755)
    preamble = (f"PATH={bin_dir}:$PATH\n"
                'have() { command -v "$1" >/dev/null 2>&1; }\nSYS=$(uname -s)\n')
    results = {}
    for collector in (os_collector, packages):
        run = subprocess.run(["ksh93", "-c", preamble + collector.snippet(CollectRequest())],
                             capture_output=True, text=True, timeout=30, check=True)
        assert run.stderr == ""
        results[collector.KIND] = parse_kind(collector, run.stdout)
    assert results["os"][0]["distro"] == "smartos"
    assert results["os"][0]["zone"] == "16021e9e-7e2f-4294-f7db-86dea02198be"
    assert results["packages"] == parse(section("pkg_info-a-pkgin-test-suite.txt",
                                                "pkgin-show-keep-pkgin-test-suite.txt"))


def parse_kind(collector: Any, text: str) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    return collector.parse(text, CollectRequest(), warnings), warnings
