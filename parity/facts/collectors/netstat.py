"""Listening ports on SmartOS (illumos) from ``netstat -f inet -an`` and ``netstat -f inet6 -an``.

illumos' netstat prints one section per protocol (``TCP: IPv4``, ``UDP: IPv4``, ``SCTP:``...),
each with a column header and a dashed rule, then one socket a line. A socket's address is
``ADDRESS.PORT`` split at the LAST ``.`` (``127.0.0.1.4999``, ``::1.5432``, ``*.22``); ``*`` is
the family's wildcard: ``0.0.0.0`` in the ``inet`` run, ``::`` in the ``inet6`` one (the spelling
the Linux path gives the same sockets, :func:`~parity.facts.collectors.ports.canonical_address`).
A TCP socket listens when its state is ``LISTEN``; a UDP socket counts when it is bound and
unconnected (``Idle``), as on Linux. Other protocols (SCTP) are not reported. The facts have the
Linux path's shape: ``{"tcp/22": {"protocol": "tcp", "port": 22, "addresses": [...]}}``.

Two processes per host, where ``-P tcp``/``-P udp`` per family would be four: each family's run
prints both protocols' sections. A row that has a listening state but no readable address is
skipped with a warning.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from parity.facts.collectors import excerpt, is_number, parts
from parity.facts.collectors.ports import canonical_address

_WILDCARD = {"inet": "0.0.0.0", "inet6": "::"}
#: section header -> protocol reported (``None``: a section read past, such as SCTP's)
_SECTIONS = {"TCP": "tcp", "UDP": "udp"}


def parse(body: list[str], warnings: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in parts(body, ("@netstat",)):
        family = part.arg
        if part.tag is None or family not in _WILDCARD:
            warnings.append(f"skipped netstat output of unknown family {excerpt(part.arg)}")
            continue
        protocol: str | None = None
        for line in part.body:
            head = line.strip()
            if head.endswith(":") or ": IPv" in head:
                protocol = _SECTIONS.get(head.split(":", 1)[0].strip())
                continue
            if head.startswith("Active "):  # "Active UNIX domain sockets" (without -f)
                protocol = None
                continue
            if protocol is None or head.startswith(("Local Address", "-")):
                continue
            _row(protocol, family, line, out, warnings)
    for entry in out.values():
        entry["addresses"].sort()
    return dict(sorted(out.items(), key=lambda kv: (kv[1]["protocol"], kv[1]["port"])))


def _row(protocol: str, family: str, line: str, out: dict[str, dict[str, Any]],
         warnings: list[str]) -> None:
    fields = line.split()
    wanted = "LISTEN" if protocol == "tcp" else "Idle"
    if wanted not in fields[1:]:
        return  # an established connection, a TIME_WAIT, an unbound or connected socket
    address = _address(fields[0], family)
    if address is None:
        warnings.append(f"skipped unreadable netstat {protocol} line {excerpt(line)}")
        return
    host, port = address
    entry = out.setdefault(f"{protocol}/{port}",
                           {"protocol": protocol, "port": port, "addresses": []})
    if host not in entry["addresses"]:
        entry["addresses"].append(host)


def _address(text: str, family: str) -> tuple[str, int] | None:
    """``ADDRESS.PORT`` -> (canonical address, port); ``None`` when it is not one."""
    host, dot, port = text.rpartition(".")
    if not dot or not is_number(port) or not 0 < int(port) < 65536:
        return None
    if host == "*":
        return _WILDCARD[family], int(port)
    spelled = canonical_address(host)
    try:
        ipaddress.ip_address(spelled)
    except ValueError:
        return None
    return spelled, int(port)
