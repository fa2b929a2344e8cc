"""The requested paths: type, mode, owner, group, sha256 of regular files, target of links.

Per path the snippet prints lines tagged with the path's index in the request (never the path
itself, so names with spaces, quotes or newlines cannot confuse the parser). It uses ``stat -c``
with the format letters BusyBox also knows (``%a %u %g %U %G``), ``readlink`` and ``sha256sum``
fed on stdin (its output then never contains the file name). A link's target is printed as hex
(``od``), so a target holding a newline or any other byte comes back exactly; on a host without
``od`` a target with a newline is reported as unknown (``null``) with a warning. Links are not
followed: a link is
reported as a link with its target. Paths that do not exist are reported with type ``absent``;
``other`` covers sockets, devices and fifos. A file that cannot be read (permissions) has
``sha256: null``.
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.facts.collectors import ParseError, excerpt, is_number, lines
from parity.facts.request import CollectRequest

KIND = "files"

_FUNCTION = """\
nl='
'
pf() {
  if [ -L "$2" ]; then t=link; elif [ -d "$2" ]; then t=directory
  elif [ -f "$2" ]; then t=file; elif [ -e "$2" ]; then t=other; else t=absent; fi
  echo "$1 type $t"
  [ "$t" = absent ] && return 0
  echo "$1 stat $(stat -c '%a %u %g %U %G' -- "$2" 2>/dev/null)"
  if [ "$t" = link ]; then
    if have od; then
      h=$(readlink -- "$2" | od -An -v -tx1); echo "$1 targethex $(printf %s $h)"
    else
      h=$(readlink -- "$2")
      case $h in *"$nl"*) echo "$1 targetnl";; *) echo "$1 target $h";; esac
    fi
  fi
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


def _stat(entry: dict[str, Any], value: str, path: str, warnings: list[str]) -> None:
    parts = value.split(" ")
    if not value.strip():
        return  # stat failed (permission denied on the parent): the rest stays unknown
    mode, uid, gid = [*parts, "", "", ""][:3]
    if not (is_number(mode) and is_number(uid) and is_number(gid)):
        warnings.append(f"{excerpt(path)}: unreadable stat line {excerpt(value)}")
        return
    entry["mode"] = mode.zfill(4)
    if len(parts) != 5:
        # an owner or group name with a space in it (a malformed /etc/passwd or /etc/group)
        warnings.append(f"{excerpt(path)}: owner and group names are ambiguous in "
                        f"{excerpt(value)}; reported as numeric ids")
        entry["owner"], entry["group"] = uid, gid
        return
    user, group = parts[3], parts[4]
    entry["owner"] = uid if user in ("UNKNOWN", "") else user
    entry["group"] = gid if group in ("UNKNOWN", "") else group


def _target(value: str, path: str, warnings: list[str]) -> str | None:
    """The link target from ``od``'s hex (readlink's own final newline dropped)."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        warnings.append(f"{excerpt(path)}: unreadable link target {excerpt(value)}")
        return None
    return raw.removesuffix(b"\n").decode("utf-8", "replace")


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    """Every line is ``INDEX FIELD VALUE``; the script prints nothing else, and no host value
    can make a line of its own (targets are hex), so any other line means the output is not
    ours (:class:`ParseError`). Odd values are per-path warnings."""
    warnings = [] if warnings is None else warnings
    out: dict[str, dict[str, Any]] = {}
    for line in lines(text):
        idx, _, rest = line.partition(" ")
        field, _, value = rest.partition(" ")
        if not is_number(idx) or int(idx) >= len(request.paths):
            raise ParseError(f"files output names an unknown path index: {excerpt(line)}")
        path = request.paths[int(idx)]
        entry = out.setdefault(path, _empty())
        if field == "type":
            if value not in ("file", "directory", "link", "other", "absent"):
                raise ParseError(f"unknown file type in {excerpt(line)}")
            entry["type"] = value
        elif field == "stat":
            _stat(entry, value, path, warnings)
        elif field == "targethex":
            entry["target"] = _target(value, path, warnings)
        elif field == "target":
            entry["target"] = value
        elif field == "targetnl":
            warnings.append(f"{excerpt(path)}: the link target holds a newline and the host "
                            "has no od to print it exactly; reported as null")
        elif field == "sha256":
            if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
                warnings.append(f"{excerpt(path)}: sha256sum printed {excerpt(value)}, "
                                "not a sha256; reported as null")
                continue
            entry["sha256"] = value
        else:
            raise ParseError(f"unexpected line in files output: {excerpt(line)}")
    missing = [p for p in request.paths if p not in out]
    if missing:
        raise ParseError(f"files output lacks {len(missing)} requested path(s), "
                         f"e.g. {excerpt(missing[0])}")
    return out
