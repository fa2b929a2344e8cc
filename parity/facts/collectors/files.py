"""The requested paths: type, mode, owner, group, sha256 of regular files, target of links.

Per path the snippet prints lines tagged with the path's index in the request (never the path
itself, so names with spaces, quotes or newlines cannot confuse the parser). It uses ``stat -c``
with the format letters BusyBox also knows (``%a %u %g %U %G``), ``readlink`` and ``sha256sum``
fed on stdin (its output then never contains the file name). Links are not followed: a link is
reported as a link with its target. Paths that do not exist are reported with type ``absent``;
``other`` covers sockets, devices and fifos. A file that cannot be read (permissions) has
``sha256: null``.
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.facts.collectors import ParseError
from parity.facts.request import CollectRequest

KIND = "files"

_FUNCTION = """\
pf() {
  if [ -L "$2" ]; then t=link; elif [ -d "$2" ]; then t=directory
  elif [ -f "$2" ]; then t=file; elif [ -e "$2" ]; then t=other; else t=absent; fi
  echo "$1 type $t"
  [ "$t" = absent ] && return 0
  echo "$1 stat $(stat -c '%a %u %g %U %G' -- "$2" 2>/dev/null)"
  if [ "$t" = link ]; then echo "$1 target $(readlink -- "$2")"; fi
  if [ "$t" = file ] && [ -r "$2" ] && have sha256sum; then
    h=$(sha256sum < "$2" 2>/dev/null) && echo "$1 sha256 ${h%% *}"
  fi
  return 0
}
"""


def snippet(request: CollectRequest) -> str:
    if not request.paths:
        return ":\n"
    calls = "".join(f"pf {i} {shlex.quote(p)}\n" for i, p in enumerate(request.paths))
    return _FUNCTION + calls


def _empty() -> dict[str, Any]:
    return {"type": "absent", "mode": None, "owner": None, "group": None, "sha256": None,
            "target": None}


def _stat(entry: dict[str, Any], value: str, line: str) -> None:
    parts = value.split(" ")
    if len(parts) != 5:
        # stat failed (permission denied on the parent): keep the type, leave the rest unknown
        if value.strip():
            raise ParseError(f"stat line has not 5 fields: {line!r}")
        return
    mode, uid, gid, user, group = parts
    if not mode.isdigit() or not uid.isdigit() or not gid.isdigit():
        raise ParseError(f"stat line has non-numeric mode/uid/gid: {line!r}")
    entry["mode"] = mode.zfill(4)
    entry["owner"] = uid if user in ("UNKNOWN", "") else user
    entry["group"] = gid if group in ("UNKNOWN", "") else group


def parse(text: str, request: CollectRequest) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        idx, _, rest = line.partition(" ")
        field, _, value = rest.partition(" ")
        if not idx.isdigit() or int(idx) >= len(request.paths):
            raise ParseError(f"files output names an unknown path index: {line!r}")
        path = request.paths[int(idx)]
        entry = out.setdefault(path, _empty())
        if field == "type":
            if value not in ("file", "directory", "link", "other", "absent"):
                raise ParseError(f"unknown file type in {line!r}")
            entry["type"] = value
        elif field == "stat":
            _stat(entry, value, line)
        elif field == "target":
            entry["target"] = value
        elif field == "sha256":
            if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
                raise ParseError(f"sha256 line does not hold a sha256: {line!r}")
            entry["sha256"] = value
        else:
            raise ParseError(f"unexpected line in files output: {line!r}")
    missing = [p for p in request.paths if p not in out]
    if missing:
        raise ParseError(f"files output lacks {len(missing)} requested path(s), "
                         f"e.g. {missing[0]!r}")
    return out
