"""The validated-spec cache: a hit gives exactly what a full load gives, and anything that could
make the cached answer wrong (the spec's bytes, its place, a referenced file, the code) is a
miss or is checked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import SpecError
from parity.spec import cache, load_spec
from parity.spec.model import SpecModel

SPEC = """\
parity: 1
name: shop
base: debian:12
packages: {nginx: "1.22.*", curl: ">=7.88"}
files:
  /etc/shop.conf: {source: files/shop.conf, mode: "0644"}
provision: [setup.sh]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PARITY_NO_CACHE", raising=False)
    root = tmp_path / "project"
    (root / "files").mkdir(parents=True)
    (root / "files" / "shop.conf").write_text("listen 80;\n")
    (root / "setup.sh").write_text("#!/bin/sh\n")
    (root / "parity.yaml").write_text(SPEC)
    return root / "parity.yaml"


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("validated again: the load did not come from the cache")


def _entries(tmp: Path) -> list[Path]:
    return sorted((tmp.parent.parent / "cache" / "parity" / "specs").glob("*.pickle"))


def test_a_hit_equals_a_full_load(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = load_spec(project)
    assert len(_entries(project)) == 1
    monkeypatch.setattr(SpecModel, "model_validate", _refuse)
    hit = load_spec(project)
    assert hit.model == full.model
    assert hit.file_hashes == full.file_hashes
    assert hit.sha256 == full.sha256
    assert hit.path == full.path


def test_the_hash_is_the_same_without_the_cache(project: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cached = load_spec(project).sha256
    monkeypatch.setenv("PARITY_NO_CACHE", "1")
    fresh = load_spec(project)
    assert fresh.known_json is None
    assert fresh.sha256 == cached


def test_edited_spec_is_a_miss(project: Path) -> None:
    load_spec(project)
    project.write_text(SPEC.replace("1.22.*", "1.24.*"))
    assert str(load_spec(project).model.packages["nginx"]) == "1.24.*"
    assert len(_entries(project)) == 2


def test_a_changed_source_changes_the_hash_and_a_missing_one_is_an_error(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_spec(project)
    conf = project.parent / "files" / "shop.conf"
    conf.write_text("listen 8080;\n")
    monkeypatch.setattr(SpecModel, "model_validate", _refuse)
    second = load_spec(project)  # a hit: no validation
    assert second.file_hashes["files/shop.conf"] != first.file_hashes["files/shop.conf"]
    assert second.sha256 != first.sha256
    monkeypatch.undo()
    conf.unlink()
    with pytest.raises(SpecError) as err:
        load_spec(project)  # the hit finds the problem; the full load words it
    assert "parity.yaml:6:" in str(err.value) and "not found" in str(err.value)


def test_another_place_is_another_entry(project: Path) -> None:
    load_spec(project)
    other = project.parent.parent / "other"
    other.mkdir()
    for rel in ("parity.yaml", "setup.sh"):
        (other / rel).write_bytes((project.parent / rel).read_bytes())
    (other / "files").mkdir()
    (other / "files" / "shop.conf").write_text("listen 80;\n")
    load_spec(other / "parity.yaml")
    assert len(_entries(project)) == 2


def test_code_changes_change_the_key(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = project.read_bytes()
    before = cache.key(project, data)
    monkeypatch.setattr(cache, "fingerprint", lambda: b"another parity")
    assert cache.key(project, data) != before


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N."])
def test_a_damaged_entry_is_a_miss(project: Path, damage: bytes) -> None:
    full = load_spec(project)
    (entry,) = _entries(project)
    entry.write_bytes(damage)
    assert load_spec(project).model == full.model
    assert entry.read_bytes() != damage  # written again


def test_an_entry_under_another_key_is_not_used(project: Path) -> None:
    """Entries say which key they were stored under (a renamed or copied file is a miss)."""
    load_spec(project)
    (entry,) = _entries(project)
    other = project.parent / "other.yaml"
    other.write_text(SPEC.replace("name: shop", "name: shop2"))
    target = entry.parent / f"{cache.key(other, other.read_bytes())}.pickle"
    target.write_bytes(entry.read_bytes())
    assert load_spec(other).model.name == "shop2"


def test_off_means_nothing_written(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_NO_CACHE", "1")
    load_spec(project)
    assert _entries(project) == []


def test_invalid_specs_are_not_cached(project: Path) -> None:
    project.write_text(SPEC.replace("base: debian:12", "base: debian:99"))
    with pytest.raises(SpecError):
        load_spec(project)
    assert _entries(project) == []


def test_old_entries_are_pruned(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    for i in range(7):
        project.write_text(SPEC.replace("name: shop", f"name: shop{i}"))
        load_spec(project)
    assert 2 <= len(_entries(project)) <= 4
    assert load_spec(project).model.name == "shop6"
