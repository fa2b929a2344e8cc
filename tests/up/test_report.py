"""What ``up`` and ``status`` print."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.spec import load_spec
from parity.up.decision import Decision
from parity.up.report import status_json, status_text, up_summary
from parity.up.run import UpResult, _row

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def spec():
    return load_spec(EXAMPLES / "webapp" / "parity.yaml")


def test_up_summaries(spec) -> None:
    short = spec.sha256[:12]
    same = UpResult(Decision.UP_TO_DATE, "docker", "shop-dev", "docker://shop-dev")
    assert up_summary(spec, same) == (
        f"docker environment shop-dev is up to date (spec {short}), nothing to do.")
    made = UpResult(Decision.ABSENT, "docker", "shop-dev", "docker://shop-dev", seconds=41.23)
    assert up_summary(spec, made) == (
        f"docker environment shop-dev created from spec {short} in 41.2s.")
    stale = UpResult(Decision.STALE, "docker", "shop-dev", "docker://shop-dev",
                     changes=["packages: + jq *"], seconds=3, previous_sha256="f" * 64)
    assert up_summary(spec, stale).splitlines() == [
        f"docker environment shop-dev replaced: spec changed (ffffffffffff -> {short}) in 3.0s.",
        "Changes:", "  packages: + jq *"]
    unknown = UpResult(Decision.STALE, "docker", "shop-dev", None, changes_known=False)
    assert "previous spec was not recorded" in up_summary(spec, unknown)


def test_status_table_and_json(spec) -> None:
    rows = [_row(spec, "docker", "shop-dev", None), {**_row(spec, "vagrant", "-", None),
                                                     "state": "unknown", "error": "no vagrant"}]
    text = status_text(spec, rows)
    lines = text.splitlines()
    assert lines[1].split() == ["TARGET", "NAME", "STATE", "SPEC", "URL", "UPTIME"]
    assert lines[2].split() == ["docker", "shop-dev", "absent", "-", "-", "-"]
    assert lines[-1] == "vagrant: no vagrant"
    doc = status_json(spec, rows)
    assert doc["spec_sha256"] == spec.sha256
    assert doc["environments"][0]["exists"] is False
