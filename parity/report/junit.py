"""JUnit XML report, for CI test tabs (GitLab, Jenkins, GitHub test reporters).

One ``<testsuite>`` per host. Each finding is a test case named by its path (a failure when it
fails, skipped when ignored or baselined); each kind with items checked and no findings is one
passing case (``package: 12 checked``), so a green host still shows what was looked at. A host
that could not be checked is one case with an ``<error>``. Built with ``xml.etree`` so names
with ``<``, ``&`` or quotes always produce valid XML; every host or spec string is sanitised
(:mod:`parity.textsafe`) first, because XML 1.0 cannot hold most C0 characters even as
character references, and a CI parser rejects the whole file over one of them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from parity.compare.finding import Finding
from parity.compare.result import HostReport, Report
from parity.report.values import note, show
from parity.textsafe import safe, safe_lines


def error_case(suite: ET.Element, host: str, error: str, counts: dict[str, int],
               **attrs: str) -> None:
    """The one case of a host that could not be checked: an ``<error>`` with the reason."""
    text = safe_lines(error)
    case = ET.SubElement(suite, "testcase", classname=host, name="collect facts", **attrs)
    ET.SubElement(case, "error", message=text, type="HostError").text = text
    counts["tests"] = counts["errors"] = 1


def checked_cases(suite: ET.Element, host: str, checked: dict[str, int],
                  with_findings: set[str], counts: dict[str, int]) -> None:
    """One passing case per kind with items checked and no finding (``package: 12 checked``),
    so a green host still shows what was looked at."""
    for kind, n in sorted(checked.items()):
        if n and kind not in with_findings:
            ET.SubElement(suite, "testcase", classname=f"{host}.{safe(kind)}",
                          name=f"{safe(kind)}: {n} checked")
            counts["tests"] += 1


def finding_case(suite: ET.Element, host: str, f: Finding, counts: dict[str, int],
                 age: str | None = None) -> None:
    """One finding as a case: a failure when it fails (``age``, if given, says since when),
    skipped when ignored or baselined."""
    case = ET.SubElement(suite, "testcase", classname=f"{host}.{safe(f.kind)}",
                         name=f"{safe(f.path)} {safe(f.change)}")
    counts["tests"] += 1
    detail = (f"{safe(f.change)}: expected {show(f.expected, f.field)}, "
              f"actual {show(f.actual, f.field)}")
    if f.fails:
        message, text = (f"{detail} [{age}]", f"{detail}\n{age}") if age else (detail, detail)
        ET.SubElement(case, "failure", message=message, type=safe(f.change)).text = text
        counts["failures"] += 1
    else:
        ET.SubElement(case, "skipped", message=note(f))
        counts["skipped"] += 1


def _suite(parent: ET.Element, result: HostReport) -> None:
    host = safe(result.host)
    suite = ET.SubElement(parent, "testsuite", name=host)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if result.error is not None:
        error_case(suite, host, result.error, counts)
    else:
        checked_cases(suite, host, result.checked, {f.kind for f in result.findings}, counts)
        for f in result.findings:
            finding_case(suite, host, f, counts)
        if result.package_changes:
            # informational, like nvd's summary: a test case per change would count the
            # closure's churn as tests; the findings are already the cases
            from parity.report.package_changes import block

            ET.SubElement(suite, "system-out").text = block(result.package_changes)
    for k, v in counts.items():
        suite.set(k, str(v))


def render(report: Report, *, tty: bool = False) -> str:
    root = ET.Element("testsuites", name=safe(f"parity {report.command} {report.reference}"))
    for r in report.results:
        _suite(root, r)
    totals = {k: sum(int(s.get(k, "0")) for s in root) for k in
              ("tests", "failures", "errors", "skipped")}
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
