"""nixos target: a NixOS module (``nixos/module.nix``) that declares the spec's machine.

The module is a function ``{ config, lib, pkgs, ... }: { ... }``. ``-t nixos`` renders it alone,
to import into an existing NixOS configuration; the nix target renders the same files beside its
flake.nix (:func:`parity.render.nix.plan` includes this plan), whose ``nixosModules.default`` is
``./nixos/module.nix`` (:data:`MODULE`) and whose ``nixosConfigurations.<name>`` is built from
it, so a rendered flake always has its module, and ``render --check -t nix`` covers both.

How each part of the spec becomes NixOS options (planning here, every Nix token in
``templates/render/nixos/``):

* packages -> ``environment.systemPackages``: nixpkgs attributes mapped as the nix target maps
  them (:func:`parity.render.nix.nix_attr`). dev_packages are left out: a NixOS host is a
  deployed machine. nixpkgs decides versions, so a version constraint cannot pin; each one
  becomes an ``assertions`` entry comparing ``lib.getVersion pkgs.<attr>`` with the constraint
  by Nix's own ordering (``builtins.compareVersions``; globs as ``builtins.match``), so a system
  built from a nixpkgs that breaks a constraint fails at evaluation, naming package and version.
  Constraints compare upstream versions only: nixpkgs has no epochs or distro revisions.
* users/groups -> ``users.users`` / ``users.groups``. NixOS asserts that exactly one of
  isNormalUser/isSystemUser holds *effectively* (a uid below 1000 counts as system) and that
  every user has a ``group`` (nixos/modules/config/users-groups.nix), so: ``system: true`` or a
  uid below 1000 gives isSystemUser, otherwise isNormalUser; every user's primary group is a
  group of its own name, as Debian's useradd makes one, declared if the spec does not.
  Shells: bash, zsh and fish become their packages (zsh and fish also ``programs.<x>.enable``,
  which NixOS requires), nologin and false become ``pkgs.shadow`` (NixOS's nologin, the default
  of system users), any other path is kept as a path (NixOS accepts one; it must exist there).
* files: a file under ``/etc`` with content or source -> ``environment.etc`` (text, or source
  copied to ``nixos/src/<spec path>`` beside the module; mode/user/group, which make NixOS copy
  the file instead of linking it into the store). Directories, links and secret files ->
  ``systemd.tmpfiles.settings`` (``d``, ``L+``, ``f``: a secret is created empty when missing and
  kept when present, exactly the spec's meaning, and its content is never written anywhere).
  A file outside ``/etc`` with content or source -> a ``system.activationScripts`` entry running
  ``install`` after the users exist: tmpfiles can write a file's content only with a trailing
  newline added and only on creation, while activation rewrites the exact bytes, mode and owner
  on every switch, as NixOS does for its own ``/etc``.
* sysctl -> ``boot.kernel.sysctl`` (digit-only values as integers: NixOS types
  ``net.core.rmem_max``/``wmem_max`` as unsigned ints); ports -> the firewall's allowed ports.
* services -> ``services.<x>.enable`` where NixOS has a module (:data:`SERVICE_MODULES`),
  else ``systemd.services.<name>`` from ``command:``; enabled -> ``wantedBy``. A service with
  neither gets a ``warnings`` entry: the module cannot start it.
* env -> ``environment.variables``; secrets are never written: a comment names them.
* repositories and provision scripts have no NixOS form; comments say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parity.render.base import PlannedFile, encode, header_text
from parity.render.jinja import render
from parity.render.nix import left_out, nix_attr
from parity.render.writer import MANIFEST, manifest_data
from parity.spec import Spec
from parity.versions import Clause, split_version

#: the module, relative to the output folder; flake.nix.j2 imports ``./nixos/module.nix``
MODULE = "nixos/module.nix"
#: copies of the spec's source files, beside the module
SRC = "nixos/src"
#: NixOS ids below this are system accounts, whatever isSystemUser says (users-groups.nix)
SYSTEM_UID_LIMIT = 1000
#: the systemd-tmpfiles settings name the module's rules go under
TMPFILES_NAME = "10-parity"


@dataclass(frozen=True)
class NixosService:
    """A NixOS module for a well-known service: the option path to set ``enable`` under, and
    the systemd unit the module defines (for ``wantedBy`` when the spec disables it)."""

    option: tuple[str, ...]
    unit: str


_OPENSSH = NixosService(("services", "openssh"), "sshd")
_REDIS = NixosService(("services", "redis", "servers", ""), "redis")
#: spec service name -> NixOS module; names from Debian's units and their common aliases
SERVICE_MODULES: dict[str, NixosService] = {
    "nginx": NixosService(("services", "nginx"), "nginx"),
    "postgresql": NixosService(("services", "postgresql"), "postgresql"),
    "ssh": _OPENSSH,
    "sshd": _OPENSSH,
    "openssh": _OPENSSH,
    "redis": _REDIS,
    "redis-server": _REDIS,
    "memcached": NixosService(("services", "memcached"), "memcached"),
    "cron": NixosService(("services", "cron"), "cron"),
    "docker": NixosService(("virtualisation", "docker"), "docker"),
    "cassandra": NixosService(("services", "cassandra"), "cassandra"),
}

_NOLOGIN = "shadow"
#: login shell path -> nixpkgs attribute of a shell package (with ``passthru.shellPath``)
SHELL_PACKAGES: dict[str, str] = {
    "/bin/bash": "bashInteractive", "/usr/bin/bash": "bashInteractive",
    "/bin/zsh": "zsh", "/usr/bin/zsh": "zsh",
    "/bin/fish": "fish", "/usr/bin/fish": "fish",
    "/usr/sbin/nologin": _NOLOGIN, "/sbin/nologin": _NOLOGIN, "/bin/false": _NOLOGIN,
    "/usr/bin/false": _NOLOGIN,
}
#: shell packages NixOS wants enabled as programs (its users-groups assertion)
SHELL_PROGRAMS = frozenset({"zsh", "fish"})

#: characters special in a POSIX extended regex (builtins.match), escaped in a glob's text
_ERE_SPECIAL = frozenset(".[]()^$+?{}|\\")


def glob_regex(glob: str) -> str:
    """The POSIX extended regex ``builtins.match`` needs for a constraint glob (whole string,
    ``*`` any run of characters, as :meth:`Clause.check`'s fnmatch)."""
    return "".join(".*" if c == "*" else f"\\{c}" if c in _ERE_SPECIAL else c for c in glob)


def version_check(clause: Clause, scheme: str) -> dict[str, str]:
    """One clause as data for the template: ``{"regex": ...}`` or ``{"op": ..., "version": ...}``.

    nixpkgs versions carry no epoch or distro revision, so the clause compares upstream
    versions: a glob loses an epoch prefix, a version its epoch and revision.
    """
    if clause.op == "glob":
        return {"regex": glob_regex(clause.version.split(":", 1)[-1])}
    return {"op": clause.op, "version": split_version(clause.version, scheme)[1]}


def _packages(spec: Spec) -> list[dict[str, Any]]:
    """Runtime packages, each with its attribute and version checks, sorted by name.

    A second-architecture package (``zlib1g:i386``) is left out unless ``targets.nix.attrs``
    maps it, as the nix target does.
    """
    scheme = spec.distro.version_scheme
    out = []
    for name, constraint in spec.packages(dev=False).items():
        if ":" in name and name not in spec.model.targets.nix.attrs:
            continue
        attr = nix_attr(spec, name)
        if attr is None:  # targets.nix.attrs maps it to null: nixpkgs has no such package
            continue
        out.append({"name": name, "attr": attr, "constraint": constraint.text,
                    "checks": [version_check(c, scheme) for c in constraint.clauses]})
    return out


def _shell(path: str | None) -> dict[str, str] | None:
    if path is None:
        return None
    attr = SHELL_PACKAGES.get(path)
    return {"package": attr} if attr else {"path": path}


def _accounts(spec: Spec) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(users, groups)``: every user gets a primary group of its own name (declared here when
    the spec does not declare it), and the kind NixOS will accept."""
    users = []
    groups = {name: {"name": name, "gid": g.gid} for name, g in spec.model.groups.items()}
    for name, u in sorted(spec.model.users.items()):
        system = u.system or (u.uid is not None and u.uid < SYSTEM_UID_LIMIT)
        groups.setdefault(name, {"name": name, "gid": None})
        users.append({
            "name": name, "uid": u.uid, "home": u.home, "shell": _shell(u.shell),
            "system": system, "group": name,
            "extra_groups": [g for g in u.groups if g != name and not g.isdigit()],
            # a numeric group is a gid with no name on the captured host: NixOS groups are names
            "numeric_groups": [g for g in u.groups if g.isdigit()],
        })
    return users, sorted(groups.values(), key=lambda g: g["name"])


def _owner(ref: str | None) -> str | None:
    """environment.etc's user/group: a name, or ``+N`` for a bare numeric id (etc.nix)."""
    if ref is None:
        return None
    return f"+{ref}" if ref.isdigit() else ref


def _files(spec: Spec) -> dict[str, list[dict[str, Any]]]:
    """The spec's files split by the NixOS mechanism that places them (module docstring)."""
    etc, tmpfiles, installs = [], [], []
    for path, f in sorted(spec.model.files.items()):
        source = f"/src/{f.source}" if f.source else None
        if f.type == "directory":
            tmpfiles.append({"path": path, "type": "d", "mode": f.mode, "user": f.owner,
                             "group": f.group, "argument": None})
        elif f.type == "link":
            tmpfiles.append({"path": path, "type": "L+", "mode": None, "user": None,
                             "group": None, "argument": f.target})
        elif f.secret:
            tmpfiles.append({"path": path, "type": "f", "mode": f.mode or "0600",
                             "user": f.owner, "group": f.group, "argument": None})
        elif path.startswith("/etc/") and path != "/etc/":
            # owner/group take effect only on a copy, which a mode asks for (etc.nix)
            mode = f.mode or ("0644" if f.owner or f.group else None)
            etc.append({"name": path.removeprefix("/etc/"), "text": f.content, "source": source,
                        "mode": mode, "user": _owner(f.owner), "group": _owner(f.group)})
        else:
            installs.append({"path": path, "text": f.content, "source": source,
                             "mode": f.mode or "0644", "user": f.owner, "group": f.group})
    return {"etc": etc, "tmpfiles": tmpfiles, "installs": installs}


def _sysctl_value(value: str) -> int | str:
    """Digit-only values as Nix integers (within Nix's int64); the rest as strings."""
    if value.isdigit() and value == str(int(value)) and int(value) < 2**63:
        return int(value)
    return value


def _services(spec: Spec) -> dict[str, list[dict[str, Any]]]:
    modules, units, unsupported = [], [], []
    for name, s in sorted(spec.model.services.items()):
        known = SERVICE_MODULES.get(name)
        if known is not None:
            modules.append({"name": name, "option": list(known.option), "unit": known.unit,
                            "enabled": s.enabled})
        elif s.command:
            units.append({"name": name, "command": list(s.command), "enabled": s.enabled})
        else:
            unsupported.append(name)
    return {"modules": modules, "units": units, "unsupported": unsupported}


def context(spec: Spec) -> dict[str, Any]:
    users, groups = _accounts(spec)
    shells = {u["shell"]["package"] for u in users if u["shell"] and "package" in u["shell"]}
    return {
        "header": header_text(spec),
        "spec": spec,
        "left_out": left_out(spec, dev=False),
        "packages": _packages(spec),
        "users": users,
        "groups": groups,
        "shell_programs": sorted(shells & SHELL_PROGRAMS),
        **_files(spec),
        "tmpfiles_name": TMPFILES_NAME,
        "sysctl": {k: _sysctl_value(v) for k, v in sorted(spec.model.sysctl.items())},
        "tcp_ports": [p.number for p in spec.ports if p.protocol == "tcp"],
        "udp_ports": [p.number for p in spec.ports if p.protocol == "udp"],
        **_services(spec),
        "env": spec.plain_env,
        "secrets": spec.secret_env,
        "repositories": [r.name for r in spec.model.repositories],
        "provision": list(spec.model.provision),
    }


def plan(spec: Spec) -> list[PlannedFile]:
    """``nixos/module.nix``, the spec's source files it reads (verbatim, under ``nixos/src/``)
    and the manifest that lets a later render replace or remove those copies."""
    ctx = context(spec)
    module = PlannedFile(MODULE, encode(render("nixos/module.nix.j2", **ctx),
                                        "nixos/module.nix.j2"))
    copies = [PlannedFile(f"{SRC}/{rel}", generated=False, source=spec.resolve(rel),
                          sha256=spec.file_hashes[rel])
              for rel in sorted({f.source for f in spec.model.files.values() if f.source})]
    manifest = PlannedFile(f"nixos/{MANIFEST}", manifest_data(
        ctx["header"], {c.path.removeprefix("nixos/"): c.digest() for c in copies}))
    return [module, *copies, manifest]
