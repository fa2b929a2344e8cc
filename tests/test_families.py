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
    assert (templates_dir("render") / fam.partial).is_file()
    # the Linux families bootstrap useradd and sysctl; SmartOS has both tools in its platform
    assert {"useradd", "sysctl"} <= set(fam.bootstrap) or fam.name == "pkgsrc"
    assert fam.key_form[0].startswith("-----BEGIN")


def test_every_distro_names_a_known_family() -> None:
    for d in DISTROS.values():
        assert d.package_family is get_family(d.family)
        assert d.version_scheme == d.package_family.version_scheme


def test_host_family_aliases() -> None:
    assert find_family("yum") is FAMILIES["dnf"]
    assert find_family(None) is None
    assert find_family("pkgin") is FAMILIES["pkgsrc"]
    assert find_family("nix") is None
