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

    @property
    def path(self) -> str:
        """``kind/name/field``: what ignore rules and baselines match against."""
        return "/".join(p for p in (self.kind, self.name, self.field) if p)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
