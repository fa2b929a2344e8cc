"""``-o`` on every command that writes a file: ``-`` is stdout, devices stay devices, umask holds.

Runs the real CLI as a subprocess in a scratch folder (so a stray file named ``-`` would show),
against this machine (``local://``), which every CI runner has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parity.errors import ExitCode
from parity.spec import load_spec_text

REPO = Path(__file__).resolve().parent.parent
SPEC = "parity: 1\nname: app\nbase: debian:12\npackages: {bash: '*', parity-no-such-pkg: '*'}\n"


def parity(cwd: Path, *args: str, stdout: object = subprocess.PIPE,
           umask: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "parity", *args], cwd=cwd, env=env,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    (folder / "parity.yaml").write_text(SPEC)
    proc = parity(folder, "snapshot", "local://", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    (folder / "a.json").write_text(proc.stdout)
    assert json.loads(proc.stdout)["host"] == "local://"
    return folder


def no_dash(folder: Path) -> None:
    assert not (folder / "-").exists(), "-o - wrote a file named '-'"


def test_snapshot_dash_is_stdout(work: Path) -> None:
    no_dash(work)


def test_diff_and_check_dash_is_stdout(work: Path) -> None:
    proc = parity(work, "diff", "a.json", "a.json", "-o", "-", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["command"] == "diff"
    proc = parity(work, "check", "-H", "local://", "-o", "-", "--format", "json")
    assert proc.returncode == ExitCode.DRIFT, proc.stderr
    assert json.loads(proc.stdout)["command"] == "check"
    no_dash(work)


def test_baseline_dash_is_stdout_and_applies(work: Path) -> None:
    proc = parity(work, "check", "-H", "local://", "--write-baseline", "-", "-o", "report.json",
                  "--format", "json")
    assert json.loads(proc.stdout)["kind"] == "parity-baseline"
    report = json.loads((work / "report.json").read_text())
    assert proc.returncode == ExitCode.OK, report  # the only finding is now baselined
    proc = parity(work, "check", "-H", "local://", "--write-baseline", "-")
    assert proc.returncode == ExitCode.USAGE and "both go to stdout" in proc.stderr
    no_dash(work)


def test_capture_dash_prints_a_valid_spec(work: Path) -> None:
    proc = parity(work, "capture", "local://", "--base-facts", "a.json", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert load_spec_text(proc.stdout).name == "captured"
    assert "review it" in proc.stderr
    assert (work / "parity.yaml").read_text() == SPEC  # the default -o was not touched
    no_dash(work)


def test_render_dash_is_refused(work: Path) -> None:
    proc = parity(work, "render", "-t", "docker", "-o", "-")
    assert proc.returncode == ExitCode.USAGE
    assert "writes a folder of files" in proc.stderr
    no_dash(work)


def test_dev_stdout_redirected_to_a_file(work: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    with out.open("w") as fh:
        proc = parity(work, "diff", "a.json", "a.json", "-o", "/dev/stdout", "--format", "json",
                      stdout=fh)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["command"] == "diff"
    assert Path("/dev/stdout").is_symlink()


def test_reports_honour_the_umask(work: Path) -> None:
    for name in ("report.txt", "snap.json"):
        (work / name).unlink(missing_ok=True)
    assert parity(work, "diff", "a.json", "a.json", "-o", "report.txt", umask=0o077
                  ).returncode == 0
    assert parity(work, "snapshot", "local://", "-o", "snap.json", umask=0o002).returncode == 0
    assert (work / "report.txt").stat().st_mode & 0o777 == 0o600
    assert (work / "snap.json").stat().st_mode & 0o777 == 0o664
