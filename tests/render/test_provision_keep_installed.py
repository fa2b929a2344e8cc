"""``PARITY_KEEP_INSTALLED=1``: provision.sh leaves a package alone when its installed version
satisfies the spec, and refreshes no package lists when nothing is missing (what
scripts/bootstrap.sh runs on every ``scripts/test``). Run for real in a debian:12 container
with no network: any ``apt-get update`` there fails, so a run that succeeds downloaded nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.provision import docker_context

pytestmark = pytest.mark.docker


def context(tmp_path: Path, packages: str) -> Path:
    return docker_context(tmp_path, "keep", f"packages: {packages}\n")


def run(box, env: dict[str, str]) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    result = box.exec_run(["sh", "/ctx/provision.sh", "packages"], environment=env)
    return result.exit_code, result.output.decode()


def test_satisfied_packages_need_no_download(tmp_path: Path, base_image: str,
                                             container_factory) -> None:  # type: ignore[no-untyped-def]
    # in every minbase image; a glob, a range and "*" (the three kinds of clause lists)
    ctx = context(tmp_path, "{bash: '5.*', coreutils: '>=9, <10', dpkg: '*'}")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    code, out = run(box, {"PARITY_KEEP_INSTALLED": "1"})
    assert code == 0, out
    assert "apt-get" not in out and "Reading package lists" not in out
    # without it, provision.sh refreshes the lists to pick the newest allowed version: offline,
    # that fails, which proves the run above never tried
    code, out = run(box, {})
    assert code != 0


def test_a_package_outside_the_spec_is_still_replaced(tmp_path: Path, base_image: str,
                                                      container_factory) -> None:  # type: ignore[no-untyped-def]
    """Keeping is only for versions the spec allows: bash 5.2 breaks '<5', so provision.sh goes
    to the package lists (and, offline, fails saying which package it wanted)."""
    ctx = context(tmp_path, "{bash: '<5', dpkg: '*'}")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    code, out = run(box, {"PARITY_KEEP_INSTALLED": "1"})
    assert code != 0
    assert "bash (<5): available: none" in out, out
