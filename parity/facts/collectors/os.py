"""OS facts: distro, release, codename, family from ``/etc/os-release``; arch and kernel from uname.

The distro ID is mapped to parity's distro names (``rocky`` -> ``rockylinux``) so a host compares
directly with a spec's ``base:``; Alpine's ``3.19.1`` is shortened to the ``3.19`` release a spec
names, the full ``VERSION_ID`` is kept as ``version``.
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.distros import OS_RELEASE_IDS, family_of
from parity.facts.collectors import ParseError, excerpt, lines
from parity.facts.request import CollectRequest

KIND = "os"


def snippet(request: CollectRequest) -> str:
    # one uname for both (the machine name is its last word; a kernel release could hold a
    # space), and os-release read by the shell: three processes fewer per check
    return """\
u=$(uname -r -m)
echo "arch ${u##* }"
echo "kernel ${u% *}"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'release %s\\n' "$l"; done < "$f"
    break
  fi
done
"""


def _unquote(value: str) -> str:
    try:
        parts = shlex.split(value)
    except ValueError:
        return value.strip("\"'")
    return " ".join(parts)


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
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
    if distro == "alpine" and version:
        rel = ".".join(version.split(".")[:2])
    family = family_of(distro) if distro else None
    if family is None:
        for like in release.get("ID_LIKE", "").split():
            family = family_of(like)
            if family:
                break
    out.update(distro=distro, release=rel, version=version,
               codename=release.get("VERSION_CODENAME") or None, family=family)
    return out
