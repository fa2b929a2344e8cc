"""Local users from ``/etc/passwd``, with group membership from ``/etc/group``.

Only the local files are read (not NSS/LDAP via ``getent``): a spec declares local accounts, and
enumerating a directory service could be huge. A line that is not a well-formed entry (wrong
field count, non-numeric id) is skipped with a warning; the other accounts are still reported.
``groups`` lists the primary group first, then
every group naming the user as a member, sorted. A primary gid with no ``/etc/group`` entry is
listed as its number (``"5555"``), the way ``id`` and the files collector show an id without a
name: dropping it would hide the user's primary group, and a spec can declare it the same way.
"""

from __future__ import annotations

from typing import Any

from parity.facts.collectors import ParseError, excerpt, is_number, lines, parts
from parity.facts.request import CollectRequest

KIND = "users"


def snippet(request: CollectRequest) -> str:
    return """\
if [ -r /etc/passwd ]; then
  echo "@passwd"; cat /etc/passwd; echo
  echo "@group"; [ -r /etc/group ] && cat /etc/group
else
  echo "$NA /etc/passwd is not readable"
fi
"""


def parse_group_file(body: list[str], warnings: list[str]) -> dict[str, dict[str, Any]]:
    """``/etc/group`` lines -> ``{name: {gid, members}}`` (shared with the groups collector).

    A line that is not ``name:pw:gid:members`` is skipped with a warning.
    """
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        if line.startswith(("#", "+", "-")):
            continue  # comments and NIS compat entries
        parts = line.split(":")
        if len(parts) != 4 or not parts[0]:
            warnings.append(f"skipped /etc/group line {excerpt(line)}: not 4 fields")
            continue
        name, _pw, gid, members = parts
        if not is_number(gid):
            warnings.append(f"skipped /etc/group line {excerpt(line)}: non-numeric gid")
            continue
        out[name] = {"gid": int(gid), "members": sorted(m for m in members.split(",") if m)}
    return out


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
    passwd: list[str] = []
    group: list[str] = []
    for part in parts(lines(text), ("@passwd", "@group")):
        if part.tag is None:
            raise ParseError(f"users output before @passwd: {excerpt(part.body[0])}")
        (passwd if part.tag == "@passwd" else group).extend(part.body)
    # /etc/group's odd lines are the groups collector's warnings; said once is enough
    groups = parse_group_file(group, [])
    by_gid = {}
    for gname, g in groups.items():
        by_gid.setdefault(g["gid"], gname)
    out: dict[str, dict[str, Any]] = {}
    for line in passwd:
        if line.startswith(("#", "+", "-")):
            continue
        fields = line.split(":")
        if len(fields) != 7 or not fields[0]:
            warnings.append(f"skipped /etc/passwd line {excerpt(line)}: not 7 fields")
            continue
        name, _pw, uid, gid, _gecos, home, shell = fields
        if not (is_number(uid) and is_number(gid)):
            warnings.append(f"skipped /etc/passwd line {excerpt(line)}: non-numeric uid/gid")
            continue
        uid_num, gid_num = int(uid), int(gid)
        primary = by_gid.get(gid_num, str(gid_num))
        member_of = sorted(g for g, rec in groups.items() if name in rec["members"]
                           and g != primary)
        out[name] = {"uid": uid_num, "gid": gid_num, "home": home, "shell": shell,
                     "groups": [primary, *member_of]}
    return out
