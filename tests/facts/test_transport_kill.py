"""``transport.kill_all`` (Ctrl-C) against a process that is still being started: ``Popen``
has returned nothing yet, so the process is not among the live ones, and before this fix it
escaped the kill and ran to its deadline (tests/facts/test_collect_docker.py's kill test failed
that way on a loaded CI machine)."""

from __future__ import annotations

import subprocess
import time

import pytest

from parity.facts import transport


def test_a_process_started_while_kill_all_runs_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = subprocess.Popen

    def popen_then_ctrl_c(*args, **kwargs):  # type: ignore[no-untyped-def]
        p = real(*args, **kwargs)  # the process runs...
        transport.kill_all()       # ...and Ctrl-C lands before spawn() registers it
        return p

    monkeypatch.setattr(transport.subprocess, "Popen", popen_then_ctrl_c)
    start = time.monotonic()
    result = transport.spawn(b"sleep 30", deadline=time.monotonic() + 60)
    assert time.monotonic() - start < 10
    assert result.rc == -9  # SIGKILL, not the end of sleep


def test_kill_all_leaves_later_processes_alone() -> None:
    transport.kill_all()
    result = transport.spawn(b"echo ok", deadline=time.monotonic() + 30)
    assert (result.rc, result.stdout) == (0, b"ok\n")
