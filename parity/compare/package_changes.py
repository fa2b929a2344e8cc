"""Package changes between two hosts, read the way NixOS users read a closure diff.

``parity diff A B`` reports findings item by item (missing, unexpected, changed); for packages
people ask a shorter question: what was added, removed, upgraded or downgraded, and was it
something someone chose? ``nvd diff`` answers it for NixOS generations, ``nix store
diff-closures`` too, and ``apt upgrade -V`` for Debian. This module computes that view from the
same two facts documents, for every family.

* **Grouping by name.** A closure may hold two versions of one name; the NixOS collector keys the
  second ``pname@version``. Both group under ``pname`` here, as ``nvd`` and ``diff-closures``
  group by name and list every version (``linux: 6.6.30, 6.6.30-modules → …``). ``@`` never
  occurs in a package name of any family parity reads (Nix's ``checkName`` rejects it, as do
  dpkg, rpm, apk and pkgsrc), so the split cannot cut a real name.
* **Direction.** A name on both sides whose versions differ is *upgraded* or *downgraded* by the
  hosts' family ordering (:func:`parity.versions.compare`; Nix's ``builtins.compareVersions`` for
  ``nix`` hosts): the newest versions are compared, and if they are equal the oldest. Versions
  the ordering rejects, hosts of different families, a family parity has no ordering for, and
  versions that order equal while reading differently all give *changed* (``nvd``'s ``C``).
* **Selected.** ``auto: false`` marks a package someone chose (NixOS: a reference of
  ``/run/current-system/sw``, i.e. ``environment.systemPackages``; apt: manually installed).
  The marker's second character is ``nvd``'s: ``*`` selected on both sides, ``+`` newly
  selected, ``-`` no longer selected, ``.`` in the closure only; a blank when the host records
  no selection at all.

Only versions make an entry: a package whose versions match but whose ``arch`` or selection
changed is left to the findings (the selection mark is bookkeeping there, see
:mod:`parity.compare.hosts`). The view is informational: findings decide the exit code, ignore
rules and baselines apply to them, and this list shows every version difference regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any, Literal

PackageChangeKind = Literal["upgraded", "downgraded", "changed", "added", "removed"]

#: ``nvd``'s first marker letter per change
LETTER: dict[str, str] = {"upgraded": "U", "downgraded": "D", "changed": "C", "added": "A",
                          "removed": "R"}
#: order of the sections, as ``nvd`` prints them: version changes, then added, then removed
SECTION: dict[str, int] = {"upgraded": 0, "downgraded": 0, "changed": 0, "added": 1,
                           "removed": 2}

Compare = Callable[[str, str], int]


@dataclass(frozen=True)
class PackageChange:
    """One package name whose versions differ between A (old) and B (new)."""

    name: str
    change: PackageChangeKind
    #: A's versions, oldest first (empty when added)
    old: tuple[str, ...]
    #: B's versions, oldest first (empty when removed)
    new: tuple[str, ...]
    #: chosen on A / on B (``auto: false``); ``None`` when that side lacks the package or its
    #: host records no selection
    selected_old: bool | None
    selected_new: bool | None

    @property
    def mark(self) -> str:
        """``nvd``'s selection character: ``*``, ``+``, ``-``, ``.``, or a blank if unknown."""
        if self.selected_old is None and self.selected_new is None:
            return " "
        old, new = bool(self.selected_old), bool(self.selected_new)
        if old and new:
            return "*"
        if new:
            return "+"
        if old:
            return "-"
        return "."

    @property
    def marker(self) -> str:
        """``nvd``'s two-character marker: ``U*``, ``A+``, ``R.``..."""
        return LETTER[self.change] + self.mark

    @property
    def selected(self) -> bool:
        """Chosen on either side: what a reader scanning for their own packages looks for."""
        return bool(self.selected_old or self.selected_new)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "change": self.change, "old": list(self.old),
                "new": list(self.new), "selected_old": self.selected_old,
                "selected_new": self.selected_new, "marker": self.marker}


def package_name(key: str) -> str:
    """The name a packages key groups under: ``python3@3.12.1`` -> ``python3``."""
    return key.split("@", 1)[0]


def version_order(family_a: object, family_b: object) -> Compare | None:
    """The version ordering both hosts share, or ``None`` when there is none to trust.

    Looked up through :mod:`parity.families` and :mod:`parity.versions`; a ``nix`` host is
    ordered by :func:`parity.nix_version.compare` directly while the Nix family is not registered
    there (once it is, the registry's scheme answers first).
    """
    from parity.families import find_family
    from parity.versions import SCHEMES, compare

    fam = find_family(family_a)
    if family_a is None or (fam or family_a) != (find_family(family_b) or family_b):
        return None  # yum and dnf are one family; apt and nix are not
    if fam is not None and fam.version_scheme in SCHEMES:
        scheme = fam.version_scheme
        return lambda x, y: compare(x, y, scheme)
    if family_a == "nix":
        from parity.nix_version import compare as nix_compare

        return nix_compare
    return None


def _side(packages: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for key, item in packages.items():
        out.setdefault(package_name(key), []).append(item if isinstance(item, dict) else {})
    return out


def _versions(items: list[dict[str, Any]], order: Compare | None) -> tuple[str, ...]:
    found = sorted({str(i.get("version")) for i in items if i.get("version") is not None})
    if order is None:
        return tuple(found)
    try:
        return tuple(sorted(found, key=cmp_to_key(order)))
    except ValueError:  # UncomparableVersion: keep the plain order, direction is "changed"
        return tuple(found)


def _selected(items: list[dict[str, Any]]) -> bool | None:
    marks = [i["auto"] for i in items if isinstance(i.get("auto"), bool)]
    if not marks:
        return None
    return not all(marks)


def _direction(old: tuple[str, ...], new: tuple[str, ...],
               order: Compare | None) -> PackageChangeKind:
    if order is None or not old or not new:
        return "changed"
    try:
        c = order(new[-1], old[-1]) or order(new[0], old[0])
    except ValueError:
        return "changed"
    return "upgraded" if c > 0 else "downgraded" if c < 0 else "changed"


def package_changes(a_packages: Mapping[str, Any], b_packages: Mapping[str, Any],
                    order: Compare | None) -> list[PackageChange]:
    """Every name whose versions differ from A to B, in ``nvd``'s order: version changes, then
    added, then removed, each by name."""
    left, right = _side(a_packages), _side(b_packages)
    out = []
    for name in left.keys() | right.keys():
        old = _versions(left.get(name, []), order)
        new = _versions(right.get(name, []), order)
        if name in left and name in right and set(old) == set(new):
            continue
        if name not in left:
            change: PackageChangeKind = "added"
        elif name not in right:
            change = "removed"
        else:
            change = _direction(old, new, order)
        out.append(PackageChange(name, change, old, new,
                                 _selected(left[name]) if name in left else None,
                                 _selected(right[name]) if name in right else None))
    out.sort(key=lambda c: (SECTION[c.change], c.name))
    return out


def counts(changes: list[PackageChange]) -> dict[str, int]:
    """How many of each change, in a fixed key order (every key present)."""
    return {k: sum(c.change == k for c in changes) for k in LETTER}
