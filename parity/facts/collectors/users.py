"""Local users from ``/etc/passwd``, with group membership from ``/etc/group``.

Only the local files are read (not NSS/LDAP via ``getent``): a spec declares local accounts, and
enumerating a directory service could be huge. ``groups`` lists the primary group first, then
every group naming the user as a member, sorted. A primary gid with no ``/etc/group`` entry is
listed as its number (``"5555"``), the way ``id`` and the files collector show an id without a
name: dropping it would hide the user's primary group, and a spec can declare it the same way.
"""

from __future__ import annotations

from typing import Any

from parity.facts.collectors import ParseError, lines
from parity.facts.request import CollectRequest

KIND = "users"


def snippet(request: CollectRequest) -> str:
    return """\
if [ -r /etc/passwd ]; then
  echo "@passwd"; cat /etc/passwd
  echo "@group"; [ -r /etc/group ] && cat /etc/group
else
  echo "$NA /etc/passwd is not readable"
fi
"""


def parse_group_file(body: list[str]) -> dict[str, dict[str, Any]]:
    """``/etc/group`` lines -> ``{name: {gid, members}}`` (shared with the groups collector)."""
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        if line.startswith(("#", "+", "-")):
            continue  # comments and NIS compat entries
        parts = line.split(":")
        if len(parts) != 4 or not parts[0]:
            raise ParseError(f"/etc/group line has not 4 fields: {line!r}")
        name, _pw, gid, members = parts
        try:
            gid_num = int(gid)
        except ValueError:
            raise ParseError(f"/etc/group line has a non-numeric gid: {line!r}") from None
        out[name] = {"gid": gid_num, "members": sorted(m for m in members.split(",") if m)}
    return out


def parse(text: str, request: CollectRequest) -> dict[str, Any]:
    part = None
    passwd: list[str] = []
    group: list[str] = []
    for line in lines(text):
        if line in ("@passwd", "@group"):
            part = line
        elif part == "@passwd":
            passwd.append(line)
        elif part == "@group":
            group.append(line)
        else:
            raise ParseError(f"users output before @passwd: {line!r}")
    groups = parse_group_file(group)
    by_gid = {}
    for gname, g in groups.items():
        by_gid.setdefault(g["gid"], gname)
    out: dict[str, dict[str, Any]] = {}
    for line in passwd:
        if line.startswith(("#", "+", "-")):
            continue
        parts = line.split(":")
        if len(parts) != 7 or not parts[0]:
            raise ParseError(f"/etc/passwd line has not 7 fields: {line!r}")
        name, _pw, uid, gid, _gecos, home, shell = parts
        try:
            uid_num, gid_num = int(uid), int(gid)
        except ValueError:
            raise ParseError(f"/etc/passwd line has a non-numeric uid/gid: {line!r}") from None
        primary = by_gid.get(gid_num, str(gid_num))
        member_of = sorted(g for g, rec in groups.items() if name in rec["members"]
                           and g != primary)
        out[name] = {"uid": uid_num, "gid": gid_num, "home": home, "shell": shell,
                     "groups": [primary, *member_of]}
    return out
