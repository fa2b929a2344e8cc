"""Run one command on a host through a testinfra backend, with a deadline we really enforce.

testinfra builds the command line for every transport (``docker exec``, ``podman exec``,
``kubectl exec``, ``ssh``, local ``sh``...), but runs it with a blocking ``Popen.communicate()``:
a hung host would hang us. So for the subprocess-based backends we swap in our own ``run_local``
on the backend instance: same command, but started in its own session and killed as a whole
process group when the deadline passes. Every live child is tracked, so an interrupted run
(Ctrl-C) kills them all (:func:`kill_all`). ssh runs with ``BatchMode`` (never prompts) and without
connection multiplexing, so no master process outlives the run.

Output is bounded too: testinfra reads a command's whole output into memory, and a host can print
without end (a 200 MB ``/etc/passwd`` costs seconds and gigabytes, times ``--jobs``). Our
``run_local`` reads the pipes itself and kills the process group once stdout passes
``max_output`` bytes (:class:`OutputTooLarge`); stderr keeps only its last
:data:`STDERR_KEEP` bytes. The paramiko reader stops the same way. The threaded backends (salt,
winrm) read everything themselves; their output is refused after the fact.

The asyncssh backend (:mod:`parity.facts.ssh_async`) runs in this process, on one event loop,
with the same deadline and output bound; Ctrl-C drops its connections. The paramiko backend gets
a channel with a socket timeout and its client is closed afterwards;
any other backend runs on a helper thread that we stop waiting for at the deadline.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: testinfra backends that run a local command (docker/podman/kubectl/ssh clients, sh)
SUBPROCESS_BACKENDS = {"local", "docker", "podman", "kubectl", "ssh", "safe-ssh", "lxc",
                       "openshift", "chroot"}

_LIVE: set[subprocess.Popen[bytes]] = set()
_LIVE_LOCK = threading.Lock()
#: bumped by :func:`kill_all`: a process that was being started while it ran (not yet in
#: ``_LIVE``) sees the change when it registers and is killed then, instead of escaping Ctrl-C
_KILLS = 0
#: number of commands started on hosts (tests assert one per host)
_STARTED = 0


class TransportTimeout(Exception):
    """The host did not finish within the deadline; its process was killed."""


class TransportFailure(Exception):
    """The transport itself failed (ssh could not connect, container not running...)."""


class OutputTooLarge(Exception):
    """The host printed more than ``max_output`` bytes; its process was killed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"output exceeded {limit} bytes")
        self.limit = limit


#: default cap on one host's output (docs/facts.md, "Limits"); ``PARITY_MAX_OUTPUT`` overrides
DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024
#: how much of a transport's stderr is kept (its end, where the reason is)
STDERR_KEEP = 64 * 1024
_CHUNK = 65536


def max_output_from_env() -> int:
    """``PARITY_MAX_OUTPUT`` (bytes, or with a ``K``/``M``/``G`` suffix: KiB, MiB, GiB), else the
    default; a value that is not a positive size is refused (ValueError naming the variable)."""
    raw = os.environ.get("PARITY_MAX_OUTPUT", "").strip()
    if not raw:
        return DEFAULT_MAX_OUTPUT
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(raw[-1:].upper(), 1)
    digits = raw[:-1] if scale > 1 else raw
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        raise ValueError(f"PARITY_MAX_OUTPUT={raw!r} is not a size in bytes (e.g. 67108864 "
                         "or 64M)")
    return int(digits) * scale


@dataclass(frozen=True)
class RunOutput:
    rc: int
    stdout: bytes
    stderr: bytes


def commands_started() -> int:
    """How many host commands this process has started (for tests and benchmarks)."""
    return _STARTED


def _count() -> None:
    global _STARTED
    with _LIVE_LOCK:
        _STARTED += 1


