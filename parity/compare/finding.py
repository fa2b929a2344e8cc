"""Findings: the flat records every comparison produces and every reporter consumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Change = Literal["missing", "unexpected", "changed"]


@dataclass(frozen=True)
class Finding:
    """One difference: ``host`` has ``kind``/``name`` (``field``) ``actual`` where ``expected``.

    ``field`` is ``None`` for whole-item findings (a missing package). ``ignored`` carries the
    reason when an ignore rule matched (such findings are reported but do not fail a check).
    """

    host: str
    kind: str  # package | service | user | group | file | port | sysctl | os
    name: str
    field: str | None
    expected: Any
    actual: Any
    change: Change
    ignored: str | None = None
    #: True when a ``--baseline`` file already records this finding (reported, does not fail)
    baselined: bool = False

    @property
    def path(self) -> str:
        """``kind/name/field``: what ignore rules and baselines match against."""
        return "/".join(p for p in (self.kind, self.name, self.field) if p)

    @property
    def identity(self) -> tuple[str, str, str | None, str]:
        """Host-agnostic identity ``(kind, name, field, change)``: what baselines match on.

        A tuple rather than a joined string because file names contain ``/``.
        """
        return (self.kind, self.name, self.field, self.change)

    @property
    def fails(self) -> bool:
        """Whether this finding is drift that fails the run (not ignored, not in the baseline)."""
        return self.ignored is None and not self.baselined

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
