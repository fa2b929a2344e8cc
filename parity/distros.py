"""Distributions parity knows: their package family, images and boxes.

A registry rather than if-chains: adding a release is one entry, and every target (Docker image,
Vagrant box) reads the same record. What a package family knows (version ordering, provisioning
partial, key format) lives in :mod:`parity.families`; a distro names its family.
"""

from __future__ import annotations

from dataclasses import dataclass

from parity.errors import SpecError
from parity.families import PackageFamily, get_family
from parity.textsafe import quoted


@dataclass(frozen=True)
class Distro:
    """One ``distro:release`` pair from the spec's ``base:``."""

    name: str  # "debian"
    release: str  # "12"
    family: str  # package-manager family: "apt" | "dnf" | "apk"
    codename: str | None
    #: ``None`` where no Docker image is the base system (SmartOS: a zone image; NixOS: a
    #: system built from a module)
    docker_image: str | None
    vagrant_box: str | None
    #: the targets that render an image-less base (empty for a base with a Docker image, which
    #: renders every target but these bases' own)
    own_targets: tuple[str, ...] = ()
    #: what the base is, for the error that refuses another target (``"a SmartOS zone image"``)
    kind: str = ""

    @property
    def base(self) -> str:
        return f"{self.name}:{self.release}"

    @property
    def package_family(self) -> PackageFamily:
        return get_family(self.family)

    @property
    def version_scheme(self) -> str:
        """Name of the version ordering in :mod:`parity.versions` ("deb", "rpm", "apk")."""
        return self.package_family.version_scheme


def _d(name: str, release: str, family: str, codename: str | None, box: str | None) -> Distro:
    return Distro(name, release, family, codename, f"{name}:{release}", box)


DISTROS: dict[str, Distro] = {
    d.base: d
    for d in (
        _d("debian", "11", "apt", "bullseye", "debian/bullseye64"),
        _d("debian", "12", "apt", "bookworm", "debian/bookworm64"),
        _d("debian", "13", "apt", "trixie", "debian/trixie64"),
        _d("ubuntu", "20.04", "apt", "focal", "ubuntu/focal64"),
        _d("ubuntu", "22.04", "apt", "jammy", "ubuntu/jammy64"),
        _d("ubuntu", "24.04", "apt", "noble", "bento/ubuntu-24.04"),
        _d("fedora", "39", "dnf", None, "fedora/39-cloud-base"),
        _d("fedora", "40", "dnf", None, "fedora/40-cloud-base"),
        _d("rockylinux", "9", "dnf", None, "rockylinux/9"),
        _d("almalinux", "9", "dnf", None, "almalinux/9"),
        _d("alpine", "3.19", "apk", None, "generic/alpine319"),
        _d("alpine", "3.20", "apk", None, "generic/alpine320"),
        # SmartOS zones by their base image's release (/etc/product ``Image: base-64-lts
        # 23.4.0``): pkgsrc's quarterly branch of that year; no Docker image, no Vagrant box
        *(Distro("smartos", rel, "pkgsrc", "base-64-lts", None, None, ("smartos",),
                 "a SmartOS zone image")
          for rel in ("22.4", "23.4", "24.4")),
        # NixOS by its release (os-release's VERSION_ID); a system is built from the nixos
        # target's module (or the nix target's flake), never from an image or a box
        *(Distro("nixos", rel, "nix", code, None, None, ("nix", "nixos"), "a NixOS system")
          for rel, code in (("23.11", "tapir"), ("24.05", "uakari"), ("24.11", "vicuna"))),
    )
}

#: the distro IDs ``/etc/os-release`` reports, mapped to our names
OS_RELEASE_IDS = {"debian": "debian", "ubuntu": "ubuntu", "fedora": "fedora",
                  "rocky": "rockylinux", "almalinux": "almalinux", "alpine": "alpine",
                  "nixos": "nixos"}

#: targets only an image-less base of their own renders by default: ``render -t all`` of a Linux
#: base leaves them out (a Linux spec's SmartOS zone is a translation, asked for by name). The nix
#: and nixos targets are not among them: every Linux base renders its flake and module too.
ZONE_ONLY_TARGETS: tuple[str, ...] = ("smartos",)


def get_distro(base: str) -> Distro:
    """Look up ``distro:release``; unknown ones raise with the list of known bases."""
    try:
        return DISTROS[base]
    except KeyError:
        known = ", ".join(sorted(DISTROS))
        raise SpecError([f"unknown base {quoted(base)}"], hint=f"Known bases: {known}.") from None


def family_of(distro_name: str) -> str | None:
    """Package family for a distro name as seen on a host (``ID=`` of os-release)."""
    name = OS_RELEASE_IDS.get(distro_name, distro_name)
    for d in DISTROS.values():
        if d.name == name:
            return d.family
    return None
