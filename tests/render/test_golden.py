"""Golden files for every artefact of every example and target.

``pytest tests/render --update-golden`` rewrites them; review the diff before committing.
The vagrant and devcontainer targets' ``parity-context/`` is not kept again: ``test_vagrant_context_
is_the_docker_context`` and ``test_devcontainer.py::test_context_is_the_docker_context`` prove it
byte-identical to the docker target, whose golden files cover it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parity.render import TARGETS, plan_files
from parity.spec import Spec
from tests.render.conftest import EXAMPLES, REPO

GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("target", list(TARGETS))
def test_golden(example_specs: dict[str, Spec], golden: Callable[[str, Path], None],
                update_golden: bool, example: str, target: str) -> None:
    folder = GOLDEN / example / target
    files = {rel: data for rel, data in plan_files(example_specs[example], target).items()
             if not (target in ("vagrant", "devcontainer") and rel.startswith("parity-context/"))}
    for rel, data in files.items():
        golden(data.decode(), folder / rel)
    if not update_golden and folder.is_dir():
        extra = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert extra <= set(files), f"golden files no longer rendered: {sorted(extra - set(files))}"
