"""Replace a set of files all or nothing: write every new file first, then move them all in.

Rendering a target changes several files that only make sense together (a Dockerfile that
``COPY``s the provision.sh of the same spec version, a manifest that lists the copies next to
it). Writing them one by one means that a full disk or a permission problem half-way leaves a
mix of two versions, or a manifest without a Dockerfile. So every new file is first written
complete (and fsync'ed) into a staging folder inside its output folder, which puts it on the same
filesystem; every file it replaces is hard-linked into the staging folder as a backup. Only when
all of that succeeded are the new files renamed over the old ones: renames need no new space,
and if one fails anyway the renames already done are undone from the backups. A failure before
or during the renames leaves every file as it was, and folders created for the new files are
removed again.

Only the files handed to :meth:`Staging.write` and :meth:`Staging.remove` are touched; anything
else in the output folder (the user's own files) is left alone. The one window that is not
covered is a crash of the machine in the middle of the renames (microseconds per file).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

STAGING_PREFIX = ".parity-staging."
#: errors of os.link that mean "this filesystem has no hard links", not "something is wrong"
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV}


class StagingError(Exception):
    """Writing or moving ``path`` failed with ``error``; nothing was changed."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error}")
        self.path = path
        self.error = error


@dataclass
class _Move:
    target: Path
    new: Path | None  # None: the target is removed
    backup: Path | None  # where the old target is kept until the end; None: there was none
    backup_by_rename: bool = False  # no hard links here: move the old target aside instead


class Staging:
    """Collect new files, then :meth:`commit` them together; always :meth:`close` after."""

    def __init__(self) -> None:
        self._stage_dirs: dict[Path, Path] = {}
        self._made: list[Path] = []
        self._moves: list[_Move] = []
        self._committed = False

    def write(self, out_dir: Path, target: Path, mode: int, fill: Callable[[int], None]) -> None:
        """Stage new content for ``target`` (inside ``out_dir``): ``fill(fd)`` writes it into a
        fresh empty file, which gets ``mode``."""
        try:
            stage = self._stage_dir(out_dir)
            self._mkdirs(target.parent)
            new = stage / f"{len(self._moves)}.new"
            fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                fill(fd)
                os.fchmod(fd, mode)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._moves.append(self._backup(_Move(target, new, None), stage))
        except OSError as exc:
            raise StagingError(target, exc) from exc

    def remove(self, out_dir: Path, target: Path) -> None:
        """Delete ``target`` along with the commit (and restore it if the commit fails)."""
        try:
            stage = self._stage_dir(out_dir)
            self._moves.append(self._backup(_Move(target, None, None), stage))
        except OSError as exc:
            raise StagingError(target, exc) from exc

    def commit(self) -> None:
        """Move every staged file into place, or, if one move fails, none."""
        done: list[_Move] = []
        for move in self._moves:
            try:
                if move.backup_by_rename and move.backup is not None:
                    move.target.replace(move.backup)
                if move.new is not None:
                    move.new.replace(move.target)
                elif not move.backup_by_rename:
                    move.target.unlink(missing_ok=True)
            except OSError as exc:
                self._rollback([*done, move])
                raise StagingError(move.target, exc) from exc
            except BaseException:  # Ctrl-C half-way: still all or nothing
                self._rollback([*done, move])
                raise
            done.append(move)
        self._committed = True
        for folder in {m.target.parent for m in self._moves}:
            _fsync_dir(folder)

    def close(self) -> None:
        """Remove the staging folders (and backups); after a failure, the folders we made."""
        for stage in self._stage_dirs.values():
            shutil.rmtree(stage, ignore_errors=True)
        if not self._committed:
            for folder in reversed(self._made):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if still empty: never anything of the user's

    # -- internals ----------------------------------------------------------------------------
    def _stage_dir(self, out_dir: Path) -> Path:
        if out_dir not in self._stage_dirs:
            self._mkdirs(out_dir)
            self._stage_dirs[out_dir] = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX,
                                                              dir=out_dir))
        return self._stage_dirs[out_dir]

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        for d in (folder, *folder.parents):
            if d.is_dir():
                break
            missing.append(d)
        for d in reversed(missing):
            d.mkdir()
            self._made.append(d)

    def _backup(self, move: _Move, stage: Path) -> _Move:
        if not os.path.lexists(move.target):
            return move
        move.backup = stage / f"{len(self._moves)}.old"
        try:
            os.link(move.target, move.backup, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            move.backup_by_rename = True
        return move

    def _rollback(self, moves: list[_Move]) -> None:
        for move in reversed(moves):
            with contextlib.suppress(OSError):
                if move.backup is not None and os.path.lexists(move.backup):
                    move.backup.replace(move.target)
                elif move.backup is None and move.new is not None:
                    move.target.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable; best effort (not every filesystem lets a folder be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
