"""The one-summary change report between the recorded spec and the current one."""

from __future__ import annotations

import shutil
from pathlib import Path

from parity.spec import load_spec
from parity.up.changes import Change, diff_snapshots, snapshot, summary_lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def snap(spec_dump: dict, files: dict | None = None) -> dict:
    return snapshot(spec_dump, files or {})


def test_identical_snapshots_have_no_changes() -> None:
    spec = load_spec(EXAMPLES / "webapp" / "parity.yaml")
    dump = spec.model.model_dump(mode="json")
    assert diff_snapshots(snap(dump, spec.file_hashes), snap(dump, spec.file_hashes)) == []


def test_packages_added_removed_and_changed() -> None:
    old = snap({"packages": {"nginx": "1.22.*", "less": "*"}})
    new = snap({"packages": {"nginx": "1.24.*", "vim": "*"}})
    assert diff_snapshots(old, new) == [
        Change("packages", "-", "less"),
        Change("packages", "~", "nginx 1.22.* -> 1.24.*"),
        Change("packages", "+", "vim *"),
    ]
    assert summary_lines(diff_snapshots(old, new)) == [
        "packages: - less; ~ nginx 1.22.* -> 1.24.*; + vim *"]


def test_nested_user_fields_name_the_field() -> None:
    old = snap({"users": {"app": {"uid": 1001, "groups": ["www-data", "deploy"]}}})
    new = snap({"users": {"app": {"uid": 1002, "groups": ["www-data"]},
                          "ops": {"uid": 5}}})
    lines = summary_lines(diff_snapshots(old, new))
    assert lines == ['users: - app.groups deploy; ~ app.uid 1001 -> 1002; + ops {"uid":5}']


def test_ports_and_provision_compare_as_sets() -> None:
    old = snap({"ports": [8080, 5432], "provision": ["a.sh"]})
    reordered = snap({"ports": [5432, 8080], "provision": ["a.sh"]})
    assert diff_snapshots(old, reordered) == []
    new = snap({"ports": [8080, "53/udp"], "provision": ["a.sh", "b.sh"]})
    assert summary_lines(diff_snapshots(old, new)) == [
        "ports: + 53/udp; - 5432", "provision: + b.sh"]


def test_referenced_file_contents() -> None:
    old = snap({}, {"files/a.conf": "1", "files/b.conf": "2"})
    new = snap({}, {"files/a.conf": "3", "files/c.conf": "2"})
    assert summary_lines(diff_snapshots(old, new)) == [
        "file contents: ~ files/a.conf; - files/b.conf; + files/c.conf"]


def test_secrets_appear_as_markers_never_values() -> None:
    old = snap({"env": {"APP_ENV": "dev"}})
    new = snap({"env": {"APP_ENV": "production", "SECRET_KEY": {"secret": True}}})
    assert summary_lines(diff_snapshots(old, new)) == [
        "env: ~ APP_ENV dev -> production; + SECRET_KEY (secret)"]


def test_edit_of_the_webapp_example(tmp_path: Path) -> None:
    """The acceptance edit: add a package; the summary names exactly that."""
    before = load_spec(EXAMPLES / "webapp" / "parity.yaml")
    shutil.copytree(EXAMPLES / "webapp", tmp_path / "webapp",
                    ignore=shutil.ignore_patterns(".parity"))
    edited = tmp_path / "webapp" / "parity.yaml"
    edited.write_text(edited.read_text().replace('  curl: ">=7.88"\n',
                                                 '  curl: ">=7.88"\n  jq: "*"\n'))
    after = load_spec(edited)
    changes = diff_snapshots(snap(before.model.model_dump(mode="json"), before.file_hashes),
                             snap(after.model.model_dump(mode="json"), after.file_hashes))
    assert summary_lines(changes) == ["packages: + jq *"]
