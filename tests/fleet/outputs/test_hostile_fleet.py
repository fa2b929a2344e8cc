"""Every fleet output fed arbitrary hostile text (hypothesis) in every name, value, reason and
error: the HTML never gains an element or attribute, JUnit always parses, Markdown stays inert,
and the metrics parser returns each host's name exactly."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from parity.compare.finding import Finding
from parity.fleet.model import FleetReport, HostOutcome, TrackedFinding
from parity.fleet.outputs import html, junit, markdown, metrics
from tests.fleet.outputs.test_html import Page
from tests.helpers.hostile import hostile_text, unsafe_chars

text = hostile_text()
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def reports(draw: st.DrawFn) -> FleetReport:
    hosts = []
    for host in draw(st.lists(text, min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            hosts.append(HostOutcome(host, draw(text), "prod", "unreachable", error=draw(text)))
            continue
        fs = [TrackedFinding(Finding(host, draw(st.sampled_from(["package", "file"])),
                                     draw(text), draw(st.sampled_from([None, "version",
                                                                       "sha256"])),
                                     draw(text), draw(text),
                                     draw(st.sampled_from(["missing", "changed"])),
                                     ignored=draw(st.one_of(st.none(), text))),
                             new=draw(st.booleans()), first_seen=draw(st.one_of(st.none(), text)))
              for _ in range(draw(st.integers(0, 2)))]
        hosts.append(HostOutcome(host, draw(text), "prod", "drifted" if fs else "clean",
                                 seconds=0.5, collected_at=draw(st.one_of(st.none(), text)),
                                 findings=fs, checked={"package": 1},
                                 observed={"package": {draw(text): draw(text)},
                                           "file": {draw(text): None}}))
    return FleetReport(draw(text), "2026-11-28T02:00:00Z", "2026-11-28T02:00:05Z", "0",
                       {draw(text): draw(text)}, hosts,
                       ignore_rules=[{"path": draw(text), "reason": draw(text),
                                      "expires": draw(text), "spec": draw(text)}],
                       baseline=draw(text), warnings=[draw(text)])


ALLOWED_TAGS = {"html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2",
                "h3", "p", "span", "nav", "a", "main", "section", "div", "b", "figure",
                "figcaption", "canvas", "table", "thead", "tbody", "tr", "th", "td", "progress",
                "details", "summary", "ul", "li", "pre", "form", "label", "select", "option",
                "input", "button", "output", "footer", "script"}


@SETTINGS
@given(reports())
def test_html_gains_no_markup(report: FleetReport) -> None:
    out = html.render(report)
    out.encode("utf-8")
    page = Page(out)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert sum(t == "script" for t, _ in page.tags) == 3
    assert not [k for _, a in page.tags for k in a if k.startswith("on")]
    assert not unsafe_chars(out, allow="\n")


@SETTINGS
@given(reports())
def test_junit_always_parses(report: FleetReport) -> None:
    root = ET.fromstring(junit.render(report))
    assert len(root.findall("testsuite")) == len(report.hosts)


@SETTINGS
@given(reports())
def test_markdown_is_inert(report: FleetReport) -> None:
    assert not unsafe_chars(markdown.render(report), allow="\n")


@SETTINGS
@given(reports())
def test_metrics_parse_back_to_the_host_names(report: FleetReport) -> None:
    out = metrics.render(report)
    out.encode("utf-8")
    hosts = [s.labels["host"] for fam in text_string_to_metric_families(out)
             for s in fam.samples if s.name == "parity_host_collect_seconds"]
    expected = {"".join(_documented(c) for c in h.host) for h in report.hosts}
    assert sorted(hosts) == sorted(expected)  # one series per written name


def _documented(ch: str) -> str:
    """docs/fleet-outputs.md: an undecodable byte as ``\\xNN``, another surrogate ``\\uNNNN``."""
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if 0xD800 <= code <= 0xDFFF else ch
