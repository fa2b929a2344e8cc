"""vagrant target: ``Vagrantfile`` plus ``parity-context/`` (the docker build context)."""

from __future__ import annotations

from parity.render.base import PlannedFile
from parity.render.context import plan_context
from parity.spec import Spec

CONTEXT = "parity-context"


def plan(spec: Spec) -> list[PlannedFile]:
    return plan_context(spec, prefix=f"{CONTEXT}/")
