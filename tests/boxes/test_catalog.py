"""The box catalog as data: loading, adding versions, refusing what would mislead Vagrant."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from parity.boxes import catalog as cat
from parity.errors import UsageError

SHA_A, SHA_B = "a" * 64, "b" * 64


def entry(version: str = "1.0.0", provider: str = "docker", checksum: str = "c" * 64,
          spec: str = SHA_A) -> cat.BoxEntry:
    return cat.BoxEntry(version, provider, f"file:///boxes/shop-{version}-{provider}.box",
                        checksum, spec)


def test_a_missing_catalog_is_a_new_empty_one(tmp_path: Path) -> None:
    data = cat.load_catalog(tmp_path / "shop.json", "shop", "the shop")
    assert data == {"name": "shop", "description": "the shop", "versions": []}


@pytest.mark.parametrize(("text", "problem"), [
    ("{", "not valid JSON"),
    ("[]", "top level is not an object"),
    ('{"versions": []}', 'no "name"'),
    ('{"name": "shop", "versions": {}}', '"versions" is not a list'),
    ('{"name": "shop", "versions": [{"version": "v1"}]}', "not a version Vagrant reads"),
    ('{"name": "other", "versions": []}', "catalog of box 'other'"),
])
def test_a_file_that_is_not_this_boxs_catalog_is_refused_naming_it(
        tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "shop.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=problem) as err:
        cat.load_catalog(path, "shop")
    assert str(path) in err.value.message
    assert path.read_text(encoding="utf-8") == text


def test_versions_accumulate_in_gem_order() -> None:
    data = cat.new_catalog("shop", None)
    for v in ("1.0.10", "1.0.9", "1.0.0.rc1", "1.0.0"):
        assert cat.add(data, entry(v)) == "added"
    assert cat.versions(data) == ["1.0.0.rc1", "1.0.0", "1.0.9", "1.0.10"]
    assert [v["version"] for v in data["versions"]] == cat.versions(data)


def test_each_version_records_the_spec_hash_and_vagrants_provider_keys() -> None:
    data = cat.new_catalog("shop", None)
    cat.add(data, entry())
    [version] = data["versions"]
    assert version["parity"]["spec_sha256"] == SHA_A
    assert version["providers"] == [{"name": "docker", "url": entry().url,
                                     "checksum_type": "sha256", "checksum": "c" * 64}]
    assert cat.version_of_spec(data, SHA_A) == "1.0.0"
    assert cat.version_of_spec(data, SHA_B) is None


def test_the_same_bytes_again_are_a_no_op() -> None:
    data = cat.new_catalog("shop", None)
    cat.add(data, entry())
    before = copy.deepcopy(data)
    assert cat.add(data, entry()) == "unchanged"
    assert data == before


def test_other_content_under_a_listed_version_is_refused_without_force() -> None:
    data = cat.new_catalog("shop", None)
    cat.add(data, entry())
    before = copy.deepcopy(data)
    with pytest.raises(UsageError, match="other content") as err:
        cat.add(data, entry(checksum="d" * 64), where=Path("boxes/shop.json"))
    assert "boxes/shop.json" in err.value.message
    assert "1.0.1" in (err.value.hint or "")  # the next version, named
    assert data == before
    assert cat.add(data, entry(checksum="d" * 64), force=True) == "replaced"
    assert data["versions"][0]["providers"][0]["checksum"] == "d" * 64


def test_another_provider_of_the_same_spec_joins_the_version() -> None:
    data = cat.new_catalog("shop", None)
    cat.add(data, entry())
    assert cat.add(data, entry(provider="virtualbox")) == "added"
    assert [p["name"] for p in data["versions"][0]["providers"]] == ["docker", "virtualbox"]


def test_a_version_built_from_another_spec_is_refused_and_force_drops_its_old_boxes() -> None:
    data = cat.new_catalog("shop", None)
    cat.add(data, entry())
    cat.add(data, entry(provider="virtualbox"))
    with pytest.raises(UsageError, match="another spec"):
        cat.add(data, entry(provider="libvirt", spec=SHA_B))
    assert cat.add(data, entry(spec=SHA_B, checksum="d" * 64), force=True) == "replaced"
    [version] = data["versions"]
    assert version["parity"]["spec_sha256"] == SHA_B
    assert [p["name"] for p in version["providers"]] == ["docker"]


def test_keys_people_added_survive_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps({"name": "shop", "owner": "ops", "versions": [
        {"version": "0.9", "status": "active", "providers": []}]}), encoding="utf-8")
    data = cat.load_catalog(path, "shop")
    cat.add(data, entry())
    cat.write_catalog(path, data)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["owner"] == "ops"
    assert again["versions"][0] == {"version": "0.9", "status": "active", "providers": []}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.json"]  # no temp file left


def test_the_catalog_file_is_named_after_the_box(tmp_path: Path) -> None:
    assert cat.catalog_path(tmp_path, "shop") == tmp_path / "shop.json"
    assert cat.catalog_path(tmp_path, "acme/shop") == tmp_path / "acme-shop.json"
