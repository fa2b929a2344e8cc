"""The fleet report's JUnit, Markdown and Prometheus outputs: golden files for the small sample,
and, for hostile names, what an independent reader makes of them (xml.etree and xmllint for the
JUnit file, prometheus_client's parser for the metrics)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from parity.compare.finding import Finding
from parity.fleet.model import FleetReport, HostOutcome, TrackedFinding
from parity.fleet.outputs import junit, markdown, metrics
from tests.fleet import samples
from tests.helpers.hostile import unsafe_chars

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "fleet"
Golden = Callable[[str, Path], None]


@pytest.mark.parametrize(("module", "ext"), [(junit, "xml"), (markdown, "md"),
                                             (metrics, "prom")])
def test_golden(module: object, ext: str, golden: Golden) -> None:
    golden(module.render(samples.small()), GOLDEN / f"small.{ext}")  # type: ignore[attr-defined]


# --- JUnit --------------------------------------------------------------------------------------


def test_junit_one_suite_per_host_with_time_and_timestamp() -> None:
    report = samples.small()
    root = ET.fromstring(junit.render(report))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [h.host for h in report.hosts]
    for suite, host in zip(suites, report.hosts, strict=True):
        assert float(suite.get("time", "x")) == pytest.approx(host.seconds)
        # the JUnit schema's zone-less xs:dateTime, in UTC
        assert suite.get("timestamp", "").startswith("2026-11-28T02:00:")
        assert len(suite.get("timestamp", "")) == 19
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == len(host.failing)
    assert root.get("time") == "12.000"
    assert int(root.get("failures", "-1")) == report.summary()["findings"]


def test_junit_unreachable_host_is_an_error_case_with_its_reason() -> None:
    root = ET.fromstring(junit.render(samples.small()))
    suite = root.find("testsuite[@name='web3']")
    assert suite is not None and suite.get("errors") == "1"
    error = suite.find("testcase/error")
    assert error is not None and "Connection timed out" in (error.get("message") or "")
    assert root.get("errors") == "1"


def test_junit_says_what_is_new_and_what_is_old() -> None:
    root = ET.fromstring(junit.render(samples.small()))
    msgs = {c.get("name"): (c.find("failure").get("message") or "")  # type: ignore[union-attr]
            for c in root.iter("testcase") if c.find("failure") is not None
            and c.get("classname", "").startswith("db1")}
    assert "new since the last run" in msgs["package/openjdk-17-jre-headless/version changed"]
    assert "open since 2026-11-25" in msgs["file//etc/cassandra/cassandra.yaml/sha256 changed"]


def test_junit_hostile_names_stay_well_formed(tmp_path: Path) -> None:
    text = junit.render(samples.hostile())
    root = ET.fromstring(text)  # would raise on a raw control character
    names = [s.get("name") or "" for s in root.findall("testsuite")]
    assert samples.XSS_SCRIPT in names  # markup is data in XML: escaped by the writer, intact
    assert not unsafe_chars(text, allow="\n")
    path = tmp_path / "fleet.xml"
    path.write_text(text, encoding="utf-8")
    try:
        proc = subprocess.run(["xmllint", "--noout", str(path)], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        pytest.skip("xmllint is not installed (an extra check; xml.etree parsed it above)")
    assert proc.returncode == 0, proc.stderr


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_hostile_names_are_inert() -> None:
    text = markdown.render(samples.hostile())
    assert not unsafe_chars(text, allow="\n")
    # markup outside code spans is backslash-escaped; inside code spans it is literal text
    outside = "".join(part for i, part in enumerate(text.split("`")) if i % 2 == 0)
    assert "<img" not in outside.replace("\\<img", "")
    assert "<script" not in outside.replace("\\<script", "")


def test_markdown_caps_long_lists() -> None:
    report = samples.fleet(200)
    text = markdown.render(report)
    new = report.summary()["new"]
    assert f"#### New since the last run ({new})" in text
    assert f"- ... and {new - markdown.MAX_LIST} more" in text
    assert text.count("\n| `cass-") == markdown.WORST


# --- Prometheus metrics -------------------------------------------------------------------------


def _parse(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge"
        assert family.documentation
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_metrics_parse_and_count() -> None:
    report = samples.small()
    m = _parse(metrics.render(report))
    s = report.summary()
    assert {lab["state"]: v for lab, v in m["parity_hosts"]} == {
        "clean": s["clean"], "drifted": s["drifted"], "unreachable": s["unreachable"]}
    assert sum(v for _, v in m["parity_findings"]) == s["findings"]
    assert ({"host": "db2", "kind": "package", "change": "unexpected"}, 1.0) in \
        m["parity_findings"]
    assert m["parity_findings_new"] == [({}, s["new"])]
    assert m["parity_findings_resolved"] == [({}, s["resolved"])]
    assert m["parity_run_duration_seconds"] == [({}, 12.0)]
    assert m["parity_last_run_timestamp_seconds"] == [({}, 1795831212.0)]  # 2026-11-28T02:00:12Z
    assert {lab["host"]: v for lab, v in m["parity_host_collect_seconds"]} == {
        h.host: h.seconds for h in report.hosts}


def test_metrics_label_values_round_trip_through_a_parser() -> None:
    """Backslash, quote and newline escaped per the format; the parser returns the exact name."""
    name = 'we"b\\1\nx</script>'
    f = Finding(name, "package", "curl", "version", ">=8", "7", "changed")
    report = FleetReport("r", "2026-11-28T02:00:00Z", "2026-11-28T02:00:01Z", "0", {},
                         [HostOutcome(name, "web", "prod", "drifted", seconds=0.5,
                                      findings=[TrackedFinding(f)])])
    text = metrics.render(report)
    assert '\\"' in text and "\\\\" in text and "\\n" in text
    m = _parse(text)
    assert m["parity_findings"] == [({"host": name, "kind": "package", "change": "changed"}, 1)]
    assert m["parity_host_collect_seconds"] == [({"host": name}, 0.5)]


def test_metrics_hostile_report_parses_and_is_utf8() -> None:
    text = metrics.render(samples.hostile())
    text.encode("utf-8")  # undecodable bytes became \xNN, the file can be written
    hosts = {lab["host"] for lab, _ in _parse(text)["parity_host_collect_seconds"]}
    assert samples.XSS_SCRIPT in hosts
    assert any(h.startswith(samples.XSS_IMG) and h.endswith("\\xff") for h in hosts)


def test_metrics_duplicate_host_names_make_one_series() -> None:
    report = samples.small()
    report.hosts.append(HostOutcome("db1", "cassandra", "prod", "clean", seconds=9.0))
    m = _parse(metrics.render(report))
    assert [v for lab, v in m["parity_host_collect_seconds"] if lab["host"] == "db1"] == [9.0]
