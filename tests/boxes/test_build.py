"""``build_box`` end to end without a daemon: versions, the catalog, refusals, files left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.boxes import build_box
from parity.boxes.build import PACKER_DIR, box_url
from parity.errors import UsageError
from parity.spec import Spec
from tests.boxes.conftest import MINIMAL, edit_greeting, write_spec


def _catalog(out: Path, name: str = "tiny") -> dict:  # type: ignore[type-arg]
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def _listing(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".shop"))


def test_first_build_is_1_0_0_and_a_rebuild_of_the_same_spec_changes_nothing(
        tmp_path: Path, minimal: Spec) -> None:
    out = tmp_path / "boxes"
    first = build_box(minimal, out)
    assert (first.version, first.status) == ("1.0.0", "added")
    assert first.box == out / "tiny-1.0.0-docker.box"
    before = (first.box.read_bytes(), (out / "tiny.json").read_bytes())
    again = build_box(minimal, out)
    assert (again.version, again.status) == ("1.0.0", "unchanged")
    assert (first.box.read_bytes(), (out / "tiny.json").read_bytes()) == before
    assert not [p for p in out.iterdir() if p.name.endswith((".staged", ".tmp"))]


def test_a_spec_edit_gets_the_next_version_and_both_stay_listed(
        tmp_path: Path, minimal: Spec) -> None:
    out = tmp_path / "boxes"
    build_box(minimal, out, version="1.0.0")
    edited = edit_greeting(minimal, "hi")
    second = build_box(edited, out)
    assert second.version == "1.0.1"
    data = _catalog(out)
    assert [v["version"] for v in data["versions"]] == ["1.0.0", "1.0.1"]
    assert [v["parity"]["spec_sha256"] for v in data["versions"]] == [minimal.sha256,
                                                                      edited.sha256]
    assert (out / "tiny-1.0.0-docker.box").is_file()


def test_reusing_a_version_for_an_edited_spec_is_refused_and_changes_nothing(
        tmp_path: Path, minimal: Spec) -> None:
    out = tmp_path / "boxes"
    build_box(minimal, out, version="1.0.0")
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    edited = edit_greeting(minimal, "hi")
    with pytest.raises(UsageError, match="another spec") as err:
        build_box(edited, out, version="1.0.0")
    assert str(out / "tiny.json") in err.value.message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot
    forced = build_box(edited, out, version="1.0.0", force=True)
    assert forced.status == "replaced"
    assert _catalog(out)["versions"][0]["parity"]["spec_sha256"] == edited.sha256


def test_a_box_file_the_catalog_does_not_list_is_not_overwritten(
        tmp_path: Path, minimal: Spec) -> None:
    out = tmp_path / "boxes"
    out.mkdir()
    (out / "tiny-1.0.0-docker.box").write_bytes(b"someone's box")
    with pytest.raises(UsageError, match="does not list it"):
        build_box(minimal, out)
    assert (out / "tiny-1.0.0-docker.box").read_bytes() == b"someone's box"
    assert not (out / "tiny.json").exists()


def test_box_urls_are_absolute(tmp_path: Path, minimal: Spec,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Vagrant resolves a relative box URL against its working directory, not the catalog."""
    monkeypatch.chdir(tmp_path)
    build_box(minimal, Path("boxes"))
    url = _catalog(tmp_path / "boxes")["versions"][0]["providers"][0]["url"]
    assert url == (tmp_path / "boxes" / "tiny-1.0.0-docker.box").as_uri()
    assert box_url(Path("x"), "a b.box", "https://boxes.example.com/t/") == \
        "https://boxes.example.com/t/a%20b.box"


def test_vm_providers_write_the_packer_folder_only(tmp_path: Path, minimal: Spec) -> None:
    out = tmp_path / "boxes"
    result = build_box(minimal, out, provider="virtualbox", version="2.0.0")
    assert result.status == "template"
    assert result.packer_dir == out / PACKER_DIR
    assert {"packer.json", "box.Vagrantfile", "http", "parity-context"} <= {
        p.name for p in (out / PACKER_DIR).iterdir()}
    assert "--packer" in result.notes[0]
    assert not (out / "tiny.json").exists()  # nothing was built, so nothing is listed


def test_vm_boxes_of_a_base_without_an_unattended_installer_are_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "u", MINIMAL.format(name="tiny", base="ubuntu:24.04",
                                                     greeting="x"))
    with pytest.raises(UsageError, match="Debian bases only") as err:
        build_box(spec, tmp_path / "boxes", provider="libvirt")
    assert str(spec.path) in err.value.message
    assert build_box(spec, tmp_path / "boxes").status == "added"  # docker boxes still work


def test_an_image_less_base_has_no_box(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "n", "parity: 1\nname: tiny\nbase: nixos:24.05\n")
    with pytest.raises(UsageError, match="no box form"):
        build_box(spec, tmp_path / "boxes")
