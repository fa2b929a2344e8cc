"""How findings' values are shown in human formats (text, markdown, junit): short, one line.

Every string here comes out sanitised (:mod:`parity.textsafe`): names, values and ignore reasons
are host or spec text, and these are the strings reporters print.
"""

from __future__ import annotations

from typing import Any

from parity.compare.finding import Finding
from parity.textsafe import safe, shorten

MAX_WIDTH = 48


def show(value: Any, field: str | None = None) -> str:
    """One-line rendering: ``-`` for nothing, lists joined, dicts as ``k=v``, hashes shortened.

    Controls inside a value are escaped, not folded into spaces: ``a<TAB>b`` shows as
    ``a\\x09b``, so two values that differ only there do not look the same.
    """
    return shorten(" ".join(safe(_text(value, field)).split()), MAX_WIDTH)


def _text(value: Any, field: str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        text = ", ".join(_text(v, None) for v in value) or "(none)"
    elif isinstance(value, dict):
        text = " ".join(f"{k}={_text(v, None)}" for k, v in value.items() if v is not None) or "-"
    else:
        text = str(value)
    if field == "sha256" and len(text) == 64:
        text = text[:12]
    return text


def note(finding: Finding) -> str:
    """Why a finding does not fail, if it does not."""
    if finding.ignored is not None:
        return f"ignored: {safe(finding.ignored)}"
    if finding.baselined:
        return "in baseline"
    return ""


def rows(findings: list[Finding]) -> list[dict[str, str]]:
    """Display rows, one per finding, in the reporters' column order."""
    return [{"kind": safe(f.kind), "name": safe(f.name), "field": safe(f.field or "-"),
             "change": safe(f.change), "expected": show(f.expected, f.field),
             "actual": show(f.actual, f.field), "note": note(f)} for f in findings]
