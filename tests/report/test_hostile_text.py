"""Every reporter fed hostile host and spec text: human formats stay inert, JUnit always parses
(xml.etree and, independently, ``xmllint``), JSON keeps the exact values."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.compare.finding import Finding
from parity.compare.result import HostReport, Report
from parity.report import render_report
from tests.helpers.hostile import NASTY, hostile_text, surrogateescaped, unsafe_chars

#: rich's own styling on a terminal: SGR sequences only, nothing else
_SGR = re.compile(r"\x1b\[[0-9;]*m")

text = hostile_text()
value = st.one_of(st.none(), st.booleans(), st.integers(), text, st.lists(text, max_size=3))


@st.composite
def findings(draw: st.DrawFn, host: str) -> Finding:
    return Finding(
        host=host, kind=draw(st.one_of(st.sampled_from(["package", "user", "file"]), text)),
        name=draw(text), field=draw(st.one_of(st.none(), text)), expected=draw(value),
        actual=draw(value), change=draw(st.sampled_from(["missing", "unexpected", "changed"])),
        ignored=draw(st.one_of(st.none(), text)), baselined=draw(st.booleans()))


@st.composite
def host_reports(draw: st.DrawFn) -> HostReport:
    host = draw(text)
    if draw(st.booleans()):
        return HostReport(host, error=draw(text))
    return HostReport(host, draw(st.lists(findings(host), max_size=4)),
                      checked=draw(st.dictionaries(st.one_of(st.sampled_from(["package", "file"]),
                                                             text),
                                                   st.integers(0, 50), max_size=3)))


@st.composite
def reports(draw: st.DrawFn) -> Report:
    return Report(command=draw(st.sampled_from(["check", "diff"])), reference=draw(text),
                  results=draw(st.lists(host_reports(), max_size=3)),
                  warnings=draw(st.lists(text, max_size=2)),
                  role=draw(st.sampled_from([None, "dev", "prod", "auto"])),
                  strict=draw(st.booleans()), baseline=draw(st.one_of(st.none(), text)))


def worst_report() -> Report:
    """Every character that must be escaped, in every string a report shows."""
    every = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029,
                                     *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF,
                                     0xFFFE, 0xFFFF, 0xD800, 0x78, 0xDFFF])
    every += surrogateescaped(bytes(range(0x80, 0x100))) + "".join(NASTY)
    f = Finding(every, "file", every, every, every, [every], "changed", ignored=every)
    return Report(command="check", reference=every, warnings=[every], baseline=every,
                  role="dev", results=[HostReport(every, [f, Finding(every, "user", every,
                                                                     None, None, every,
                                                                     "unexpected")],
                                                  checked={"file": 2, "user": 0}),
                                       HostReport(every, error=every + "\n" + every)])


HUMAN = [("text", False), ("text", True), ("markdown", False)]


def _visible(fmt: str, tty: bool, report: Report) -> str:
    out = render_report(report, fmt, tty=tty)
    return _SGR.sub("", out) if tty else out


@pytest.mark.parametrize(("fmt", "tty"), HUMAN)
@given(report=reports())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_human_formats_never_hold_raw_controls(fmt: str, tty: bool, report: Report) -> None:
    out = _visible(fmt, tty, report)
    assert not unsafe_chars(out, allow="\n"), sorted(unsafe_chars(out, allow="\n"))
    out.encode("utf-8")


@pytest.mark.parametrize(("fmt", "tty"), HUMAN)
def test_human_formats_worst_case(fmt: str, tty: bool) -> None:
    out = _visible(fmt, tty, worst_report())
    assert not unsafe_chars(out, allow="\n")
    for shown in ("\\x1b[2J", "\\x1b]52;c;", "\\x07", "\\x0d", "\\u2028", "\\u202e", "\\xff"):
        assert shown in out.replace("\\\\", "\\"), shown  # markdown escapes the backslash


def test_text_multiline_error_cannot_pose_as_a_host_line() -> None:
    report = Report(command="check", reference="p.yaml", results=[
        HostReport("docker://a", error="boom\ndocker://b: ok (12 checked)\r\nhint\rX")])
    lines = render_report(report, "text").splitlines()
    assert "docker://a: ERROR: boom" in lines
    assert "    docker://b: ok (12 checked)" in lines and "    hint\\x0dX" in lines
    assert not any(line.startswith("docker://b") for line in lines)


def _check_junit(out: str) -> ET.Element:
    root = ET.fromstring(out)
    for el in root.iter():
        for v in [*el.attrib.values(), el.text or ""]:
            assert not unsafe_chars(v, allow="\n"), v
    return root


@given(report=reports())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_junit_always_parses(report: Report) -> None:
    root = _check_junit(render_report(report, "junit"))
    assert len(root.findall("testsuite")) == len(report.results)


def test_junit_worst_case_parses() -> None:
    root = _check_junit(render_report(worst_report(), "junit"))
    assert root.get("errors") == "1"


@pytest.mark.xmllint
def test_junit_xmllint_accepts_a_batch(tmp_path: Path) -> None:
    """libxml2 as an independent XML oracle, over many generated reports at once."""
    docs = [render_report(worst_report(), "junit")]

    @given(report=reports())
    @settings(max_examples=80, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    def generate(report: Report) -> None:
        docs.append(render_report(report, "junit"))

    generate()
    paths = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"r{i}.xml"
        path.write_text(doc, encoding="utf-8")
        paths.append(str(path))
    proc = subprocess.run(["xmllint", "--noout", *paths], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[:2000]
    assert len(paths) > 50
    # and the oracle does reject what the old reporter wrote: a raw ESC in an attribute
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<testsuite name="a&#27;b"/>\n', encoding="utf-8")
    assert subprocess.run(["xmllint", "--noout", str(bad)], capture_output=True,
                          check=False).returncode != 0


def _json_text(s: object) -> object:
    """``s`` as JSON can hold it: a high then a low lone surrogate *is* one astral character in
    JSON's UTF-16 escapes (``"\\ud800\\udc00"`` reads back as U+10000). Host bytes decoded
    with surrogateescape only ever give low surrogates, which stay as they are."""
    if not isinstance(s, str):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _same(a: object, b: object) -> bool:
    """JSON has no tuples or sets; lists compare element by element."""
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return _json_text(a) == b and type(a) is type(b)


@given(report=reports())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_json_round_trips_exact_values(report: Report) -> None:
    out = render_report(report, "json")
    out.encode("ascii")  # ASCII: lone surrogates are \udcxx escapes, writable anywhere
    doc = json.loads(out)
    assert _same(report.reference, doc["reference"]) and _same(report.warnings, doc["warnings"])
    assert _same(report.baseline, doc["baseline"])
    for got, want in zip(doc["hosts"], report.results, strict=True):
        assert _same(want.host, got["host"]) and _same(want.error, got["error"])
        for gf, wf in zip(got["findings"], want.findings, strict=True):
            for key in ("host", "name", "field", "ignored", "path"):
                assert _same(getattr(wf, key), gf[key])
            assert _same(wf.expected, gf["expected"]) and _same(wf.actual, gf["actual"])


def test_json_keeps_undecodable_bytes_exactly() -> None:
    name = surrogateescaped(b"\xed\xa0\x80caf\xe9\x1b[2J")  # an encoded surrogate, latin-1
    report = Report(command="diff", reference="a.json", results=[
        HostReport("b", [Finding("b", "file", name, None, None, None, "unexpected")])])
    got = json.loads(render_report(report, "json"))["hosts"][0]["findings"][0]["name"]
    assert got == name and got.encode("utf-8", "surrogateescape") == b"\xed\xa0\x80caf\xe9\x1b[2J"


def test_json_worst_case_round_trips() -> None:
    report = worst_report()
    doc = json.loads(render_report(report, "json"))
    assert doc["hosts"][0]["findings"][0]["name"] == report.results[0].findings[0].name
    assert doc["hosts"][1]["error"] == report.results[1].error
