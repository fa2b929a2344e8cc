"""``targets.nix.attrs: {NAME: null}``: a package nixpkgs has no attribute for (or one it will
not evaluate by default) is left out of the Nix renders (flake.nix, shell.nix, the NixOS module)
and named in their header, instead of being guessed into an attribute that fails at evaluation.
The repo's own parity.yaml needs it: vagrant-libvirt is a Vagrant plugin, not a nixpkgs package,
and nixpkgs marks packer unfree (BSL 1.1 since 1.10), so ``pkgs.packer`` would break ``nix
develop`` without allowUnfree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from parity.render import render_target
from parity.spec import load_spec_text
from tests.render import nixstub
from tests.render import test_nixos as nixos

SPEC = """parity: 1
name: left
base: debian:12
packages: {curl: '*', vagrant-libvirt: '*', debian-archive-keyring: '*'}
dev_packages: {make: '*'}
targets: {nix: {attrs: {vagrant-libvirt: null, debian-archive-keyring: null}}}
"""
NOTE = "# Left out (targets.nix.attrs maps them to null): " \
       "debian-archive-keyring, vagrant-libvirt\n"


@pytest.mark.nix
def test_the_flake_and_shell_leave_null_packages_out_and_say_so(tmp_path: Path) -> None:
    spec = load_spec_text(SPEC, tmp_path / "parity.yaml")
    render_target(spec, "nix", tmp_path / "nix")
    for name in ("flake.nix", "shell.nix"):
        text = (tmp_path / "nix" / name).read_text()
        assert NOTE in text
        assert "pkgs.vagrant-libvirt" not in text and "pkgs.debian-archive-keyring" not in text
        subprocess.run(["nix-instantiate", "--parse", str(tmp_path / "nix" / name)], check=True,
                       capture_output=True)
    result = nixstub.evaluate(tmp_path / "nix")
    assert sorted(result["dev"]["packages"]) == ["curl", "gnumake"]
    assert sorted(result["image"]["contents"]) == ["curl"]


@pytest.mark.nix
def test_the_nixos_module_leaves_null_packages_out(tmp_path: Path) -> None:
    spec = load_spec_text(SPEC, tmp_path / "parity.yaml")
    module = nixos.render_module(spec, tmp_path / "out")
    assert NOTE in module.read_text()
    result = nixos.evaluate(module)
    assert result["failedAssertions"] == []
    names = sorted(p.split("-", 1)[1].rsplit("-", 1)[0]
                   for p in result["config"]["environment"]["systemPackages"])
    assert names == ["curl"]


def test_without_null_nothing_is_noted(tmp_path: Path) -> None:
    spec = load_spec_text(SPEC.replace("vagrant-libvirt: null, debian-archive-keyring: null",
                                       "vagrant-libvirt: vagrant"), tmp_path / "parity.yaml")
    render_target(spec, "nix", tmp_path / "nix")
    text = (tmp_path / "nix" / "flake.nix").read_text()
    assert "left out" not in text
    assert "pkgs.vagrant\n" in text and "pkgs.debian-archive-keyring\n" in text


def test_the_repo_spec_leaves_out_only_what_nixpkgs_lacks_or_marks_unfree() -> None:
    root = Path(__file__).resolve().parents[2]
    for name in ("flake.nix", "shell.nix", "nixos/module.nix"):
        text = (root / name).read_text()
        assert "# Left out (targets.nix.attrs maps them to null): appc-spec, " \
               "debian-archive-keyring, libatomic1, packer, vagrant-libvirt\n" in text, name
        assert "pkgs.packer" not in text, name
