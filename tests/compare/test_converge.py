"""``check --retry-timeout``: checks again until the host converges (parity.compare.converge),
against the real local host, where a file appears while the check waits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest

from parity.cli.options import Duration


def spec_for(tmp_path: Path, marker: Path) -> Path:
    spec = tmp_path / "parity.yaml"
    spec.write_text(f"parity: 1\nname: converge\nbase: debian:12\n"
                    f"files:\n  {marker}: {{content: \"ready\\n\"}}\n")
    return spec


def check(spec: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    return subprocess.run([sys.executable, "-m", "parity", "check", str(spec), "-H", "local://",
                           *args], capture_output=True, text=True, env=env, check=False,
                          timeout=120)


def test_waits_until_the_host_converges(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    spec = spec_for(tmp_path, marker)
    later = threading.Timer(2.0, lambda: marker.write_text("ready\n"))
    later.start()
    try:
        started = time.monotonic()
        result = check(spec, "--retry-timeout", "30s", "--sleep", "500ms")
    finally:
        later.cancel()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "converged after" in result.stdout
    assert "attempt 1:" in result.stderr and "checking again in 0.5s" in result.stderr
    assert time.monotonic() - started < 25


def test_gives_up_with_the_last_findings(tmp_path: Path) -> None:
    spec = spec_for(tmp_path, tmp_path / "never")
    result = check(spec, "--retry-timeout", "1.5", "--sleep", "0.5s")
    assert result.returncode == 1
    assert "did not converge within --retry-timeout 1.5s" in result.stdout
    assert str(tmp_path / "never") in result.stdout


def test_without_retry_one_attempt(tmp_path: Path) -> None:
    result = check(spec_for(tmp_path, tmp_path / "never"))
    assert result.returncode == 1 and "attempt" not in result.stderr


@pytest.mark.parametrize(("text", "seconds"), [("60", 60.0), ("60s", 60.0), ("500ms", 0.5),
                                               ("2m", 120.0), ("1h", 3600.0), ("1.5", 1.5)])
def test_durations(text: str, seconds: float) -> None:
    assert Duration().convert(text, None, None) == seconds


@pytest.mark.parametrize("text", ["soon", "-1s", "1x", "nan"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(click.BadParameter):
        Duration().convert(text, None, None)
