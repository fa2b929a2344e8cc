"""Host vs host: every difference between two hosts' facts (or snapshots), kind by kind.

``a`` is the reference and ``b`` the host under test, so findings read like the spec check:
*missing* = on A, not on B; *unexpected* = on B, not on A; *changed* = on both, different
(``expected`` is A's value, ``actual`` B's). Findings carry B's name as ``host``.
"""

from __future__ import annotations

from typing import Any

from parity.compare.against_spec import Comparison, _order
from parity.compare.diffing import changed_fields
from parity.compare.finding import Finding
from parity.compare.package_changes import PackageChange, package_changes, version_order
from parity.facts.kinds import KINDS, REQUESTED_KINDS, SINGULAR
from parity.facts.model import Facts

#: facts that differ between any two hosts by nature and say nothing about drift
#: (a SmartOS zone's name is its UUID: two zones of one image differ there and nowhere else)
VOLATILE_OS_KEYS = frozenset({"hostname", "uptime", "zone"})
#: per-item fields that are bookkeeping, not state: the "installed as a dependency" mark (apt's
#: auto; on NixOS "in the closure, not in systemPackages"). The package changes summary
#: (:func:`host_package_changes`) shows it as selected-or-not instead.
IGNORED_FIELDS = {"packages": frozenset({"auto"})}


def compare_hosts(a: Facts, b: Facts) -> list[Finding]:
    """Every difference between ``a`` (reference) and ``b``."""
    return compare_hosts_full(a, b).findings


def compare_hosts_full(a: Facts, b: Facts) -> Comparison:
    out = Comparison()
    for side in (a, b):  # items a host held that could not be read, left out on that side
        out.notes.extend(f"{side.host}: {w}" for w in side.warnings)
    for kind in KINDS:
        why = b.unavailable.get(kind) or a.unavailable.get(kind)
        if why:
            side = b.host if kind in b.unavailable else a.host
            out.notes.append(f"{side}: {kind} not compared: {why}")
            continue
        left, right = a.kind(kind), b.kind(kind)
        if kind == "os":
            left = {k: v for k, v in left.items() if k not in VOLATILE_OS_KEYS}
            right = {k: v for k, v in right.items() if k not in VOLATILE_OS_KEYS}
        if kind in REQUESTED_KINDS:
            # asked-for names only; an absent file is reported as ``type: absent``, so a name on
            # one side only means that side was never asked about it
            one_sided = sorted(set(left) ^ set(right))
            if one_sided:
                out.notes.append(f"{kind} collected on one side only, not compared: "
                                 f"{', '.join(one_sided)}")
            left = {k: v for k, v in left.items() if k in right}
            right = {k: v for k, v in right.items() if k in left}
        skip = IGNORED_FIELDS.get(kind, frozenset())
        out.findings.extend(_diff_kind(b.host, SINGULAR[kind], left, right, skip))
        out.checked[SINGULAR[kind]] = len(set(left) | set(right))
    out.findings.sort(key=_order)
    return out


def _without(item: Any, fields: frozenset[str]) -> Any:
    if fields and isinstance(item, dict):
        return {k: v for k, v in item.items() if k not in fields}
    return item


def _diff_kind(host: str, kind: str, left: dict[str, Any], right: dict[str, Any],
               skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for one kind; fields in ``skip`` are neither compared nor shown (they are
    dropped only from the few items that differ, not copied out of thousands that do not)."""
    out = []
    for name in sorted(left.keys() | right.keys()):
        if name not in right:
            out.append(Finding(host, kind, name, None, _without(left[name], skip), None,
                               "missing"))
        elif name not in left:
            out.append(Finding(host, kind, name, None, None, _without(right[name], skip),
                               "unexpected"))
        elif left[name] == right[name]:
            continue
        elif kind == "file" and left[name].get("type") != right[name].get("type"):
            # absent on one side, or a directory where the other has a file: the other fields
            # of the two can only differ, so they would add noise (as in the spec check)
            out.append(Finding(host, kind, name, "type", left[name].get("type"),
                               right[name].get("type"), "changed"))
        elif isinstance(left[name], dict) and isinstance(right[name], dict):
            for fld in changed_fields(left[name], right[name]):
                if fld not in skip:
                    out.append(Finding(host, kind, name, fld, left[name].get(fld),
                                       right[name].get(fld), "changed"))
        elif changed_fields({"v": left[name]}, {"v": right[name]}):
            out.append(Finding(host, kind, name, None, left[name], right[name], "changed"))
    return out


def host_package_changes(a: Facts, b: Facts) -> list[PackageChange] | None:
    """The ``nvd``-style package changes from ``a`` to ``b``; ``None`` when either side's
    packages could not be read (an empty list would claim nothing changed)."""
    if "packages" in a.unavailable or "packages" in b.unavailable:
        return None
    order = version_order(a.os.get("family"), b.os.get("family"))
    return package_changes(a.packages, b.packages, order)
