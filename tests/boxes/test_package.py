"""The docker box file: what Vagrant unpacks, reproducible bytes, atomic writes."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from parity.boxes.package import MTIME, write_box
from parity.boxes.plans import plan_docker_box, plan_packer
from parity.render import plan_files
from parity.spec import Spec, load_spec
from tests.boxes.conftest import EXAMPLES, SPECS, run


def test_the_box_holds_metadata_a_vagrantfile_and_the_vagrant_targets_context(
        tmp_path: Path) -> None:
    spec = load_spec(EXAMPLES / "webapp")
    box = tmp_path / "shop.box"
    write_box(plan_docker_box(spec, "1.0.0"), box)
    with tarfile.open(box, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert tar.extractfile("metadata.json").read() == b'{"provider": "docker"}\n'  # type: ignore[union-attr]
        vagrantfile = tar.extractfile("Vagrantfile").read().decode()  # type: ignore[union-attr]
        # the context is the vagrant target's, byte for byte
        for path, data in plan_files(spec, "vagrant").items():
            if path.startswith("parity-context/"):
                assert tar.extractfile(path).read() == data, path  # type: ignore[union-attr]
    assert 'd.build_dir = PARITY_BOX_CONTEXT' in vagrantfile
    assert "File.dirname(__FILE__), 'parity-context'" in vagrantfile
    assert members["parity-context/provision.sh"].mode == 0o755
    assert members["parity-context"].isdir()
    assert {(m.uid, m.gid, m.mtime) for m in members.values()} == {(0, 0, MTIME)}


@pytest.mark.parametrize("name", SPECS)
def test_the_same_spec_gives_the_same_bytes(tmp_path: Path, name: str) -> None:
    spec = load_spec(EXAMPLES / name)
    assert (write_box(plan_docker_box(spec, "1.0.0"), tmp_path / "a.box")
            == write_box(plan_docker_box(spec, "1.0.0"), tmp_path / "b.box"))


def test_a_failed_write_leaves_no_partial_box(tmp_path: Path, minimal: Spec,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    files = plan_docker_box(minimal, "1.0.0")
    box = tmp_path / "out" / "tiny.box"
    box.parent.mkdir()
    box.write_bytes(b"old")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "addfile", boom)
    with pytest.raises(Exception, match="no space left"):
        write_box(files, box)
    assert box.read_bytes() == b"old"
    assert [p.name for p in box.parent.iterdir()] == ["tiny.box"]


@pytest.mark.vagrant_cli
@pytest.mark.parametrize("name", SPECS)
def test_the_box_vagrantfiles_are_valid_ruby(tmp_path: Path, name: str) -> None:
    spec = load_spec(EXAMPLES / name)
    docker = {f.path: f.read() for f in plan_docker_box(spec, "1.0.0")}
    vm = {f.path: f.read() for f in plan_packer(spec, "1.0.0")}
    for label, data in (("docker", docker["Vagrantfile"]), ("vm", vm["box.Vagrantfile"])):
        (tmp_path / label).write_bytes(data)
        run(["ruby", "-c", str(tmp_path / label)])
