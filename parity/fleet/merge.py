"""``parity report --merge PART.json…``: the shards' partial reports as one report.

A shard's partial is a :class:`~parity.fleet.model.FleetReport` of its hosts (``--shard K/N
--json PART``), so merging is concatenating hosts, widening the time span and uniting specs,
ignore rules and warnings. History (new, resolved, age) is not taken from the partials: the
merged report is recorded as one run, which computes it for every host.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from parity.errors import UsageError
from parity.fleet.model import FleetReport


def load_partial(path: Path) -> FleetReport:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: partial report not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    try:
        return FleetReport.from_dict(doc)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None


def merge_reports(parts: Sequence[FleetReport], run_id: str | None = None,
                  names: Sequence[str] | None = None) -> FleetReport:
    """One report from ``parts``; a host in two parts is an error (overlapping shards)."""
    if not parts:
        raise UsageError("--merge needs at least one partial report (PART.json)")
    names = list(names or [p.run_id for p in parts])
    ids = {p.run_id for p in parts}
    if run_id is None and len(ids) > 1:
        raise UsageError(f"the partial reports belong to different runs ({', '.join(sorted(ids))})",
                         hint="Give the shards one --run-id, or pass --run-id to name the "
                              "merged run.")
    seen: dict[str, str] = {}
    merged = FleetReport(
        run_id=run_id or parts[0].run_id,
        started_at=min(p.started_at for p in parts),
        finished_at=max(p.finished_at for p in parts),
        parity_version=parts[0].parity_version, specs={}, hosts=[],
        baseline=next((p.baseline for p in parts if p.baseline), None))
    for part, label in zip(parts, names, strict=True):
        for host in part.hosts:
            if host.host in seen:
                raise UsageError(f"host {host.host!r} is in both {seen[host.host]} and {label}",
                                 hint="Merge the parts of one --shard K/N split only.")
            seen[host.host] = label
            merged.hosts.append(host)
        merged.specs.update(part.specs)
        merged.declared.update(part.declared)
        for rule in part.ignore_rules:
            if rule not in merged.ignore_rules:
                merged.ignore_rules.append(rule)
        merged.warnings += [w for w in part.warnings if w not in merged.warnings]
    merged.hosts.sort(key=lambda h: h.host)
    for host in merged.hosts:  # the history decides these again for the merged run
        for t in host.findings:
            t.new, t.first_seen, t.runs_seen = True, merged.started_at, 1
    return merged
