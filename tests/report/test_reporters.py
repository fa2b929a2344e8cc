"""Every reporter against golden files (``pytest --update-golden`` rewrites them), plus the
properties goldens cannot show: valid XML, a stable JSON schema, one exit code for all formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from parity.errors import ExitCode, UsageError
from parity.report import REPORTERS, get_reporter, render_report

from .samples import CASES, H1, clean_report, drift_report, error_report

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "report"
EXT = {"text": "txt", "json": "json", "junit": "xml", "markdown": "md"}
Golden = Callable[[str, Path], None]


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, fmt: str, golden: Golden) -> None:
    report = CASES[case]()
    text = render_report(report, fmt)
    golden(text, GOLDEN / f"{case}.{int(report.exit_code)}.{EXT[fmt]}")


def test_golden_text_tty(golden: Golden) -> None:
    report = drift_report()
    golden(render_report(report, "text", tty=True), GOLDEN / "drift.1.tty.txt")


def test_exit_codes_error_beats_drift() -> None:
    assert clean_report().exit_code == ExitCode.OK
    assert drift_report().exit_code == ExitCode.DRIFT
    assert error_report().exit_code == ExitCode.HOST


def test_json_schema_is_stable() -> None:
    doc = json.loads(render_report(error_report(), "json"))
    assert doc["format"] == 1 and doc["exit_code"] == 3
    assert set(doc) == {"format", "command", "reference", "role", "strict", "baseline",
                        "exit_code", "summary", "warnings", "hosts"}
    host = doc["hosts"][0]
    assert set(host) == {"host", "status", "error", "checked", "findings", "package_changes"}
    assert host["package_changes"] is None  # a check: only `parity diff` computes them
    assert set(host["findings"][0]) == {"host", "kind", "name", "field", "path", "change",
                                        "expected", "actual", "ignored", "baselined", "fails"}
    assert [h["status"] for h in doc["hosts"]] == ["drift", "ok", "error"]
    assert doc["summary"] == {"hosts": 3, "hosts_ok": 1, "hosts_drift": 1, "hosts_error": 1,
                              "findings": 9, "failing": 7, "ignored": 1, "baselined": 1}


def test_junit_is_valid_xml_with_counts() -> None:
    root = ET.fromstring(render_report(error_report(), "junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [H1, "ssh://deploy@127.0.0.2:2222", "docker://gone"]
    s1 = suites[H1]
    assert (s1.get("failures"), s1.get("skipped"), s1.get("errors")) == ("7", "2", "0")
    names = [c.get("name") for c in s1.iter("testcase")]
    assert "file//etc/odd|<name> & `x`.conf/sha256 changed" in names
    assert "group: 1 checked" in names  # kinds without findings pass visibly
    assert suites["docker://gone"].find("testcase/error") is not None
    assert root.get("errors") == "1" and root.get("failures") == "7"


def test_markdown_escapes_table_breakers() -> None:
    text = render_report(drift_report(), "markdown")
    row = next(line for line in text.splitlines() if "odd" in line)
    assert row.count(" | ") == 5  # the pipe in the name is escaped, the row keeps 6 cells
    assert "1.22.\\*" in text and "<details>" in text


def test_unknown_format() -> None:
    with pytest.raises(UsageError, match="known: json, junit, markdown, text"):
        get_reporter("html")


def test_junit_has_no_passing_case_for_a_kind_nothing_was_checked_in() -> None:
    """A spec without services checks 0 services: that is no test, passing or otherwise."""
    from parity.compare.result import HostReport, Report

    report = Report(command="check", reference="parity.yaml", results=[
        HostReport("docker://x", [], checked={"package": 3, "service": 0, "port": 0})])
    root = ET.fromstring(render_report(report, "junit"))
    assert [c.get("name") for c in root.iter("testcase")] == ["package: 3 checked"]
    assert root.get("tests") == "1"


def test_tty_text_shows_square_brackets_literally() -> None:
    """rich reads ``[bold]`` and ``[/]`` as markup: host data must never be parsed as such."""
    from parity.compare.finding import Finding
    from parity.compare.result import HostReport, Report

    odd = "/etc/[bold]x[/bold]"
    report = Report(command="check", reference="[red]p.yaml", warnings=["rule '[/]' expired"],
                    results=[
                        HostReport("docker://x", [Finding("docker://x", "file", odd, "mode",
                                                          "0644", "[/]", "changed")]),
                        HostReport("ssh://h", error="ssh://h: [Errno 111] refused [/]")])
    text = render_report(report, "text", tty=True)
    for literal in (odd, "[/]", "[Errno 111] refused [/]", "[red]p.yaml", "rule '[/]' expired"):
        assert literal in text, literal


@pytest.mark.parametrize(("name", "span"), [
    ("plain", "`plain`"),
    ("a`b", "`` a`b ``"),
    ("a``b", "``` a``b ```"),  # the fence is longer than any backtick run inside
    ("`x`", "`` `x` ``"),
])
def test_markdown_code_span_fences(name: str, span: str) -> None:
    from parity.report.markdown import _code

    assert _code(name) == span
