"""One readable summary of what changed between the spec an environment runs and the current one.

``up`` records the normalised spec it brought up (``spec.model.model_dump(mode="json")`` plus the
hashes of referenced files; secrets are only ``{"secret": true}`` markers there, never values), so
the next ``up`` after an edit can say "packages: + vim; ~ nginx 1.22.* -> 1.24.*" instead of a bare
"rebuilt". deepdiff finds nested field changes; lists of scalars (ports, provision) are compared
as sets because their order means nothing to the environment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff

#: sections that are lists whose order does not matter to the environment
_SET_SECTIONS = ("ports", "provision")


@dataclass(frozen=True)
class Change:
    """One changed thing: ``section`` (packages, users, ...), ``op`` (+ - ~) and a description."""

    section: str
    op: str
    text: str

    def __str__(self) -> str:
        return f"{self.op} {self.text}"


def snapshot(spec_dump: dict[str, Any], file_hashes: dict[str, str]) -> dict[str, Any]:
    """The record ``up`` stores and ``diff_snapshots`` compares."""
    return {"spec": spec_dump, "files": dict(file_hashes)}


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new`` snapshot, ordered by section then name."""
    old_spec, new_spec = dict(old.get("spec", {})), dict(new.get("spec", {}))
    changes: list[Change] = []
    for section in _SET_SECTIONS:
        before = {_short(v) for v in old_spec.pop(section, []) or []}
        after = {_short(v) for v in new_spec.pop(section, []) or []}
        changes += [Change(section, "+", v) for v in sorted(after - before)]
        changes += [Change(section, "-", v) for v in sorted(before - after)]
    diff = DeepDiff(old_spec, new_spec, ignore_order=True, view="tree")
    for kind, items in diff.items():
        for item in items:
            changes.append(_describe(kind, item.path(output_format="list"), item.t1, item.t2))
    old_files, new_files = old.get("files", {}), new.get("files", {})
    for rel in sorted(set(old_files) | set(new_files)):
        if old_files.get(rel) != new_files.get(rel):
            op = "+" if rel not in old_files else "-" if rel not in new_files else "~"
            changes.append(Change("file contents", op, rel))
    return sorted(changes, key=lambda c: (c.section, c.text))


def _describe(kind: str, path: list[Any], t1: Any, t2: Any) -> Change:
    section = str(path[0]) if path else "spec"
    if kind.startswith("iterable_item") and path and isinstance(path[-1], int):
        path = path[:-1]  # list positions mean nothing to a reader: "app.groups b", not ".1"
    rest = ".".join(str(p) for p in path[1:])
    if kind in ("dictionary_item_added", "iterable_item_added", "attribute_added"):
        return Change(section, "+", _join(rest, _short(t2)))
    if kind in ("dictionary_item_removed", "iterable_item_removed", "attribute_removed"):
        return Change(section, "-", _join(rest, _short(t1)) if "." in rest or not rest else rest)
    return Change(section, "~", f"{rest + ' ' if rest else ''}{_short(t1)} -> {_short(t2)}")


def _join(name: str, value: str) -> str:
    return f"{name} {value}" if name else value


def _short(value: Any) -> str:
    """Values as a person reads them; secrets are markers in the snapshot, shown as ``(secret)``."""
    if value == {"secret": True}:
        return "(secret)"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return json.dumps(value)


def summary_lines(changes: list[Change]) -> list[str]:
    """One line per section: ``packages: + vim *; ~ nginx 1.22.* -> 1.24.*; - less``."""
    by_section: dict[str, list[str]] = {}
    for change in changes:
        by_section.setdefault(change.section, []).append(str(change))
    return [f"{section}: {'; '.join(items)}" for section, items in sorted(by_section.items())]
