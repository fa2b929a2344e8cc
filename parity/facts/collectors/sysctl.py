"""Requested sysctl values, read straight from ``/proc/sys`` (no ``sysctl`` binary needed).

A key with dots maps to a path by turning dots into slashes (``net.ipv4.ip_forward``); a key that
already contains a slash is taken as the path (for names with dots in them, such as VLAN
interfaces: ``net/ipv4/conf/eth0.100/forwarding``). Keys that do not exist or cannot be read are
left out, so the comparison reports them as missing. Values are whitespace-folded
(``4096\\t16384`` -> ``4096 16384``; a value over several lines is joined with spaces).

A requested key ending in ``.*`` (``net.ipv4.*``) names every readable setting directly under
that node, resolved on the host by the shell's own globbing over ``/proc/sys`` (no ``find``, no
``sysctl -a``): ``parity capture`` cannot know in advance which keys a kernel has. Only names of
``[a-z0-9_-]`` are taken (the shell skips others and the parser checks again), so a resolved
name always maps back to its one path, and nothing a host prints can name a key outside the
requested node. A value that cannot be read (``stable_secret`` before it is set) is left out.

On a SunOS host (``$SYS``, SmartOS) the kind is not applicable: illumos has no ``/proc/sys`` and
no Linux kernel settings, so a spec's ``sysctl:`` there is reported "not compared" (a note), never
as drift; its network tunables are the ``ipadm`` kind. The Linux lines stay as they were: the
SunOS check leaves the snippet's subshell before them.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from parity.facts.collectors import excerpt, is_number, parts, split_lines
from parity.facts.request import CollectRequest

KIND = "sysctl"


def key_path(key: str) -> str:
    """The ``/proc/sys`` file that holds ``key``."""
    rel = key if "/" in key else key.replace(".", "/")
    return "/proc/sys/" + rel.lstrip("/")


#: what a resolved name may hold: one path component, no dot (so the key maps back to one path)
_NAME_RE = re.compile(r"[a-z0-9_-]+")


def is_pattern(key: str) -> bool:
    """``net.ipv4.*``: every setting directly under ``net.ipv4``."""
    return key.endswith(".*") and "/" not in key and "*" not in key[:-2]


def snippet(request: CollectRequest) -> str:
    if not request.sysctl:
        return ":\n"
    out = ['if [ "$SYS" = SunOS ]; then echo "$NA sysctl is Linux\'s; on SmartOS declare'
           ' network tunables under ipadm:"; exit 0; fi',
           "if [ -d /proc/sys ]; then"]
    for i, key in enumerate(request.sysctl):
        if is_pattern(key):
            node = shlex.quote(key_path(key[:-2]))
            out.append(f"  for f in {node}/*; do case ${{f##*/}} in *[!a-z0-9_-]*) continue;;"
                       f" esac; [ -f \"$f\" ] && [ -r \"$f\" ] || continue;"
                       f" v=$(cat -- \"$f\" 2>/dev/null) || continue;"
                       f" printf '@at {i} %s\\n%s\\n' \"${{f##*/}}\" \"$v\"; done")
            continue
        p = shlex.quote(key_path(key))
        out.append(f"  if [ -r {p} ] && [ -f {p} ]; then echo '@key {i}'; cat {p}; echo;"
                   f" else echo '@missing {i}'; fi")
    out.append('else echo "$NA /proc/sys is not mounted"; fi')
    return "\n".join(out) + "\n"


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    """A value's lines are joined with spaces (a value holding a newline is folded like any
    other whitespace). A marker naming a key that was not asked for, or text before the first
    marker, is skipped with a warning (a value cannot be trusted to hold no marker-like line:
    ``kernel.hostname`` is whatever the host's root set)."""
    warnings = [] if warnings is None else warnings
    values: dict[int, list[str]] = {}
    resolved: dict[str, list[str]] = {}
    for part in parts(split_lines(text), ("@key", "@missing", "@at")):
        if part.tag is None:
            if any(ln.strip() for ln in part.body):
                warnings.append(f"skipped sysctl output outside a key: "
                                f"{excerpt(' '.join(part.body).strip())}")
            continue
        if part.tag == "@at":
            index, _, name = part.arg.partition(" ")
            pattern = request.sysctl[int(index)] if is_number(index) \
                and int(index) < len(request.sysctl) else ""
            if not is_pattern(pattern) or not _NAME_RE.fullmatch(name):
                warnings.append(f"skipped sysctl output for an unrequested key "
                                f"{excerpt(part.arg)}")
                continue
            resolved[f"{pattern[:-1]}{name}"] = part.body
            continue
        if not is_number(part.arg) or int(part.arg) >= len(request.sysctl):
            warnings.append(f"skipped sysctl output for an unknown key index "
                            f"{excerpt(part.arg)}")
            continue
        if part.tag == "@key":
            values[int(part.arg)] = part.body
    found = {request.sysctl[i]: v for i, v in sorted(values.items())}
    return {k: _fold(" ".join(v)) for k, v in sorted({**resolved, **found}.items())}


def _fold(value: str) -> str:
    """Runs of spaces, tabs and newlines -> one space, ends trimmed. Only those: ``str.split``
    would also fold ``\\x1c``-``\\x1f``, ``\\x85`` and U+2028, which are data."""
    return " ".join(w for w in re.split(r"[ \t\n]+", value) if w)
