"""Staging: all files move in together, a failed move undoes the others, user files untouched.

The failures are real: a folder replaced by a file between staging and commit makes the kernel
refuse the rename (ENOTDIR), exactly as a vanished or read-only folder would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.render.staging import STAGING_PREFIX, Staging, StagingError


def put(data: bytes):  # type: ignore[no-untyped-def]
    def fill(fd: int) -> None:
        import os

        os.write(fd, data)
    return fill


def listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_commit_moves_every_file_and_leaves_user_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_bytes(b"user\n")
    (out / "a").write_bytes(b"old a\n")
    (out / "stale").write_bytes(b"stale\n")
    staging = Staging()
    try:
        staging.write(out, out / "a", 0o644, put(b"new a\n"))
        staging.write(out, out / "sub" / "b", 0o755, put(b"new b\n"))
        staging.remove(out, out / "stale")
        assert listing(out)["a"] == b"old a\n"  # nothing visible before the commit
        staging.commit()
    finally:
        staging.close()
    assert listing(out) == {"a": b"new a\n", "mine.txt": b"user\n", "sub/b": b"new b\n"}
    assert (out / "sub" / "b").stat().st_mode & 0o777 == 0o755
    assert not list(out.glob(STAGING_PREFIX + "*"))


def test_a_failed_move_undoes_the_moves_before_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "a").write_bytes(b"old a\n")
    (out / "stale").write_bytes(b"stale\n")
    staging = Staging()
    try:
        staging.write(out, out / "a", 0o644, put(b"new a\n"))
        staging.remove(out, out / "stale")
        staging.write(out, out / "sub" / "b", 0o644, put(b"new b\n"))
        # sabotage: the folder b goes into becomes a file, so the last rename fails
        (out / "sub").rmdir()
        (out / "sub").write_bytes(b"in the way\n")
        with pytest.raises(StagingError) as info:
            staging.commit()
        assert info.value.path == out / "sub" / "b"
    finally:
        staging.close()
    assert listing(out) == {"a": b"old a\n", "stale": b"stale\n", "sub": b"in the way\n"}
