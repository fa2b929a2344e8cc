"""Filesystem helpers: atomic writes, bounded-memory hashing and copying, honest write errors.

* :func:`atomic_write` never leaves half a file behind, never turns a device or fifo into a
  regular file, and gives new files the mode the user's umask asks for.
* :func:`write_output` is :func:`atomic_write` plus ``-`` meaning stdout, for ``-o`` options.
* :func:`sha256_file` and :func:`copy_sparse` read files in 1 MiB chunks, so a 1 GB source costs
  1 MiB of memory, and a sparse file stays sparse when copied.
* :func:`write_error` turns an :class:`OSError` into the error the user can act on: a full disk
  is exit 4 ("no space left on device"), anything else a usage error naming the path.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from parity.errors import DiskFullError, ParityError, UsageError

#: read/write granularity for hashing and copying
CHUNK = 1 << 20
_ZEROS = bytes(CHUNK)
#: errors that mean "the filesystem is full", not "you may not write here"
NO_SPACE = {errno.ENOSPC: "no space left on device",
            errno.EDQUOT: "no space left on device (disk quota exceeded)"}
#: ``-o -`` and ``--output -``: write to stdout
STDOUT = "-"


def write_error(exc: OSError, path: Path | str, *, hint: str | None = None) -> ParityError:
    """The user-facing error for failing to write ``path``; a full disk is exit 4."""
    if exc.errno in NO_SPACE:
        return DiskFullError(
            f"cannot write {path}: {NO_SPACE[exc.errno]}",
            hint=f"Free some space on the filesystem holding {Path(path).parent} (see "
                 f"`df -h {Path(path).parent}`), or write somewhere else, then run again.")
    return UsageError(f"cannot write {path}: {exc.strerror or exc}",
                      hint=hint or "Choose a path in a folder you can write to.")


def atomic_write(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    ``mode`` None means: keep the mode of the file being replaced, or for a new file
    ``0o666 & ~umask`` (mkstemp's temp files are 0600, which is not what ``>`` would create).
    A path that names something other than a regular file (``/dev/stdout``, ``/dev/null``, a
    fifo, a terminal) is written to directly: replacing it would turn a device node into a file.
    An unwritable destination is a :class:`UsageError` naming the path, a full disk a
    :class:`DiskFullError` (exit 4).
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if _is_special(path):
            _write_direct(path, raw)
        else:
            _write(path, raw, mode)
    except OSError as exc:
        raise write_error(exc, path) from None


def write_output(path: Path | str, data: str | bytes) -> None:
    """Write a command's output file: ``-`` is stdout, anything else :func:`atomic_write`."""
    if str(path) == STDOUT:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    atomic_write(Path(path), data)


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


_FD_LINK = re.compile(r"^/(proc/(self|thread-self|\d+)(/task/\d+)?|dev)/fd/\d+$")


def _is_special(path: Path) -> bool:
    """True when ``path`` is not a regular file to replace but something to write into: an
    existing non-regular file, or a name for an open file descriptor (``/dev/stdout`` ->
    ``/proc/self/fd/1``, which may well point at a regular file the shell opened)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return True
    current = Path(os.path.normpath(path.absolute()))
    for _ in range(40):  # the kernel's own symlink limit
        if _FD_LINK.match(str(current)):
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.normpath(current.parent / current.readlink()))
    return False


def _write_direct(path: Path, raw: bytes) -> None:
    # O_APPEND: a regular file behind /dev/stdout keeps what the shell already wrote to it
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    try:
        _write_all(fd, raw)
    finally:
        os.close(fd)


def current_umask() -> int:
    """The process umask, read without changing it (os.umask would, briefly, for all threads)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write(path: Path, raw: bytes, mode: int | None) -> None:
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            mode = 0o666 & ~current_umask()
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


def sha256_file(path: Path) -> str:
    """sha256 of a file's content, read in chunks (memory stays flat for any size)."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _hash_zeros(digest: hashlib._Hash, count: int) -> None:
    while count > 0:
        n = min(count, CHUNK)
        digest.update(_ZEROS[:n] if n < CHUNK else _ZEROS)
        count -= n


def _next_data(fd: int, pos: int, size: int) -> tuple[int, int]:
    """``(start, end)`` of the next data extent at or after ``pos``; ``(size, size)`` if only a
    hole remains. Filesystems without SEEK_DATA report everything as data, which is right."""
    try:
        start = os.lseek(fd, pos, os.SEEK_DATA)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            return size, size
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            raise
        return pos, size
    try:
        end = os.lseek(fd, start, os.SEEK_HOLE)
    except OSError:
        end = size
    return min(start, size), min(end, size)


def copy_sparse(src: Path, dst_fd: int) -> str:
    """Copy ``src`` into the empty file ``dst_fd`` and return the sha256 of what was copied.

    Only the source's data extents are read and written (``SEEK_DATA``/``SEEK_HOLE``); holes are
    skipped and the final ``ftruncate`` sets the size, so they stay holes in the copy. Memory is
    one chunk. The returned hash covers exactly the bytes the copy holds (holes as zeros), so a
    caller can tell when the source changed since it was hashed.
    """
    digest = hashlib.sha256()
    with Path(src).open("rb") as fh:
        fd = fh.fileno()
        size = os.fstat(fd).st_size
        pos = 0
        while pos < size:
            start, end = _next_data(fd, pos, size)
            _hash_zeros(digest, start - pos)
            pos = start
            os.lseek(fd, pos, os.SEEK_SET)
            os.lseek(dst_fd, pos, os.SEEK_SET)
            while pos < end:
                chunk = os.read(fd, min(CHUNK, end - pos))
                if not chunk:  # the source shrank while we copied: the hash will tell
                    end = size = pos
                    break
                digest.update(chunk)
                _write_all(dst_fd, chunk)
                pos += len(chunk)
        os.ftruncate(dst_fd, pos)
    return digest.hexdigest()
