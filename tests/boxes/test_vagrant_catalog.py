"""The catalog and boxes through real Vagrant (2.3.4), offline, with no provider running:
``box add`` of the catalog, ``validate`` of a three-line project Vagrantfile using the box,
``box outdated`` / ``box update`` after the next build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parity.boxes import build_box
from parity.spec import Spec, load_spec
from tests.boxes.conftest import copy_spec, edit_greeting, run

pytestmark = pytest.mark.vagrant_cli

PROJECT = """\
Vagrant.configure("2") do |config|
  config.vm.box = "{name}"
  config.vm.box_url = "{url}"
end
"""


def project(tmp_path: Path, name: str, catalog: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    (folder / "Vagrantfile").write_text(PROJECT.format(name=name, url=catalog.as_uri()))
    return folder


def test_box_add_reads_the_catalog_offline_and_ignores_parity_keys(
        tmp_path: Path, minimal: Spec, vagrant_env: dict[str, str]) -> None:
    result = build_box(minimal, tmp_path / "boxes", version="1.0.0")
    catalog = json.loads(result.catalog.read_text())
    assert "parity" in catalog["versions"][0]  # Vagrant must not mind it
    run(["vagrant", "box", "add", str(result.catalog)], env=vagrant_env)
    listed = run(["vagrant", "box", "list"], env=vagrant_env).stdout
    assert "tiny (docker, 1.0.0)" in listed
    home = Path(vagrant_env["VAGRANT_HOME"]) / "boxes" / "tiny" / "1.0.0" / "docker"
    assert (home / "parity-context" / "Dockerfile").is_file()


def test_a_project_using_the_box_validates_with_the_boxs_build_dir(
        tmp_path: Path, vagrant_env: dict[str, str]) -> None:
    """``vagrant validate`` merges the box's Vagrantfile and checks the docker provider's
    build_dir: it must exist and hold a Dockerfile inside the installed box."""
    spec = load_spec(copy_spec("webapp", tmp_path / "webapp"))
    result = build_box(spec, tmp_path / "boxes", version="1.0.0")
    run(["vagrant", "box", "add", str(result.catalog)], env=vagrant_env)
    folder = project(tmp_path, "shop", result.catalog)
    run(["vagrant", "validate"], cwd=folder, env=vagrant_env)
    # the oracle sees a broken box: without its context the build_dir check fails (Vagrant
    # checks that the folder exists; its message claims a Dockerfile check it does not make)
    home = Path(vagrant_env["VAGRANT_HOME"]) / "boxes" / "shop" / "1.0.0" / "docker"
    shutil.rmtree(home / "parity-context")
    proc = run(["vagrant", "validate"], cwd=folder, env=vagrant_env, check=False)
    assert proc.returncode != 0 and "build_dir" in proc.stdout + proc.stderr


def test_outdated_and_update_see_the_next_build(
        tmp_path: Path, minimal: Spec, vagrant_env: dict[str, str]) -> None:
    out = tmp_path / "boxes"
    first = build_box(minimal, out, version="1.0.0")
    run(["vagrant", "box", "add", str(first.catalog)], env=vagrant_env)
    folder = project(tmp_path, "tiny", first.catalog)
    current = run(["vagrant", "box", "outdated"], cwd=folder, env=vagrant_env).stdout
    assert "Checking if box 'tiny' version '1.0.0'" in current
    assert "newer version" not in current
    build_box(edit_greeting(minimal, "hi"), out, version="1.1.0")
    # In the project (no machine created: the default provider's box is checked). Without
    # --force Vagrant checks a box at most once an hour (the mtime of a box_update_check file
    # in the box's folder, touched by the check above) and otherwise prints no verdict at all
    quiet = run(["vagrant", "box", "outdated"], cwd=folder, env=vagrant_env).stdout
    assert "1.1.0" not in quiet
    outdated = run(["vagrant", "box", "outdated", "--force"], cwd=folder,
                   env=vagrant_env).stdout
    assert "The latest is version\n'1.1.0'" in outdated
    # ... and for every installed box, without a project
    glob = run(["vagrant", "box", "outdated", "--global"], env=vagrant_env).stdout
    assert "is outdated! Current: 1.0.0. Latest: 1.1.0" in glob
    run(["vagrant", "box", "update", "--box", "tiny"], env=vagrant_env)
    listed = run(["vagrant", "box", "list"], env=vagrant_env).stdout
    assert "tiny (docker, 1.1.0)" in listed
    assert "is up to date" in run(["vagrant", "box", "outdated", "--global"],
                                  env=vagrant_env).stdout


def test_a_tampered_box_fails_vagrants_checksum(
        tmp_path: Path, minimal: Spec, vagrant_env: dict[str, str]) -> None:
    result = build_box(minimal, tmp_path / "boxes")
    assert result.box is not None
    with result.box.open("ab") as fh:
        fh.write(b"\0")
    proc = run(["vagrant", "box", "add", str(result.catalog)], env=vagrant_env, check=False)
    assert proc.returncode != 0
    assert "checksum" in (proc.stdout + proc.stderr).lower()
