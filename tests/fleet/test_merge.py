"""Merging shards' partial reports; the output registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.errors import UsageError
from parity.fleet.merge import load_partial, merge_reports
from parity.fleet.model import FleetReport
from parity.fleet.outputs import FLEET_OUTPUTS, renderer, write_outputs
from tests.fleet.helpers import make_report

CURL = ("package", "curl", "version", "7.0")


def test_merge_concatenates_hosts_and_widens_the_span() -> None:
    p1 = make_report("n", "2026-11-28T02:00:05Z", {"b": [CURL], "d": []}, shard="1/2")
    p2 = make_report("n", "2026-11-28T02:00:01Z", {"a": "unreachable", "c": [CURL]}, shard="2/2")
    p1.finished_at = "2026-11-28T02:09:00Z"
    m = merge_reports([p1, p2])
    assert [h.host for h in m.hosts] == ["a", "b", "c", "d"]
    assert (m.run_id, m.started_at, m.finished_at, m.shard) == (
        "n", "2026-11-28T02:00:01Z", "2026-11-28T02:09:00Z", None)
    assert m.summary()["hosts"] == 4 and m.summary()["unreachable"] == 1


def test_overlapping_or_foreign_parts_are_refused() -> None:
    p1 = make_report("n", "2026-11-28T02:00:00Z", {"a": []})
    with pytest.raises(UsageError, match="host 'a' is in both x and y"):
        merge_reports([p1, make_report("n", "2026-11-28T02:00:00Z", {"a": []})], None,
                      ["x", "y"])
    other = make_report("m", "2026-11-28T02:00:00Z", {"b": []})
    with pytest.raises(UsageError, match="different runs"):
        merge_reports([p1, other])
    assert merge_reports([p1, other], "both").run_id == "both"


def test_partials_round_trip_and_bad_ones_name_the_file(tmp_path: Path) -> None:
    part = make_report("n", "2026-11-28T02:00:00Z", {"a": [CURL]}, shard="1/1")
    part.declared = {"app": {"package": {"curl": ">=8"}, "file": {"/etc/app.conf": None}}}
    f = tmp_path / "p.json"
    f.write_text(renderer("json")(part))
    assert load_partial(f).to_dict() == part.to_dict()
    f.write_text("{")
    with pytest.raises(UsageError, match=r"p.json:1:2: not JSON"):
        load_partial(f)
    f.write_text(json.dumps({"kind": "parity-baseline"}))
    with pytest.raises(UsageError, match="not a parity fleet report"):
        load_partial(f)


def test_the_registry_names_every_output_and_json_is_the_model() -> None:
    assert set(FLEET_OUTPUTS) == {"html", "junit", "markdown", "metrics", "json"}
    report = make_report("n", "2026-11-28T02:00:00Z", {"a": [CURL]})
    assert json.loads(renderer("json")(report)) == json.loads(json.dumps(report.to_dict()))
    assert FleetReport.from_dict(json.loads(renderer("json")(report))).to_dict() == \
        report.to_dict()


def test_an_output_module_that_is_missing_is_a_usage_error(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FLEET_OUTPUTS, "html", "parity.fleet.outputs.no_such_module:render")
    with pytest.raises(UsageError, match="no html report output"):
        write_outputs(make_report("n", "2026-11-28T02:00:00Z", {}),
                      {"json": tmp_path / "r.json", "html": tmp_path / "r.html"})
    assert not (tmp_path / "r.json").exists()  # nothing written when one output is missing
