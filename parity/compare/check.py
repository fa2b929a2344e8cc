"""The drift checks end to end: resolve hosts, collect, compare, apply ignores and baselines.

``run_check`` (spec vs hosts) and ``run_diff`` (host vs host) are what ``parity check`` and
``parity diff`` call; ``check_facts`` and ``diff_facts`` are the host-free halves tests use.
Roles: ``--role`` applies to every host; without it a host is checked as ``prod``, except the host
named ``dev`` (the environment ``parity up`` made), which is checked as ``dev``. Production is the
safe default: a dev environment checked as prod only tolerates extra dev packages, while a prod
host checked as dev would fail for lacking ``git``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from parity.compare.base_system import BaseSystem, resolve_base_system
from parity.compare.expect import Role
from parity.compare.ignore import apply_ignores
from parity.compare.result import HostReport, Report
from parity.errors import UsageError
from parity.facts.model import Facts
from parity.spec import Spec
from parity.textsafe import quoted

if TYPE_CHECKING:
    from parity.compare.against_spec import Comparison


# The comparisons are imported on first use, not with this module: ``parity check`` imports this
# module before it collects, and imports the comparison on a helper thread while the host's
# round trip is under way (parity/cli/check_cmds.py), which takes it off a one-host check's path.
def compare_spec_full(spec: Spec, facts: Facts, role: Role = "prod", strict: bool = False,
                      base: BaseSystem | None = None) -> Comparison:
    from parity.compare.against_spec import compare_spec_full as compare

    return compare(spec, facts, role, strict, base)


def compare_hosts_full(a: Facts, b: Facts) -> Comparison:
    from parity.compare.hosts import compare_hosts_full as compare

    return compare(a, b)

DEV_HOST = "dev"


@dataclass
class CheckOptions:
    """Everything ``parity check`` can be told, with the CLI's defaults."""

    role: Role | None = None
    strict: bool = False
    jobs: int | None = None
    timeout: float = 60.0
    baseline: Path | None = None
    base_facts: Path | None = None
    #: look up the spec's base image in the local Docker Engine for --strict
    base_from_docker: bool = True
    today: date | None = None
    warnings: list[str] = field(default_factory=list)


def role_for(host: str, options: CheckOptions) -> Role:
    if options.role is not None:
        return options.role
    return "dev" if host == DEV_HOST else "prod"


def check_facts(spec: Spec, collected: Sequence[Facts | tuple[str, str]],
                options: CheckOptions | None = None, base: BaseSystem | None = None) -> Report:
    """Compare already-collected facts (or ``(host, error)`` pairs) with ``spec``."""
    options = options or CheckOptions()
    base = _base_for(spec, options, base)
    notes: list[str] = list(options.warnings)
    results = [_host_report(spec, item, options, base, notes) for item in collected]
    return _check_report(spec, results, notes, options, base)


def _base_for(spec: Spec, options: CheckOptions, base: BaseSystem | None) -> BaseSystem | None:
    if options.strict and base is None:
        return resolve_base_system(spec.distro.docker_image, options.base_facts,
                                   options.base_from_docker, options.timeout)
    return base


def _host_report(spec: Spec, item: Facts | tuple[str, str], options: CheckOptions,
                 base: BaseSystem | None, notes: list[str]) -> HostReport:
    """One host's findings (or its error); the comparison's notes go to ``notes``."""
    if isinstance(item, tuple):
        return HostReport(item[0], error=item[1])
    cmp = compare_spec_full(spec, item, role_for(item.host, options), options.strict, base)
    notes.extend(cmp.notes)
    return HostReport(item.host, cmp.findings, checked=cmp.checked)


def _check_report(spec: Spec, results: list[HostReport], notes: list[str],
                  options: CheckOptions, base: BaseSystem | None) -> Report:
    report = Report(command="check", reference=str(spec.path), results=results,
                    role=options.role or "auto", strict=options.strict,
                    baseline=str(options.baseline) if options.baseline else None)
    if options.strict and base is not None:
        notes.append(f"--strict base system: {base.source}")
    _finish(report, spec, notes, options)
    return report


def run_check(spec: Spec, hosts: Sequence[str], inventory: str | None = None,
              options: CheckOptions | None = None) -> Report:
    """Resolve ``hosts``, collect them concurrently, and check each against ``spec``."""
    from parity.facts import CollectRequest, HostResult, collect_many, resolve_hosts

    options = options or CheckOptions()
    names = list(hosts)
    if not names and not inventory:
        raise UsageError("no hosts to check",
                         hint="Pass --host URL (docker://NAME, ssh://user@host, ...), a name from "
                              "the spec's hosts:, or --inventory FILE.")
    if inventory and not names:
        names = ["ansible://all"]
    targets = resolve_hosts(names, spec=spec, inventory=inventory)
    request = CollectRequest.from_spec(spec)
    base = _base_for(spec, options, None)
    notes: list[str] = list(options.warnings)
    reports: dict[str, HostReport] = {}

    def compared(res: HostResult) -> None:
        # each host is compared as it arrives and its facts dropped: memory stays flat in the
        # number of hosts (bench fleet_ssh: 155 MiB at 1,000 hosts with every host's facts kept
        # to the end, against 91 MiB at 250)
        item = res.facts if res.facts is not None else (res.name, res.error or "not collected")
        reports[res.name] = _host_report(spec, item, options, base, notes)
        res.facts = None

    done = collect_many(targets, request, jobs=options.jobs, timeout=options.timeout,
                        on_result=compared)
    return _check_report(spec, [reports[r.name] for r in done], notes, options, base)


