"""The fleet report: one scheduled run over many hosts, with what the history says about it.

``parity check`` answers "does this host match now"; a fleet report answers "how is the fleet,
and what changed since the last run". It is built from the same :class:`~parity.compare.finding.
Finding` records ``check`` produces (one finding model), plus what the history adds to each:
whether it is **new** since the host's previous run, since when it has been open and in how many
runs; and which findings were **resolved**. Every output (HTML, JSON, JUnit, Markdown, Prometheus
metrics) renders this one object, and a partial report written by one shard (``--shard K/N``) is
this object too, so merging shards is concatenating hosts.

The JSON form (:meth:`FleetReport.to_dict`) is versioned by :data:`FLEET_REPORT_FORMAT` like the
facts document, and documented in ``docs/reports.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from parity.compare.finding import Finding

FLEET_REPORT_FORMAT = 1

HostState = Literal["clean", "drifted", "unreachable"]
FailOn = Literal["new", "any", "never"]


def parse_time(text: object) -> datetime | None:
    """A report's ISO 8601 time (``started_at``, ``first_seen``, an ignore rule's date) as an
    aware UTC datetime; one without a zone is UTC (parity writes UTC); ``None`` when absent or
    unreadable, so one odd value in a partial report cannot stop an output."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True, order=True)
class FindingKey:
    """A finding's stable identity across runs: host, kind, item and field (not the values, so a
    version that drifts further is the same open finding, not a resolved one plus a new one)."""

    host: str
    kind: str
    name: str
    field: str  # "" for whole-item findings (a missing package)

    @classmethod
    def of(cls, finding: Finding) -> FindingKey:
        return cls(finding.host, finding.kind, finding.name, finding.field or "")


@dataclass
class TrackedFinding:
    """A finding of this run with its history."""

    finding: Finding
    #: not open for this host after its previous (reachable) run
    new: bool = True
    #: ISO 8601 UTC start time of the run that first saw it (this run's when new)
    first_seen: str | None = None
    #: how many of the host's reachable runs saw it, this one included
    runs_seen: int = 1

    @property
    def key(self) -> FindingKey:
        return FindingKey.of(self.finding)


@dataclass
class ResolvedFinding:
    """A finding open after the host's previous run and gone in this one (host reachable)."""

    key: FindingKey
    change: str
    expected: Any
    actual: Any  # the value when last seen
    first_seen: str | None
    last_seen: str | None


@dataclass
class HostOutcome:
    """One host in one run."""

    host: str  # display name (never carries a password)
    spec: str  # the spec's name this host was checked against
    role: str  # "prod" | "dev"
    state: HostState
    error: str | None = None  # why it could not be checked (state "unreachable")
    seconds: float = 0.0  # collection wall time
    collected_at: str | None = None  # ISO 8601 UTC
    findings: list[TrackedFinding] = field(default_factory=list)
    #: items checked per finding kind (JUnit counts them as cases)
    checked: dict[str, int] = field(default_factory=dict)
    #: what the host carries for every declared file and pinned package, for the roll-out view:
    #: ``{"package": {name: version|None}, "file": {path: sha256|None}}`` (None: absent)
    observed: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @property
    def failing(self) -> list[TrackedFinding]:
        return [t for t in self.findings if t.finding.fails]


@dataclass
class RunSummary:
    """One past (or this) run as the drift-over-time plot shows it."""

    run_id: str
    started_at: str
    hosts: int
    drifted: int
    unreachable: int
    findings: int  # failing findings
    new: int
    resolved: int


