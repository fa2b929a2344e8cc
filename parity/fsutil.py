"""Filesystem helpers: atomic writes, so an interrupted run never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from parity.errors import UsageError


def atomic_write(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    An unwritable destination (missing permission, read-only filesystem, a file where a folder
    should be) is the user's to fix, so it becomes a :class:`UsageError` naming the path.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(path, raw, mode)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}",
                         hint="Choose a path in a folder you can write to.") from None


def _write(path: Path, raw: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
