"""The fleet report as Markdown (``parity report --markdown``): a summary sized for a ticket or a
chat message, not the whole report (that is the HTML page).

A verdict line, the headline counts, what is new since the last run and what was resolved (each
capped at :data:`MAX_LIST` lines, with how many more), the worst hosts, and every unreachable
host with its reason. Host and spec text is sanitised and made inert as Markdown with the same
helpers as ``parity check --markdown`` (parity/report/markdown.py), so a package called
``*bold*`` or ``<img src=x>`` stays text.
"""

from __future__ import annotations

import re

from parity.fleet.model import FleetReport
from parity.report.markdown import _cell, _code
from parity.report.templating import render_template
from parity.report.values import show
from parity.textsafe import safe, safe_lines

#: lines per list (new, resolved, unreachable) before "... and N more"
MAX_LIST = 15
#: rows in the worst-hosts table
WORST = 10


def render(report: FleetReport) -> str:
    s = report.summary()
    if s["unreachable"]:
        verdict = ":warning: not every host could be checked"
    elif s["findings"]:
        verdict = ":x: drift"
    else:
        verdict = ":white_check_mark: no drift"
    new = [_line(t.finding.host, t.finding.kind, t.finding.name, t.finding.field,
                 f"expected {show(t.finding.expected, t.finding.field)}, "
                 f"actual {show(t.finding.actual, t.finding.field)}")
           for h in report.hosts for t in h.findings if t.new and t.finding.fails]
    resolved = [_line(r.key.host, r.key.kind, r.key.name, r.key.field or None,
                      f"was {show(r.actual, r.key.field)}, expected "
                      f"{show(r.expected, r.key.field)}")
                for r in report.resolved]
    drifted = sorted((h for h in report.hosts if h.failing),
                     key=lambda h: (-len(h.failing), h.host))
    worst = [{"host": _code(safe(h.host)), "spec": _code(safe(h.spec)),
              "failing": len(h.failing), "new": sum(t.new for t in h.failing),
              "kinds": _cell(", ".join(sorted({safe(t.finding.kind) for t in h.failing})))}
             for h in drifted[:WORST]]
    unreachable = [f"{_code(safe(h.host))}: {_cell(safe_lines(h.error or 'not checked'))}"
                   for h in report.hosts if h.state == "unreachable"]
    text = render_template(
        "fleet.md.j2", verdict=verdict, s=s, run_id=_code(safe(report.run_id)),
        started=_cell(safe(report.started_at)), finished=_cell(safe(report.finished_at)),
        shard=_cell(safe(report.shard)) if report.shard else None,
        specs=", ".join(_code(safe(k)) for k in sorted(report.specs)),
        new=_capped(new), resolved=_capped(resolved), worst=worst,
        more_drifted=max(0, len(drifted) - WORST), unreachable=_capped(unreachable),
        warnings=[_cell(safe(w)) for w in report.warnings])
    # optional sections leave runs of blank lines; every value is one line, so this is safe
    return re.sub(r"\n{3,}", "\n\n", text)


def _line(host: str, kind: str, name: str, field: str | None, detail: str) -> str:
    what = f"{_cell(safe(kind))} {_code(safe(name))}"
    if field:
        what += f" {_cell(safe(field))}"
    return f"{_code(safe(host))}: {what}: {_cell(detail)}"


def _capped(lines: list[str]) -> dict[str, object]:
    return {"lines": lines[:MAX_LIST], "more": max(0, len(lines) - MAX_LIST),
            "total": len(lines)}
