"""Markdown report, sized for a pull-request comment: one summary line up top, a table per
host with failing findings, everything else (non-failing findings, warnings) collapsed.

Host and spec text is sanitised (:mod:`parity.textsafe`) first, then made inert as Markdown:
an escape such as ``\\x1b`` renders as those four characters.
"""

from __future__ import annotations

import re

from parity.compare.result import HostReport, Report
from parity.report.text import title
from parity.report.values import rows
from parity.textsafe import safe, safe_lines

ICON = {"ok": ":white_check_mark:", "drift": ":x:", "error": ":warning:"}


#: markdown punctuation, and ``&`` so ``&#x202e;`` in a name stays text, not a bidi override
_SPECIAL = "\\`*_[]<>|#~&"


def _cell(text: str) -> str:
    """Sanitised text as a plain cell with markdown made inert (``*`` in ``1.22.*`` stays a
    star)."""
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def _code(text: str) -> str:
    """Sanitised text as a code span for names and hosts; its fence is longer than any backtick
    run inside."""
    text = " ".join(text.split()).replace("|", "\\|")
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall("`+", text)) + 1)
    return f"{fence} {text} {fence}"


def _changes(r: HostReport) -> dict[str, object]:
    """``parity diff``'s package changes as table rows: the ``nvd`` marker, the name as code,
    old and new versions, and selection in words (a reviewer need not know ``nvd``'s marks)."""
    if not r.package_changes:
        return {"changes": [], "changes_headline": None}
    from parity.report.package_changes import SELECTED_WORDS, headline, versions

    rows = [{"marker": _cell(c.marker.strip()), "name": _code(safe(c.name)),
             "old": _cell(versions(c.old)), "new": _cell(versions(c.new)),
             "selected": _cell(SELECTED_WORDS[c.mark])} for c in r.package_changes]
    return {"changes": rows, "changes_headline": _cell(headline(r.package_changes))}


def render(report: Report, *, tty: bool = False) -> str:
    from parity.report.templating import render_template

    hosts = []
    for r in report.results:
        table = [{k: _code(v) if k == "name" else _cell(v) for k, v in row.items()}
                 for row in rows(r.findings)]
        hosts.append({
            "host": _code(safe(r.host)), "status": r.status, "icon": ICON[r.status],
            "error": _cell(safe_lines(r.error)) if r.error else None,
            "failing": [row for row, f in zip(table, r.findings, strict=True) if f.fails],
            "quiet": [row for row, f in zip(table, r.findings, strict=True) if not f.fails],
            "checked": sum(r.checked.values()),
            **_changes(r),
        })
    verdict = {0: ":white_check_mark: no drift", 1: ":x: drift",
               3: ":warning: not every host could be checked"}[int(report.exit_code)]
    return render_template("markdown.md.j2", title=_cell(title(report)), verdict=verdict,
                           summary=report.summary_line(), hosts=hosts,
                           warnings=[_cell(safe(w)) for w in report.warnings])
