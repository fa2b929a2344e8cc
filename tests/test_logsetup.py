"""``-v`` / ``-q`` (parity.logsetup): what is shown, what never is."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parity import logsetup

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "webapp" / "parity.yaml"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, check=False, timeout=120)


def test_secrets_and_controls_never_reach_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    logsetup.configure(1)
    try:
        log = logging.getLogger("parity.test")
        log.info("ssh: sshpass -p hunter2 ssh -o X host; url ssh://bob:s3cret@web-1/?token=t0k")
        log.info("name \x1b]52;c;eA==\x07 end")
        err = capsys.readouterr().err
    finally:
        logsetup.configure(0)
    assert "hunter2" not in err and "s3cret" not in err and "t0k" not in err
    assert "sshpass -p ***" in err and "bob:***@web-1" in err
    assert "\x1b" not in err and "\\x1b]52" in err
    assert err.startswith("parity [") and "info:" in err


def test_levels() -> None:
    for verbosity, level in ((-1, logging.ERROR), (0, logging.WARNING), (1, logging.INFO),
                             (2, logging.DEBUG)):
        logsetup.configure(verbosity)
        assert logging.getLogger("parity").level == level
        assert logsetup.quiet() is (verbosity < 0)
    logsetup.configure(0)


def test_verbose_shows_the_transport_command_line_anywhere_on_the_line(tmp_path: Path) -> None:
    for args in (("-v", "check", str(EXAMPLE), "-H", "local://"),
                 ("check", str(EXAMPLE), "-H", "local://", "--verbose")):
        result = run(*args, cwd=tmp_path)
        assert "info: local: " in result.stderr, result.stderr
        assert "bytes of output in" in result.stderr
    plain = run("check", str(EXAMPLE), "-H", "local://", cwd=tmp_path)
    assert "info:" not in plain.stderr


def test_quiet_prints_errors_only(tmp_path: Path) -> None:
    rendered = run("render", str(EXAMPLE), "-t", "docker", "-d", str(tmp_path / "out"), "-q")
    assert rendered.returncode == 0 and rendered.stderr == ""
    assert (tmp_path / "out" / "Dockerfile").is_file()
    broken = run("validate", str(tmp_path / "missing.yaml"), "-q")
    assert broken.returncode == 2 and broken.stderr.startswith("error")


def test_every_command_takes_both(tmp_path: Path) -> None:
    from click import Context

    from parity.cli import COMMANDS, cli

    ctx = Context(cli)
    for name in COMMANDS:
        params = {p.name for p in cli.get_command(ctx, name).params}
        assert {"verbose", "quiet"} <= params, name
