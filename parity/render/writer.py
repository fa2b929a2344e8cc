"""Write a plan to disk (all of it or nothing, never clobbering hand-written files) or check it.

Safety rules, checked for every file before anything is written so a refused render changes
nothing:

* a generated file may replace an existing file only if that file carries the parity header;
* a verbatim copy (which cannot carry a header) may replace an existing file only if the previous
  render recorded it, with the same sha256, in the folder's ``.parity-manifest``;
* ``force=True`` lifts both rules.

Copies recorded in an old manifest but no longer planned (a source removed from the spec) are
deleted when still unmodified, so the docker build context never carries stale files.

Writing goes through :class:`~parity.render.staging.Staging`: every file of every plan is
written out completely before any of them replaces its old version, so a full disk or an
unwritable file leaves the previous render (or the empty folder) exactly as it was. Verbatim
copies are streamed and keep their holes (:func:`parity.fsutil.copy_sparse`); their hash is
checked as they are copied, so the manifest always describes the bytes that were written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from parity.errors import DiskFullError, ParityError, RenderError
from parity.fsutil import copy_sparse, sha256_file, write_error
from parity.render.base import MARKER_WINDOW, PlannedFile, has_marker
from parity.render.staging import Staging, StagingError

MANIFEST = ".parity-manifest"


def manifest_data(header: str, copies: dict[str, str]) -> bytes:
    """``sha256  path`` lines (like ``sha256sum``) for the copies in one folder, given
    ``{path: sha256}``."""
    lines = [f"# {header}", "# verbatim copies of the spec's files that parity placed here"]
    lines += [f"{sha}  {path}" for path, sha in sorted(copies.items())]
    return ("\n".join(lines) + "\n").encode()


def _read_manifest(path: Path) -> dict[str, str]:
    """Old manifest entries as {path relative to out_dir: sha256}."""
    if not path.is_file():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#") or "  " not in line:
            continue
        sha, _, rel = line.partition("  ")
        entries[rel] = sha
    return entries


def _owned_copies(out_dir: Path, plan: list[PlannedFile]) -> dict[str, str]:
    owned: dict[str, str] = {}
    for f in plan:
        p = PurePosixPath(f.path)
        if p.name == MANIFEST:
            for rel, sha in _read_manifest(out_dir / f.path).items():
                owned[str(p.parent / rel)] = sha
    return owned


def _safe_target(out_dir: Path, rel: str) -> Path:
    path = out_dir / rel
    if ".." in PurePosixPath(rel).parts or PurePosixPath(rel).is_absolute():
        raise RenderError(f"refusing to write outside {out_dir}: {rel}")
    return path


def _blocked(out_dir: Path) -> str | None:
    """Why ``out_dir`` cannot be created, when a parent on the way is not a directory."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            return None if folder.is_dir() else f"cannot write under {out_dir}: {folder} is not " \
                                                 "a directory"
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(MARKER_WINDOW)


def _same(path: Path, f: PlannedFile) -> bool:
    """Whether ``path`` already holds ``f``'s content (sizes first; copies by hash, in chunks)."""
    if not path.is_file():
        return False
    if f.source is None:
        return path.stat().st_size == len(f.data) and path.read_bytes() == f.data
    return sha256_file(path) == f.digest()


def _todo(plan: list[PlannedFile], out_dir: Path, force: bool,
          conflicts: list[str], refused_dirs: list[str]) -> list[tuple[Path, PlannedFile]]:
    """The files of ``plan`` that need writing; problems are appended to the two lists."""
    blocked = _blocked(out_dir)
    if blocked:
        refused_dirs.append(blocked)
        return []
    owned = _owned_copies(out_dir, plan)
    todo: list[tuple[Path, PlannedFile]] = []
    for f in plan:
        path = _safe_target(out_dir, f.path)
        if path.is_dir() and not path.is_symlink():
            refused_dirs.append(f"{path} is a directory")
            continue
        if path.is_symlink() or path.exists():
            if not path.is_symlink() and _same(path, f):
                if (path.stat().st_mode & 0o777) != f.mode:
                    todo.append((path, f))
                continue
            if path.is_symlink() or not path.is_file():
                ours = False
            elif f.generated:
                ours = has_marker(_head(path))
            else:
                ours = owned.get(f.path) == sha256_file(path)
            if not ours and not force:
                conflicts.append(f"{path} exists and was not written by parity")
                continue
        todo.append((path, f))
    return todo


