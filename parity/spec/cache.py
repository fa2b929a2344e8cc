"""Validated specs remembered on disk, so that ``parity validate`` and ``parity render`` of an
unchanged spec skip the YAML parser and pydantic's validation.

Why: those are about a quarter of either command's run time, and most of it is set-up (the YAML
library's import, building pydantic's validator, pydantic's plugin scan through
``importlib.metadata``), paid again by every process (bench cli, goal 6: validate under 250 ms).

What is cached is only the step "spec text -> validated model", a pure function of the file's
bytes and of the code that validates it. The key is a sha256 of the spec's bytes, its resolved
path (files resolve beside it) and a fingerprint of that code: Python's, pydantic's and
ruamel's versions, parity's version, and the size and modification time of every parity module
the validation reads (so an edited checkout never meets an old entry). Everything else
:func:`parity.spec.load_spec` does, it still does on a hit: the referenced files are checked
and hashed again, and any problem with them sends the load down the full path, which reports
it with its line and column. An entry holds the pickled model and its JSON form (the spec's
sha256 is computed from it, which would otherwise build pydantic's serializer).

Only an entry written by this user in their own owner-only folder is read
(:mod:`parity.cachedir`); a missing, unreadable or corrupt one is a miss. ``PARITY_NO_CACHE=1``
turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parity.cachedir import private_folder

if TYPE_CHECKING:
    from parity.spec.model import SpecModel

#: bump when the entry layout changes
_LAYOUT = 1
#: entries kept: every edit of a spec makes a new one, so the oldest go past this many
MAX_ENTRIES = 256
#: parity modules whose code decides whether a spec is valid and what its model holds
_MODULES = ("spec/__init__.py", "spec/model.py", "spec/errors.py", "spec/yamlpos.py",
            "spec/cache.py", "distros.py", "families.py", "versions.py", "textsafe.py",
            "yamlguard.py", "errors.py", "fsutil.py", "__init__.py")


@cache
def fingerprint() -> bytes:
    """What the cached result depends on besides the spec itself. Cheap on purpose: versions
    come from modules already imported or from file metadata, never ``importlib.metadata``
    (whose import alone costs more than a hit saves on some machines)."""
    import importlib.util

    import pydantic
    import pydantic_core

    import parity

    parts = [f"layout {_LAYOUT}", sys.version, f"parity {parity.__version__}",
             f"pydantic {pydantic.VERSION}", f"pydantic_core {pydantic_core.__version__}"]
    files = [(rel, Path(parity.__file__).resolve().parent / rel) for rel in _MODULES]
    with contextlib.suppress(ImportError, ValueError):
        ruamel = importlib.util.find_spec("ruamel.yaml")  # located, not imported
        if ruamel is not None and ruamel.origin:
            files.append(("ruamel.yaml", Path(ruamel.origin)))
    for name, path in files:
        try:
            st = path.stat()
            parts.append(f"{name} {st.st_size} {st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name} missing")
    return "\n".join(parts).encode()


def key(spec_path: Path, data: bytes) -> str:
    h = hashlib.sha256(fingerprint())
    h.update(b"\0" + str(spec_path.resolve()).encode("utf-8", "surrogateescape") + b"\0")
    h.update(data)
    return h.hexdigest()


def _folder() -> Path | None:
    return private_folder("specs")


def enabled() -> bool:
    """Whether there is a cache folder to use (``PARITY_NO_CACHE`` unset, the folder ours)."""
    return _folder() is not None


def load(entry_key: str) -> tuple[SpecModel, str] | None:
    """The model and its JSON form stored under ``entry_key``, or ``None``."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{entry_key}.pickle"
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_uid != os.getuid():
                return None
            doc = pickle.load(fh)  # our own owner-only folder, see above
    except Exception:  # missing, unreadable, truncated, from another parity: a miss
        return None
    from parity.spec.model import SpecModel

    if (not isinstance(doc, dict) or doc.get("key") != entry_key
            or not isinstance(doc.get("model"), SpecModel)
            or not isinstance(doc.get("json"), str)):
        return None
    return doc["model"], doc["json"]


def store(entry_key: str, model: SpecModel, model_json: str) -> None:
    """Remember a validated model; a failure to write is ignored (the cache only saves time)."""
    folder = _folder()
    if folder is None:
        return
    doc: dict[str, Any] = {"key": entry_key, "model": model, "json": model_json}
    with contextlib.suppress(Exception):
        data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            Path(tmp).replace(folder / f"{entry_key}.pickle")
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise
        _prune(folder)


def _prune(folder: Path) -> None:
    """Past :data:`MAX_ENTRIES`, drop the least recently written half (a miss re-creates)."""
    entries = list(folder.glob("*.pickle"))
    if len(entries) <= MAX_ENTRIES:
        return
    by_age = sorted(entries, key=lambda p: p.stat().st_mtime_ns)
    for old in by_age[:len(entries) - MAX_ENTRIES // 2]:
        with contextlib.suppress(OSError):
            old.unlink()
