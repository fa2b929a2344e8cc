"""In-place updates of a running docker environment: the mechanics (what and when are decided in
:mod:`parity.up.inplace`).

An update puts the newly rendered provisioning tree where a clean build would have put it
(``/opt/parity``, the entrypoint), byte for byte, together with the ``applying`` record, in one
``put_archive``; then ``apply-in-place.sh`` (beside this module) swaps it in and runs
``provision.sh`` with the phases the plan names, its output streamed; then the ``applied``
record is written.

Interrupted (Ctrl-C) or failed, the record stays ``applying``: ``status`` says the environment
is incomplete and the next ``up`` rebuilds it rather than build on a half-applied change.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import tarfile
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from parity.errors import EnvironmentError_
from parity.render.context import ENTRYPOINT_PATH, IMAGE_ROOT, IMAGE_TREE
from parity.up import applied
from parity.up.display import Display

if TYPE_CHECKING:
    from docker.models.containers import Container

#: the label of the helper container an update runs in (its value: the environment's name)
HELPER_LABEL = "org.parity.in-place-of"
#: a build step's PATH (what ``docker build`` gives RUN on Debian-like images)
_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: more than this is not a record parity wrote
MAX_RECORD = 1 << 20

#: the shell script the helper runs (swap the tree in, run the phases, compare /etc)
SCRIPT = Path(__file__).with_name("apply-in-place.sh")


def read_record(container: Container) -> applied.Record | bool | None:
    """The container's in-place record; None when there is none (a clean build), False when
    the file is there but is not a record parity can read (then the environment is treated as
    incomplete: rebuilt by the next ``up``)."""
    from docker.errors import APIError, NotFound

    try:
        stream, stat = container.get_archive(applied.PATH)
    except NotFound:
        return None
    except APIError:
        return False
    if int(stat.get("size", 0)) > MAX_RECORD:
        return False
    data = b"".join(stream)
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.next()
            handle = tar.extractfile(member) if member is not None else None
            content = handle.read(MAX_RECORD) if handle is not None else b""
    except tarfile.TarError:
        return False
    return applied.parse(content) or False


def apply(container: Container, out_dir: Path, phases: list[str], record: applied.Record,
          display: Display) -> bool:
    """Bring the running ``container`` to the context rendered in ``out_dir`` by running
    ``phases``; ``record`` is the ``applying`` record, written first. True when the update
    changed anything under /etc (so the services' configuration may have changed)."""
    with tempfile.TemporaryFile() as archive:
        _pack(archive, out_dir, record)
        archive.seek(0)
        if not container.put_archive("/", archive):
            raise EnvironmentError_(f"Docker could not copy the provisioning files into "
                                    f"{container.name}",
                                    hint="Run `parity up --rebuild` for a clean build.")
    return _run(container, phases, display)


def write_record(container: Container, record: applied.Record) -> None:
    with tempfile.TemporaryFile() as archive:
        with tarfile.open(fileobj=archive, mode="w") as tar:
            _add_bytes(tar, applied.PATH.lstrip("/"), record.to_json(), 0o644)
        archive.seek(0)
        container.put_archive("/", archive)


def _pack(archive: IO[bytes], out_dir: Path, record: applied.Record) -> None:
    """The tree under ``/opt/parity.new``, the entrypoint beside its final place, the record."""
    root = IMAGE_ROOT.lstrip("/") + ".new"
    with tarfile.open(fileobj=archive, mode="w") as tar:
        tar.addfile(_dir_info(root))
        for name in IMAGE_TREE:
            path = out_dir / name
            if path.exists():
                tar.add(str(path), arcname=f"{root}/{name}", filter=_as_root)
        tar.add(str(out_dir / "entrypoint.sh"), arcname=ENTRYPOINT_PATH.lstrip("/") + ".new",
                filter=_as_root)
        _add_bytes(tar, applied.PATH.lstrip("/"), record.to_json(), 0o644)


def _run(container: Container, phases: list[str], display: Display) -> bool:
    """Swap the tree in, then run ``provision.sh PHASE...`` (no phases: only the swap).

    The commands run in a short-lived helper container that shares the environment's process
    namespace and enters its root (``chroot /proc/1/root``) with host networking and a build's
    clean environment: the conditions of a ``docker build`` step (the package mirror is
    reachable, the environment's own variables and secrets are not there), whatever network the
    environment itself runs with (``--network none`` has no route to any mirror).
    """
    from docker.errors import APIError

    nonce = secrets.token_hex(16)
    marker = f"parity-apply: /etc changed {nonce}"
    etc_changed = False
    command = ["chroot", "/proc/1/root", "env", "-i", f"PATH={_PATH}", "HOME=/root",
               "PARITY_DEV=1", "PARITY_CLEAN=1", f"PARITY_ROOT={IMAGE_ROOT}",
               f"PARITY_ENTRYPOINT={ENTRYPOINT_PATH}", f"PARITY_NONCE={nonce}",
               "sh", "-c", SCRIPT.read_text(encoding="utf-8"), "parity-apply", *phases]
    client = container.client
    helper = None
    try:
        helper = client.containers.create(
            container.attrs["Image"], command, entrypoint=[], network_mode="host",
            pid_mode=f"container:{container.id}", cap_add=["SYS_PTRACE"], user="0",
            labels={HELPER_LABEL: container.name}, detach=True)
        helper.start()
        buffer = b""
        for chunk in helper.logs(stream=True, follow=True):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace")
                if text == marker:
                    etc_changed = True
                else:
                    display.line(text)
        if buffer:
            display.line(buffer.decode("utf-8", "replace"))
        code = helper.wait().get("StatusCode")
    except APIError as exc:
        raise EnvironmentError_(f"Docker could not run the in-place update of {container.name}: "
                                f"{exc.explanation or exc}",
                                hint="The environment is marked incomplete; `parity up` "
                                     "rebuilds it, `parity up --rebuild` does so now.") from None
    finally:
        if helper is not None:
            with contextlib.suppress(Exception):
                helper.remove(force=True)  # also stops what it ran, after Ctrl-C
    if code != 0:
        raise EnvironmentError_(
            f"the in-place update of {container.name} failed (provision.sh {' '.join(phases)} "
            f"exited {code}).\nLast lines of its output:\n{display.tail_text()}",
            hint="The environment is marked incomplete (`parity status`); fix the cause and run "
                 "`parity up` again, which rebuilds it.",
        )
    return etc_changed


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Owned by root like what ``COPY`` makes; missing parents are created by the engine."""
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _dir_info(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    info.mtime = int(time.time())
    return _as_root(info)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    info = _as_root(tarfile.TarInfo(name))
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))
