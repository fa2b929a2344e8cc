"""``render --out-dir/-d`` names a folder; ``-o``, which names a file everywhere else, still
works for render with a note, and both at once must agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webapp"


def parity(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True, text=True,
                          env=env, check=False, timeout=120)


def test_out_dir_and_the_older_o(tmp_path: Path) -> None:
    new = parity("render", str(EXAMPLE), "-t", "docker", "-d", str(tmp_path / "a"))
    assert new.returncode == 0 and "note:" not in new.stderr
    old = parity("render", str(EXAMPLE), "-t", "docker", "-o", str(tmp_path / "b"))
    assert old.returncode == 0 and "--out-dir" in old.stderr
    a, b = (tmp_path / d / "Dockerfile" for d in "ab")
    assert a.read_bytes() == b.read_bytes()
    both = parity("render", str(EXAMPLE), "-t", "docker", "-d", str(tmp_path / "a"), "-o",
                  str(tmp_path / "c"))
    assert both.returncode == 2 and "both --out-dir and -o" in both.stderr
