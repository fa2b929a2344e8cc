"""Per-item attribute diffs: which top-level fields of an item differ.

Both comparisons (spec vs host, host vs host) reduce to "which top-level fields of this item
differ", which is deepdiff's ``affected_root_keys`` with ``ignore_order``: order inside lists never
matters (group memberships, listen addresses), and a value of another type differs even when
Python calls it equal (``1`` and ``True``, ``1`` and ``1.0``). Facts hold flat fields: scalars and
lists of scalars. Those are compared here directly, with deepdiff's rules, because deepdiff costs
about 0.1 ms a call and a diff of two 2,000-package hosts makes hundreds of calls; anything
nested still goes to deepdiff. (deepdiff on its own, by default, calls two dicts that share
under a third of their keys one "root" change with no affected keys; fields are named here.)
"""

from __future__ import annotations

from typing import Any

_SCALARS = (str, int, float, bool, type(None))


def _same_scalar(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _flat_equal(a: Any, b: Any) -> bool | None:
    """Equal by deepdiff's ``ignore_order`` rules, or ``None`` when the values are not flat
    (a scalar, or a list of scalars) and deepdiff must decide."""
    if isinstance(a, _SCALARS) and isinstance(b, _SCALARS):
        return _same_scalar(a, b)
    if isinstance(a, list) and isinstance(b, list):
        if all(isinstance(x, _SCALARS) for x in a) and all(isinstance(x, _SCALARS) for x in b):
            # ignore_order without report_repetition compares the sets of distinct items, and
            # tells 1 from True and 1.0: pair each item with its type
            return {(type(x), x) for x in a} == {(type(x), x) for x in b}
        return None
    if isinstance(a, _SCALARS) != isinstance(b, _SCALARS):
        return False  # a scalar against a container: a type change
    return None


def changed_fields(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Names of the top-level keys whose values differ (a key missing on one side differs)."""
    if expected == actual:
        return []
    changed = set(expected.keys() ^ actual.keys())
    nested: list[str] = []
    for key in expected.keys() & actual.keys():
        same = _flat_equal(expected[key], actual[key])
        if same is None:
            nested.append(key)
        elif not same:
            changed.add(key)
    if nested:
        from deepdiff import DeepDiff

        diff = DeepDiff({k: expected[k] for k in nested}, {k: actual[k] for k in nested},
                        ignore_order=True, ignore_numeric_type_changes=False,
                        threshold_to_diff_deeper=0)
        changed.update(str(k) for k in diff.affected_root_keys)
    return sorted(str(k) for k in changed)


def project(actual: dict[str, Any], keys: list[str] | Any) -> dict[str, Any]:
    """``actual`` restricted to ``keys`` (absent keys become ``None``), for spec comparisons."""
    return {k: actual.get(k) for k in keys}
