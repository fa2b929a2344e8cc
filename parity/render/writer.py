"""Write a plan to disk (atomically, never clobbering hand-written files) or check it.

Safety rules, checked for every file before anything is written so a refused render changes
nothing:

* a generated file may replace an existing file only if that file carries the parity header;
* a verbatim copy (which cannot carry a header) may replace an existing file only if the previous
  render recorded it, with the same sha256, in the folder's ``.parity-manifest``;
* ``force=True`` lifts both rules.

Copies recorded in an old manifest but no longer planned (a source removed from the spec) are
deleted when still unmodified, so the docker build context never carries stale files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from parity.errors import RenderError
from parity.fsutil import atomic_write
from parity.render.base import PlannedFile, has_marker

MANIFEST = ".parity-manifest"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_data(header: str, copies: dict[str, bytes]) -> bytes:
    """``sha256  path`` lines (like ``sha256sum``) for the copies in one folder."""
    lines = [f"# {header}", "# verbatim copies of the spec's files that parity placed here"]
    lines += [f"{_sha(data)}  {path}" for path, data in sorted(copies.items())]
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


def _stage(plan: list[PlannedFile], out_dir: Path, force: bool,
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
            current = path.read_bytes() if path.is_file() else b""
            if current == f.data and not path.is_symlink():
                if (path.stat().st_mode & 0o777) != f.mode:
                    todo.append((path, f))
                continue
            ours = (has_marker(current) if f.generated
                    else owned.get(f.path) == _sha(current))
            if not ours and not force:
                conflicts.append(f"{path} exists and was not written by parity")
                continue
        todo.append((path, f))
    return todo


def _write(todo: list[tuple[Path, PlannedFile]], plan: list[PlannedFile], out_dir: Path) -> None:
    owned = _owned_copies(out_dir, plan)
    for path, f in todo:
        if path.is_symlink():
            path.unlink()
        atomic_write(path, f.data, f.mode)
    planned = {f.path for f in plan}
    for rel, sha in owned.items():
        stale = out_dir / rel
        if rel not in planned and stale.is_file() and _sha(stale.read_bytes()) == sha:
            stale.unlink()


def write_plans(jobs: list[tuple[list[PlannedFile], Path]], *, force: bool = False,
                ) -> list[list[Path]]:
    """Write several plans, each under its folder, only if none of them is refused."""
    conflicts: list[str] = []
    refused_dirs: list[str] = []
    staged = [(_stage(plan, Path(out), force, conflicts, refused_dirs), plan, Path(out))
              for plan, out in jobs]
    if conflicts or refused_dirs:
        hint = "Move these away" + (", or pass --force to replace the files." if conflicts
                                    else ".")
        raise RenderError("not overwriting:\n  " + "\n  ".join(refused_dirs + conflicts),
                          hint=hint)
    for todo, plan, out in staged:
        try:
            _write(todo, plan, out)
        except OSError as exc:
            raise RenderError(f"cannot write {exc.filename or out}: {exc.strerror or exc}",
                              hint="Check the output folder's permissions and free space.",
                              ) from None
    return [[out / f.path for f in plan] for _, plan, out in staged]


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
        elif path.read_bytes() != f.data:
            problems.append(f"differs: {path}")
    planned = {f.path for f in plan}
    for rel in sorted(_owned_copies(out_dir, plan)):
        if rel not in planned and (out_dir / rel).exists():
            problems.append(f"stale: {out_dir / rel}")
    return problems
