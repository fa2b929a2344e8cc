"""Every example, every target: rendered files pass the real tools and mean what the spec says."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from parity.render import TARGETS, plan_files
from parity.render.base import has_marker
from parity.render.context import IMAGE_TREE
from parity.render.nix import nix_attr
from parity.spec import Spec
from tests.helpers.provision import provisioning_text
from tests.render.conftest import EXAMPLES
from tests.render.nixstub import evaluate


def run(argv: list[str], cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **env})
    assert proc.returncode == 0, f"{argv} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("target", list(TARGETS))
def test_every_generated_file_has_the_header(example_specs: dict[str, Spec], example: str,
                                             target: str) -> None:
    """Every generated file has the marker; those that reach the image (the provisioning tree,
    the entrypoint) never carry the spec's hash, or no step could be reused after an edit."""
    spec = example_specs[example]
    for path, data in plan_files(spec, target).items():
        if "/src/" in f"/{path}":
            assert data == spec.resolve(path.split("/src/", 1)[1]).read_bytes()
            continue
        assert has_marker(data), path
        top = path.removeprefix("parity-context/").split("/", 1)[0]
        in_image = top in (*IMAGE_TREE, "entrypoint.sh")
        assert (spec.sha256.encode() in data) is not in_image, path


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("target", list(TARGETS))
def test_rendering_is_deterministic(example_specs: dict[str, Spec], example: str,
                                    target: str) -> None:
    spec = example_specs[example]
    assert plan_files(spec, target) == plan_files(spec, target)


@pytest.mark.parametrize("example", EXAMPLES)
def test_shell_scripts_parse(rendered: dict[tuple[str, str], Path], example: str) -> None:
    context = rendered[(example, "docker")]
    steps = sorted(context.glob("steps/*/step.sh"))
    assert steps
    for path in [context / "provision.sh", context / "entrypoint.sh", *steps]:
        run(["bash", "-n", str(path)])
        run(["sh", "-n", str(path)])  # dash: the script is POSIX sh, not bash
    assert os.access(context / "provision.sh", os.X_OK)
    assert os.access(context / "entrypoint.sh", os.X_OK)


@pytest.mark.parametrize("example", EXAMPLES)
def test_dockerfile_parses_and_carries_spec(rendered: dict[tuple[str, str], Path],
                                            example_specs: dict[str, Spec], example: str,
                                            ) -> None:
    spec = example_specs[example]
    parser = DockerfileParser(str(rendered[(example, "docker")] / "Dockerfile"))
    instructions = [i["instruction"] for i in parser.structure if i["instruction"] != "COMMENT"]
    assert instructions[0] == "FROM"
    assert parser.parent_images == [spec.distro.docker_image]  # one stage: dev and prod by ARG
    assert instructions[-1] == "LABEL"  # last, so the spec's hash never invalidates a RUN
    assert parser.labels["org.parity.spec-sha256"] == spec.sha256
    assert dict(parser.envs.items()) == spec.plain_env
    exposed = " ".join(i["value"] for i in parser.structure if i["instruction"] == "EXPOSE")
    assert exposed.split() == [f"{p.number}/{p.protocol}" for p in spec.ports]
    entry = [i["value"] for i in parser.structure if i["instruction"] == "ENTRYPOINT"]
    assert json.loads(entry[0]) == ["/usr/local/bin/parity-entrypoint"]
    for secret in spec.secret_env:
        assert secret not in parser.envs


@pytest.mark.parametrize("example", EXAMPLES)
def test_vagrantfile_is_valid_ruby(rendered: dict[tuple[str, str], Path], example: str) -> None:
    run(["ruby", "-c", str(rendered[(example, "vagrant")] / "Vagrantfile")])


@pytest.mark.vagrant
@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("provider", ["virtualbox", "libvirt", "docker"])
def test_vagrant_validate(rendered: dict[tuple[str, str], Path], example: str,
                          provider: str) -> None:
    folder = rendered[(example, "vagrant")]
    # VirtualBox itself is not installed here: vagrant refuses to select an unusable provider,
    # so its block is checked with --ignore-provider; docker (and libvirt) are selected for real
    extra = ["--ignore-provider"] if provider == "virtualbox" else []
    out = run(["vagrant", "validate", *extra], cwd=folder, VAGRANT_CHECKPOINT_DISABLE="1",
              VAGRANT_DEFAULT_PROVIDER=provider, VAGRANT_HOME=str(folder.parent / ".vagrant.d"))
    assert "validated successfully" in out.stdout


