"""What ``parity report`` and ``parity history`` do, end to end, behind their thin click shells.

``report``: run (or merge shards' partials), record the run in the history, write the outputs.
Where the history lives: ``--db`` or ``sqlite:///`` beside SPEC. A shard (``--shard K/N``)
either records its hosts into a shared history (``--db`` with ``--run-id``, so every shard
writes the same run) or writes a partial JSON for ``--merge`` and records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from parity.errors import UsageError
from parity.fleet.history import History, default_url, redact
from parity.fleet.model import FleetReport
from parity.fleet.run import ReportOptions, run_report
from parity.textsafe import safe


def split_args(args: Sequence[str], merge: bool) -> tuple[str, list[Path]]:
    """``[SPEC] [PART.json...]``: the spec (default ``parity.yaml``) and, with ``--merge``, the
    partial reports (every argument ending in ``.json``)."""
    parts = [Path(a) for a in args if merge and a.endswith(".json")]
    specs = [a for a in args if not (merge and a.endswith(".json"))]
    if len(specs) > 1:
        raise UsageError(f"one SPEC at most, got {len(specs)}: {', '.join(specs)}",
                         hint="Map inventory groups to several specs with --map GROUP=SPEC.")
    if merge and not parts:
        raise UsageError("--merge needs the shards' partial reports: --merge PART.json ...")
    return (specs[0] if specs else "parity.yaml"), parts


def is_stdout(path: Path | None) -> bool:
    from parity.fsutil import is_stdout as stdout

    return path is not None and stdout(path)


def report(options: ReportOptions, outputs: Mapping[str, Path | None], db: str | None,
           merge: Sequence[Path] = ()) -> FleetReport:
    """Run (or merge), record, write; the report."""
    from parity.fleet.outputs import renderer, write_outputs

    for name, path in outputs.items():
        if path is not None:
            renderer(name)  # a missing output fails before hosts are contacted
    record = True
    if merge:
        if options.shard is not None:
            raise UsageError("--merge combines the shards' partials; it takes no --shard")
        from parity.fleet.merge import load_partial, merge_reports

        result = merge_reports([load_partial(p) for p in merge], options.run_id,
                               [str(p) for p in merge])
    else:
        if options.shard is not None:
            if db is None and outputs.get("json") is None:
                raise UsageError("a shard writes its part somewhere: --json PART.json (then "
                                 "`parity report --merge`) or --db URL with --run-id")
            if db is not None and not options.run_id:
                raise UsageError("shards writing into one history need one --run-id",
                                 hint="Derive it from the schedule, e.g. --run-id "
                                      "nightly-$(date -u +%F).")
            record = db is not None
        result = run_report(options)
    if record:
        with History(db or default_url(options.spec)) as history:
            history.record(result)
    write_outputs(result, outputs)
    return result


def summary_line(report: FleetReport) -> str:
    s = report.summary()
    return (f"{s['hosts']} hosts: {s['clean']} clean, {s['drifted']} drifted, "
            f"{s['unreachable']} unreachable; {s['findings']} failing findings "
            f"({s['new']} new, {s['resolved']} resolved, {s['waived']} waived); "
            f"run {report.run_id}")


# --- parity history -------------------------------------------------------------------------------


def open_history(db: str | None, spec: str = "parity.yaml") -> History:
    """An existing history (``parity history`` never creates one by reading)."""
    url = db or default_url(spec)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.is_file():
            raise UsageError(f"no history at {redact(url)}",
                             hint="`parity report` writes one; or pass --db URL.")
    return History(url)


def check_since(since: str | None) -> str | None:
    """``--since DATE``: an ISO date or date-time, compared with the runs' UTC start times."""
    if since is None:
        return None
    try:
        when = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since {since!r}: expected a date such as 2026-11-01 or "
                         "2026-11-01T02:00:00Z") from None
    if when.tzinfo is not None:
        from datetime import UTC

        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def history(db: str | None, host: str | None, since: str | None, fmt: str,
            keep: int | None, keep_days: float | None) -> str:
    """``parity history``: prune if asked, then list runs (or one host's runs) as text/JSON."""
    start = check_since(since)
    with open_history(db) as h:
        pruned = h.prune(keep, keep_days) if keep is not None or keep_days is not None else None
        runs = h.summaries(limit=1_000_000, since=start)
        timeline = h.host_timeline(host, start) if host is not None else None
    if fmt == "json":
        doc: dict[str, Any] = {"format": 1, "kind": "parity-history",
                               "runs": [vars(r) for r in runs]}
        if pruned is not None:
            doc["pruned"] = pruned
        if timeline is not None:
            doc["host"] = host
            doc["host_runs"] = [t.to_dict() for t in timeline]
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    lines = []
    if pruned is not None:
        lines.append(f"pruned {len(pruned)} run{'s' * (len(pruned) != 1)}")
    if timeline is None:
        lines.append(f"{'run':<28} {'started':<20} {'hosts':>5} {'drifted':>7} "
                     f"{'unreach':>7} {'findings':>8} {'new':>5} {'resolved':>8}")
        lines += [f"{safe(r.run_id):<28} {r.started_at:<20} {r.hosts:>5} {r.drifted:>7} "
                  f"{r.unreachable:>7} {r.findings:>8} {r.new:>5} {r.resolved:>8}" for r in runs]
    else:
        lines.append(f"host {safe(host)}: " + (f"{len(timeline)} runs" if timeline
                                                  else "not in the history"))
        for t in timeline:
            head = f"{t.started_at}  {safe(t.run_id)}  {t.state}"
            lines.append(head + (f": {safe(t.error)}" if t.error else ""))
            for f in t.findings:
                mark = "new " if f["new"] else f"{f['runs_seen']:>2}x "
                waived = "" if f["ignored"] is None and not f["baselined"] else " (waived)"
                lines.append(f"    {mark}{safe(_path(f))} {f['change']}: "
                             f"{safe(f['expected'])} -> {safe(f['actual'])}{waived}")
            lines += [f"    resolved {safe(_path(r))} (open since {r['first_seen']})"
                      for r in t.resolved]
    return "\n".join(lines) + "\n"


def _path(f: Mapping[str, Any]) -> str:
    return "/".join(p for p in (f["kind"], f["name"], f["field"]) if p)
