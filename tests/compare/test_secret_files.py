"""Secret files (``secret: true``) in check, snapshot and diff, collected for real from this
machine (``local://``): judged by existence, type, mode, owner and group, never by content, and
their content is never hashed, so no snapshot or report holds a hash of a password."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parity.compare.check import run_check, run_diff
from parity.errors import ExitCode
from parity.spec import Spec, load_spec

PASSWORD = b"hunter2\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    creds = tmp_path / "host" / "credentials"
    creds.parent.mkdir()
    creds.write_bytes(PASSWORD)
    creds.chmod(0o600)
    return creds


def _spec(tmp_path: Path, creds: Path) -> Spec:
    folder = tmp_path / "spec"
    folder.mkdir(exist_ok=True)
    (folder / "parity.yaml").write_text(f"parity: 1\nname: s\nbase: debian:12\nfiles:\n"
                                        f"  {creds}: {{secret: true, mode: '0600'}}\n")
    return load_spec(folder / "parity.yaml")


def _file_findings(report_doc: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["path"] for h in report_doc["hosts"] for f in h["findings"]
            if f["path"].startswith("file/")]


def test_check_ignores_content_but_not_mode(tmp_path: Path, secret: Path) -> None:
    spec = _spec(tmp_path, secret)
    report = run_check(spec, ["local://"])
    assert report.results[0].error is None
    assert [f for f in report.results[0].findings if f.kind == "file"] == []

    secret.chmod(0o644)
    report = run_check(spec, ["local://"])
    found = [f.identity for f in report.results[0].findings if f.kind == "file"]
    assert found == [("file", str(secret), "mode", "changed")]
    assert report.exit_code == ExitCode.DRIFT


def test_check_reports_a_missing_secret_file(tmp_path: Path, secret: Path) -> None:
    spec = _spec(tmp_path, secret)
    secret.unlink()
    report = run_check(spec, ["local://"])
    assert [f.identity[:2] for f in report.results[0].findings if f.kind == "file"] == [
        ("file", str(secret))]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd, check=False)


def test_snapshot_holds_no_hash_of_a_secret(tmp_path: Path, secret: Path) -> None:
    spec = _spec(tmp_path, secret)
    plain = tmp_path / "host" / "plain"
    plain.write_bytes(PASSWORD)  # same bytes, not secret: hashed as usual
    res = _cli("snapshot", "local://", "--spec", str(spec.path), "--path", str(plain),
               "-o", "snap.json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "snap.json").read_text()
    files = json.loads(text)["files"]
    assert files[str(secret)] == {"type": "file", "mode": "0600", "owner": files[str(plain)]
                                  ["owner"], "group": files[str(plain)]["group"],
                                  "sha256": None, "target": None}
    digest = hashlib.sha256(PASSWORD).hexdigest()
    assert files[str(plain)]["sha256"] == digest  # the collector does hash other files
    assert text.count(digest) == 1  # ... and only those


def test_diff_with_spec_never_compares_secret_content(tmp_path: Path, secret: Path) -> None:
    spec = _spec(tmp_path, secret)
    res = _cli("snapshot", "local://", "--spec", str(spec.path), "-o", "a.json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    secret.write_bytes(b"another password\n")

    res = _cli("diff", "a.json", "local://", "--spec", str(spec.path), "--format", "json",
               cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert _file_findings(doc) == [], res.stdout
    assert hashlib.sha256(b"another password\n").hexdigest() not in res.stdout

    secret.chmod(0o640)  # mode still counts, on both sides
    doc = json.loads(_cli("diff", "a.json", "local://", "--spec", str(spec.path), "--format",
                          "json", cwd=tmp_path).stdout)
    assert _file_findings(doc) == [f"file/{secret}/mode"]


def test_diff_with_spec_drops_a_hash_an_older_snapshot_holds(tmp_path: Path,
                                                             secret: Path) -> None:
    """A snapshot taken without the spec (``--path``) hashed the file; with the spec, the diff
    compares neither side's content."""
    spec = _spec(tmp_path, secret)
    res = _cli("snapshot", "local://", "--path", str(secret), "-o", "old.json", cwd=tmp_path)
    assert json.loads((tmp_path / "old.json").read_text())["files"][str(secret)]["sha256"]
    secret.write_bytes(b"rotated\n")
    without = run_diff(str(tmp_path / "old.json"), "local://", paths=[str(secret)])
    assert [f.field for f in without.results[0].findings] == ["sha256"]  # the control
    with_spec = run_diff(str(tmp_path / "old.json"), "local://", spec=spec)
    # this machine's other facts may move between the two collections (a service started by
    # another test): only the file kind is this test's business
    assert [f for f in with_spec.results[0].findings if f.kind == "file"] == []
    assert res.returncode == 0
