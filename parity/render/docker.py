"""docker target: a complete build context (see :mod:`parity.render.context`)."""

from __future__ import annotations

from parity.render.base import PlannedFile
from parity.render.context import plan_context
from parity.spec import Spec

#: the Dockerfile's stages: the last one (dev, with dev packages) is what a plain build produces
STAGES = ("prod", "dev")


def plan(spec: Spec) -> list[PlannedFile]:
    return plan_context(spec)
