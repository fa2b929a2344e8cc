"""A real, tiny filesystem for full-disk tests: a size-limited tmpfs (needs root).

RLIMIT_FSIZE or a mocked ``write`` would fake the error (and EFBIG is not ENOSPC); a tmpfs of a
few hundred KiB fills up for real, with the kernel's own errno, on the same code paths a full
disk takes.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def small_fs(mountpoint: Path, size: str = "256k") -> Iterator[Path]:
    """Mount a tmpfs of ``size`` on ``mountpoint`` (created if missing) for the ``with`` block."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                    str(mountpoint)], check=True, capture_output=True)
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=True, capture_output=True)