def kill_all() -> None:
    """Kill every transport process still running (used on Ctrl-C and interpreter exit)."""
    global _KILLS
    with _LIVE_LOCK:
        _KILLS += 1
        procs = list(_LIVE)
    for p in procs:
        # only the signal: the thread that started ``p`` is reading its pipes, sees them close,
        # and reaps it (reading them from here too would race with that reader)
        _signal(p)
    import sys

    if "parity.facts.ssh_async" in sys.modules:  # in-process connections: drop them too
        sys.modules["parity.facts.ssh_async"].abort_all()


def _signal(p: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)


def _killpg(p: subprocess.Popen[bytes]) -> None:
    """Kill ``p``'s process group and reap it (from the thread that owns ``p``)."""
    _signal(p)
    with contextlib.suppress(Exception):
        p.communicate(timeout=5)


def spawn(command: bytes, deadline: float, max_output: int = DEFAULT_MAX_OUTPUT) -> RunOutput:
    """Run ``command`` (shell text) in its own session; kill its process group at ``deadline``
    or once its stdout passes ``max_output`` bytes (:class:`OutputTooLarge`)."""
    _count()
    kills = _KILLS
    p = subprocess.Popen(command, shell=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    with _LIVE_LOCK:
        _LIVE.add(p)
        if kills != _KILLS:  # kill_all ran while Popen was starting it
            _signal(p)
    try:
        out, err = _read_bounded(p, deadline, max_output)
        p.wait(timeout=max(0.01, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _killpg(p)
        raise TransportTimeout() from None
    except BaseException:
        _killpg(p)
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(p)
    return RunOutput(p.returncode, out, err)


def _read_bounded(p: subprocess.Popen[bytes], deadline: float,
                  max_output: int) -> tuple[bytes, bytes]:
    """Both pipes until EOF, never holding more than ``max_output`` + one chunk of stdout and
    :data:`STDERR_KEEP` of stderr; raise TransportTimeout / OutputTooLarge."""
    assert p.stdout is not None and p.stderr is not None
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(p.stdout, selectors.EVENT_READ, out)
        sel.register(p.stderr, selectors.EVENT_READ, err)
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(p.args, 0)
            for key, _ in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buf: bytearray = key.data
                buf += chunk
                if buf is out and len(out) > max_output:
                    raise OutputTooLarge(max_output)
                if buf is err and len(err) > STDERR_KEEP:
                    del err[:-STDERR_KEEP]
    return bytes(out), bytes(err)


def prepare_backend(backend: Any) -> None:
    """Settings that keep a backend from doing extra round trips or leaving processes behind."""
    # testinfra asks the host for its encoding (one extra command) the first time it encodes
    # non-ASCII text; our script is UTF-8 either way.
    backend._encoding = "utf-8"
    if backend.NAME in ("ssh", "safe-ssh"):
        backend.controlpersist = 0  # no ControlMaster=auto: no master process outlives us
        extra = backend.ssh_extra_args or ""
        additions = ["-o BatchMode=yes", "-o ControlMaster=no", "-o ControlPath=none"]
        backend.ssh_extra_args = " ".join([extra, *additions]).strip()


def run(backend: Any, command: str, timeout: float,
        max_output: int = DEFAULT_MAX_OUTPUT) -> RunOutput:
    """Run ``command`` once on the host behind ``backend``; raise on timeout, transport failure
    or output over ``max_output`` bytes.

    Exactly one host command is started per call (``commands_started`` counts them).
    """
    prepare_backend(backend)
    started = time.monotonic()
    deadline = started + timeout
    res = _run(backend, command, deadline, max_output)
    if log.isEnabledFor(logging.INFO):
        log.info("%s: exit %s, %d bytes of output in %.2fs", backend.NAME, res.rc,
                 len(res.stdout), time.monotonic() - started)
    return res


def _run(backend: Any, command: str, deadline: float, max_output: int) -> RunOutput:
    name = backend.NAME
    if name in SUBPROCESS_BACKENDS:
        return _run_subprocess(backend, command, deadline, max_output)
    _log_command(name, f"{name} backend: sh -c <{len(command)} bytes>")
    if name == "paramiko":
        return _run_paramiko(backend, command, deadline, max_output)
    if name == "asyncssh":
        from parity.facts import ssh_async

        _count()
        return ssh_async.run(backend, backend.get_command(command), deadline, max_output)
    res = _run_threaded(backend, command, deadline)
    if len(res.stdout) > max_output:
        raise OutputTooLarge(max_output)
    return res


def _log_command(name: str, text: str) -> None:
    """The command line a transport runs (-v), its long script shortened; the log handler
    redacts passwords in URLs and sshpass's argument (parity.logsetup)."""
    if log.isEnabledFor(logging.INFO):
        head = text.split("\n", 1)[0][:200]
        log.info("%s: %s", name, text if head == text else
                 f"{head} ... (the collection script; {len(text)} bytes in all)")


def _run_subprocess(backend: Any, command: str, deadline: float, max_output: int) -> RunOutput:
    def run_local(cmd: str, *args: str) -> Any:
        text = backend.encode(backend.quote(cmd, *args))
        _log_command(backend.NAME, text.decode("utf-8", "replace"))
        res = spawn(text, deadline, max_output)
        return backend.result(res.rc, text, res.stdout, res.stderr)

    backend.run_local = run_local
    try:
        result = backend.run(command)
    except RuntimeError as exc:  # testinfra's ssh backend raises on ssh exit status 255
        res = exc.args[0] if exc.args else None
        detail = _tail(getattr(res, "stderr_bytes", b"")) or str(exc)
        raise TransportFailure(f"ssh failed: {detail}") from None
    return RunOutput(result.exit_status, result.stdout_bytes, result.stderr_bytes)


def _run_paramiko(backend: Any, command: str, deadline: float, max_output: int) -> RunOutput:
    import socket

    _count()
    client = None
    try:
        client = backend.client  # connects (honours ssh_config, identity file, timeout)
        transport = client.get_transport()
        chan = transport.open_session(timeout=max(0.1, deadline - time.monotonic()))
        chan.settimeout(0.5)
        chan.exec_command(backend.get_command(command))
        out, err = bytearray(), bytearray()
        while True:
            if time.monotonic() > deadline:
                raise TransportTimeout()
            got = False
            with contextlib.suppress(socket.timeout):
                while chan.recv_ready():
                    out += chan.recv(_CHUNK)
                    got = True
                    if len(out) > max_output:
                        raise OutputTooLarge(max_output)
                while chan.recv_stderr_ready():
                    err += chan.recv_stderr(_CHUNK)
                    del err[:-STDERR_KEEP]
                    got = True
            if chan.exit_status_ready() and not chan.recv_ready() and not chan.recv_stderr_ready():
                break
            if not got:
                time.sleep(0.02)
        return RunOutput(chan.recv_exit_status(), bytes(out), bytes(err))
    except (TransportTimeout, TransportFailure, OutputTooLarge):
        raise
    except Exception as exc:
        raise TransportFailure(f"{type(exc).__name__}: {_short(str(exc))}") from None
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        backend.__dict__.pop("client", None)


def _run_threaded(backend: Any, command: str, deadline: float) -> RunOutput:
    """Backends we cannot kill (salt, winrm, ansible modules): stop waiting at the deadline."""
    _count()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = backend.run(command)
        except Exception as exc:
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True, name=f"parity-{backend.NAME}")
    t.start()
    t.join(max(0.01, deadline - time.monotonic()))
    if t.is_alive():
        raise TransportTimeout()
    if "error" in box:
        raise TransportFailure(f"{type(box['error']).__name__}: {_short(str(box['error']))}")
    r = box["result"]
    return RunOutput(r.exit_status, r.stdout_bytes, r.stderr_bytes)


def _short(text: str, limit: int = 240) -> str:
    """An exception's text, which may quote the host, cut to ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "..."


def _tail(data: bytes, limit: int = 240) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text[-limit:]
