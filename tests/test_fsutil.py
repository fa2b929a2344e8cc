"""Atomic writes: all or nothing, an unwritable path is a clear usage error, devices and fifos
are written to rather than replaced, and new files get the umask's mode (full disk:
tests/render/test_full_disk.py)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.errors import ExitCode, UsageError
from parity.fsutil import atomic_write, sha256_file, write_output

REPO = Path(__file__).resolve().parent.parent


def test_writes_and_replaces_without_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    atomic_write(target, "one")
    atomic_write(target, "two", mode=0o600)
    assert target.read_text() == "two"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_unwritable_destination_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UsageError) as info:
        atomic_write(blocker / "out.txt", "x")
    assert info.value.exit_code == ExitCode.USAGE
    assert str(blocker / "out.txt") in info.value.message


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_new_files_honour_the_umask_and_replaced_files_keep_their_mode(
        tmp_path: Path, umask_027: None) -> None:
    report = tmp_path / "report.txt"
    atomic_write(report, "one")
    assert report.stat().st_mode & 0o777 == 0o640  # 0666 & ~027, as `>` would create it
    # the shell agrees (an independent oracle): a file created by redirection gets the same mode
    subprocess.run(["sh", "-c", f"umask 027; : > {tmp_path / 'shell.txt'}"], check=True)
    assert (tmp_path / "shell.txt").stat().st_mode & 0o777 == 0o640
    report.chmod(0o600)
    atomic_write(report, "two")
    assert report.stat().st_mode & 0o777 == 0o600
    assert report.read_text() == "two"


def test_devices_are_written_to_not_replaced(tmp_path: Path) -> None:
    """A private /dev/null twin (so a regression cannot break the machine's own)."""
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        null = Path("/dev/null")  # no CAP_MKNOD: the real one, which must survive too
    atomic_write(null, "discarded")
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(1, 3)
    assert not list(null.parent.glob(".null.*"))


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    atomic_write(fifo, "through the pipe\n")
    assert reader.communicate(timeout=10)[0] == b"through the pipe\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_dev_stdout_redirected_to_a_file_stays_a_link(tmp_path: Path, name: str) -> None:
    """``-o /dev/stdout > out.txt``: fd 1 is a regular file, and /dev/stdout a symlink to it;
    the report lands in out.txt and /dev/stdout is not replaced by a file."""
    out = tmp_path / "out.txt"
    code = ("import sys; from pathlib import Path; from parity.fsutil import atomic_write; "
            "print('before', flush=True); atomic_write(Path(sys.argv[1]), 'report\\n')")
    with out.open("w") as fh:
        subprocess.run([sys.executable, "-c", code, name], stdout=fh, check=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.read_text() == "before\nreport\n"
    assert Path("/dev/stdout").is_symlink()
    assert str(Path("/dev/stdout").readlink()) == "/proc/self/fd/1"


def test_dash_is_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_output("-", "to stdout\n")
    assert capfd.readouterr().out == "to stdout\n"
    assert not (tmp_path / "-").exists()
    write_output(tmp_path / "file.txt", "to a file\n")
    assert (tmp_path / "file.txt").read_text() == "to a file\n"


def test_sha256_file_matches_sha256sum(tmp_path: Path) -> None:
    data = tmp_path / "data.bin"
    data.write_bytes(os.urandom(3 * 1024 * 1024 + 5))
    oracle = subprocess.run(["sha256sum", str(data)], capture_output=True, text=True,
                            check=True).stdout.split()[0]
    assert sha256_file(data) == oracle
