"""``parity snapshot``: the saved document round-trips through Facts and names the host."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.facts import Facts


def _parity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.docker
def test_snapshot_docker_host(debian_host: Any, tmp_path: Path) -> None:
    out = tmp_path / "snap" / "host.json"
    proc = _parity("snapshot", f"docker://{debian_host.name}", "-o", str(out),
                   "--path", "/etc/hostname")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["format"] == 1 and doc["host"] == f"docker://{debian_host.name}"
    assert doc["files"]["/etc/hostname"]["type"] == "file"
    assert Facts.load(out).to_dict() == doc
    assert [p.name for p in out.parent.iterdir()] == ["host.json"]  # no temp file left


def test_snapshot_unreachable_host_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    proc = _parity("snapshot", "ssh://root@127.0.0.4:1?timeout=2", "-o", str(out),
                   "--timeout", "10")
    assert proc.returncode == 3
    assert proc.stderr.startswith("error: ssh://root@127.0.0.4:1?timeout=2: ssh failed")
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_snapshot_usage_errors() -> None:
    proc = _parity("snapshot", "nosuchhost")
    assert proc.returncode == 2 and "not a URL" in proc.stderr
    proc = _parity("snapshot", "local://", "--path", "relative/path")
    assert proc.returncode == 2 and "must be absolute" in proc.stderr
