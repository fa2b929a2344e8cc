"""Run one command on a host through a testinfra backend, with a deadline we really enforce.

testinfra builds the command line for every transport (``docker exec``, ``podman exec``,
``kubectl exec``, ``ssh``, local ``sh``...), but runs it with a blocking ``Popen.communicate()``:
a hung host would hang us. So for the subprocess-based backends we swap in our own ``run_local``
on the backend instance: same command, but started in its own session and killed as a whole
process group when the deadline passes. Every live child is tracked, so an interrupted run
(Ctrl-C) kills them all (:func:`kill_all`). ssh runs with ``BatchMode`` (never prompts) and without
connection multiplexing, so no master process outlives the run.

The paramiko backend gets a channel with a socket timeout and its client is closed afterwards;
any other backend runs on a helper thread that we stop waiting for at the deadline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any

#: testinfra backends that run a local command (docker/podman/kubectl/ssh clients, sh)
SUBPROCESS_BACKENDS = {"local", "docker", "podman", "kubectl", "ssh", "safe-ssh", "lxc",
                       "openshift", "chroot"}

_LIVE: set[subprocess.Popen[bytes]] = set()
_LIVE_LOCK = threading.Lock()
#: number of commands started on hosts (tests assert one per host)
_STARTED = 0


class TransportTimeout(Exception):
    """The host did not finish within the deadline; its process was killed."""


class TransportFailure(Exception):
    """The transport itself failed (ssh could not connect, container not running...)."""


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
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for p in procs:
        _killpg(p)


def _killpg(p: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        p.communicate(timeout=5)


def spawn(command: bytes, deadline: float) -> RunOutput:
    """Run ``command`` (shell text) in its own session; kill its process group at ``deadline``."""
    _count()
    p = subprocess.Popen(command, shell=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    with _LIVE_LOCK:
        _LIVE.add(p)
    try:
        out, err = p.communicate(timeout=max(0.01, deadline - time.monotonic()))
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


def run(backend: Any, command: str, timeout: float) -> RunOutput:
    """Run ``command`` once on the host behind ``backend``; raise on timeout or transport failure.

    Exactly one host command is started per call (``commands_started`` counts them).
    """
    prepare_backend(backend)
    deadline = time.monotonic() + timeout
    name = backend.NAME
    if name in SUBPROCESS_BACKENDS:
        return _run_subprocess(backend, command, deadline)
    if name == "paramiko":
        return _run_paramiko(backend, command, deadline)
    return _run_threaded(backend, command, deadline)


def _run_subprocess(backend: Any, command: str, deadline: float) -> RunOutput:
    def run_local(cmd: str, *args: str) -> Any:
        text = backend.encode(backend.quote(cmd, *args))
        res = spawn(text, deadline)
        return backend.result(res.rc, text, res.stdout, res.stderr)

    backend.run_local = run_local
    try:
        result = backend.run(command)
    except RuntimeError as exc:  # testinfra's ssh backend raises on ssh exit status 255
        res = exc.args[0] if exc.args else None
        detail = _tail(getattr(res, "stderr_bytes", b"")) or str(exc)
        raise TransportFailure(f"ssh failed: {detail}") from None
    return RunOutput(result.exit_status, result.stdout_bytes, result.stderr_bytes)


def _run_paramiko(backend: Any, command: str, deadline: float) -> RunOutput:
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
                    out += chan.recv(65536)
                    got = True
                while chan.recv_stderr_ready():
                    err += chan.recv_stderr(65536)
                    got = True
            if chan.exit_status_ready() and not chan.recv_ready() and not chan.recv_stderr_ready():
                break
            if not got:
                time.sleep(0.02)
        return RunOutput(chan.recv_exit_status(), bytes(out), bytes(err))
    except (TransportTimeout, TransportFailure):
        raise
    except Exception as exc:
        raise TransportFailure(f"{type(exc).__name__}: {exc}") from None
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
        raise TransportFailure(f"{type(box['error']).__name__}: {box['error']}")
    r = box["result"]
    return RunOutput(r.exit_status, r.stdout_bytes, r.stderr_bytes)


def _tail(data: bytes, limit: int = 400) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text[-limit:]
