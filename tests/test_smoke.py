"""End-to-end smoke tests of the installed CLI: help, validate on every shipped spec, bad specs.

These run the real ``parity`` entry points (in-process through ``parity.cli.main`` and as a
subprocess), so a broken import, a lost command registration or a traceback leaking to users
shows up here first.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from parity import __version__
from parity.cli import COMMANDS, main

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted([*REPO_ROOT.glob("examples/*/parity.yaml"), REPO_ROOT / "parity.yaml"])


def run_parity(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m parity ARGS`` the way a user's shell would."""
    return subprocess.run(
        [sys.executable, "-m", "parity", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``parity.cli.main`` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_help_lists_every_registered_command() -> None:
    result = run_parity("--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\b", result.stdout, re.MULTILINE), name
    assert "Exit codes" in result.stdout


def test_console_script_reports_version() -> None:
    script = Path(sys.executable).with_name("parity")
    if not script.exists():
        pytest.fail(f"console script {script} missing: run scripts/bootstrap.sh (pip install -e)")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = run_parity("no-such-command")
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("spec", SPECS, ids=[str(p.relative_to(REPO_ROOT)) for p in SPECS])
def test_validate_every_shipped_spec(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["validate", str(spec)], capsys)
    assert code == 0, err
    assert out.startswith(f"{spec}: valid (debian:12, sha256 ")
    assert err == ""


def test_validate_accepts_a_spec_folder(capsys: pytest.CaptureFixture[str]) -> None:
    folder = REPO_ROOT / "examples" / "webapp"
    code, out, err = run_main(["validate", str(folder)], capsys)
    assert code == 0, err
    assert ": valid (" in out


BROKEN_YAML = """\
parity: 1
name: broken
base: debian:12
packages:
  nginx: "*"
  curl: [1
"""

WRONG_TYPE = """\
parity: 1
name: broken
base: debian:12
users:
  app:
    uid: not-a-number
"""


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [(BROKEN_YAML, 7, "invalid YAML"), (WRONG_TYPE, 6, "users.app.uid")],
    ids=["yaml-syntax", "wrong-type"],
)
def test_broken_spec_exits_2_with_position_and_no_traceback(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    spec = tmp_path / "parity.yaml"
    spec.write_text(text)
    result = run_parity("validate", str(spec))
    assert result.returncode == 2
    assert result.stdout == ""
    match = re.search(rf"{re.escape(str(spec))}:(\d+):(\d+): ", result.stderr)
    assert match, result.stderr
    assert int(match.group(1)) == line
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_spec_exits_2_with_hint(tmp_path: Path) -> None:
    result = run_parity("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "parity.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bug_is_one_paragraph_with_exit_70_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(path: str) -> None:
        raise KeyError("oops")

    monkeypatch.setattr("parity.spec.load_spec", boom)  # validate imports it at call time
    monkeypatch.delenv("PARITY_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        main(["validate", "x.yaml"])
    assert info.value.code == 70
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "Traceback" not in err
