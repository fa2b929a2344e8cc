"""Atomic writes: all or nothing, and an unwritable path is a clear usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import ExitCode, UsageError
from parity.fsutil import atomic_write


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
