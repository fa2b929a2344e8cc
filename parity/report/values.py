"""How findings' values are shown in human formats (text, markdown): short, one line."""

from __future__ import annotations

from typing import Any

from parity.compare.finding import Finding

MAX_WIDTH = 48


def show(value: Any, field: str | None = None) -> str:
    """One-line rendering: ``-`` for nothing, lists joined, dicts as ``k=v``, hashes shortened."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        text = ", ".join(show(v) for v in value) or "(none)"
    elif isinstance(value, dict):
        text = " ".join(f"{k}={show(v)}" for k, v in value.items() if v is not None) or "-"
    else:
        text = str(value)
    if field == "sha256" and len(text) == 64:
        text = text[:12]
    text = " ".join(text.split())
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "..."


def note(finding: Finding) -> str:
    """Why a finding does not fail, if it does not."""
    if finding.ignored is not None:
        return f"ignored: {finding.ignored}"
    if finding.baselined:
        return "in baseline"
    return ""


def rows(findings: list[Finding]) -> list[dict[str, str]]:
    """Display rows, one per finding, in the reporters' column order."""
    return [{"kind": f.kind, "name": f.name, "field": f.field or "-", "change": f.change,
             "expected": show(f.expected, f.field), "actual": show(f.actual, f.field),
             "note": note(f)} for f in findings]
