"""Requested sysctl values, read straight from ``/proc/sys`` (no ``sysctl`` binary needed).

A key with dots maps to a path by turning dots into slashes (``net.ipv4.ip_forward``); a key that
already contains a slash is taken as the path (for names with dots in them, such as VLAN
interfaces: ``net/ipv4/conf/eth0.100/forwarding``). Keys that do not exist or cannot be read are
left out, so the comparison reports them as missing. Values are whitespace-folded
(``4096\\t16384`` -> ``4096 16384``; a value over several lines is joined with spaces).
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


def snippet(request: CollectRequest) -> str:
    if not request.sysctl:
        return ":\n"
    out = ["if [ -d /proc/sys ]; then"]
    for i, key in enumerate(request.sysctl):
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
    for part in parts(split_lines(text), ("@key", "@missing")):
        if part.tag is None:
            if any(ln.strip() for ln in part.body):
                warnings.append(f"skipped sysctl output outside a key: "
                                f"{excerpt(' '.join(part.body).strip())}")
            continue
        if not is_number(part.arg) or int(part.arg) >= len(request.sysctl):
            warnings.append(f"skipped sysctl output for an unknown key index "
                            f"{excerpt(part.arg)}")
            continue
        if part.tag == "@key":
            values[int(part.arg)] = part.body
    return {request.sysctl[i]: _fold(" ".join(v)) for i, v in sorted(values.items())}


def _fold(value: str) -> str:
    """Runs of spaces, tabs and newlines -> one space, ends trimmed. Only those: ``str.split``
    would also fold ``\\x1c``-``\\x1f``, ``\\x85`` and U+2028, which are data."""
    return " ".join(w for w in re.split(r"[ \t\n]+", value) if w)
