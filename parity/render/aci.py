"""nix target: placeholder."""

from __future__ import annotations

from parity.render.base import PlannedFile
from parity.spec import Spec


def plan(spec: Spec) -> list[PlannedFile]:
    return []
