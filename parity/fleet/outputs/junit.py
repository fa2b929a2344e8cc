"""The fleet report as JUnit XML (``parity report --junit``), for a CI schedule's test tab.

Laid out like ``parity check --junit`` (parity/report/junit.py) so the same CI views read both:
one ``<testsuite>`` per host, a case per finding (a failure when it fails, skipped when ignored
or baselined), one passing case per kind checked without findings, and an unreachable host as one
case with an ``<error>`` (and its reason). Each suite carries ``time`` (the host's collection
wall time) and ``timestamp`` (when it was collected, UTC, in the schema's zone-less form); the
root carries the run's duration. Case names are the finding's path and change only, so a CI's
per-test history lines up across nights; whether a finding is new, and since when it is open,
goes in the failure text. Host and spec text is sanitised (:mod:`parity.textsafe`) so the file
is always well-formed XML 1.0.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from parity.fleet.model import FleetReport, HostOutcome, TrackedFinding, parse_time
from parity.report.junit import checked_cases, error_case, finding_case
from parity.textsafe import safe

COUNTS = ("tests", "failures", "errors", "skipped")


def render(report: FleetReport) -> str:
    root = ET.Element("testsuites", name=safe(f"parity report {report.run_id}"),
                      timestamp=_timestamp(report.started_at) or "")
    for host in report.hosts:
        _suite(root, host, report.started_at)
    for k in COUNTS:
        root.set(k, str(sum(int(s.get(k, "0")) for s in root)))
    root.set("time", f"{_seconds(report.started_at, report.finished_at):.3f}")
    if not root.get("timestamp"):
        del root.attrib["timestamp"]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(parent: ET.Element, h: HostOutcome, run_start: str) -> None:
    host = safe(h.host)
    suite = ET.SubElement(parent, "testsuite", name=host, hostname=host,
                          timestamp=_timestamp(h.collected_at) or _timestamp(run_start) or "",
                          time=f"{h.seconds:.3f}")
    if not suite.get("timestamp"):
        del suite.attrib["timestamp"]
    props = ET.SubElement(suite, "properties")
    for name, value in (("spec", h.spec), ("role", h.role), ("state", h.state)):
        ET.SubElement(props, "property", name=name, value=safe(value))
    counts = dict.fromkeys(COUNTS, 0)
    if h.state == "unreachable":
        error_case(suite, host, h.error or "host could not be checked", counts,
                   time=f"{h.seconds:.3f}")
    else:
        checked_cases(suite, host, h.checked, {t.finding.kind for t in h.findings}, counts)
        for t in h.findings:
            _case(suite, host, t, counts)
    for k, v in counts.items():
        suite.set(k, str(v))


def _case(suite: ET.Element, host: str, t: TrackedFinding, counts: dict[str, int]) -> None:
    age = ("new since the last run" if t.new else
           f"open since {safe(t.first_seen or '-')} ({t.runs_seen} runs)")
    finding_case(suite, host, t.finding, counts, age)



def _timestamp(text: str | None) -> str | None:
    """ISO 8601 in UTC without a zone, to the second: the JUnit schema's ``timestamp``."""
    value = parse_time(text)
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value else None


def _seconds(start: str, end: str) -> float:
    a, b = parse_time(start), parse_time(end)
    if a is None or b is None:
        return 0.0
    return max(0.0, (b - a).total_seconds())
