"""The fleet report as one self-contained HTML page (``parity report --html``).

The page is written for an operator opening last night's file from disk or a CI artefact: no
network at all (Chart.js, the stylesheet and the page's script are inlined; a
Content-Security-Policy with ``default-src 'none'`` and sha256 hashes of exactly those inline
scripts and styles forbids anything else), readable on a laptop screen, and fast with 1,000 hosts
(the host list is built once, in the HTML; filters only toggle ``hidden``).

Everything a host or a spec supplied is untrusted. It is sanitised (:func:`parity.textsafe.safe`,
so controls and bidi overrides show as escapes) and then reaches the page only through jinja2 with
autoescape on, or as JSON inside a ``<script type="application/json">`` block (jinja2's
``tojson`` escapes ``<``, ``>``, ``&`` and ``'``, so ``</script>`` or ``<!--`` in a name cannot end
the block) that the page reads with ``JSON.parse`` and shows with ``textContent``.

This module turns a :class:`~parity.fleet.model.FleetReport` into display rows (the *view*);
``templates/report/fleet.html.j2`` lays them out. The roll-out view's rules are documented in
docs/fleet-outputs.md.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from parity.fleet.model import (
    FleetReport,
    HostOutcome,
    ResolvedFinding,
    TrackedFinding,
    parse_time,
)
from parity.report.values import note, show
from parity.templating import make_environment, templates_dir
from parity.textsafe import safe, safe_lines

#: finding fields that say a host does not carry the spec's content/version of a roll-out item;
#: ``None`` is a whole-item finding (missing). A file whose mode or owner drifted still carries
#: the spec's content, so it counts as rolled out.
CONTENT_FIELDS = {"file": {None, "sha256", "type"}, "package": {None, "version"}}
#: heat-map colour buckets: failing findings in one host x kind cell -> css class h0..h4
HEAT_BUCKETS = (0, 1, 3, 10)
STATE_ORDER = {"drifted": 0, "unreachable": 1, "clean": 2}
_SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")


def render(report: FleetReport) -> str:
    """The whole page as one string (UTF-8 when written)."""
    assets = _assets()
    view = build_view(report)
    return _environment().get_template("fleet.html.j2").render(
        view=view, chart_js=assets.chart_js, app_js=assets.app_js, css=assets.css,
        csp=assets.csp)


# --- assets and the Content-Security-Policy ---------------------------------------------------


@dataclass(frozen=True)
class _Assets:
    chart_js: Markup
    app_js: Markup
    css: Markup
    csp: str


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@cache
def _assets() -> _Assets:
    """The inlined files and a CSP that allows exactly them: static text, so hashed once."""
    folder = templates_dir("report")
    chart = _SOURCE_MAP.sub("\n", (folder / "vendor" / "chart.umd.min.js").read_text("utf-8"))
    app = (folder / "fleet.js").read_text("utf-8")
    css = (folder / "fleet.css").read_text("utf-8")
    for name, text in (("chart.umd.min.js", chart), ("fleet.js", app), ("fleet.css", css)):
        if re.search(r"</(script|style)|<!--", text, re.I):
            # inlined raw, such text would end the element early; never true for shipped files
            raise RuntimeError(f"templates/report/{name} cannot be inlined: it contains "
                               "'</script', '</style' or '<!--'")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_csp_hash(chart)} {_csp_hash(app)}",
        f"style-src {_csp_hash(css)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    # Markup: these are parity's own static files, inserted verbatim (their hashes must match)
    return _Assets(Markup(chart), Markup(app), Markup(css), csp)


@cache
def _environment() -> jinja2.Environment:
    return make_environment("report", autoescape=True)


# --- the view -----------------------------------------------------------------------------------


@dataclass
class RolloutItem:
    """One declared file or pinned package of one spec, across the hosts checked against it."""

    spec: str
    kind: str
    name: str
    spec_value: str  # shown: short sha256, or the version constraint, or "-" when unknown
    spec_value_full: str
    total: int  # reachable hosts of this spec that declare the item
    at_spec: int
    at_spec_values: list[tuple[str, int]]  # shown observed value -> hosts (packages vary)
    others: list[dict[str, Any]]  # {"value", "full", "count", "hosts": [shown names]}
    unchecked: int  # unreachable hosts of this spec (state unknown)

    @property
    def done(self) -> bool:
        """Every checked host carries it (unreachable hosts are noted, not waited for)."""
        return self.at_spec == self.total


@dataclass
class _Item:
    at_spec: Counter[str] = field(default_factory=Counter)
    others: dict[str | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    spec_values: Counter[str] = field(default_factory=Counter)


def build_view(report: FleetReport) -> dict[str, Any]:
    """Everything the template shows, as sanitised strings and numbers."""
    s = report.summary()
    hosts = sorted(report.hosts, key=lambda h: (STATE_ORDER.get(h.state, 3),
                                                -len(h.failing), h.host))
    resolved_by_host: dict[str, list[ResolvedFinding]] = defaultdict(list)
    for r in report.resolved:
        resolved_by_host[r.key.host].append(r)
    host_rows = [_host(i, h, resolved_by_host.pop(h.host, []), report.started_at)
                 for i, h in enumerate(hosts)]
    # resolved findings of a host not in this report (a shard's part): shown on their own
    orphans = [_resolved_row(r, report.started_at) for rs in resolved_by_host.values()
               for r in rs]
    kinds = sorted({t.finding.kind for h in report.hosts for t in h.findings}
                   | {r.key.kind for r in report.resolved})
    return {
        "title": f"parity fleet report {safe(report.run_id)}",
        "run_id": safe(report.run_id),
        "started_at": safe(report.started_at),
        "finished_at": safe(report.finished_at),
        "duration": _duration(report),
        "parity_version": safe(report.parity_version),
        "shard": safe(report.shard) if report.shard else None,
        "specs": [{"name": safe(k), "path": safe(v)} for k, v in sorted(report.specs.items())],
        "baseline": safe(report.baseline) if report.baseline else None,
        "summary": s,
        "history": _history(report),
        "heatmap": _heatmap(host_rows, kinds),
        "hosts": host_rows,
        "orphan_resolved": orphans,
        "kinds": [safe(k) for k in kinds],
        "ignore_rules": [_rule(r, report.started_at) for r in report.ignore_rules],
        "rollout": rollout(report),
        "warnings": [safe_lines(w) for w in report.warnings],
    }


def _duration(report: FleetReport) -> str:
    start, end = parse_time(report.started_at), parse_time(report.finished_at)
    if start is None or end is None:
        return "-"
    return f"{(end - start).total_seconds():.0f} s"



def _age(first_seen: str | None, now: str) -> str:
    """How long a finding has been open, in whole days (``<1 d`` on its first day)."""
    start, end = parse_time(first_seen), parse_time(now)
    if start is None or end is None:
        return "-"
    days = (end - start).days
    return f"{days} d" if days >= 1 else "<1 d"


def _day(text: str | None) -> str:
    return safe(text[:10]) if text else "-"


def _history(report: FleetReport) -> dict[str, list[Any]]:
    """The drift-over-time series (JSON for the chart). Without a history, this run alone."""
    runs = report.history
    if not runs:
        s = report.summary()
        from parity.fleet.model import RunSummary

        runs = [RunSummary(report.run_id, report.started_at, s["hosts"], s["drifted"],
                           s["unreachable"], s["findings"], s["new"], s["resolved"])]
    return {
        "labels": [safe(r.started_at[:16].replace("T", " ")) for r in runs],
        "run_ids": [safe(r.run_id) for r in runs],
        "findings": [r.findings for r in runs],
        "drifted": [r.drifted for r in runs],
        "unreachable": [r.unreachable for r in runs],
        "new": [r.new for r in runs],
        "resolved": [r.resolved for r in runs],
    }


def _finding_row(t: TrackedFinding, now: str) -> dict[str, Any]:
    f = t.finding
    return {"kind": safe(f.kind), "name": safe(f.name), "field": safe(f.field or "-"),
            "change": safe(f.change), "expected": show(f.expected, f.field),
            "actual": show(f.actual, f.field), "note": note(f), "fails": f.fails,
            "new": t.new and f.fails, "resolved": False, "first_seen": _day(t.first_seen),
            "runs_seen": t.runs_seen, "age": _age(t.first_seen, now)}


def _resolved_row(r: ResolvedFinding, now: str) -> dict[str, Any]:
    k = r.key
    return {"host": safe(k.host), "kind": safe(k.kind), "name": safe(k.name),
            "field": safe(k.field or "-"), "change": safe(r.change),
            "expected": show(r.expected, k.field), "actual": show(r.actual, k.field),
            "note": f"last seen {_day(r.last_seen)}", "fails": False, "new": False,
            "resolved": True, "first_seen": _day(r.first_seen), "runs_seen": None,
            "age": _age(r.first_seen, r.last_seen or now)}


def _host(index: int, h: HostOutcome, resolved: list[ResolvedFinding],
          now: str) -> dict[str, Any]:
    rows = [_finding_row(t, now) for t in h.findings]
    rows += [_resolved_row(r, now) for r in resolved]
    failing: Counter[str] = Counter(t.finding.kind for t in h.findings if t.finding.fails)
    return {
        "index": index, "name": safe(h.host), "spec": safe(h.spec), "role": safe(h.role),
        "state": h.state if h.state in STATE_ORDER else "unreachable",
        "error": safe_lines(h.error) if h.error else None, "seconds": f"{h.seconds:.2f}",
        "collected_at": safe(h.collected_at) if h.collected_at else "-",
        "failing": sum(failing.values()), "failing_by_kind": {safe(k): n for k, n in
                                                              failing.items()},
        "waived": sum(not t.finding.fails for t in h.findings),
        "new": sum(r["new"] for r in rows), "resolved": len(resolved),
        "checked": sum(h.checked.values()), "rows": rows,
    }


def _heatmap(hosts: list[dict[str, Any]], kinds: list[str]) -> dict[str, Any]:
    """Host x kind cells of failing findings, for the hosts that are not clean (the clean ones
    are a count: 1,000 green rows would hide the few that matter)."""
    shown = [safe(k) for k in kinds]
    rows = []
    for h in hosts:
        if h["state"] == "clean" and not h["resolved"]:
            continue
        cells = []
        for k in shown:
            n = h["failing_by_kind"].get(k, 0)
            cells.append({"kind": k, "count": n,
                          "level": sum(n > b for b in HEAT_BUCKETS)})
        rows.append({"index": h["index"], "name": h["name"], "state": h["state"],
                     "cells": cells, "failing": h["failing"]})
    clean = sum(h["state"] == "clean" and not h["resolved"] for h in hosts)
    return {"kinds": shown, "rows": rows, "clean": clean}


def _rule(rule: dict[str, Any], now: str) -> dict[str, Any]:
    expires = rule.get("expires")
    expired = False
    if expires:
        end, today = parse_time(str(expires)), parse_time(now)
        expired = bool(end and today and end.date() < today.date())
    return {"path": safe(rule.get("path", "-")), "reason": safe(rule.get("reason") or "-"),
            "expires": safe(expires) if expires else "never", "expired": expired,
            "spec": safe(rule.get("spec") or "-")}


def rollout(report: FleetReport) -> list[RolloutItem]:
    """How far each declared file and pinned package has got, per spec.

    A reachable host declaring the item carries the spec's version unless it has a finding on
    the item's content (:data:`CONTENT_FIELDS`: a missing item, a file's sha256 or type, a
    package's version), ignored and baselined findings included (waived drift is still another
    version). The spec's value is what the findings name as expected (a file's sha256, a
    package's constraint); when no host drifted it is, for a file, the sha256 every host
    carries (unknown when they differ: the spec does not pin the content), and for a package it
    is unknown; the values carried by the hosts at the spec's version are listed either way.
    Unreachable hosts of the spec are counted as not checked.
    """
    items: dict[tuple[str, str, str], _Item] = defaultdict(_Item)
    unreachable: Counter[str] = Counter()
    for h in report.hosts:
        if h.state == "unreachable":
            unreachable[h.spec] += 1
            continue
        off: dict[tuple[str, str], Any] = {}
        for t in h.findings:
            f = t.finding
            if f.kind in CONTENT_FIELDS and f.field in CONTENT_FIELDS[f.kind]:
                off[(f.kind, f.name)] = f.expected
        for kind in CONTENT_FIELDS:
            for name, value in (h.observed.get(kind) or {}).items():
                item = items[(h.spec, kind, name)]
                if (kind, name) in off:
                    item.others[value].append(h.host)
                    want = off[(kind, name)]
                    if isinstance(want, dict):  # a missing file's expectation
                        want = want.get("sha256")
                    if want is not None:
                        item.spec_values[str(want)] += 1
                else:
                    item.at_spec[str(value)] += 1
    out = []
    for (spec, kind, name), item in items.items():
        full = item.spec_values.most_common(1)[0][0] if item.spec_values else ""
        if not full and kind == "file" and len(item.at_spec) == 1:
            full = next(iter(item.at_spec))  # nobody drifted: the one hash every host carries
        others = [{"value": _short(kind, v), "full": safe(v) if v is not None else "absent",
                   "count": len(names), "hosts": sorted(safe(n) for n in names)}
                  for v, names in item.others.items()]
        others.sort(key=lambda o: (-o["count"], o["full"]))
        at = sum(item.at_spec.values())
        out.append(RolloutItem(
            spec=safe(spec), kind=kind, name=safe(name),
            spec_value=_short(kind, full) if full else "-", spec_value_full=safe(full) or "-",
            total=at + sum(o["count"] for o in others), at_spec=at,
            at_spec_values=[(_short(kind, v), n) for v, n in item.at_spec.most_common()],
            others=others, unchecked=unreachable[spec]))
    out.sort(key=lambda i: (i.done, i.at_spec / i.total if i.total else 1.0, i.spec, i.kind,
                            i.name))
    return out


def _short(kind: str, value: str | None) -> str:
    if value is None:
        return "absent"
    return show(value, "sha256" if kind == "file" else None)
