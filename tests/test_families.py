"""The package-family registry: every stage reads the same record, and each record is complete."""

from __future__ import annotations

import pytest

from parity.distros import DISTROS
from parity.families import FAMILIES, find_family, get_family
from parity.templating import templates_dir
from parity.versions import SCHEMES


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_each_family_is_complete(name: str) -> None:
    fam = FAMILIES[name]
    assert fam.version_scheme in SCHEMES
    # Nix has no provisioning script (a NixOS system is built from its module)
    assert fam.partial is None if fam.name == "nix" else (
        templates_dir("render") / fam.partial).is_file()
    # the Linux families bootstrap useradd and sysctl; SmartOS has both tools in its platform,
    # and NixOS declares users instead of running useradd
    assert {"useradd", "sysctl"} <= set(fam.bootstrap) or fam.name in ("pkgsrc", "nix")
    assert fam.key_form[0].startswith("-----BEGIN") or fam.name == "nix"


def test_every_distro_names_a_known_family() -> None:
    for d in DISTROS.values():
        assert d.package_family is get_family(d.family)
        assert d.version_scheme == d.package_family.version_scheme


def test_host_family_aliases() -> None:
    assert find_family("yum") is FAMILIES["dnf"]
    assert find_family(None) is None
    assert find_family("pkgin") is FAMILIES["pkgsrc"]
    assert find_family("nix") is FAMILIES["nix"]
    assert find_family("portage") is None


def test_nixos_bases_are_nix_and_imageless() -> None:
    for release in ("23.11", "24.05", "24.11"):
        d = DISTROS[f"nixos:{release}"]
        assert (d.family, d.docker_image, d.vagrant_box) == ("nix", None, None)
        assert d.own_targets == ("nix", "nixos") and d.version_scheme == "nix"
