"""What a spec says a host should look like, in the shape of :class:`~parity.facts.model.Facts`.

The spec is normalised into the same per-kind dicts a host snapshot has, so comparing a spec with a
host is the same walk as comparing two hosts. Only what the spec actually pins appears: a user
without ``uid:`` expects no particular uid, a file without ``mode:`` expects no particular mode.

Roles: ``dev`` hosts must also carry ``dev_packages``; on ``prod`` hosts those packages are
*tolerated* (neither required nor reported as unexpected with ``--strict``), because a
production host that happens to have ``git`` is not drift worth failing a deploy over.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from parity.fsutil import sha256_file
from parity.spec import Spec
from parity.spec.model import FileEntry
from parity.versions import Constraint

Role = Literal["dev", "prod"]
ROLES: tuple[Role, ...] = ("dev", "prod")


@dataclass(frozen=True)
class Expected:
    """A spec's expectations for one role; each kind maps an item name to its pinned fields."""

    role: Role
    #: distro fields the host must report: ``{"distro": "debian", "release": "12"}``
    os: dict[str, str]
    packages: dict[str, Constraint]
    services: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    ports: dict[str, dict[str, Any]]
    sysctl: dict[str, str]
    #: ``PROTOCOL/PROPERTY`` -> value, the spec's ``ipadm:`` flattened to the facts' keys
    ipadm: dict[str, str] = field(default_factory=dict)
    #: names per kind that are fine to find but not required (dev packages on prod)
    tolerated: dict[str, frozenset[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (constraints as their text), for debugging and ``--format json``."""
        return {
            "role": self.role,
            "os": self.os,
            "packages": {n: {"version": str(c)} for n, c in self.packages.items()},
            "services": self.services,
            "users": self.users,
            "groups": self.groups,
            "files": self.files,
            "ports": self.ports,
            "sysctl": self.sysctl,
            "ipadm": self.ipadm,
            "tolerated": {k: sorted(v) for k, v in self.tolerated.items()},
        }


def expected_facts(spec: Spec, role: Role = "prod") -> Expected:
    """Normalise ``spec`` into the facts it implies for a host of ``role``."""
    m = spec.model
    dev_only = frozenset(m.dev_packages)
    return Expected(
        role=role,
        os={"distro": spec.distro.name, "release": spec.distro.release},
        packages=spec.packages(dev=role == "dev"),
        services={n: {"running": s.running, "enabled": s.enabled} for n, s in m.services.items()},
        users={n: _user(u) for n, u in m.users.items()},
        groups={n: ({"gid": g.gid} if g.gid is not None else {}) for n, g in m.groups.items()},
        files={p: _file(spec, f) for p, f in m.files.items()},
        ports={p.key: {"protocol": p.protocol, "port": p.number} for p in spec.ports},
        sysctl=dict(m.sysctl),
        ipadm={f"{proto}/{name}": value for proto, props in m.ipadm.items()
               for name, value in props.items()},
        tolerated={"packages": dev_only} if role == "prod" else {},
    )


def _user(user: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if user.uid is not None:
        out["uid"] = user.uid
    if user.home is not None:
        out["home"] = user.home
    if user.shell is not None:
        out["shell"] = user.shell
    if user.groups:
        out["groups"] = sorted(user.groups)
    return out


def _file(spec: Spec, entry: FileEntry) -> dict[str, Any]:
    """Expected type plus the attributes the spec writes down, and nothing else.

    One rule for every attribute, the same one provisioning follows: what the spec pins is set
    and compared, what it leaves out is neither (an ``owner:`` left out is not "root"). A link's
    ``target`` is compared exactly as the link stores it (``readlink``), relative or absolute;
    a link's mode is always 0777, so ``mode:`` on a link is not compared. Owners and groups
    compare as the facts report them: the name, or the bare id when the id has no name.
    """
    out: dict[str, Any] = {"type": entry.type}
    if entry.type == "link":
        out["target"] = entry.target
    elif entry.mode is not None:
        out["mode"] = entry.mode
    if entry.owner is not None:
        out["owner"] = entry.owner
    if entry.group is not None:
        out["group"] = entry.group
    if entry.type == "file":
        sha = _content_sha256(spec, entry)
        if sha is not None:
            out["sha256"] = sha
    return out


def _content_sha256(spec: Spec, entry: FileEntry) -> str | None:
    if entry.content is not None:
        return hashlib.sha256(entry.content.encode("utf-8")).hexdigest()
    if entry.source is not None:
        known = spec.file_hashes.get(entry.source)
        if known is not None:
            return known
        return sha256_file(spec.resolve(entry.source))  # in chunks: sources may be huge
    return None


def collect_paths(spec: Spec, extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Every file path a check must look at: declared files plus ``--path`` extras."""
    return sorted(set(spec.model.files) | set(extra))
