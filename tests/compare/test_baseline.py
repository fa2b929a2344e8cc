"""Baseline files: written from a run, matched host-agnostically, validated on load."""

from __future__ import annotations

import json

import pytest

from parity.baseline import load_baseline, write_baseline
from parity.compare.finding import Finding
from parity.errors import UsageError


def fnd(host: str, name: str, actual: str = "1", **kw: object) -> Finding:
    return Finding(host, "package", name, "version", ">=2", actual, "changed", **kw)  # type: ignore[arg-type]


def test_round_trip_matches_on_identity_not_host_or_value(tmp_path):
    path = tmp_path / "baseline.json"
    n = write_baseline(path, [fnd("a", "curl"), fnd("b", "curl"),
                              fnd("a", "git", ignored="dev only")])
    assert n == 1  # deduplicated across hosts; ignored findings are not recorded
    doc = json.loads(path.read_text())
    assert doc["format"] == 1 and doc["kind"] == "parity-baseline"
    assert doc["entries"][0]["seen_on"] == ["a", "b"]
    assert doc["entries"][0]["host"] is None
    baseline = load_baseline(path)
    out = baseline.apply([fnd("c", "curl", actual="0.5"), fnd("c", "nginx")])
    assert [f.baselined for f in out] == [True, False]
    assert [f.fails for f in out] == [False, True]
    # a different change on the same item is new drift
    assert not baseline.covers(Finding("c", "package", "curl", None, ">=2", None, "missing"))


def test_per_host_entries_only_cover_that_host(tmp_path):
    path = tmp_path / "b.json"
    write_baseline(path, [fnd("a", "curl")], per_host=True)
    baseline = load_baseline(path)
    assert baseline.covers(fnd("a", "curl"))
    assert not baseline.covers(fnd("b", "curl"))


@pytest.mark.parametrize(("text", "message"), [
    ("{", "baseline is not JSON"),
    ('{"kind": "other"}', "not a parity baseline"),
    ('{"kind": "parity-baseline", "format": 9, "entries": []}', "format 9 is not supported"),
    ('{"kind": "parity-baseline", "format": 1, "entries": [{"kind": 1}]}', "entries[0] needs"),
])
def test_bad_files_are_usage_errors_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(UsageError) as exc:
        load_baseline(path)
    assert str(path) in exc.value.message and message in exc.value.message


def test_missing_file(tmp_path):
    with pytest.raises(UsageError, match="baseline file not found"):
        load_baseline(tmp_path / "nope.json")
