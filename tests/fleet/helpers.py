"""Small report builders for the history tests (real model objects, no database stand-ins)."""

from __future__ import annotations

from parity.compare.finding import Finding
from parity.fleet.model import FleetReport, HostOutcome, TrackedFinding

#: a host's findings as (kind, name, field, actual), or the word "unreachable"
Hosts = dict[str, "list[tuple[str, str, str | None, str]] | str"]


def make_report(run_id: str, started: str, hosts: Hosts, shard: str | None = None) -> FleetReport:
    outcomes = []
    for host, spec in hosts.items():
        if spec == "unreachable":
            outcomes.append(HostOutcome(host, "app", "prod", "unreachable",
                                        error=f"{host}: connection refused"))
            continue
        tracked = [TrackedFinding(Finding(host, kind, name, field, "want", actual,
                                          "changed" if field else "missing"))
                   for kind, name, field, actual in spec]
        outcomes.append(HostOutcome(host, "app", "prod", "drifted" if tracked else "clean",
                                    seconds=0.5, collected_at=started, findings=tracked,
                                    checked={"package": 3},
                                    observed={"package": {"curl": "8.0"}, "file": {}}))
    return FleetReport(run_id=run_id, started_at=started, finished_at=started,
                       parity_version="0.1.0", specs={"app": "parity.yaml"}, hosts=outcomes,
                       shard=shard)


def tracked(report: FleetReport) -> dict[tuple[str, str, str], tuple[bool, str | None, int]]:
    """(host, kind, name) -> (new, first_seen, runs_seen) of every finding."""
    return {(h.host, t.finding.kind, t.finding.name): (t.new, t.first_seen, t.runs_seen)
            for h in report.hosts for t in h.findings}
