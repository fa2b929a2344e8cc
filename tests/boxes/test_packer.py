"""The rendered Packer template, checked by Debian's real ``packer validate`` and ``inspect``.

Packer 1.6.6 ``validate`` downloads a ``file:`` ISO checksum (the default points at Debian's
SHA256SUMS), so these runs pass a literal checksum and run without a network (conftest).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.boxes.plans import plan_packer
from parity.render.writer import write_plan
from parity.spec import Spec, load_spec
from tests.boxes.conftest import EXAMPLES, FAKE_ISO_CHECKSUM, MINIMAL, REPO, SPECS, run, write_spec

PACKER_ENV = {"CHECKPOINT_DISABLE": "1"}


def render(spec: Spec, folder: Path, version: str = "1.0.0") -> Path:
    write_plan(plan_packer(spec, version), folder)
    return folder


def validate(folder: Path, *extra: str, check: bool = True):  # type: ignore[no-untyped-def]
    return run(["packer", "validate", "-var", f"iso_checksum={FAKE_ISO_CHECKSUM}", *extra,
                "packer.json"], cwd=folder, env=PACKER_ENV, check=check)


def builders(folder: Path) -> list[str]:
    out = run(["packer", "inspect", "-machine-readable", "packer.json"], cwd=folder,
              env=PACKER_ENV).stdout
    return sorted(line.split(",")[3] for line in out.splitlines()
                  if ",template-builder," in line)


@pytest.mark.packer
@pytest.mark.parametrize("name", [*SPECS, "parity (the repo's own)"])
def test_every_example_validates(tmp_path: Path, name: str) -> None:
    spec = load_spec(REPO / "parity.yaml" if name.startswith("parity") else EXAMPLES / name)
    folder = render(spec, tmp_path / "packer")
    validate(folder)
    assert builders(folder) == ["docker", "libvirt", "virtualbox"]


@pytest.mark.packer
def test_without_what_it_reads_the_template_does_not_validate(tmp_path: Path) -> None:
    """The oracle notices a missing context or box Vagrantfile (so the passing runs mean
    something)."""
    folder = render(load_spec(EXAMPLES / "webapp"), tmp_path / "packer")
    (folder / "box.Vagrantfile").unlink()
    proc = validate(folder, check=False)
    assert proc.returncode != 0
    assert "box.Vagrantfile" in proc.stdout + proc.stderr


@pytest.mark.packer
def test_spec_text_that_looks_like_packer_template_actions_stays_text(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s", MINIMAL.format(
        name="tiny", base="debian:12", greeting="\"{{env `HOME`}} {{foo}} }} {{\""))
    validate(render(spec, tmp_path / "packer"))


@pytest.mark.packer
def test_a_base_without_an_installer_gets_the_docker_builder_only(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s", MINIMAL.format(name="tiny", base="alpine:3.20",
                                                     greeting="x"))
    folder = render(spec, tmp_path / "packer")
    validate(folder)
    assert builders(folder) == ["docker"]
    assert not (folder / "http").exists()


def test_the_docker_builder_uses_the_local_base_image_and_the_docker_targets_metadata(
        tmp_path: Path) -> None:
    spec = load_spec(EXAMPLES / "webapp")
    template = json.loads(render(spec, tmp_path / "p").joinpath("packer.json").read_text())
    docker = next(b for b in template["builders"] if b["type"] == "docker")
    assert (docker["image"], docker["pull"], docker["commit"]) == ("debian:12", False, True)
    assert f'LABEL org.parity.spec-sha256="{spec.sha256}"' in docker["changes"]
    assert 'ENTRYPOINT ["/usr/local/bin/parity-entrypoint"]' in docker["changes"]
    vagrant = next(p for p in template["post-processors"] if p["type"] == "vagrant")
    assert vagrant["output"].endswith("{{user `box_name`}}-{{user `version`}}-{{.Provider}}.box")
    assert template["variables"]["version"] == "1.0.0"
