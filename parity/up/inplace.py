"""Which spec edits ``up`` may apply to the running environment instead of rebuilding it.

An in-place update re-runs provisioning phases inside the running container (``provision.sh``
is idempotent). That is only worth having if the result is the environment a clean build of the
same spec gives, so the rule is narrow and written down here, where it is tested without Docker:
an edit qualifies when re-running the phases it touches, in the clean build's order and then the
spec's scripts, over the current environment adds or changes exactly what a clean build would
have and leaves nothing a clean build would not have. Everything else is rebuilt (the layered
Dockerfile keeps that to the steps whose inputs changed).

What qualifies, and why the rest does not:

* **files** added or changed (content, source, mode, owner, group, link target), not removed
  (provisioning never deletes a path), not changing type, and no attribute going from set to
  unset ("unset" means "leave it as it is", which in place keeps the old value while a clean
  build gives the default). A ``secret: true`` file is a file like any other here: added, or
  its mode/owner/group changed, in place; one turned secret keeps the content it has, which
  the spec no longer pins (nor does ``parity check`` compare it).
* **packages / dev_packages** added, with every existing constraint unchanged (a changed one can
  mean a downgrade, and removals must uninstall).
* **groups** added with a fixed ``gid``; **users** added with a fixed ``uid``, or an existing
  user's ``groups`` extended or ``shell`` changed (``usermod -a -G`` / ``-s`` give the clean
  build's ``/etc/passwd`` and ``/etc/group`` lines). An account without a fixed id is rebuilt:
  a clean build allocates ids in name order, in place would give the next free one.
* Sections that do not reach the environment (``description``, ``hosts``, ``drift``, the other
  targets' settings) need nothing at all.
* ``env``, ``sysctl``, ``services``, ``ports``, ``repositories``, ``provision``, ``base``, the
  docker target's settings, and the content of the spec's scripts or repository keys are
  rebuilt: the first five are fixed in the container's own configuration when it is created
  (its environment, sysctls, entrypoint, exposed ports), the rest change what every later step
  starts from.

After the touched phases the spec's ``provision`` scripts run again, because in a clean build
they run last and see everything before them; like Vagrant's shell provisioner re-run by
``vagrant provision``, they are expected to be idempotent (``parity up --rebuild`` is the way
out when one is not). Whether running services are restarted is decided by what the update
did, not here: see :mod:`parity.up.docker_inplace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: provisioning phases in the order provision.sh (and a clean build) runs them
PHASE_ORDER = ("repositories", "packages", "dev-packages", "groups", "users", "files", "env",
               "sysctl", "services", "scripts")

#: spec sections that never reach the environment
_INERT = frozenset({"parity", "description", "hosts", "drift"})
#: target settings that do not reach the docker environment (nor Vagrant's docker provider)
_INERT_TARGETS = frozenset({"vagrant", "nix", "aci", "devcontainer", "smartos"})
#: sections whose change always needs a new image and container, with the reason shown
_REBUILD = {
    "base": "the base image changed",
    "name": "the spec's name changed",
    "repositories": "repositories changed",
    "env": "env values are part of the container's configuration, fixed when it is created",
    "sysctl": "sysctl values are set on the container when it is created",
    "services": "services changed (the entrypoint that starts them is part of the image)",
    "ports": "ports changed (exposed ports are part of the image)",
    "provision": "the list of provision scripts changed",
}
_FILE_ATTRS = ("mode", "owner", "group")


@dataclass(frozen=True)
class Plan:
    """The outcome of comparing the environment's spec with the current one."""

    #: phases to run in place, in order (empty with ``possible``: nothing reaches the environment)
    phases: tuple[str, ...] = ()
    #: why the edit cannot be applied in place (empty when it can)
    reasons: tuple[str, ...] = ()
    #: what is applied, one phrase per change, for the summary
    applied: tuple[str, ...] = field(default_factory=tuple)

    @property
    def possible(self) -> bool:
        return not self.reasons