def diff_facts(a: Facts, b: Facts, spec: Spec | None = None,
               today: date | None = None) -> Report:
    """Host vs host; the spec (optional) contributes its ignore rules and its secret files, whose
    content is compared on neither side (a snapshot taken without the spec may hold a hash)."""
    from parity.facts.request import secret_paths

    secrets = secret_paths(spec)
    cmp = compare_hosts_full(_without_content(a, secrets), _without_content(b, secrets))
    from parity.compare.hosts import host_package_changes

    report = Report(command="diff", reference=a.host,
                    results=[HostReport(b.host, cmp.findings, checked=cmp.checked,
                                        package_changes=host_package_changes(a, b))])
    _finish(report, spec, list(cmp.notes), CheckOptions(today=today))
    return report


def _without_content(facts: Facts, paths: frozenset[str]) -> Facts:
    """``facts`` with no content hash for ``paths`` (a copy; the same object when none is held)."""
    held = [p for p in paths if (facts.files.get(p) or {}).get("sha256") is not None]
    if not held:
        return facts
    files = dict(facts.files)
    for p in held:
        files[p] = {**files[p], "sha256": None}
    return dataclasses.replace(facts, files=files)


def run_diff(a: str, b: str, spec: Spec | None = None, paths: Sequence[str] = (),
             timeout: float = 60.0) -> Report:
    """``parity diff A B``: each side a host (URL or spec host name) or a snapshot ``.json``.

    Both live sides are asked for the same files, sysctl and ipadm keys: the spec's, ``--path``
    extras, and whatever a snapshot side holds, so a file in the snapshot is never "missing"
    merely because the live side was not asked about it.
    """
    from parity.facts import CollectRequest, collect_many, resolve_hosts
    from parity.facts.request import IPADM_KEY

    snapshots = {x: _load_snapshot(x) for x in (a, b) if _is_snapshot(x)}
    extra_paths = list(paths)
    extra_sysctl: list[str] = []
    extra_ipadm: list[str] = []
    for facts in snapshots.values():
        extra_paths += sorted(facts.files)
        extra_sysctl += sorted(facts.sysctl)
        extra_ipadm += sorted(k for k in facts.ipadm if IPADM_KEY.match(k))  # a key we can ask
    base = CollectRequest.from_spec(spec, extra_paths)
    request = CollectRequest(paths=base.paths, sysctl=(*base.sysctl, *extra_sysctl),
                             ipadm=(*base.ipadm, *extra_ipadm),
                             services=base.services, secret_paths=base.secret_paths)
    live = [x for x in (a, b) if x not in snapshots]
    side: dict[str, Facts] = dict(snapshots)
    if live:
        targets = []
        for arg in live:  # one side at a time: `diff X X` compares X with itself
            found = resolve_hosts([arg], spec=spec)
            if len(found) != 1:
                raise UsageError(f"parity diff compares two single hosts; {quoted(arg)} names "
                                 f"{len(found)}", hint="Name single hosts, not groups.")
            targets.append(found[0])
        errors = []
        for arg, res in zip(live, collect_many(targets, request, timeout=timeout), strict=True):
            if res.facts is None:
                errors.append(HostReport(res.name, error=res.error or "not collected"))
            else:
                side[arg] = res.facts
        if errors:
            from parity.redact import redact_url

            return Report(command="diff", reference=redact_url(a), results=errors)
    return diff_facts(side[a], side[b], spec)


def _is_snapshot(arg: str) -> bool:
    return "://" not in arg and arg.endswith(".json")


def _load_snapshot(arg: str) -> Facts:
    path = Path(arg)
    try:
        return Facts.load(path)
    except FileNotFoundError:
        raise UsageError(f"{arg}: snapshot file not found",
                         hint="Write one with `parity snapshot URL -o FILE.json`.") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{arg}: not a parity facts snapshot: {exc}") from None


def _finish(report: Report, spec: Spec | None, notes: list[str],
            options: CheckOptions) -> None:
    """Apply ignore rules, then the baseline; collect warnings."""
    rules = list(spec.model.drift.ignore) if spec is not None else []
    for r in report.results:
        r.findings, _ = apply_ignores(r.findings, rules, options.today)
    notes.extend(apply_ignores([], rules, options.today)[1])  # expired rules, once per run
    if options.baseline is not None:
        from parity.baseline import load_baseline

        baseline = load_baseline(options.baseline)
        for r in report.results:
            r.findings = baseline.apply(r.findings)
    report.warnings = list(dict.fromkeys(notes))


def record_baseline(report: Report, path: Path) -> int:
    """``--write-baseline``: record the failing findings, then treat them as baselined."""
    from parity.baseline import Baseline, load_baseline, write_baseline
    from parity.fsutil import is_stdout

    entries: list[dict[str, object]] = []
    n = write_baseline(path, report.all_findings(), entries=entries)
    # read back what was written (a file) or use what was printed (-)
    baseline = Baseline(tuple(entries)) if is_stdout(path) else load_baseline(path)
    for r in report.results:
        r.findings = baseline.apply(r.findings)
    report.baseline = str(path)
    where = "stdout" if is_stdout(path) else path
    report.warnings.append(f"wrote {n} baseline entr{'y' if n == 1 else 'ies'} to {where}")
    return n
