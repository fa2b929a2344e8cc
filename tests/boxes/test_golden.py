"""Golden files of what build-box generates (beside the context, which the vagrant target's
goldens already pin): the box's Vagrantfile and metadata, and the Packer folder's own files.
``pytest --update-golden`` rewrites them; review with git diff."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parity.boxes.plans import plan_docker_box, plan_packer
from parity.spec import load_spec
from tests.boxes.conftest import EXAMPLES, REPO, SPECS

GOLDEN = REPO / "tests" / "golden" / "boxes"


@pytest.mark.parametrize("name", SPECS)
def test_box_and_packer_files(name: str, golden: Callable[[str, Path], None]) -> None:
    spec = load_spec(EXAMPLES / name)
    files = {f"docker-box/{f.path}": f.read() for f in plan_docker_box(spec, "1.0.0")}
    files.update({f"packer/{f.path}": f.read() for f in plan_packer(spec, "1.0.0")})
    for rel, data in sorted(files.items()):
        if "/parity-context/" in rel:
            continue
        golden(data.decode(), GOLDEN / name / rel)
