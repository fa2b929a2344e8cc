"""What a collection asks a host for, beyond the kinds that are always collected whole.

OS, packages, services, users, groups and ports are cheap to collect whole, so they always are
(host-vs-host diffs need everything). Files, sysctl keys and ipadm properties cannot be
enumerated (a private ipadm property is not listed until asked for by name), so the request
names them; services are listed whole too, but the named ones get extra probes (their init
script's ``status``) on hosts without systemd. ``secret_paths`` are requested paths whose content
is a secret (``secret: true`` in the spec): the host reports their type, mode, owner and group
but never a hash of their content, since a sha256 of a short password in a snapshot or report
can be brute-forced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parity.facts.model import KINDS
from parity.textsafe import quoted

if TYPE_CHECKING:
    from parity.spec import Spec


#: the protocols whose properties ``ipadm show-prop`` reports (the spec's ``ipadm:`` keys)
IPADM_PROTOCOLS: tuple[str, ...] = ("ipv4", "ipv6", "icmp", "tcp", "udp", "sctp")
#: an ipadm fact key: ``PROTOCOL/PROPERTY`` (``tcp/smallest_anon_port``)
IPADM_KEY = re.compile(rf"^({'|'.join(IPADM_PROTOCOLS)})/([a-z0-9_]{{1,64}})$")


def ipadm_keys(ipadm: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """The spec's nested ``{protocol: {property: value}}`` as sorted fact keys."""
    return tuple(sorted(f"{proto}/{name}" for proto, props in ipadm.items() for name in props))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class CollectRequest:
    """The parameters every collector snippet is a function of.

    ``kinds`` limits which collectors run (default: all of :data:`~parity.facts.model.KINDS`).
    ``secret_paths`` (each also in ``paths``; added there when missing) are never hashed.
    """

    paths: tuple[str, ...] = ()
    sysctl: tuple[str, ...] = ()
    #: ``PROTOCOL/PROPERTY`` keys read with ``ipadm show-prop`` on SmartOS hosts
    ipadm: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    kinds: tuple[str, ...] = field(default=KINDS)
    secret_paths: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret_paths", frozenset(self.secret_paths))
        object.__setattr__(self, "paths", _unique((*self.paths, *sorted(self.secret_paths))))
        object.__setattr__(self, "sysctl", _unique(self.sysctl))
        object.__setattr__(self, "ipadm", _unique(self.ipadm))
        for key in self.ipadm:
            if not IPADM_KEY.match(key):
                raise ValueError(f"ipadm keys are PROTOCOL/PROPERTY ({', '.join(IPADM_PROTOCOLS)}"
                                 f"; property of a-z 0-9 _): {quoted(key)}")
        object.__setattr__(self, "services", _unique(self.services))
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown fact kinds {unknown}; known: {', '.join(KINDS)}")
        for path in self.paths:
            if not path.startswith("/") or "\0" in path:
                raise ValueError(f"file paths to collect must be absolute: {quoted(path)}")

    @classmethod
    def from_spec(cls, spec: Spec | None, extra_paths: Iterable[str] = ()) -> CollectRequest:
        """Everything ``spec`` declares (files, sysctl keys, ipadm properties, services) plus
        ``extra_paths``.

        ``extra_paths`` come from the command line (``--path``), so a relative one is a
        :class:`~parity.errors.UsageError`, not a ``ValueError``.
        """
        extra_paths = tuple(extra_paths)
        for path in extra_paths:
            if not path.startswith("/") or "\0" in path:
                from parity.errors import UsageError

                raise UsageError(f"--path {quoted(path)}: must be absolute",
                                 hint="Give the full path on the host, e.g. /etc/hostname.")
        if spec is None:
            return cls(paths=extra_paths)
        m = spec.model
        return cls(
            paths=(*sorted(m.files), *extra_paths),
            sysctl=tuple(sorted(m.sysctl)),
            ipadm=ipadm_keys(m.ipadm),
            services=tuple(sorted(m.services)),
            secret_paths=secret_paths(spec),
        )

    def to_dict(self) -> dict[str, list[str]]:
        return {"paths": list(self.paths), "sysctl": list(self.sysctl),
                "ipadm": list(self.ipadm), "services": list(self.services),
                "kinds": list(self.kinds),
                "secret_paths": sorted(self.secret_paths)}

    @classmethod
    def from_dict(cls, doc: dict[str, list[str]]) -> CollectRequest:
        return cls(paths=tuple(doc.get("paths", ())), sysctl=tuple(doc.get("sysctl", ())),
                   ipadm=tuple(doc.get("ipadm", ())),
                   services=tuple(doc.get("services", ())),
                   kinds=tuple(doc.get("kinds", KINDS)),
                   secret_paths=frozenset(doc.get("secret_paths", ())))


def secret_paths(spec: Spec | None) -> frozenset[str]:
    """The paths ``spec`` declares ``secret: true``: their content is never hashed or compared."""
    if spec is None:
        return frozenset()
    return frozenset(p for p, f in spec.model.files.items() if f.secret)
