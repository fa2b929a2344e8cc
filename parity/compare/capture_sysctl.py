"""Which kernel settings ``parity capture`` reads, and which of them a captured spec may hold.

A spec's sysctl section is only worth capturing if ``parity up`` can give a container the same
values, so capture keeps to what the kernel keeps per namespace (:mod:`parity.sysctls`): the
network namespace's ``net.*`` settings, the IPC keys and ``fs.mqueue.*``. Machine-wide keys
(``vm.*``, most of ``kernel.*``) are not captured: a container cannot set them, and the base
probe (a container on this machine) cannot tell their base value on another machine.

Of ``net.*``, only settings that are not per interface: ``net.ipv4.*`` (directly under it),
``conf.all``/``conf.default`` of IPv4 and IPv6, ``net.core.somaxconn`` and ``net.unix.*``; a
host's ``eth0`` and a container's ``lo`` differ without anyone having set anything.

A key is captured when the host's value differs from the base system's, the base system has the
key (a container of the base image reads it, so one can be given it), and it is not one of
:data:`NOT_CAPTURED`: keys whose value the kernel sizes from the machine's memory (they differ
between two untouched machines), secrets, and keys that are read-only inside a container.
"""

from __future__ import annotations

from collections.abc import Mapping

from parity.facts.collectors.sysctl import is_pattern
from parity.facts.request import CollectRequest
from parity.sysctls import IPC_KEYS, container_sysctls

#: every setting directly under each of these nodes
PATTERNS = ("net.ipv4.*", "net.ipv4.conf.all.*", "net.ipv4.conf.default.*",
            "net.ipv6.conf.all.*", "net.ipv6.conf.default.*", "net.unix.*", "fs.mqueue.*")
#: single keys, beside the patterns
KEYS = ("net.core.somaxconn", *sorted(IPC_KEYS))

_MEMORY = "sized by the kernel from the machine's memory"
_SECRET = "a secret"
_READ_ONLY = "read-only in a container"
#: keys in scope that are never captured, and why
NOT_CAPTURED: dict[str, str] = {
    "net.ipv4.tcp_mem": _MEMORY, "net.ipv4.udp_mem": _MEMORY,
    "net.ipv4.tcp_rmem": _MEMORY, "net.ipv4.tcp_wmem": _MEMORY,
    "net.ipv4.tcp_max_orphans": _MEMORY, "net.ipv4.tcp_max_syn_backlog": _MEMORY,
    "net.ipv4.tcp_max_tw_buckets": _MEMORY,
    "net.ipv4.tcp_ehash_entries": _MEMORY, "net.ipv4.udp_hash_entries": _MEMORY,
    "net.ipv4.tcp_fastopen_key": _SECRET,
    "net.ipv6.conf.all.stable_secret": _SECRET, "net.ipv6.conf.default.stable_secret": _SECRET,
    "net.ipv4.tcp_allowed_congestion_control": _READ_ONLY,
    "net.ipv4.tcp_available_congestion_control": _READ_ONLY,
    "net.ipv4.conf.all.mc_forwarding": _READ_ONLY,
    "net.ipv4.conf.default.mc_forwarding": _READ_ONLY,
    "net.ipv6.conf.all.mc_forwarding": _READ_ONLY,
    "net.ipv6.conf.default.mc_forwarding": _READ_ONLY,
}

#: the comment a captured spec's sysctl section carries
COMMENT = ("kernel settings a container keeps per namespace (net.*, IPC, fs.mqueue.*) that\n"
           "differ from the base system; machine-wide keys (vm.*, most kernel.*) are not\n"
           "captured: a container cannot set them, so `parity up` could not reproduce them")


def capture_request() -> CollectRequest:
    """What capture (and the base probe it compares with) collects: every kind, and the
    sysctl settings above resolved on the host."""
    return CollectRequest(sysctl=(*PATTERNS, *KEYS))


def in_scope(key: str) -> bool:
    """A key capture reads and may keep: one of :data:`KEYS`, or directly under a pattern's
    node, and not in :data:`NOT_CAPTURED`."""
    if key in NOT_CAPTURED or not container_sysctls({key: ""}, "none"):
        return False
    if key in KEYS:
        return True
    node, _, name = key.rpartition(".")
    return bool(name) and f"{node}.*" in PATTERNS and is_pattern(f"{node}.*")


def captured_sysctl(host: Mapping[str, str], base: Mapping[str, str]) -> dict[str, str]:
    """The host's settings in scope whose value differs from the base system's, by key."""
    from pydantic import TypeAdapter, ValidationError

    from parity.spec.model import SysctlKey, SysctlValue

    holdable = TypeAdapter(dict[SysctlKey, SysctlValue])
    out: dict[str, str] = {}
    for key, value in sorted(host.items()):
        if key not in base or base[key] == value or not in_scope(key):
            continue
        try:
            holdable.validate_python({key: value})
        except ValidationError:  # a value a spec cannot hold: not declared, as with names
            continue
        out[key] = value
    return out
