"""Suite-wide pytest wiring: tool markers, the CI no-skip rule, shared fixtures, golden files.

A test marked ``@pytest.mark.docker`` (vagrant, nix, actool, podman, ssh) is skipped when that
tool is unusable here, with the reason, but *fails* under ``CI=true``: CI provisions every tool,
so a skip there would hide a broken setup behind a green run. Tests that use a docker fixture
(``docker_client``, ``container_factory``, ...) get the ``docker`` marker automatically, so
``-m "not docker"`` deselects them too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest

# helpers hold assertions too; they must be registered before their first import to be rewritten
pytest.register_assert_rewrite("tests.helpers")

from tests.helpers import tools  # noqa: E402
from tests.helpers.docker import DOCKER_FIXTURES, require  # noqa: E402
from tests.helpers.golden import assert_golden  # noqa: E402

pytest_plugins = ["tests.helpers.docker"]

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files with the generated output instead of comparing",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-golden") and tools.in_ci():
        raise pytest.UsageError("--update-golden is not allowed under CI=true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DOCKER_FIXTURES and item.get_closest_marker("docker") is None:
            item.add_marker(pytest.mark.docker)
    if tools.in_ci():
        stop_if_the_spec_lacks_a_package(items)


def stop_if_the_spec_lacks_a_package(items: list[pytest.Item]) -> None:
    """Under CI=true, stop before the first test when parity.yaml lacks a package a test needs:
    bootstrap provisions the machine from that spec, so the tests would otherwise fail one by
    one with a missing tool instead of saying what is wrong."""
    missing = tools.missing_from_spec()
    if not missing:
        return
    lines = []
    for pkg, who in missing:
        files = sorted({item.nodeid.split("::")[0] for item in items
                        for marker, pkgs in tools.PACKAGES.items()
                        if pkg in pkgs and item.get_closest_marker(marker) is not None})
        shown = ", ".join(files[:5]) + (", …" if len(files) > 5 else "")
        lines.append(f"{pkg} (needed by {who}: {shown})" if files else f"{pkg} (needed by {who})")
    pytest.exit("parity.yaml does not list packages the tests need, so scripts/bootstrap.sh "
                "did not install them:\n  " + "\n  ".join(lines)
                + "\nAdd them under packages: in parity.yaml, then render it again: "
                "parity render parity.yaml -t vagrant -d .", returncode=3)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name in tools.PROBES:
        if item.get_closest_marker(name) is not None:
            require(name)


@pytest.fixture(scope="session")
def update_golden(pytestconfig: pytest.Config) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(pytestconfig.getoption("--update-golden"))


@pytest.fixture(scope="session")
def golden(update_golden: bool) -> Callable[[str, Path | str], None]:
    """``golden(actual_text, path)``: compare with (or, with --update-golden, rewrite) ``path``."""
    return functools.partial(assert_golden, update=update_golden)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's root folder (examples/, templates/, parity.yaml)."""
    return REPO_ROOT
