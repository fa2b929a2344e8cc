"""Text report: a table per host, grouped by kind; rich (colour, boxes) on a terminal, plain
aligned columns otherwise so logs and ``grep`` stay readable.

Host and spec text is sanitised (:mod:`parity.textsafe`) before it reaches either: the row cells
by :func:`~parity.report.values.rows`, the title, host lines and warnings here.

The plain layout is built with string joins, not a template: it is a handful of fixed lines,
and importing jinja2 and compiling a template cost a one-host ``parity check`` about 25 ms,
more than its comparison (the golden files in tests/golden/report pin the layout).
"""

from __future__ import annotations

import io
from itertools import groupby

from parity.compare.result import HostReport, Report
from parity.report.values import rows
from parity.textsafe import safe, safe_lines

COLUMNS = ("name", "field", "change", "expected", "actual", "note")
STATUS = {"ok": "ok", "drift": "DRIFT", "error": "ERROR"}


def title(report: Report) -> str:
    """The report's first line, sanitised (the reference is a host URL or a spec path)."""
    if report.command == "diff":
        return f"parity diff: reference {safe(report.reference)}"
    role = "role dev for the host named dev, prod for others" if report.role == "auto" \
        else f"role {safe(report.role)}"
    extra = [role] if report.role else []
    if report.strict:
        extra.append("strict")
    if report.baseline:
        extra.append(f"baseline {safe(report.baseline)}")
    return f"parity check: {safe(report.reference)}" + (f" ({', '.join(extra)})" if extra else "")


def _host_line(r: HostReport) -> str:
    """``host: STATUS (counts)``; a multi-line error keeps its lines, indented under the host
    so a line of error text can never pass for another host's line."""
    if r.error is not None:
        error = "\n    ".join(line.rstrip() for line in safe_lines(r.error).strip("\n").split("\n"))
        return f"{safe(r.host)}: ERROR: {error}"
    failing = len(r.failing)
    quiet = len(r.findings) - failing
    checked = sum(r.checked.values())
    bits = [f"{failing} failing" if failing else f"{checked} checked"]
    if quiet:
        bits.append(f"{quiet} not failing")
    return f"{safe(r.host)}: {STATUS[r.status]} ({', '.join(bits)})"


def _groups(r: HostReport) -> list[dict[str, object]]:
    out = []
    for kind, items in groupby(rows(r.findings), key=lambda row: row["kind"]):
        out.append({"kind": kind, "rows": list(items)})
    return out


def _changes(r: HostReport) -> list[str]:
    """``parity diff``'s package changes, ``nvd``-style, under the host line (nothing when there
    are none: the host line already says so)."""
    if not r.package_changes:
        return []
    from parity.report.package_changes import headline, lines

    return [headline(r.package_changes), *(f"  {line}" for line in lines(r.package_changes))]


def _line(cells: list[str], widths: list[int]) -> str:
    """Cells padded to their column's width; the last column is not padded (no trailing blanks)."""
    padded = [c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False)] + cells[-1:]
    return "  ".join(padded).rstrip()


def _plain(report: Report) -> str:
    """Title; per host a blank line, its status line and per kind an indented table; then the
    warnings after a blank line; then a blank line and the summary."""
    out = [title(report), "\n"]
    for r in report.results:
        groups = _groups(r)
        table = [row for g in groups for row in g["rows"]]  # type: ignore[attr-defined]
        widths = [max([len(c)] + [len(str(row[c])) for row in table]) for c in COLUMNS]
        header = _line([c.upper() for c in COLUMNS], widths)
        out += ["\n", _host_line(r), "\n"]
        out += [f"  {line}\n" for line in _changes(r)]
        for g in groups:
            out += ["  ", str(g["kind"]), "\n    ", header, "\n"]
            out += [f"    {_line([row[c] for c in COLUMNS], widths)}\n"
                    for row in g["rows"]]  # type: ignore[attr-defined]
    if report.warnings:
        out.append("\n")
        out += [f"warning: {safe(w)}\n" for w in report.warnings]
    out += ["\n", report.summary_line(), "\n"]
    return "".join(out)


def _rich(report: Report) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # every string from a host or spec goes in sanitised and as Text: rich would read "[/]" in a
    # file name or "[Errno 111]" in an error as markup
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120, highlight=False)
    console.print(Text(title(report), style="bold"))
    style = {"ok": "green", "drift": "red", "error": "bold red"}
    for r in report.results:
        console.print()
        console.print(Text(_host_line(r), style=style[r.status]))
        for line in _changes(r):
            console.print(Text(f"  {line}"))
        for group in _groups(r):
            table = Table(title=Text(str(group["kind"]), style="table.title"),
                          title_justify="left", show_edge=False)
            for c in COLUMNS:
                table.add_column(c)
            for row in group["rows"]:  # type: ignore[attr-defined]
                dim = bool(row["note"])
                table.add_row(*(Text(str(row[c])) for c in COLUMNS), style="dim" if dim else None)
            console.print(table)
    for w in report.warnings:
        console.print(Text.assemble(("warning:", "yellow"), " ", safe(w)))
    console.print()
    console.print(Text(report.summary_line()))
    return buf.getvalue()


def render(report: Report, *, tty: bool = False) -> str:
    return _rich(report) if tty else _plain(report)
