"""The installer images Packer's VM builders boot, per base: Debian's netinst ISOs.

Only Debian bases have VM builders: their installer is driven by a preseed file
(``templates/render/box/preseed.cfg.j2``). Ubuntu's current installer (subiquity autoinstall),
Fedora's kickstart and Alpine's answer files would each need their own; until then those bases
get the docker builder only and ``build-box --provider virtualbox|libvirt`` says so.

The URLs name point releases under ``cdimage/archive``, where an image stays once Debian has
released the next point release (``cdimage/release/current`` moves, and a pinned checksum would
then fail). The checksum is read from the ``SHA256SUMS`` beside the image at build time
(Packer's ``file:`` form). Both are Packer variables: ``-var iso_url=... -var iso_checksum=...``
picks a newer image or a local copy. Not downloaded on this machine (no network): checked by
``packer validate`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

ARCHIVE = "https://cdimage.debian.org/cdimage/archive"


@dataclass(frozen=True)
class Installer:
    url: str
    checksum: str


def _debian(point: str) -> Installer:
    folder = f"{ARCHIVE}/{point}/amd64/iso-cd"
    return Installer(f"{folder}/debian-{point}-amd64-netinst.iso", f"file:{folder}/SHA256SUMS")


INSTALLERS: dict[str, Installer] = {
    "debian:11": _debian("11.11.0"),
    "debian:12": _debian("12.11.0"),
    "debian:13": _debian("13.0.0"),
}
