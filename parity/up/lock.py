"""One ``parity up`` / ``down`` at a time per environment: advisory file locks (``flock``).

Two ``up`` runs of one environment used to race: both saw nothing, both built, the second
build moved the image tag away from the first one's image, the second container create failed
(name taken), and its clean-up removed the image that now held the tag, so the first
environment ran from a dangling image that ``down`` could no longer find.

What is locked is the environment's identity *as the engine sees it*, not the spec file: for
the docker target the container name and the image tag on one daemon (``DOCKER_HOST`` or the
Docker context: :func:`parity.up.dockerclient.endpoint`), because both are machine-wide: two
checkouts of a spec with the same name, or two specs whose ``--name`` maps to one tag, meet
there. Vagrant's machine lives in ``.parity/vagrant/`` beside the spec, so
that folder is its identity. Several keys are taken in sorted order, so two processes that need
overlapping sets never deadlock.

Lock files live in ``$PARITY_LOCK_DIR``, else ``$XDG_CACHE_HOME/parity/locks`` (default
``~/.cache/parity/locks``): per user account, created ``0700``, opened without following
symlinks. Not ``$XDG_RUNTIME_DIR``: a cron job or service often runs without it and would then
not meet an interactive run. Not a world-writable directory either: anyone could plant files
there. Two accounts sharing one Docker daemon can point ``PARITY_LOCK_DIR`` at one directory.
``flock`` is released by the kernel when its holder dies, so a killed ``up`` never leaves a
stale lock. While held, the file says who holds it (pid, command, start time), which is what the
waiting message shows; the files are never deleted (deleting a lock file races with its users).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from parity.errors import BusyError, EnvironmentError_
from parity.up.display import Display

LOCK_DIR_ENV = "PARITY_LOCK_DIR"
#: how long ``up``/``down`` wait for another one by default: as long as a slow build may take
DEFAULT_WAIT = 900.0
#: how often a waiting process tries again (flock has no timeout of its own)
POLL_SECONDS = 0.2
#: a holder writes who it is just after it takes the lock (and clears it just before it lets
#: go); a blocked process gives it this long before speaking of an unknown holder
RECORD_GRACE = 1.0
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its holder wrote it (any field may be missing)."""

    pid: int | None
    command: str | None
    since: str | None

    def describe(self) -> str:
        parts = [f"pid {self.pid}" if self.pid else "pid unknown"]
        if self.since:
            parts.append(f"since {self.since}")
        return ", ".join(parts)


def lock_dir() -> Path:
    """Where lock files live (see the module docstring for why there)."""
    explicit = os.environ.get(LOCK_DIR_ENV)
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME")
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / "parity" / "locks"


def lock_path(key: str, directory: Path | None = None) -> Path:
    """A readable, collision-free file name for ``key`` (which may hold ``/`` and ``:``)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    slug = _SLUG.sub("_", key).strip("_")[:80]
    return (directory or lock_dir()) / f"{slug}-{digest}.lock"


def read_holder(path: Path) -> Holder | None:
    """What the current holder wrote; None when nothing (or nothing readable) is there."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        data = json.loads(os.read(fd, 4096).decode("utf-8") or "null")
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    return Holder(pid if isinstance(pid, int) else None,
                  str(data["command"]) if data.get("command") else None,
                  str(data["since"]) if data.get("since") else None)


@contextlib.contextmanager
def hold(keys: Sequence[str], *, what: str, command: str, wait: float = DEFAULT_WAIT,
         display: Display | None = None, directory: Path | None = None) -> Iterator[None]:
    """Hold the lock of every key in ``keys`` for the ``with`` block.

    ``what`` names the environment in messages (``docker environment shop-dev``), ``command``
    is the parity command holding it (``up``, ``down``). When a key is held by another process,
    wait up to ``wait`` seconds, saying so once; ``wait <= 0`` (``--no-wait``) gives up at once.
    Giving up raises :class:`BusyError` (exit 75) naming the holder's pid.
    """
    display = display or Display()
    directory = directory or lock_dir()
    _make_dir(directory)
    opened: list[int] = []
    held: list[int] = []
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        for key in sorted(set(keys)):
            path = lock_path(key, directory)
            fd = _open(path)
            opened.append(fd)
            _acquire(fd, path, what=what, command=command, wait=wait, deadline=deadline,
                     display=display)
            held.append(fd)
            _record(fd, command, what)
        yield
    finally:
        for fd in held:  # only our own record: a file we did not lock is the holder's
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # the next waiter must not show our pid as the holder
        for fd in reversed(opened):
            os.close(fd)  # closing the last descriptor releases the flock


def _acquire(fd: int, path: Path, *, what: str, command: str, wait: float, deadline: float,
             display: Display) -> None:
    told = False
    blocked_since = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = read_holder(path)
        if holder is None and time.monotonic() - blocked_since < RECORD_GRACE:
            time.sleep(0.02)  # taken a moment ago (record not written yet) or about to be freed
            continue
        holder = holder or Holder(None, None, None)
        other = f"`parity {holder.command}`" if holder.command else "parity command"
        if wait <= 0:
            raise BusyError(
                f"another {other} of {what} is running ({holder.describe()}); with --no-wait "
                f"parity did nothing.",
                hint=f"Run the command again when it has finished, or drop --no-wait to wait "
                     f"for it (lock file {path}).")
        if time.monotonic() >= deadline:
            raise BusyError(
                f"gave up after waiting {wait:.0f}s for another {other} of {what} "
                f"({holder.describe()}); parity did nothing.",
                hint=f"Run the command again when it has finished, or wait longer with "
                     f"--wait-timeout SECONDS (lock file {path}).")
        if not told:
            display.info(f"waiting for another {other} of {what} ({holder.describe()}) to "
                         f"finish; giving up after {wait:.0f}s (--wait-timeout) ...")
            told = True
        time.sleep(POLL_SECONDS)


def _record(fd: int, command: str, what: str) -> None:
    """Say who holds the lock, for the message of whoever waits for it."""
    since = datetime.now(UTC).strftime("%H:%M:%S UTC")
    doc = json.dumps({"pid": os.getpid(), "command": command, "since": since, "what": what})
    with contextlib.suppress(OSError):  # only the message depends on it
        os.ftruncate(fd, 0)
        os.pwrite(fd, doc.encode("utf-8") + b"\n", 0)


def _make_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentError_(
            f"cannot create the lock directory {directory}: {exc.strerror or exc}",
            hint=f"parity serialises `up`/`down` per environment with lock files there; make it "
                 f"writable, or point {LOCK_DIR_ENV} at a writable directory.") from None


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        why = ("it is a symbolic link; parity does not follow links there"
               if exc.errno == errno.ELOOP else exc.strerror or str(exc))
        raise EnvironmentError_(
            f"cannot open the lock file {path}: {why}",
            hint=f"Remove it if it is not a regular file of yours, or point {LOCK_DIR_ENV} at "
                 f"another directory.") from None
