"""docker target: a complete build context (see :mod:`parity.render.context`).

One linear Dockerfile: a plain ``docker build`` makes the dev image; ``--build-arg
PARITY_DEV=0`` (:data:`~parity.render.context.DEV_ARG`) the prod image, without dev packages,
sharing every layer before the dev-packages step.
"""

from __future__ import annotations

from parity.render.base import PlannedFile
from parity.render.context import plan_context
from parity.spec import Spec


def plan(spec: Spec) -> list[PlannedFile]:
    return plan_context(spec)