@dataclass
class FleetReport:
    """Everything every fleet output renders."""

    run_id: str
    started_at: str  # ISO 8601 UTC
    finished_at: str
    parity_version: str
    #: spec name -> spec path, for every spec the run used
    specs: dict[str, str]
    hosts: list[HostOutcome]
    resolved: list[ResolvedFinding] = field(default_factory=list)
    #: the ignore rules that applied (spec's drift.ignore), as dicts: path, reason, expires, spec
    ignore_rules: list[dict[str, Any]] = field(default_factory=list)
    baseline: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: "K/N" when this is one shard's part
    shard: str | None = None
    #: earlier runs plus this one, oldest first (the history's view; empty without history)
    history: list[RunSummary] = field(default_factory=list)
    #: per spec name, what the spec wants, for the roll-out view: ``{"package": {name:
    #: constraint}, "file": {path: sha256 | None}}`` (pinned packages and declared files only)
    declared: dict[str, dict[str, dict[str, str | None]]] = field(default_factory=dict)

    # --- derived views -------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        """The headline numbers every output starts with."""
        tracked = [t for h in self.hosts for t in h.findings]
        return {
            "hosts": len(self.hosts),
            "clean": sum(h.state == "clean" for h in self.hosts),
            "drifted": sum(h.state == "drifted" for h in self.hosts),
            "unreachable": sum(h.state == "unreachable" for h in self.hosts),
            "findings": sum(t.finding.fails for t in tracked),
            "new": sum(t.new and t.finding.fails for t in tracked),
            "resolved": len(self.resolved),
            "waived": sum(not t.finding.fails for t in tracked),  # ignored or baselined
        }

    def exit_code(self, fail_on: FailOn = "any") -> int:
        """For schedulers: 3 when a host could not be checked, else 1 when the ``fail_on`` drift
        exists (``new``: failing findings new since the last run; ``any``: any failing finding;
        ``never``: none), else 0 — the same codes as ``parity check`` (docs/findings.md)."""
        from parity.errors import ExitCode

        s = self.summary()
        if fail_on == "never":
            return int(ExitCode.OK)
        if s["unreachable"]:
            return int(ExitCode.HOST)
        drift = s["new"] if fail_on == "new" else s["findings"]
        return int(ExitCode.DRIFT if drift else ExitCode.OK)

    # --- JSON form -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FLEET_REPORT_FORMAT,
            "kind": "parity-fleet-report",
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "parity_version": self.parity_version,
            "shard": self.shard,
            "specs": dict(self.specs),
            "summary": self.summary(),
            "hosts": [_host_dict(h) for h in self.hosts],
            "resolved": [_resolved_dict(r) for r in self.resolved],
            "ignore_rules": list(self.ignore_rules),
            "baseline": self.baseline,
            "warnings": list(self.warnings),
            "history": [vars(r).copy() for r in self.history],
            "declared": {s: {k: dict(v) for k, v in d.items()} for s, d in self.declared.items()},
        }

    @classmethod
    def from_dict(cls, doc: Any) -> FleetReport:
        """A report from its JSON form (a shard's partial); ``ValueError`` says what is wrong."""
        if not isinstance(doc, dict) or doc.get("kind") != "parity-fleet-report":
            raise ValueError("not a parity fleet report (write one with `parity report --json`)")
        if doc.get("format") != FLEET_REPORT_FORMAT:
            raise ValueError(f"fleet report format {doc.get('format')!r} is not supported "
                             f"(expected {FLEET_REPORT_FORMAT})")
        try:
            return cls(
                run_id=str(doc["run_id"]), started_at=str(doc["started_at"]),
                finished_at=str(doc["finished_at"]), parity_version=str(doc["parity_version"]),
                shard=doc.get("shard"), specs=dict(doc.get("specs") or {}),
                hosts=[_host_from(h) for h in doc.get("hosts") or []],
                resolved=[_resolved_from(r) for r in doc.get("resolved") or []],
                ignore_rules=list(doc.get("ignore_rules") or []),
                baseline=doc.get("baseline"), warnings=list(doc.get("warnings") or []),
                history=[RunSummary(**r) for r in doc.get("history") or []],
                declared={str(s): {str(k): dict(v) for k, v in d.items()}
                          for s, d in (doc.get("declared") or {}).items()},
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"fleet report is missing or has a malformed field: {exc}") from None


def _finding_dict(t: TrackedFinding) -> dict[str, Any]:
    d = t.finding.to_dict()
    d.update(new=t.new, first_seen=t.first_seen, runs_seen=t.runs_seen)
    return d


def _finding_from(d: dict[str, Any]) -> TrackedFinding:
    f = Finding(host=d["host"], kind=d["kind"], name=d["name"], field=d.get("field"),
                expected=d.get("expected"), actual=d.get("actual"), change=d["change"],
                ignored=d.get("ignored"), baselined=bool(d.get("baselined")))
    return TrackedFinding(f, new=bool(d.get("new", True)), first_seen=d.get("first_seen"),
                          runs_seen=int(d.get("runs_seen", 1)))


def _host_dict(h: HostOutcome) -> dict[str, Any]:
    return {"host": h.host, "spec": h.spec, "role": h.role, "state": h.state, "error": h.error,
            "seconds": h.seconds, "collected_at": h.collected_at, "checked": dict(h.checked),
            "observed": {k: dict(v) for k, v in h.observed.items()},
            "findings": [_finding_dict(t) for t in h.findings]}


def _host_from(d: dict[str, Any]) -> HostOutcome:
    return HostOutcome(host=d["host"], spec=d["spec"], role=d["role"], state=d["state"],
                       error=d.get("error"), seconds=float(d.get("seconds") or 0.0),
                       collected_at=d.get("collected_at"), checked=dict(d.get("checked") or {}),
                       observed={k: dict(v) for k, v in (d.get("observed") or {}).items()},
                       findings=[_finding_from(f) for f in d.get("findings") or []])


def _resolved_dict(r: ResolvedFinding) -> dict[str, Any]:
    return {"host": r.key.host, "kind": r.key.kind, "name": r.key.name,
            "field": r.key.field or None, "change": r.change, "expected": r.expected,
            "actual": r.actual, "first_seen": r.first_seen, "last_seen": r.last_seen}


def _resolved_from(d: dict[str, Any]) -> ResolvedFinding:
    return ResolvedFinding(FindingKey(d["host"], d["kind"], d["name"], d.get("field") or ""),
                           change=d["change"], expected=d.get("expected"), actual=d.get("actual"),
                           first_seen=d.get("first_seen"), last_seen=d.get("last_seen"))
