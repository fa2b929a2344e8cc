"""Which spec and role each host is checked with: ``--map GROUP=SPEC|ROLE`` and ``--map-file``.

One report covers an estate with several specs: ``--map web=specs/web.yaml --map
cassandra=specs/cassandra.yaml`` checks the inventory group ``web`` against one spec and
``cassandra`` against another; ``--map staging=dev`` checks a group as ``dev`` (the roles are
``check``'s: ``prod`` by default, ``dev`` for the host named ``dev``). A mapping file says the
same in YAML, paths relative to the file::

    web: specs/web.yaml
    cassandra: {spec: specs/cassandra.yaml, role: prod}
    staging: dev

A GROUP matches an inventory group the host is in (``all`` included) or the host's own name.
Rules are tried in order, ``--map`` options first, then the file's entries; for spec and for
role separately the first matching rule wins. A host no rule gives a spec is checked against
SPEC (``parity.yaml`` by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parity.errors import UsageError

ROLES = ("dev", "prod")


@dataclass(frozen=True)
class MapRule:
    """``group`` -> a spec path and/or a role."""

    group: str
    spec: str | None = None
    role: str | None = None
    where: str = "--map"  # for error messages: "--map" or "FILE:LINE"


def parse_map_option(text: str) -> MapRule:
    group, sep, value = text.partition("=")
    group, value = group.strip(), value.strip()
    if not sep or not group or not value:
        raise UsageError(f"--map {text!r}: expected GROUP=SPEC or GROUP=ROLE",
                         hint="e.g. --map web=specs/web.yaml or --map staging=dev")
    if value in ROLES:
        return MapRule(group, role=value)
    return MapRule(group, spec=value)


def load_map_file(path: Path) -> list[MapRule]:
    """Rules from a YAML mapping file; every problem names the file and line."""
    from ruamel.yaml.error import YAMLError

    from parity.yamlguard import guarded_yaml

    try:
        doc = guarded_yaml("safe").load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: mapping file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the mapping file: {exc}") from None
    except YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: a mapping file maps group names to a spec path, a role, "
                         "or {spec: PATH, role: ROLE}")
    base = path.parent
    rules = []
    for group, value in doc.items():
        where = f"{path}: {group}"
        if isinstance(value, str):
            value = {"role": value} if value in ROLES else {"spec": value}
        if not isinstance(value, dict) or not value or set(value) - {"spec", "role"}:
            raise UsageError(f"{where}: expected a spec path, a role (dev, prod), or "
                             "{spec: PATH, role: ROLE}")
        spec, role = value.get("spec"), value.get("role")
        if spec is not None and not isinstance(spec, str):
            raise UsageError(f"{where}: spec must be a path")
        if role is not None and role not in ROLES:
            raise UsageError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
        rules.append(MapRule(str(group), str(base / spec) if spec else None, role, where))
    return rules


def assign(host: str, groups: Sequence[str], rules: Sequence[MapRule]) -> tuple[str | None,
                                                                               str | None]:
    """``(spec path or None, role or None)`` for a host in ``groups``; None: use the default."""
    names = {host, *groups}
    spec = next((r.spec for r in rules if r.spec and r.group in names), None)
    role = next((r.role for r in rules if r.role and r.group in names), None)
    return spec, role
