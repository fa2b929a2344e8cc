"""OS facts: distro, release, codename, family from ``/etc/os-release``; arch and kernel from uname.

The distro ID is mapped to parity's distro names (``rocky`` -> ``rockylinux``) so a host compares
directly with a spec's ``base:``; Alpine's ``3.19.1`` is shortened to the ``3.19`` release a spec
names, the full ``VERSION_ID`` is kept as ``version``. NixOS (``ID=nixos``, family ``nix``) is
read the same way: its ``VERSION_ID`` (``24.05``) is the release a spec's ``base: nixos:24.05``
names, shortened to major.minor like Alpine's, and its ``BUILD_ID`` (``24.05.20240615.abcdef0``:
release, nixpkgs commit date and short hash), which tells two builds of one release apart, is
kept as ``build_id`` (on any distro whose os-release has one). ``nixos-version`` prints the same
string as ``BUILD_ID`` and is not run: one process fewer.

SmartOS has no os-release. A host whose ``uname -s`` is ``SunOS`` (``$SYS``) prints ``uname -a``,
``zonename``, ``/etc/product`` and ``/etc/release`` instead, and :func:`_sunos` reads them:
SmartOS is recognised from the platform stamp ``uname -v`` prints (``joyent_20240111T000000Z``)
alone. ``/etc/release`` is kept as data (its first line, as ``banner``) and never decides
anything: its wording has changed between platform builds (a global zone's first line names the
stamp, a zone's does not), and tools that parsed it (Salt, Ohai) misdetected hosts when it did.
In a zone, ``/etc/product``'s ``Image:`` line names the image the zone was made from
(``base-64-lts 23.4.0``): its ``major.minor`` is the ``release`` a spec's ``base: smartos:23.4``
names. The global zone has no image; its ``release`` is the platform stamp.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from parity.distros import OS_RELEASE_IDS, family_of
from parity.facts.collectors import ParseError, excerpt, lines
from parity.facts.request import CollectRequest

KIND = "os"


def snippet(request: CollectRequest) -> str:
    # Linux: one uname for both (the machine name is its last word; a kernel release could hold
    # a space), and os-release read by the shell: three processes fewer per check.
    # SunOS (SmartOS): `uname -a`, `zonename`, and /etc/product and /etc/release read by the
    # shell, each line tagged; the parser decides, never the shell (see parse_sunos).
    return """\