def plan(old: dict[str, Any], new: dict[str, Any]) -> Plan:
    """Compare two ``up`` snapshots (:func:`parity.up.changes.snapshot`): the spec the running
    environment reflects and the current one."""
    old_spec, new_spec = old.get("spec", {}), new.get("spec", {})
    old_hashes, new_hashes = old.get("files", {}), new.get("files", {})
    reasons: list[str] = []
    phases: set[str] = set()
    applied: list[str] = []

    for section in sorted(set(old_spec) | set(new_spec)):
        before, after = old_spec.get(section), new_spec.get(section)
        if before == after or section in _INERT:
            continue
        if section in _REBUILD:
            reasons.append(_REBUILD[section])
        elif section == "targets":
            changed = {k for k in set(before or {}) | set(after or {})
                       if (before or {}).get(k) != (after or {}).get(k)}
            if changed - _INERT_TARGETS:
                reasons.append("the docker target's settings changed (image, cmd or workdir)")
        elif section in ("packages", "dev_packages"):
            added = _packages(section, before or {}, after or {}, reasons)
            if added:
                phases.add("packages" if section == "packages" else "dev-packages")
                applied += [f"{section}: + {name}" for name in added]
        elif section == "groups":
            added = _added_accounts("group", "gid", before or {}, after or {}, reasons)
            if added:
                phases.add("groups")
                applied += [f"groups: + {name}" for name in added]
        elif section == "users":
            touched = _users(before or {}, after or {}, reasons)
            if touched:
                phases.add("users")
                applied += [f"users: {text}" for text in touched]
        elif section == "files":
            pass  # with the sources' contents, below
        else:
            reasons.append(f"{section} changed")

    files = _files(old_spec.get("files") or {}, new_spec.get("files") or {}, old_hashes,
                   new_hashes, reasons)
    if files:
        phases.add("files")
        applied += [f"files: {op} {path}" for op, path in files]
    for rel in _script_and_key_sources(new_spec):
        if old_hashes.get(rel) != new_hashes.get(rel):
            reasons.append(f"the content of {rel} changed (a provision script or repository key)")

    if reasons:
        return Plan(reasons=tuple(dict.fromkeys(reasons)))
    if phases and new_spec.get("provision"):
        phases.add("scripts")
    return Plan(phases=tuple(p for p in PHASE_ORDER if p in phases), applied=tuple(applied))


def _packages(section: str, before: dict[str, str], after: dict[str, str],
              reasons: list[str]) -> list[str]:
    for name in sorted(before):
        if name not in after:
            reasons.append(f"{section}: {name} was removed (it must be uninstalled)")
        elif before[name] != after[name]:
            reasons.append(f"{section}: {name} {before[name]} -> {after[name]} (a changed "
                           "constraint can mean another version)")
    return sorted(set(after) - set(before))


def _added_accounts(kind: str, id_key: str, before: dict[str, Any], after: dict[str, Any],
                    reasons: list[str]) -> list[str]:
    added = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            reasons.append(f"{kind} {name} was removed")
        elif name not in before:
            if after[name].get(id_key) is None:
                reasons.append(f"{kind} {name} has no fixed {id_key}: a clean build allocates "
                               "ids in name order, in place could give another one")
            else:
                added.append(name)
        elif before[name] != after[name]:
            reasons.append(f"{kind} {name} changed")
    return added


def _users(before: dict[str, Any], after: dict[str, Any], reasons: list[str]) -> list[str]:
    new_users = {k: v for k, v in after.items() if k not in before}
    touched = [f"+ {name}" for name in _added_accounts("user", "uid", {}, new_users, reasons)]
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if old == new:
            continue
        others = {k for k in set(old) | set(new) if old.get(k) != new.get(k)} - {"groups",
                                                                               "shell"}
        if others:
            reasons.append(f"user {name}: {', '.join(sorted(others))} changed")
            continue
        if not set(old.get("groups") or []) <= set(new.get("groups") or []):
            reasons.append(f"user {name} left a group (usermod only adds memberships)")
            continue
        if old.get("shell") != new.get("shell") and not new.get("shell"):
            reasons.append(f"user {name}: shell unset (in place would keep the old one)")
            continue
        touched.append(f"~ {name}")
    for name in sorted(set(before) - set(after)):
        reasons.append(f"user {name} was removed")
    return touched


def _files(before: dict[str, Any], after: dict[str, Any], old_hashes: dict[str, str],
           new_hashes: dict[str, str], reasons: list[str]) -> list[tuple[str, str]]:
    changed: list[tuple[str, str]] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if new is None:
            reasons.append(f"file {path} was removed (provisioning never deletes a path)")
            continue
        if old is None:
            changed.append(("+", path))
            continue
        if old.get("type") != new.get("type"):
            reasons.append(f"file {path} changed type ({old.get('type')} -> {new.get('type')})")
            continue
        unset = [a for a in _FILE_ATTRS if old.get(a) and not new.get(a)]
        if unset:
            reasons.append(f"file {path}: {', '.join(unset)} unset (in place would keep the old "
                           "value, a clean build gives the default)")
            continue
        source = new.get("source")
        if old != new or (source and old_hashes.get(source) != new_hashes.get(source)):
            changed.append(("~", path))
    return changed


def _script_and_key_sources(spec: dict[str, Any]) -> list[str]:
    keys = [r.get("key") for r in spec.get("repositories") or [] if isinstance(r, dict)]
    return sorted({*(spec.get("provision") or []), *(k for k in keys if k)})
