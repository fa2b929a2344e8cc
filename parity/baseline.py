"""Baseline files: accept the drift that exists today, fail only on drift that is new.

``parity check --write-baseline FILE`` records the failing findings of a run; ``parity check
--baseline FILE`` then marks findings the file already holds as *baselined* (reported, not
failing), so a pre-merge check fails only on what a change introduces.

Matching is host-agnostic: an entry is ``kind``, ``name``, ``field``, ``change`` (not the values,
not the host), so a baseline written on one host applies to its peers and to a later run where
the wrong version became a different wrong version. An entry with a non-null ``host`` applies to
that host only (write one by hand, or with ``write_baseline(..., per_host=True)``). The file
(``format`` 1)::

    {"format": 1, "kind": "parity-baseline", "created_at": "2024-05-01T12:00:00Z",
     "entries": [{"kind": "package", "name": "curl", "field": "version", "change": "changed",
                  "host": null, "seen_on": ["docker://shop-1"],
                  "expected": ">=7.88", "actual": "7.74.0-1.3"}]}

``expected``, ``actual`` and ``seen_on`` are informational; they help a reviewer read a diff of
the baseline file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity.compare.finding import Finding
from parity.errors import UsageError
from parity.fsutil import write_output
from parity.textsafe import quoted

BASELINE_FORMAT = 1
BASELINE_KIND = "parity-baseline"


@dataclass(frozen=True)
class Baseline:
    """A set of accepted finding identities, each for any host or one host."""

    entries: tuple[dict[str, Any], ...]

    def covers(self, finding: Finding) -> bool:
        for e in self.entries:
            if (e["kind"], e["name"], e.get("field"), e["change"]) != finding.identity:
                continue
            if e.get("host") in (None, finding.host):
                return True
        return False

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Mark covered, not ignored findings as baselined."""
        return [replace(f, baselined=True) if f.ignored is None and self.covers(f) else f
                for f in findings]


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; every problem is a :class:`UsageError` naming the file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found",
                         hint="Write one with `parity check --write-baseline FILE`.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: baseline is not JSON: {exc.msg}") \
            from None
    if not isinstance(doc, dict) or doc.get("kind") != BASELINE_KIND:
        raise UsageError(f"{path}: not a parity baseline (expected \"kind\": \"{BASELINE_KIND}\")")
    if doc.get("format") != BASELINE_FORMAT:
        raise UsageError(f"{path}: baseline format {quoted(doc.get('format'))} is not supported "
                         f"(this parity reads format {BASELINE_FORMAT})")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise UsageError(f"{path}: baseline has no \"entries\" list")
    for i, e in enumerate(entries):
        if not (isinstance(e, dict) and all(isinstance(e.get(k), str)
                                            for k in ("kind", "name", "change"))):
            raise UsageError(f"{path}: entries[{i}] needs string kind, name and change")
        if e.get("field") is not None and not isinstance(e["field"], str):
            raise UsageError(f"{path}: entries[{i}].field must be a string or null")
    return Baseline(tuple(entries))


def baseline_document(findings: list[Finding], *, per_host: bool = False,
                      now: datetime | None = None) -> dict[str, Any]:
    """The baseline for the failing findings of a run, one entry per identity (per host)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for f in findings:
        if f.ignored is not None:
            continue
        host = f.host if per_host else None
        key = (*f.identity, host)
        entry = merged.setdefault(key, {
            "kind": f.kind, "name": f.name, "field": f.field, "change": f.change,
            "host": host, "seen_on": [], "expected": f.expected, "actual": f.actual,
        })
        if f.host not in entry["seen_on"]:
            entry["seen_on"].append(f.host)
    entries = sorted(merged.values(), key=lambda e: (e["kind"], e["name"], e["field"] or "",
                                                     e["change"], e["host"] or ""))
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"format": BASELINE_FORMAT, "kind": BASELINE_KIND, "created_at": stamp,
            "entries": entries}


def write_baseline(path: Path, findings: list[Finding], *, per_host: bool = False,
                   entries: list[dict[str, Any]] | None = None) -> int:
    """Atomically write the baseline for ``findings`` (``-``: print it); return the number of
    entries, which are also appended to ``entries`` when given."""
    doc = baseline_document(findings, per_host=per_host)
    write_output(path, json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
    if entries is not None:
        entries.extend(doc["entries"])
    return len(doc["entries"])
