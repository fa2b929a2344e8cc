"""Write a planned box as a ``.box``: a gzipped tar Vagrant unpacks into its box folder.

Reproducible on purpose: entries sorted, owner root, a fixed mtime, no gzip timestamp or file
name. The same spec and parity therefore give the same bytes and the same sha256, which is how
the catalog tells a repeated build (a no-op) from a changed one (refused without ``--force``).

Written to a temporary file beside the destination and renamed into place only when complete,
so a full disk or an interrupted build never leaves half a box under the published name.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from parity.fsutil import sha256_file, write_error
from parity.render.base import PlannedFile

#: every entry's mtime (2000-01-01): fixed for reproducible bytes, and not 0, which some tools
#: show as "no date"
MTIME = 946684800


def _dirs(files: list[PlannedFile]) -> list[str]:
    out: set[str] = set()
    for f in files:
        out.update(str(p) for p in PurePosixPath(f.path).parents if str(p) != ".")
    return sorted(out)


def _info(name: str, *, mode: int, size: int = 0, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode, info.size, info.mtime = mode, size, MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def write_box(files: list[PlannedFile], dest: Path) -> str:
    """Write ``files`` as the box ``dest`` (atomically); return its sha256."""
    dest = Path(dest)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise write_error(exc, dest) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            with gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for d in _dirs(files):
                    tar.addfile(_info(d, mode=0o755, directory=True))
                for f in sorted(files, key=lambda f: f.path):
                    _add(tar, f)
            raw.flush()
            os.fsync(raw.fileno())
        tmp.chmod(0o644)
        tmp.replace(dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_error(exc, dest) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return sha256_file(dest)


def _add(tar: tarfile.TarFile, f: PlannedFile) -> None:
    if f.source is not None:
        # a verbatim copy of the spec's file: streamed, never read whole
        with f.source.open("rb") as src:
            size = os.fstat(src.fileno()).st_size
            tar.addfile(_info(f.path, mode=f.mode, size=size), src)
        return
    tar.addfile(_info(f.path, mode=f.mode, size=len(f.data)), io.BytesIO(f.data))
