"""``parity report``: resolve an estate's hosts, collect, compare, record, and build the report.

Every step is the one ``parity check`` uses: hosts resolve through
:func:`parity.facts.resolve_hosts` (inventories through :mod:`parity.facts.inventory`), facts come
from :func:`parity.facts.collect_many` (bounded concurrency, per-host timeout), and each host is
compared by :func:`parity.compare.check.check_facts` (ignore rules, baseline, ``--strict``), so a
fleet finding is exactly a ``check`` finding. What this module adds is the fleet's shape: several
specs mapped onto inventory groups (:mod:`parity.fleet.mapping`), shards
(:mod:`parity.fleet.shard`), what each host carries for the roll-out view, and the history
(:mod:`parity.fleet.history`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from parity import __version__
from parity.compare.check import CheckOptions, check_facts, role_for
from parity.errors import UsageError
from parity.facts.model import Facts
from parity.fleet.mapping import MapRule, assign, load_map_file, parse_map_option
from parity.fleet.model import FleetReport, HostOutcome, TrackedFinding
from parity.spec import Spec


@dataclass
class ReportOptions:
    """Everything ``parity report`` can be told, with the CLI's defaults."""

    spec: str = "parity.yaml"
    hosts: tuple[str, ...] = ()
    inventory: str | None = None
    limit: str | None = None
    maps: tuple[str, ...] = ()
    map_file: Path | None = None
    shard: tuple[int, int] | None = None
    run_id: str | None = None
    jobs: int | None = None
    timeout: float = 60.0
    strict: bool = False
    baseline: Path | None = None
    #: None: a progress bar when stderr is a terminal
    progress: bool | None = None
    today: date | None = None
    rules: list[MapRule] = field(default_factory=list)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id() -> str:
    """Sortable and unique without coordination: UTC time plus randomness."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


class _Specs:
    """Specs loaded once each, keyed by path; the report names them by spec name."""

    def __init__(self) -> None:
        self.by_path: dict[Path, Spec] = {}
        self.names: dict[str, str] = {}  # report key -> path

    def get(self, path: str) -> tuple[str, Spec]:
        from parity.spec import load_spec

        key = Path(path).resolve()
        spec = self.by_path.get(key)
        if spec is None:
            spec = self.by_path[key] = load_spec(path)
        name = spec.name
        if self.names.setdefault(name, path) != path and Path(self.names[name]).resolve() != key:
            name = path  # two specs with one name: the path tells them apart
            self.names[name] = path
        return name, spec


def run_report(options: ReportOptions) -> FleetReport:
    """Check every selected host and return the report (without history; see
    :func:`parity.fleet.history.History.record`)."""
    from parity.facts import CollectRequest, collect_many
    from parity.fleet.progress import FleetProgress
    from parity.fleet.shard import select

    started = now_iso()
    rules = list(options.rules) or _rules(options)
    specs = _Specs()
    targets = _targets(options, specs)
    if options.shard is not None:
        targets = select(targets, [t.name for t in targets], options.shard)
    plan = []
    for t in targets:
        spec_path, role = assign(t.name, t.groups, rules)
        name, spec = specs.get(spec_path or options.spec)
        plan.append((t, name, spec, role or role_for(t.name, CheckOptions())))
    request = _union([CollectRequest.from_spec(s) for s in specs.by_path.values()])
    bases: dict[str, Any] = {}
    warnings: list[str] = []
    outcomes: dict[str, HostOutcome] = {}
    progress = FleetProgress(len(plan), options.progress)
    by_name = {t.name: (name, spec, role) for t, name, spec, role in plan}

    def finished(res: Any) -> None:
        name, spec, role = by_name[res.name]
        out = _outcome(res, name, spec, role, options, bases, warnings)
        outcomes[res.name] = out
        # the row keeps what the report needs; the facts (~0.4 MiB per host with 900 packages)
        # would otherwise stay alive in collect_many's result list until every host is done:
        # 1,000 hosts were ~0.5-1 GiB of peak memory (bench/fleet_report.py)
        res.facts = None
        progress.update(res.name, out.state)

    try:
        collect_many([t for t, *_ in plan], request, jobs=options.jobs,
                     timeout=options.timeout, progress=finished)
    finally:
        progress.stop()
    used = {name for _, name, _, _ in plan}
    report = FleetReport(
        run_id=options.run_id or new_run_id(), started_at=started, finished_at=now_iso(),
        parity_version=__version__,
        specs={n: p for n, p in specs.names.items() if n in used},
        hosts=sorted(outcomes.values(), key=lambda h: h.host),
        baseline=str(options.baseline) if options.baseline else None,
        warnings=list(dict.fromkeys(warnings)),
        shard=f"{options.shard[0]}/{options.shard[1]}" if options.shard else None,
    )
    for name, spec in _named(specs, used):
        report.ignore_rules += [{"path": r.path, "reason": r.reason, "spec": name,
                                 "expires": r.expires.isoformat() if r.expires else None}
                                for r in spec.model.drift.ignore]
        report.declared[name] = declared(spec)
    return report


def _named(specs: _Specs, used: set[str]) -> list[tuple[str, Spec]]:
    return [(n, specs.by_path[Path(p).resolve()]) for n, p in sorted(specs.names.items())
            if n in used]


def _rules(options: ReportOptions) -> list[MapRule]:
    rules = [parse_map_option(m) for m in options.maps]
    if options.map_file is not None:
        rules += load_map_file(options.map_file)
    return rules


def _targets(options: ReportOptions, specs: _Specs) -> list[Any]:
    from parity.facts import resolve_hosts

    if options.limit and not options.inventory:
        raise UsageError("--limit selects hosts of an inventory; pass --inventory FILE too")
    if options.hosts and options.limit:
        raise UsageError("--limit and --host both select hosts; use one of them")
    names = list(options.hosts) or ([options.limit or "all"] if options.inventory else [])
    if not names:
        raise UsageError("no hosts to report on",
                         hint="Pass --inventory FILE (and --limit PATTERN), or -H URL ...")
    spec = specs.get(options.spec)[1] if Path(options.spec).is_file() else None
    return resolve_hosts(names, spec=spec, inventory=options.inventory)


def _union(requests: Sequence[Any]) -> Any:
    """One request covering every spec's files, sysctl and ipadm keys and services: each host is
    collected once, and each comparison reads only what its own spec declares."""
    from parity.facts import CollectRequest

    return CollectRequest(paths=tuple(sorted({p for r in requests for p in r.paths})),
                          sysctl=tuple(sorted({k for r in requests for k in r.sysctl})),
                          ipadm=tuple(sorted({k for r in requests for k in r.ipadm})),
                          services=tuple(sorted({s for r in requests for s in r.services})),
                          # secret in any spec: never hashed on any host
                          secret_paths=frozenset(p for r in requests for p in r.secret_paths))


def _outcome(res: Any, name: str, spec: Spec, role: str, options: ReportOptions,
             bases: dict[str, Any], warnings: list[str]) -> HostOutcome:
    """One collected (or failed) host as a report row."""
    if res.facts is None:
        return HostOutcome(res.name, name, role, "unreachable", error=res.error or "not collected",
                           seconds=round(res.seconds, 3))
    facts: Facts = res.facts
    check = CheckOptions(role=role, strict=options.strict, timeout=options.timeout,  # type: ignore[arg-type]
                         baseline=options.baseline, today=options.today)
    base = None
    if options.strict:
        if name not in bases:
            from parity.compare.base_system import resolve_base_system

            bases[name] = resolve_base_system(spec.distro.docker_image, None, True,
                                              options.timeout)
        base = bases[name]
    result = check_facts(spec, [facts], check, base=base)
    warnings.extend(result.warnings)
    host = result.results[0]
    tracked = [TrackedFinding(f) for f in host.findings]
    return HostOutcome(
        res.name, name, role, "drifted" if host.failing else "clean",
        seconds=round(res.seconds, 3), collected_at=facts.collected_at, findings=tracked,
        checked=dict(host.checked), observed=observed(spec, facts, role))


def declared(spec: Spec) -> dict[str, dict[str, str | None]]:
    """What the spec wants for each pinned package (its constraint) and declared file (its
    sha256, None when the spec does not say), for the roll-out view."""
    from parity.compare.expect import expected_facts

    files = expected_facts(spec, "prod").files
    return {
        "package": {n: str(c) for n, c in spec.packages(dev=True).items() if not c.is_any},
        "file": {p: f.get("sha256") for p, f in files.items() if f.get("type") == "file"},
    }


def observed(spec: Spec, facts: Facts, role: str) -> dict[str, dict[str, str | None]]:
    """What the host carries for every pinned package (its version) and declared file (its
    sha256); None when absent."""
    pkgs = {}
    for n, c in spec.packages(dev=role == "dev").items():
        if not c.is_any:
            have = facts.packages.get(n)
            pkgs[n] = None if have is None or have.get("version") is None \
                else str(have["version"])
    files = {}
    for path, entry in spec.model.files.items():
        if entry.type == "file":
            got = facts.files.get(path) or {}
            sha = got.get("sha256") if got.get("type") == "file" else None
            files[path] = None if sha is None else str(sha)
    return {"package": pkgs, "file": files}
