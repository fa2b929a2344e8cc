"""JSON report: the stable, documented machine format (``format`` 1, see docs/findings.md).

Keys are only ever added within a format version; removing or changing the meaning of one bumps
``format``. Output is deterministic (sorted keys, no timestamps) so it diffs and goldens cleanly.

Values are exact, never sanitised: a script must see the name the host holds. ``json.dumps``
escapes every control character, and with its default ``ensure_ascii`` the output is pure ASCII,
so even a lone surrogate (an undecodable byte kept by ``surrogateescape``) becomes ``\udcff``
and round-trips, instead of failing to encode on a UTF-8 stream.
"""

from __future__ import annotations

import json
from typing import Any

from parity.compare.finding import Finding
from parity.compare.result import REPORT_FORMAT, Report


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"host": f.host, "kind": f.kind, "name": f.name, "field": f.field,
            "path": f.path, "change": f.change, "expected": f.expected, "actual": f.actual,
            "ignored": f.ignored, "baselined": f.baselined, "fails": f.fails}


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "format": REPORT_FORMAT,
        **report.meta(),
        "exit_code": int(report.exit_code),
        "summary": report.summary(),
        "warnings": list(report.warnings),
        "hosts": [
            {"host": r.host, "status": r.status, "error": r.error, "checked": r.checked,
             "findings": [finding_dict(f) for f in r.findings],
             "package_changes": None if r.package_changes is None
             else [c.to_dict() for c in r.package_changes]}
            for r in report.results
        ],
    }


def render(report: Report, *, tty: bool = False) -> str:
    return json.dumps(report_dict(report), indent=2, sort_keys=True, default=str,
                      ensure_ascii=True) + "\n"
