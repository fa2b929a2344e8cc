"""Fixtures for the renderer tests: the examples, their rendered output, the built webapp image."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from parity.render import TARGETS, render_target
from parity.spec import Spec, load_spec

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if (p / "parity.yaml").is_file())
WEBAPP_TAG = "parity-test-render/shop:dev"


@pytest.fixture(scope="session")
def example_specs() -> dict[str, Spec]:
    return {name: load_spec(REPO / "examples" / name / "parity.yaml") for name in EXAMPLES}


@pytest.fixture(scope="session")
def rendered(example_specs: dict[str, Spec],
             tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every example rendered for every target: ``{(example, target): out_dir}``."""
    root = tmp_path_factory.mktemp("rendered")
    out = {}
    for name, spec in example_specs.items():
        for target in TARGETS:
            folder = root / name / target
            render_target(spec, target, folder)
            out[(name, target)] = folder
    return out


@pytest.fixture
def example_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy an example folder to tmp_path (so a test may edit it); returns its parity.yaml."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(REPO / "examples" / name, dest,
                        ignore=shutil.ignore_patterns(".parity"))
        return dest / "parity.yaml"

    return copy


@pytest.fixture(scope="session")
def webapp_image(rendered: dict[tuple[str, str], Path], image_builder: Callable[..., str],
                 docker_client) -> str:  # type: ignore[no-untyped-def]
    """The webapp's rendered Dockerfile, really built (the default: dev), tagged WEBAPP_TAG.

    ``image_builder`` reuses an identical earlier build (content-hashed tag), and docker's layer
    cache makes a rebuild after a template change cost only the changed steps.
    """
    tag = image_builder(rendered[("webapp", "docker")], area="render")
    docker_client.images.get(tag).tag(WEBAPP_TAG)
    return WEBAPP_TAG