if [ "$SYS" = SunOS ]; then
  printf 'uname %s\\n' "$(uname -a)"
  if z=$(zonename 2>/dev/null); then printf 'zonename %s\\n' "$z"; fi
  if [ -r /etc/product ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'product %s\\n' "$l"; done < /etc/product
  fi
  if [ -r /etc/release ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'etcrelease %s\\n' "$l"; done < /etc/release
  fi
else
u=$(uname -r -m)
echo "arch ${u##* }"
echo "kernel ${u% *}"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'release %s\\n' "$l"; done < "$f"
    break
  fi
done
fi
"""


def _unquote(value: str) -> str:
    try:
        parts = shlex.split(value)
    except ValueError:
        return value.strip("\"'")
    return " ".join(parts)


#: SmartOS's platform stamp as ``uname -v`` prints it
_JOYENT = re.compile(r"joyent_([0-9]{8}T[0-9]{6}Z)")
#: the ``Image:`` value of a zone's /etc/product: image name, then its version
_IMAGE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._+-]*) "
                    r"(?P<version>[0-9]+\.[0-9]+(?:\.[0-9]+)*)")


def _sunos(text: str, warnings: list[str]) -> dict[str, Any]:
    """The SunOS branch's output (``uname``/``zonename``/``product``/``etcrelease`` lines)."""
    uname: str | None = None
    zone: str | None = None
    product: dict[str, str] = {}
    banner: str | None = None
    for line in lines(text):
        tag, _, rest = line.partition(" ")
        if tag == "uname":
            uname = rest
        elif tag == "zonename":
            zone = rest.strip(" \t") or None
        elif tag == "product":
            key, colon, value = rest.partition(":")
            if colon and key.strip(" \t"):
                product[key.strip(" \t")] = value.strip(" \t")
            elif rest.strip(" \t"):
                warnings.append(f"skipped /etc/product line {excerpt(rest)}: not 'Key: value'")
        elif tag == "etcrelease":
            if banner is None and rest.strip():
                banner = " ".join(rest.split())
        else:
            warnings.append(f"skipped unexpected line {excerpt(line)}")
    fields = (uname or "").split()
    if len(fields) < 5 or fields[0] != "SunOS":
        warnings.append(f"uname -a printed {excerpt(uname or '')}, not 'SunOS node release "
                        "version machine ...'; the OS is unknown")
        return {"distro": None, "release": None, "version": None, "codename": None,
                "family": None, "arch": None, "kernel": None, "platform": None, "zone": zone,
                "banner": banner}
    kernel, platform, arch = fields[2], fields[3], fields[4]
    out: dict[str, Any] = {"distro": None, "release": None, "version": None, "codename": None,
                           "family": None, "arch": arch, "kernel": kernel,
                           "platform": platform, "zone": zone, "banner": banner}
    stamp = _JOYENT.fullmatch(platform)
    if not stamp:
        warnings.append(f"a SunOS host whose platform {excerpt(platform)} is not SmartOS's "
                        "(joyent_YYYYMMDDTHHMMSSZ); parity knows no other illumos distribution")
        return out
    out.update(distro="smartos", family=family_of("smartos"))
    if zone == "global" or (zone is None and "Image" not in product):
        if zone is None:
            warnings.append("zonename printed nothing and /etc/product names no image: read "
                            "as the global zone")
        out.update(release=stamp[1], version=stamp[1])
        return out
    if zone is None:
        warnings.append("zonename printed nothing; /etc/product names an image, so this is a "
                        "zone")
    image = product.get("Image")
    if image is None:
        warnings.append("a SmartOS zone without an 'Image:' line in /etc/product: its image "
                        "release is unknown")
        return out
    m = _IMAGE.fullmatch(image)
    if not m:
        warnings.append(f"/etc/product's Image: {excerpt(image)} is not 'NAME MAJOR.MINOR"
                        "[.PATCH]': the image release is unknown")
        return out
    version = m["version"]
    out.update(release=".".join(version.split(".")[:2]), version=version, codename=m["name"])
    return out


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
    if any(ln.partition(" ")[0] == "uname" for ln in lines(text)):
        return _sunos(text, warnings)
    release: dict[str, str] = {}
    out: dict[str, Any] = {}
    for line in lines(text):
        tag, _, rest = line.partition(" ")
        if tag in ("arch", "kernel"):
            out[tag] = rest.strip() or None
        elif tag == "release":
            if not rest.strip() or rest.lstrip().startswith("#"):
                continue
            key, eq, value = rest.partition("=")
            if not eq:
                warnings.append(f"skipped os-release line {excerpt(rest)}: not KEY=value")
                continue
            release[key.strip()] = _unquote(value)
        else:
            warnings.append(f"skipped unexpected line {excerpt(line)}")
    if "arch" not in out or "kernel" not in out:
        raise ParseError("os output lacks the uname lines")
    os_id = release.get("ID", "").lower() or None
    distro = OS_RELEASE_IDS.get(os_id, os_id) if os_id else None
    version = release.get("VERSION_ID") or None
    rel = version
    if distro in ("alpine", "nixos") and version:
        rel = ".".join(version.split(".")[:2])
    family = family_of(distro) if distro else None
    if family is None:
        for like in release.get("ID_LIKE", "").split():
            family = family_of(like)
            if family:
                break
    out.update(distro=distro, release=rel, version=version,
               codename=release.get("VERSION_CODENAME") or None, family=family)
    if release.get("BUILD_ID"):
        out["build_id"] = release["BUILD_ID"]
    return out
