"""The per-environment lock: real ``flock`` between real processes, no Docker needed."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from parity.errors import BusyError, EnvironmentError_, ExitCode
from parity.up.display import Display
from parity.up.lock import hold, lock_dir, lock_path, read_holder

REPO = Path(__file__).resolve().parents[2]
KEYS = ["docker unix:///x container shop-dev", "docker unix:///x image shop:dev"]


def holder_process(directory: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding both keys for ``seconds``; returns once it holds them."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from parity.up.lock import hold
        with hold({KEYS!r}, what="docker environment shop-dev", command="up",
                  directory=Path({str(directory)!r})):
            print("held", flush=True)
            time.sleep({seconds})
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_no_wait_names_the_holder_and_exits_75(tmp_path: Path) -> None:
    other = holder_process(tmp_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(BusyError) as info, hold(KEYS, what="docker environment shop-dev",
                                                    command="up", wait=0, directory=tmp_path):
            pytest.fail("the lock was taken twice")
        assert time.monotonic() - started < 2
        err = info.value
        assert err.exit_code == ExitCode.BUSY == 75
        assert f"another `parity up` of docker environment shop-dev is running (pid {other.pid}"\
            in err.message
        assert "--no-wait" in err.message and "lock file" in (err.hint or "")
        # giving up must leave the holder's record alone: a third process still sees its pid
        holder = read_holder(lock_path(sorted(KEYS)[0], tmp_path))
        assert holder is not None and (holder.pid, holder.command) == (other.pid, "up")
    finally:
        other.kill()
        other.wait()


def test_timeout_gives_up_after_saying_it_waits(tmp_path: Path) -> None:
    other = holder_process(tmp_path, 30)
    shown = io.StringIO()
    try:
        started = time.monotonic()
        with pytest.raises(BusyError, match="gave up after waiting 1s"), hold(
                KEYS, what="docker environment shop-dev", command="down", wait=1,
                display=Display(shown), directory=tmp_path):
            pytest.fail("the lock was taken twice")
        assert 0.9 <= time.monotonic() - started < 5
        assert shown.getvalue().count("waiting for another") == 1  # said once, not per poll
        assert f"`parity up` of docker environment shop-dev (pid {other.pid}" in shown.getvalue()
    finally:
        other.kill()
        other.wait()


def test_waits_for_the_holder_then_takes_the_lock(tmp_path: Path) -> None:
    other = holder_process(tmp_path, 1.5)
    shown = io.StringIO()
    started = time.monotonic()
    with hold(list(reversed(KEYS)), what="docker environment shop-dev", command="up", wait=30,
              display=Display(shown), directory=tmp_path):
        waited = time.monotonic() - started
        assert other.wait(timeout=5) == 0  # it had finished: we hold the lock after it
        for key in KEYS:
            holder = read_holder(lock_path(key, tmp_path))
            assert holder is not None and holder.pid == os.getpid()
    assert waited >= 1.0
    assert f"waiting for another `parity up` of docker environment shop-dev (pid {other.pid}" \
        in shown.getvalue()
    # released: nobody is recorded as holding it, and it can be taken at once
    assert read_holder(lock_path(KEYS[0], tmp_path)) is None
    with hold(KEYS, what="x", command="up", wait=0, directory=tmp_path):
        pass


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    """flock dies with its process: no stale lock after a crash or kill -9."""
    other = holder_process(tmp_path, 300)
    other.kill()
    other.wait()
    with hold(KEYS, what="x", command="up", wait=0, directory=tmp_path):
        pass


def test_lock_files_are_private_and_links_are_not_followed(tmp_path: Path) -> None:
    directory = tmp_path / "locks"
    with hold(KEYS, what="x", command="up", directory=directory):
        pass
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = sorted(directory.iterdir())
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert all(f.name.endswith(".lock") and "/" not in f.name for f in files)
    target = tmp_path / "victim"
    target.write_text("keep me\n")
    link = lock_path("docker unix:///x container other", directory)
    link.symlink_to(target)
    with pytest.raises(EnvironmentError_, match="symbolic link"), hold(
            ["docker unix:///x container other"], what="x", command="up", directory=directory):
        pass
    assert target.read_text() == "keep me\n"


def test_lock_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARITY_LOCK_DIR", str(tmp_path / "shared"))
    assert lock_dir() == tmp_path / "shared"
    monkeypatch.delenv("PARITY_LOCK_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert lock_dir() == tmp_path / "cache" / "parity" / "locks"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert lock_dir() == Path.home() / ".cache" / "parity" / "locks"


def test_distinct_keys_get_distinct_files(tmp_path: Path) -> None:
    """Tags hold ``/`` and ``:``; the slug alone could collide, the digest keeps them apart."""
    a = lock_path("docker unix:///x image a/b:dev", tmp_path)
    b = lock_path("docker unix:///x image a_b_dev", tmp_path)
    assert a != b and a.parent == b.parent == tmp_path


def test_a_holder_still_writing_its_record_is_named_not_unknown(tmp_path: Path) -> None:
    """Between taking the flock and writing who it is, a holder's file is empty; a process that
    arrives then must not report an unknown holder (seen in CI: two `up`s started together)."""
    path = lock_path(KEYS[0], tmp_path)
    code = textwrap.dedent(f"""
        import fcntl, os, time
        from parity.up.lock import _open, _record
        fd = _open(__import__("pathlib").Path({str(path)!r}))
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(0.4)  # a slow holder: its record comes late
        _record(fd, "up", "docker environment shop-dev")
        time.sleep(30)
    """)
    other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        with pytest.raises(BusyError) as info, hold([KEYS[0]], what="docker environment shop-dev",
                                                    command="up", wait=0, directory=tmp_path):
            pytest.fail("the lock was taken twice")
        assert f"`parity up` of docker environment shop-dev is running (pid {other.pid}" in (
            info.value.message)
    finally:
        other.kill()
        other.wait()
