"""Per-item attribute diffs, done by deepdiff so nested values (lists, dicts) compare properly.

Both comparisons (spec vs host, host vs host) reduce to "which top-level fields of this item
differ", which is exactly deepdiff's ``affected_root_keys``; order inside lists never matters
(group memberships, listen addresses).
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff


def changed_fields(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Names of the top-level keys whose values differ (a key missing on one side differs)."""
    if expected == actual:
        return []
    diff = DeepDiff(expected, actual, ignore_order=True, ignore_numeric_type_changes=False)
    return sorted(str(k) for k in diff.affected_root_keys)


def project(actual: dict[str, Any], keys: list[str] | Any) -> dict[str, Any]:
    """``actual`` restricted to ``keys`` (absent keys become ``None``), for spec comparisons."""
    return {k: actual.get(k) for k in keys}