def _filler(f: PlannedFile) -> Callable[[int], None]:
    """A function writing ``f``'s content into an open file descriptor."""
    def fill(fd: int) -> None:
        if f.source is None:
            view = memoryview(f.data)
            while view:
                view = view[os.write(fd, view):]
            return
        copied = copy_sparse(f.source, fd)
        if copied != f.sha256:
            raise _SourceChanged(f.source)
    return fill


class _SourceChanged(Exception):
    def __init__(self, source: Path) -> None:
        super().__init__(str(source))
        self.source = source


def _stage_plan(staging: Staging, todo: list[tuple[Path, PlannedFile]], plan: list[PlannedFile],
                out_dir: Path) -> None:
    for path, f in todo:
        staging.write(out_dir, path, f.mode, _filler(f))
    planned = {f.path for f in plan}
    for rel, sha in _owned_copies(out_dir, plan).items():
        stale = out_dir / rel
        if rel not in planned and stale.is_file() and sha256_file(stale) == sha:
            staging.remove(out_dir, stale)


def write_plans(jobs: list[tuple[list[PlannedFile], Path]], *, force: bool = False,
                ) -> list[list[Path]]:
    """Write several plans, each under its folder: all files of all plans, or none of them."""
    conflicts: list[str] = []
    refused_dirs: list[str] = []
    todos = [(_todo(plan, Path(out), force, conflicts, refused_dirs), plan, Path(out))
             for plan, out in jobs]
    if conflicts or refused_dirs:
        hint = "Move these away" + (", or pass --force to replace the files." if conflicts
                                    else ".")
        raise RenderError("not overwriting:\n  " + "\n  ".join(refused_dirs + conflicts),
                          hint=hint)
    staging = Staging()
    try:
        for todo, plan, out in todos:
            _stage_plan(staging, todo, plan, out)
        staging.commit()
    except StagingError as exc:
        raise _write_failed(exc.error, exc.path) from None
    except _SourceChanged as exc:
        raise RenderError(f"{exc.source} changed while parity was copying it; nothing was "
                          "written", hint="Run the command again once the file is final.",
                          ) from None
    finally:
        staging.close()
    return [[out / f.path for f in plan] for _, plan, out in todos]


def _write_failed(error: OSError, path: Path) -> ParityError:
    """A full disk stays exit 4 (:class:`DiskFullError`); anything else is a render error."""
    err = write_error(error, path, hint="Check the output folder's permissions.")
    message = err.message + "; nothing was changed: every file is still as it was before"
    if isinstance(err, DiskFullError):
        return DiskFullError(message, hint=err.hint)
    return RenderError(message, hint=err.hint)


def write_plan(plan: list[PlannedFile], out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write every planned file under ``out_dir``; return their paths (written or already equal)."""
    return write_plans([(plan, Path(out_dir))], force=force)[0]


def check_plan(plan: list[PlannedFile], out_dir: Path) -> list[str]:
    """Human-readable lines for every file that is missing, different or stale; empty = in sync."""
    out_dir = Path(out_dir)
    problems = []
    for f in plan:
        path = out_dir / f.path
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif not _same(path, f):
            problems.append(f"differs: {path}")
    planned = {f.path for f in plan}
    for rel in sorted(_owned_copies(out_dir, plan)):
        if rel not in planned and (out_dir / rel).exists():
            problems.append(f"stale: {out_dir / rel}")
    return problems
