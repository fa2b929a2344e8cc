"""The outcome of a check or diff: per-host findings and errors, and the exit code they imply.

Exit code rule (documented in docs/findings.md): **3 if any host could not be checked**, else 1 if
any finding fails (not ignored, not baselined), else 0. An unreachable host wins over drift
because a run that could not look at every host has no verdict for that host; CI must not read
"1, drift" and miss that a machine was never checked. Drift on the hosts that were checked is
still in every report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parity.compare.finding import Finding
from parity.errors import ExitCode

if TYPE_CHECKING:
    from parity.compare.package_changes import PackageChange

REPORT_FORMAT = 1


@dataclass
class HostReport:
    """One host's findings, or the error that kept it from being checked."""

    host: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    #: items checked per finding kind (JUnit counts them as test cases)
    checked: dict[str, int] = field(default_factory=dict)
    #: ``parity diff`` only: package names whose versions differ, ``nvd``-style
    #: (:mod:`parity.compare.package_changes`); ``None`` when not computed
    package_changes: list[PackageChange] | None = None

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]

    @property
    def status(self) -> str:
        """``error`` | ``drift`` | ``ok``."""
        if self.error is not None:
            return "error"
        return "drift" if self.failing else "ok"


@dataclass
class Report:
    """Everything a reporter needs: what was compared with what, results and warnings."""

    command: str  # "check" | "diff"
    reference: str  # spec path for check, host A for diff
    results: list[HostReport]
    warnings: list[str] = field(default_factory=list)
    role: str | None = None
    strict: bool = False
    baseline: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        if any(r.error is not None for r in self.results):
            return ExitCode.HOST
        if any(r.failing for r in self.results):
            return ExitCode.DRIFT
        return ExitCode.OK

    def summary(self) -> dict[str, int]:
        findings = [f for r in self.results for f in r.findings]
        return {
            "hosts": len(self.results),
            "hosts_ok": sum(r.status == "ok" for r in self.results),
            "hosts_drift": sum(r.status == "drift" for r in self.results),
            "hosts_error": sum(r.status == "error" for r in self.results),
            "findings": len(findings),
            "failing": sum(f.fails for f in findings),
            "ignored": sum(f.ignored is not None for f in findings),
            "baselined": sum(f.baselined for f in findings),
        }

    def all_findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def summary_line(self) -> str:
        s = self.summary()
        parts = [f"{s['hosts']} host{'s' * (s['hosts'] != 1)}",
                 f"{s['hosts_ok']} ok", f"{s['hosts_drift']} drifted",
                 f"{s['hosts_error']} not checked",
                 f"{s['failing']} failing finding{'s' * (s['failing'] != 1)}"]
        if s["ignored"]:
            parts.append(f"{s['ignored']} ignored")
        if s["baselined"]:
            parts.append(f"{s['baselined']} baselined")
        return ", ".join(parts)

    def meta(self) -> dict[str, Any]:
        return {"command": self.command, "reference": self.reference, "role": self.role,
                "strict": self.strict, "baseline": self.baseline}
