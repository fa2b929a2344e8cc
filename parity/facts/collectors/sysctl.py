"""Requested sysctl values, read straight from ``/proc/sys`` (no ``sysctl`` binary needed).

A key with dots maps to a path by turning dots into slashes (``net.ipv4.ip_forward``); a key that
already contains a slash is taken as the path (for names with dots in them, such as VLAN
interfaces: ``net/ipv4/conf/eth0.100/forwarding``). Keys that do not exist or cannot be read are
left out, so the comparison reports them as missing. Values are whitespace-folded
(``4096\\t16384`` -> ``4096 16384``).
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.facts.collectors import ParseError
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
        out.append(f"  if [ -r {p} ] && [ -f {p} ]; then echo '@key {i}'; cat {p};"
                   f" else echo '@missing {i}'; fi")
    out.append('else echo "$NA /proc/sys is not mounted"; fi')
    return "\n".join(out) + "\n"


def parse(text: str, request: CollectRequest) -> dict[str, Any]:
    values: dict[int, list[str]] = {}
    current: int | None = None
    for line in text.splitlines():
        if line.startswith(("@key ", "@missing ")):
            tag, _, idx = line.partition(" ")
            if not idx.isdigit() or int(idx) >= len(request.sysctl):
                raise ParseError(f"sysctl output names an unknown key index: {line!r}")
            current = int(idx) if tag == "@key" else None
            if current is not None:
                values[current] = []
        elif current is not None:
            values[current].append(line)
        elif line.strip():
            raise ParseError(f"sysctl value outside a key: {line!r}")
    return {request.sysctl[i]: " ".join(" ".join(v).split()) for i, v in sorted(values.items())}
