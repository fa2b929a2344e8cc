"""``parity report`` usage errors: each a clear message and exit 2, before any host is
contacted; and the history's bound on the drift-over-time series."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parity.fleet.history import History
from tests.fleet.helpers import make_report

ROOT = Path(__file__).resolve().parents[2]
SPEC = "parity: 1\nname: app\nbase: debian:12\n"


def parity(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, check=False, timeout=120)


@pytest.mark.parametrize(("args", "message"), [
    ((), "no hosts to report on"),
    (("--limit", "web", "-H", "local://"), "--limit selects hosts of an inventory"),
    (("-H", "local://", "--shard", "1/2"), "a shard writes its part somewhere"),
    (("-H", "local://", "--shard", "1/2", "--db", "sqlite:///x.db"), "one --run-id"),
    (("-H", "local://", "--shard", "0/2"), "expected K/N"),
    (("--merge",), "--merge needs the shards' partial reports"),
    (("--merge", "a.json", "--shard", "1/2"), "takes no --shard"),
    (("--merge", "none.json"), "none.json: partial report not found"),
    (("a.yaml", "b.yaml", "-H", "local://"), "one SPEC at most"),
    (("-H", "local://", "--db", "mysql://x/y"), "sqlite:// or postgresql://"),
    (("-H", "local://", "--db", "sqlite:////no/such/dir/h.db"), "does not exist"),
    (("-H", "local://", "--map-file", "none.yaml"), "mapping file not found"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    (tmp_path / "parity.yaml").write_text(SPEC)
    proc = parity("report", *args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_spec_names_the_file(tmp_path: Path) -> None:
    proc = parity("report", "-H", "local://", cwd=tmp_path)
    assert proc.returncode == 2 and "parity.yaml" in proc.stderr


def test_history_is_bounded_and_oldest_first(tmp_path: Path) -> None:
    with History(f"sqlite:///{tmp_path / 'h.db'}") as h:
        for day in range(1, 6):
            h.record(make_report(f"r{day}", f"2026-11-0{day}T02:00:00Z", {"a": []}))
        assert [s.run_id for s in h.summaries(limit=3)] == ["r3", "r4", "r5"]
        assert [s.run_id for s in h.summaries(since="2026-11-04")] == ["r4", "r5"]
