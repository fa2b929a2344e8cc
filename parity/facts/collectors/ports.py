"""Listening ports, parsed in Python from ``/proc/net/{tcp,tcp6,udp,udp6}``.

Works without ``ss`` or ``netstat``. TCP counts when its state is ``0A`` (LISTEN); UDP counts when
the socket is unconnected (state ``07`` with remote address all zeros and port 0), i.e. bound and
waiting for datagrams. IPv4 and IPv6 sockets on the same port merge into one ``tcp/80`` entry
listing every local address. The files are per network namespace: a container reports its own.

Addresses have one spelling, :func:`canonical_address`: the IPv6 wildcard is ``::`` however a
tool prints it (``ss`` shows ``*`` for a dual-stack socket and ``[::]`` for an IPv6-only one;
both are ``::`` in ``/proc/net/tcp6``), the IPv4 wildcard stays ``0.0.0.0`` (a separate socket),
IPv6 addresses are compressed and unbracketed, IPv4-mapped IPv6 addresses read as IPv4.

On SmartOS (``$SYS = SunOS``) there is no ``/proc/net``: :mod:`parity.facts.collectors.netstat`
reads ``netstat -f inet -an`` and ``netstat -f inet6 -an`` into the same facts.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from parity.facts.collectors import ParseError, excerpt, lines, parts
from parity.facts.request import CollectRequest

KIND = "ports"

_FILES = ("tcp", "tcp6", "udp", "udp6")


def snippet(request: CollectRequest) -> str:
    return """\
if [ "$SYS" = SunOS ]; then
  # illumos has no /proc/net: netstat, one run per address family (TCP and UDP sections)
  if have netstat; then
    echo "@netstat inet"; netstat -f inet -an 2>/dev/null
    echo "@netstat inet6"; netstat -f inet6 -an 2>/dev/null
  else
    echo "$NA netstat not found"
  fi
else
found=
for f in tcp tcp6 udp udp6; do
  if [ -r "/proc/net/$f" ]; then echo "@$f"; cat "/proc/net/$f"; echo; found=1; fi
done
[ -n "$found" ] || echo "$NA /proc/net is not readable"
fi
"""


def canonical_address(text: str) -> str:
    """One spelling per listen address: ``*``, ``[::]`` and ``::`` are all ``::``; ``[::1]``
    is ``::1``; ``::ffff:10.0.0.1`` is ``10.0.0.1``; ``0.0.0.0`` stays as it is (the IPv4
    wildcard is a socket of its own). Text that is no IP address is returned unchanged."""
    value = text.strip()
    if value == "*":
        return "::"
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    value = value.split("%", 1)[0]  # fe80::1%eth0: the zone is not part of the address
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return text
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return str(addr.ipv4_mapped)
    return str(addr)


def decode_address(hex_addr: str) -> str:
    """``/proc/net`` address (host-order 32-bit words, hex) -> printable IP address."""
    raw = bytes.fromhex(hex_addr)
    if len(raw) not in (4, 16):
        raise ValueError(hex_addr)
    swapped = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return canonical_address(str(ipaddress.ip_address(swapped)))


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
    body = lines(text)
    if body and body[0].startswith("@netstat "):
        from parity.facts.collectors import netstat  # it spells addresses with ours

        return netstat.parse(body, warnings)
    out: dict[str, dict[str, Any]] = {}
    for part in parts(body, tuple(f"@{name}" for name in _FILES)):
        if part.tag is None:
            raise ParseError(f"ports output before a table header: {excerpt(part.body[0])}")
        for line in part.body:
            _row(part.tag[1:], line, out, warnings)
    for entry in out.values():
        entry["addresses"].sort()
    return dict(sorted(out.items(), key=lambda kv: (kv[1]["protocol"], kv[1]["port"])))


def _row(table: str, line: str, out: dict[str, dict[str, Any]], warnings: list[str]) -> None:
    fields = line.split()
    if fields[0] == "sl":
        return  # the column header
    try:
        if len(fields) < 4 or not fields[0].endswith(":"):
            raise ValueError(line)
        local, lport = fields[1].split(":")
        remote, rport = fields[2].split(":")
        state = fields[3].upper()
        port = int(lport, 16)
        address = decode_address(local)
        remote_zero = int(remote, 16) == 0 and int(rport, 16) == 0
    except ValueError:
        warnings.append(f"skipped malformed /proc/net/{table} line {excerpt(line)}")
        return
    protocol = table.rstrip("6")
    listening = state == "0A" if protocol == "tcp" else (state == "07" and remote_zero)
    if not listening:
        return
    entry = out.setdefault(f"{protocol}/{port}",
                           {"protocol": protocol, "port": port, "addresses": []})
    if address not in entry["addresses"]:
        entry["addresses"].append(address)