def test_vagrant_context_is_the_docker_context(example_specs: dict[str, Spec]) -> None:
    """Docker and Vagrant provision with byte-identical scripts."""
    for spec in example_specs.values():
        docker = plan_files(spec, "docker")
        vagrant = plan_files(spec, "vagrant")
        assert {f"parity-context/{k}": v for k, v in docker.items()} == {
            k: v for k, v in vagrant.items() if k != "Vagrantfile"}


@pytest.mark.nix
@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("name", ["flake.nix", "shell.nix"])
def test_nix_parses(rendered: dict[tuple[str, str], Path], example: str, name: str) -> None:
    run(["nix-instantiate", "--parse", str(rendered[(example, "nix")] / name)])


@pytest.mark.nix
@pytest.mark.parametrize("example", EXAMPLES)
def test_nix_evaluates_against_stub_nixpkgs(rendered: dict[tuple[str, str], Path],
                                            example_specs: dict[str, Spec], example: str) -> None:
    spec = example_specs[example]
    result = evaluate(rendered[(example, "nix")])
    runtime = sorted({nix_attr(spec, p).split(".")[-1] for p in spec.model.packages})
    everything = sorted({nix_attr(spec, p).split(".")[-1]
                         for p in [*spec.model.packages, *spec.model.dev_packages]})
    assert sorted(result["dev"]["packages"]) == everything
    assert result["shell"]["packages"] == result["dev"]["packages"]
    assert sorted(result["image"]["contents"]) == runtime
    assert result["nixpkgs"] == spec.model.targets.nix.nixpkgs
    env = dict(e.split("=", 1) for e in result["image"]["config"]["Env"])
    assert env == spec.plain_env
    assert result["image"]["config"]["Labels"]["org.parity.spec-sha256"] == spec.sha256
    for name, value in spec.plain_env.items():
        assert f"export {name}=" in result["dev"]["shellHook"]
        hook = subprocess.run(["sh", "-c", result["dev"]["shellHook"] + f'\nprintf %s "${name}"'],
                              capture_output=True, text=True, check=True)
        assert hook.stdout == value


@pytest.mark.nix
def test_stub_catches_a_wrong_attribute(rendered: dict[tuple[str, str], Path],
                                        tmp_path: Path) -> None:
    """Negative control: the stub really fails on an attribute nixpkgs does not have."""
    src = rendered[("webapp", "nix")]
    for name in ("flake.nix", "shell.nix"):
        text = (src / name).read_text().replace("pkgs.postgresql_15", "pkgs.postgresql-15")
        (tmp_path / name).write_text(text)
    with pytest.raises(AssertionError, match="postgresql-15"):
        evaluate(tmp_path)


@pytest.mark.actool
@pytest.mark.parametrize("example", EXAMPLES)
def test_aci_manifest_validates(rendered: dict[tuple[str, str], Path],
                                example_specs: dict[str, Spec], example: str) -> None:
    path = rendered[(example, "aci")] / "manifest"
    run(["actool", "validate", "--type", "manifest", str(path)])
    doc = json.loads(path.read_text())
    spec = example_specs[example]
    labels = {label["name"]: label["value"] for label in doc["labels"]}
    assert labels["version"] == spec.model.targets.aci.version
    assert {e["name"]: e["value"] for e in doc["app"]["environment"]} == spec.plain_env
    assert [p["port"] for p in doc["app"]["ports"]] == [p.number for p in spec.ports]


@pytest.mark.actool
def test_actool_rejects_a_broken_manifest(tmp_path: Path) -> None:
    """Negative control: actool validate really checks manifests."""
    bad = tmp_path / "manifest"
    bad.write_text(json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11",
                               "name": "Not A Valid Name!"}))
    proc = subprocess.run(["actool", "validate", "--type", "manifest", str(bad)],
                          capture_output=True, check=False)
    assert proc.returncode != 0


def test_apt_repository_suite_defaults_to_the_distro_codename(tmp_path: Path) -> None:
    from parity.spec import load_spec_text

    spec = load_spec_text(
        "parity: 1\nname: app\nbase: debian:12\n"
        "repositories:\n  - {name: extra, url: 'https://example.org/debian'}\n",
        tmp_path / "parity.yaml",
    )
    script = provisioning_text(spec)
    assert "Suites: bookworm" in script and "Suites: None" not in script
