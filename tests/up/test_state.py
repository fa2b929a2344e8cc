"""``.parity/state.json``: atomic, per environment, and never a blocker when damaged."""

from __future__ import annotations

import json
from pathlib import Path

from parity.up.state import State, work_dir


def test_roundtrip_and_drop(tmp_path: Path) -> None:
    state = State.load(tmp_path)
    assert state.get("docker", "shop-dev") is None
    state.put("docker", "shop-dev", {"spec_sha256": "abc", "snapshot": {"spec": {}}})
    again = State.load(tmp_path)
    record = again.get("docker", "shop-dev")
    assert record is not None and record["spec_sha256"] == "abc" and "recorded_at" in record
    again.drop("docker", "shop-dev")
    assert State.load(tmp_path).get("docker", "shop-dev") is None
    assert json.loads((work_dir(tmp_path) / "state.json").read_text())["environments"] == {}


def test_damaged_state_file_is_empty_state(tmp_path: Path) -> None:
    path = work_dir(tmp_path) / "state.json"
    path.parent.mkdir(parents=True)
    for garbage in ("{not json", "[]", '{"environments": 3}', ""):
        path.write_text(garbage)
        assert State.load(tmp_path).environments == {}
