"""``parity status`` and boxes: which box version an environment runs, whether the spec changed
since that version was built, and what the catalog offers (pure half; the daemon half, a real
``vagrant up`` of a box then ``parity status``, is in test_daemon.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parity import labels
from parity.boxes import build_box
from parity.boxes.catalog import load_catalog
from parity.boxes.plans import plan_docker_box
from parity.boxes.status import BoxSeen, box_rows, catalog_line, catalog_summary
from parity.spec import load_spec
from parity.up.report import status_json, status_text
from tests.boxes.conftest import copy_spec
from tests.boxes.test_cli import parity

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def spec(tmp_path: Path):
    return load_spec(copy_spec("webapp", tmp_path / "webapp"))


def seen(spec, version: str = "1.0.0", sha: str | None = None) -> BoxSeen:
    return BoxSeen(name="project_default_1", box=spec.name, version=version,
                   spec_sha256=spec.sha256 if sha is None else sha, state="running",
                   started_at=NOW - timedelta(minutes=5))


def test_the_box_vagrantfile_labels_its_container_with_box_and_version(spec) -> None:
    vagrantfile = next(f for f in plan_docker_box(spec, "1.2.3") if f.path == "Vagrantfile")
    text = vagrantfile.data.decode()
    assert f"'{labels.BOX}=shop'" in text and f"'{labels.BOX_VERSION}=1.2.3'" in text


def test_a_box_built_from_the_spec_as_it_is_is_up_to_date(spec) -> None:
    [row] = box_rows(spec, [seen(spec)], now=NOW)
    assert row["target"] == "box" and row["freshness"] == "up to date (box 1.0.0)"
    assert row["url"] == "docker://project_default_1" and row["uptime"] == "5m 0s"
    assert row["note"] is None and row["box_outdated"] is False


def test_a_spec_edit_since_the_box_was_built_is_stale_and_says_from_what(spec) -> None:
    [row] = box_rows(spec, [seen(spec, sha="a" * 64)], now=NOW)
    assert row["freshness"] == "stale (box 1.0.0)"
    assert row["note"] == (f"the spec changed since box 1.0.0 was built (from spec aaaaaaaaaaaa, "
                           f"now {spec.sha256[:12]})")
    text = status_text(spec, [row])
    assert "box     project_default_1  running  stale (box 1.0.0)" in text
    assert "box project_default_1: the spec changed since box 1.0.0 was built" in text


def test_with_a_catalog_a_newer_version_is_named_with_what_to_run(spec, tmp_path: Path) -> None:
    build_box(spec, tmp_path / "boxes", version="1.0.0")
    spec.path.write_text(spec.path.read_text().replace("shop 1.0.0", "shop 1.1.0"))
    edited = load_spec(spec.path)
    result = build_box(edited, tmp_path / "boxes", version="1.1.0")
    catalog = load_catalog(result.catalog, "shop")
    [row] = box_rows(edited, [seen(edited, sha=spec.sha256)], catalog, now=NOW)
    assert row["freshness"] == "stale (box 1.0.0), 1.1.0 in catalog"
    assert row["box_newest"] == "1.1.0" and row["box_outdated"] is True
    assert "box 1.1.0 is in the catalog: `vagrant box update`" in row["note"]
    summary = catalog_summary(edited, result.catalog, catalog)
    assert summary["newest"] == summary["spec_version"] == "1.1.0"
    assert catalog_line(summary).endswith("newest box 1.1.0, built from the spec as it is now")
    # the first spec again: the newest box is not built from it
    assert catalog_summary(spec, result.catalog, catalog)["spec_version"] == "1.0.0"
    assert "was built as 1.0.0, an older version" in catalog_line(
        catalog_summary(spec, result.catalog, catalog))
    doc = status_json(edited, [row], summary)
    assert doc["catalog"]["newest"] == "1.1.0" and doc["environments"][0]["box_version"] == "1.0.0"


def test_a_spec_changed_since_the_newest_box_says_build_the_next(spec, tmp_path: Path) -> None:
    result = build_box(spec, tmp_path / "boxes", version="1.0.0")
    catalog = load_catalog(result.catalog, "shop")
    spec.path.write_text(spec.path.read_text().replace("shop 1.0.0", "shop 1.0.1"))
    edited = load_spec(spec.path)
    summary = catalog_summary(edited, result.catalog, catalog)
    assert summary["spec_version"] is None
    assert "the spec changed since it was built (`parity build-box`" in catalog_line(summary)
    [row] = box_rows(edited, [seen(edited, sha=spec.sha256)], catalog, now=NOW)
    assert row["freshness"] == "stale (box 1.0.0)"
    assert row["note"].endswith("no box in the catalog is built from it yet: `parity build-box` "
                                "makes the next version")


def test_status_cli_with_a_catalog(spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI joins the up targets' rows, the box rows and the catalog line (drivers and Docker
    stubbed: this is about the joining)."""
    import parity.boxes.status as box_status
    import parity.up as up

    result = build_box(spec, tmp_path / "boxes", version="1.0.0")
    monkeypatch.setattr(up, "status", lambda s: [])
    monkeypatch.setattr(box_status, "observe", lambda s: [seen(s)])
    code, out, _ = parity(["status", str(spec.path), "--catalog", str(result.catalog)], capsys)
    assert code == 0, out
    assert "up to date (box 1.0.0)" in out
    assert "newest box 1.0.0, built from the spec as it is now" in out
    code, out, _ = parity(["status", str(spec.path), "--catalog", str(result.catalog),
                           "--format", "json"], capsys)
    assert json.loads(out)["catalog"]["spec_version"] == "1.0.0"
    code, _, err = parity(["status", str(spec.path), "--catalog", str(tmp_path / "nope.json")],
                          capsys)
    assert code == 2 and "no such file" in err
