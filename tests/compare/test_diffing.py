"""changed_fields' direct comparison of flat values against deepdiff, its reference: the fast
path must name exactly the fields deepdiff (ignore_order, numeric types kept) names."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.compare.diffing import changed_fields

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, 1.0]),
                    st.sampled_from(["", "a", "b", "root", "0644"]))
flat = st.one_of(scalars, st.lists(scalars, max_size=4))
values = st.one_of(flat, st.dictionaries(st.sampled_from("xy"), flat, max_size=2),
                   st.lists(st.dictionaries(st.sampled_from("xy"), scalars, max_size=2),
                            max_size=2))
items = st.dictionaries(st.sampled_from(["uid", "groups", "mode", "owner", "sha256"]), values,
                        max_size=5)


def reference(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """deepdiff's answer. ``threshold_to_diff_deeper=0``: by default (deepdiff 8) two dicts
    sharing under a third of their keys are one "root changed", whose affected root keys are
    none at all; per key is what a finding needs (the old code reported no change there)."""
    if a == b:
        return []
    diff = DeepDiff(a, b, ignore_order=True, ignore_numeric_type_changes=False,
                    threshold_to_diff_deeper=0)
    return sorted(str(k) for k in diff.affected_root_keys)


@settings(max_examples=600, deadline=None)
@given(items, items)
def test_same_fields_as_deepdiff(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert changed_fields(a, b) == reference(a, b)


@given(items)
def test_reordered_lists_are_no_change(a: dict[str, Any]) -> None:
    b = {k: list(reversed(v)) if isinstance(v, list) else v for k, v in a.items()}
    assert changed_fields(a, b) == reference(a, b)


def test_examples() -> None:
    assert changed_fields({"groups": ["a", "b"]}, {"groups": ["b", "a"]}) == []
    assert changed_fields({"groups": ["a"]}, {"groups": ["a", "c"]}) == ["groups"]
    assert changed_fields({"uid": 1, "mode": "0644"}, {"uid": True, "mode": "0600"}) == [
        "mode", "uid"]
    assert changed_fields({"uid": 1}, {}) == ["uid"]
    # no key in common: every key differs (deepdiff's default would call it one root change)
    assert changed_fields({}, {"uid": None, "home": "/"}) == ["home", "uid"]
