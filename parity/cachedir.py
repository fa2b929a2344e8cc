"""parity's on-disk cache folder: where compiled templates and validated specs are kept.

Both caches only save time: anything they hold is recomputed when it is missing, stale or
unusable, and ``PARITY_NO_CACHE=1`` turns both off. What they hold is loaded as code (jinja2
bytecode) or unpickled (a validated spec), so a folder is used only when it is the user's own
and no one else can write to it. This module imports nothing heavy: ``parity validate`` asks
it for the folder before it knows whether it needs pydantic's validators.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def cache_root() -> Path | None:
    """``$XDG_CACHE_HOME/parity`` (default ``~/.cache/parity``), or ``None`` when caching is
    off (``PARITY_NO_CACHE``) or there is no home to put it in."""
    if os.environ.get("PARITY_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (KeyError, RuntimeError):
            return None
    return Path(base) / "parity"


def private_folder(name: str) -> Path | None:
    """``<cache root>/<name>``, made owner-only if new; ``None`` when caching is off, the folder
    cannot be made, or it is not ours or is writable by others."""
    root = cache_root()
    if root is None:
        return None
    folder = root / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return None
    if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder
