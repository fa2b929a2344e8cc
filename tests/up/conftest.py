"""Fixtures for the up/down/status integration tests: real Docker, real Vagrant, no mocks.

Every test works on a copy of an example in a tmp folder (so ``.parity/`` and ``state.json``
never land in the repo) and names its containers ``parity-test-up-<run id>-...`` so parallel
runs and other test suites on the same daemon never collide. Finalizers remove everything
labelled with a spec path under the test's folder, whatever the test did. ``docker_client``
and the tool markers come from the suite-wide ``tests/helpers/docker.py`` plugin.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.spec import Spec, load_spec

from .helpers import SECRET, copy_example, sweep, unique


@pytest.fixture(scope="session", autouse=True)
def lock_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The lock files of ``up``/``down`` (two per environment name, and every test name is
    unique) go to a tmp folder, not the developer's ``~/.cache/parity/locks``; the CLI
    subprocesses inherit it, so they still lock against each other."""
    path = tmp_path_factory.mktemp("locks")
    before = os.environ.get("PARITY_LOCK_DIR")
    os.environ["PARITY_LOCK_DIR"] = str(path)
    yield path
    if before is None:
        os.environ.pop("PARITY_LOCK_DIR", None)
    else:
        os.environ["PARITY_LOCK_DIR"] = before


@pytest.fixture
def workdir(tmp_path: Path, docker_client) -> Iterator[Path]:
    """A tmp folder whose parity environments are swept away afterwards."""
    yield tmp_path
    sweep(docker_client, tmp_path)


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory, docker_client) -> Iterator[tuple[Spec, str]]:
    """The webapp example up on docker (network none: parallel runs share no ports)."""
    from parity.up import down, up

    root = tmp_path_factory.mktemp("shop")
    spec = load_spec(copy_example(root))
    name = unique("shop")
    try:
        result = up(spec, name=name, network="none", environ={"SECRET_KEY": SECRET})
        assert result.url == f"docker://{name}"
        yield spec, name
    finally:
        with contextlib.suppress(Exception):
            down(spec, name=name)
        sweep(docker_client, root)
