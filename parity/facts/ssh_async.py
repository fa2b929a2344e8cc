"""An in-process ssh client (asyncssh) for large fleets: no ssh process per host.

Why: with OpenSSH every host costs one ``ssh`` process -- fork, exec, and a key exchange in a
fresh process. Measured on the benchmark machine (bench/RESULTS.md, fleet_ssh): about 60-80 ms of
client CPU per host with OpenSSH 9.2's default key exchange (``sntrup761x25519``), 10 ms with
``curve25519-sha256``, against about 4 ms per connection for asyncssh on one event loop in
parity's process. At 1,000 hosts on 2 cores the ssh clients alone were the bound.

Chosen with ``asyncssh://user@host:port?...`` URLs (the same query options as ``ssh://``) or, for
``ssh://`` URLs and inventory hosts alike, with ``PARITY_SSH_CLIENT=asyncssh``. Installed by the
``asyncssh`` extra (``pip install 'parity[asyncssh]'``).

Whom it talks to is decided exactly as for ``paramiko://`` (:mod:`parity.facts.backends`): the
server's key must be in ``/etc/ssh/ssh_known_hosts`` / ``~/.ssh/known_hosts`` (or the
``GlobalKnownHostsFile``/``UserKnownHostsFile`` of the ssh_config in use); ``StrictHostKeyChecking``
from that ssh_config, or the URL's ``strict_host_key_checking=`` (which wins), relaxes it with
OpenSSH's meanings. A refused key stops the connection right after the key exchange, before any
authentication or command. It never prompts and never sends a password (key files and the ssh
agent only), like ``ssh -o BatchMode=yes``; a password-bearing inventory host keeps going through
the checked paramiko backend. ssh arguments from an inventory are honoured where asyncssh can
honour them (``-F``, ``-i``, ``-p``, ``-l`` and the ``-o`` options in :data:`_OPTION_KWARGS` and
:data:`_IGNORED`); any other argument is a host error naming it, never silently dropped.

All connections run on one event loop in a daemon thread; :func:`run` is called from
:func:`parity.facts.collection.collect_many`'s worker threads and blocks until its host is done.
Nothing outlives a connection: no process is started, so none can be left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shlex
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testinfra.backend.base import BaseBackend

from parity.errors import HostError, UsageError
from parity.facts.backends import (
    SYSTEM_KNOWN_HOSTS,
    USER_KNOWN_HOSTS,
    HostKeyRejected,
    changed_message,
    known_hosts_files,
    mode_from,
    unknown_message,
)
from parity.facts.transport import (
    STDERR_KEEP,
    OutputTooLarge,
    RunOutput,
    TransportFailure,
    TransportTimeout,
)

#: cipher preference when the ssh_config sets no ``Ciphers``: OpenSSH's own list, AES-GCM
#: first. asyncssh's chacha20-poly1305 builds three cipher contexts per packet in Python, and
#: the collection's output arrives in dozens of small packets per host: AES-GCM (one call per
#: packet, AES-NI) cut the event loop's CPU per host by a third in fleet_ssh
PREFERRED_CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
                     "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr")
#: environment variable choosing the client for ``ssh://`` URLs and inventory hosts
CLIENT_ENV = "PARITY_SSH_CLIENT"
CLIENTS = ("openssh", "asyncssh")

#: ``-o`` options passed on as asyncssh connection arguments (lower-case key -> keyword)
_OPTION_KWARGS = {
    "user": "username", "port": "port", "connecttimeout": "connect_timeout",
    "hostkeyalias": "host_key_alias", "kexalgorithms": "kex_algs", "ciphers": "encryption_algs",
    "macs": "mac_algs", "hostkeyalgorithms": "server_host_key_algs",
    "proxycommand": "proxy_command", "proxyjump": "tunnel",
}
#: ``-o`` options read by parity itself (host keys, identities)
_OPTION_OWN = {"stricthostkeychecking", "userknownhostsfile", "globalknownhostsfile",
               "identityfile", "identitiesonly"}
#: ``-o`` options that change nothing about whom we talk to or what runs there: multiplexing
#: (an in-process client has nothing to keep alive), logging, keep-alives, batch mode (always)
_IGNORED = {"batchmode", "controlmaster", "controlpath", "controlpersist", "loglevel",
            "serveraliveinterval", "serveralivecountmax", "tcpkeepalive", "compression",
            "forwardagent", "forwardx11", "passwordauthentication",
            "kbdinteractiveauthentication", "challengeresponseauthentication",
            "requesttty", "addressfamily", "gssapiauthentication", "userknownhostsfile2"}
#: flags without a value that change nothing here (-C compression, -T no tty, -q quiet, ...)
_FLAGS = {"-C", "-T", "-q", "-4", "-6", "-n", "-x", "-a"}


def client_choice() -> str:
    """``openssh`` or ``asyncssh`` from :data:`CLIENT_ENV` (default openssh); else UsageError."""
    value = os.environ.get(CLIENT_ENV, "").strip().lower() or "openssh"
    if value not in CLIENTS:
        raise UsageError(f"{CLIENT_ENV}={value!r} is not one of {', '.join(CLIENTS)}")
    return value


def require_asyncssh() -> None:
    """Raise a usage error naming the extra when asyncssh is not installed."""
    from parity.optional import require

    require("asyncssh", "asyncssh",
            f"the asyncssh ssh client (asyncssh:// or {CLIENT_ENV}=asyncssh)",
            alternative=f"use ssh:// with OpenSSH ({CLIENT_ENV}=openssh)")


@dataclass(frozen=True)
class _Args:
    """What an inventory's ssh arguments say, in asyncssh's terms."""

    config: str | None = None
    identities: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    own: tuple[tuple[str, str], ...] = ()


def parse_ssh_args(text: str | None, where: str) -> _Args:
    """Split ``ssh_extra_args`` (as Ansible does) into settings; refuse what asyncssh cannot do.

    OpenSSH takes the first value of an option, so an earlier ``-o`` wins over a later one and
    over the ssh_config file.
    """
    words = shlex.split(text or "")
    config: str | None = None
    identities: list[str] = []
    kwargs: dict[str, Any] = {}
    own: dict[str, str] = {}
    i = 0

    def value() -> str:
        nonlocal i
        if len(words[i]) > 2:
            return words[i][2:]
        if i + 1 >= len(words):
            raise HostError(f"{where}: ssh argument {words[i]!r} without a value")
        i += 1
        return words[i]

    while i < len(words):
        word = words[i]
        flag = word[:2]
        if word in _FLAGS:
            pass
        elif flag == "-F":
            config = config or value()
        elif flag == "-i":
            identities.append(value())
        elif flag == "-p":
            kwargs.setdefault("port", value())
        elif flag == "-l":
            kwargs.setdefault("username", value())
        elif flag == "-o":
            opt = value()
            key, _, val = opt.partition("=") if "=" in opt else opt.partition(" ")
            key, val = key.strip().lower(), val.strip()
            if key in _OPTION_KWARGS:
                kwargs.setdefault(_OPTION_KWARGS[key], val)
            elif key in _OPTION_OWN:
                if key == "identityfile":
                    identities.append(val)
                else:
                    own.setdefault(key, val)
            elif key not in _IGNORED:
                raise HostError(f"{where}: the asyncssh client cannot honour ssh option "
                                f"{opt!r}", hint=f"Reach this host with OpenSSH: unset "
                                f"{CLIENT_ENV} (or use ssh:// instead of asyncssh://).")
        else:
            raise HostError(f"{where}: the asyncssh client cannot honour ssh argument {word!r}",
                            hint=f"Reach this host with OpenSSH: unset {CLIENT_ENV} (or use "
                                 "ssh:// instead of asyncssh://).")
        i += 1
    if "port" in kwargs:
        kwargs["port"] = int(kwargs["port"])
    return _Args(config, tuple(identities), tuple(kwargs.items()), tuple(own.items()))


class AsyncSshBackend(BaseBackend):  # type: ignore[misc]
    """A testinfra-shaped backend whose command runs on parity's asyncssh event loop.

    Only what parity's transport needs: ``NAME``, ``get_command`` (sudo as testinfra does it)
    and the connection settings; :func:`parity.facts.transport.run` calls :func:`run`.
    """

    NAME = "asyncssh"

    def __init__(self, hostspec: str, ssh_config: str | None = None,
                 ssh_identity_file: str | None = None, timeout: int | float = 10,
                 ssh_extra_args: str | None = None, strict: str | None = None,
                 *args: Any, **kwargs: Any) -> None:
        self.host = self.parse_hostspec(hostspec)
        if self.host.password:
            raise HostError(f"{self.host.name}: the asyncssh client does not send passwords",
                            hint="Use key authentication, or paramiko:// for a password.")
        self.ssh_config = ssh_config
        self.ssh_identity_file = ssh_identity_file
        self.timeout = float(timeout)
        self.strict = strict
        self.args = parse_ssh_args(ssh_extra_args, f"host {self.host.name}")
        kwargs.pop("connection", None)
        kwargs.pop("controlpath", None)
        kwargs.pop("controlpersist", None)
        super().__init__(self.host.name, *args, **kwargs)

    def run(self, command: str, *args: str, **kwargs: Any) -> Any:
        """testinfra's interface, for completeness; parity calls :func:`run` directly."""
        res = run(self, self.get_command(command, *args), time.monotonic() + 3600, 1 << 30)
        return self.result(res.rc, command.encode(), res.stdout, res.stderr)

    # -- settings -------------------------------------------------------------------------

    def config_paths(self) -> list[str]:
        """The ssh_config files in use: ``-F`` (or ``ssh_config=``), else ``~/.ssh/config``."""
        chosen = self.args.config or self.ssh_config
        if chosen:
            path = Path(chosen).expanduser()
            if not path.is_file():
                raise HostKeyRejected(f"cannot read ssh_config {chosen}: no such file")
            return [str(path)]
        default = Path.home() / ".ssh" / "config"
        return [str(default)] if os.access(default, os.R_OK) else []

    def connect_kwargs(self) -> tuple[dict[str, Any], dict[str, str]]:
        """asyncssh.connect keywords, and the host key settings parity applies itself."""
        paths = self.config_paths()
        kw: dict[str, Any] = dict(self.args.kwargs)
        kw.setdefault("username", self.host.user or ())
        if self.host.port:
            kw.setdefault("port", int(self.host.port))
        cfg = _lookup(paths, self.host.name, kw.get("port", ()), kw["username"])
        own = dict(self.args.own)
        for key in ("stricthostkeychecking", "userknownhostsfile", "globalknownhostsfile"):
            value = cfg.get(key)
            if key not in own and value:
                own[key] = " ".join(value) if isinstance(value, list) else str(value)
        if self.args.identities or self.ssh_identity_file:
            # as ssh: -i / ?ssh_identity_file= first, then the config's IdentityFile entries
            keys = [*self.args.identities, *([self.ssh_identity_file]
                                             if self.ssh_identity_file else [])]
            keys += list(cfg.get("identityfile") or [])
            kw["client_keys"] = [str(Path(k).expanduser()) for k in keys]
        kw.setdefault("connect_timeout", self.timeout)
        if "encryption_algs" not in kw and not cfg.get("ciphers"):
            kw["encryption_algs"] = PREFERRED_CIPHERS
        kw["config"] = paths
        return kw, own


_CONFIG_CACHE: dict[tuple[Any, ...], dict[str, Any]] = {}
_CONFIG_LOCK = threading.Lock()


def _lookup(paths: list[str], host: str, port: Any, user: Any) -> dict[str, Any]:
    """The ssh_config settings for ``host`` that parity applies itself (lower-case keys).

    asyncssh ignores ``StrictHostKeyChecking``; a subclass of its config parser that knows the
    key reads it with the same Host/Match rules. Cached per file state and host: an inventory
    of 1,000 names on a few addresses parses the file a few times, not 1,000.
    """
    stamp = tuple((p, Path(p).stat().st_mtime_ns) for p in paths)
    key = (stamp, host, port, user)
    with _CONFIG_LOCK:
        hit = _CONFIG_CACHE.get(key)
    if hit is not None:
        return hit
    import getpass

    from asyncssh.config import SSHClientConfig, SSHConfig

    class _Config(SSHClientConfig):  # type: ignore[misc]
        _handlers = {**SSHClientConfig._handlers,
                     "stricthostkeychecking": ("StrictHostKeyChecking", SSHConfig._set_string)}

    try:
        local = getpass.getuser()
    except (KeyError, OSError):
        local = "root"
    try:
        cfg = _Config.load(None, paths, False, False, False, local, user, host, port)
    except Exception as exc:
        raise TransportFailure(f"ssh_config: {exc}") from None
    found = {k.lower(): cfg.get(k) for k in ("StrictHostKeyChecking", "UserKnownHostsFile",
                                             "GlobalKnownHostsFile", "IdentityFile", "Ciphers")
             if cfg.get(k) is not None}
    with _CONFIG_LOCK:
        if len(_CONFIG_CACHE) > 4096:
            _CONFIG_CACHE.clear()
        _CONFIG_CACHE[key] = found
    return found


# -- host keys -----------------------------------------------------------------------------


class _KeyView:
    """An asyncssh key with the three methods parity's host key messages use (paramiko's)."""

    def __init__(self, key: Any) -> None:
        self._key = key

    def asbytes(self) -> bytes:
        return bytes(self._key.public_data)

    def get_name(self) -> str:
        return str(self._key.get_algorithm())

    def get_base64(self) -> str:
        import base64

        return base64.b64encode(self.asbytes()).decode("ascii")


_KNOWN_CACHE: dict[tuple[Any, ...], Any] = {}


def _known_hosts(files: list[str]) -> Any:
    """One parsed SSHKnownHosts for ``files`` (those that exist), cached until one changes."""
    import asyncssh

    present = [f for f in files if Path(f).is_file()]
    stats = [(f, Path(f).stat()) for f in present]
    stamp = tuple((f, st.st_mtime_ns, st.st_size) for f, st in stats)
    hit = _KNOWN_CACHE.get(stamp)
    if hit is None:
        text = ""
        for f in present:
            try:
                text += Path(f).read_text(encoding="utf-8", errors="replace") + "\n"
            except OSError as exc:
                raise HostKeyRejected(f"cannot read known hosts file {f}: "
                                      f"{exc.strerror or exc}") from None
        try:
            hit = asyncssh.import_known_hosts(text)
        except (ValueError, asyncssh.Error) as exc:
            raise HostKeyRejected(f"cannot read known hosts files {', '.join(present)}: "
                                  f"{exc}") from None
        if len(_KNOWN_CACHE) > 64:
            _KNOWN_CACHE.clear()
        _KNOWN_CACHE[stamp] = hit
    return hit


@dataclass
class _Verdict:
    """Why the client refused a host key (read after asyncssh reports the refusal)."""

    message: str = ""


def _client_factory(mode: str, known: Any, searched: list[str], record_in: str | None,
                    verdict: _Verdict) -> Any:
    import asyncssh

    class _Client(asyncssh.SSHClient):  # type: ignore[misc]
        """Decides on a key that no known hosts entry trusts (asyncssh asks it only then)."""

        def validate_host_public_key(self, host: str, addr: str, port_: int, key: Any) -> bool:
            label = host if port_ == 22 else f"[{host}]:{port_}"
            listed = any(asyncssh.match_known_hosts(known, host, addr, port_)[:2])
            view = _KeyView(key)
            if mode == "no":
                return True
            if listed:  # the files name this host with another key: changed
                old = asyncssh.match_known_hosts(known, host, addr, port_)[0]

                class _Exc:
                    key = view
                    expected_key = _KeyView(old[0]) if old else view

                verdict.message = changed_message({"hostname": host, "port": port_}, _Exc,
                                                  searched)
                return False
            if mode == "accept-new" and record_in:
                from parity.facts.backends import _append_known_host

                _append_known_host(record_in, label, view)
                return True
            verdict.message = unknown_message(label, view, searched)
            return False

    return _Client


# -- the event loop ----------------------------------------------------------------------


class _Loop:
    """One asyncio loop on a daemon thread, shared by every asyncssh host of the process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pending: set[concurrent.futures.Future[Any]] = set()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="parity-asyncssh")
        self.thread.start()

    def submit(self, coro: Any) -> concurrent.futures.Future[Any]:
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        with self.lock:
            self.pending.add(fut)
        fut.add_done_callback(self._done)
        return fut

    def _done(self, fut: concurrent.futures.Future[Any]) -> None:
        with self.lock:
            self.pending.discard(fut)

    def abort_all(self) -> None:
        """Cancel every host's task: its ``finally`` drops the connection at once."""
        with self.lock:
            pending = list(self.pending)
        for fut in pending:
            fut.cancel()


_LOOP: _Loop | None = None
_LOOP_LOCK = threading.Lock()


def _loop() -> _Loop:
    global _LOOP
    with _LOOP_LOCK:
        if _LOOP is None:
            _LOOP = _Loop()
        return _LOOP


def abort_all() -> None:
    """Drop every open asyncssh connection (Ctrl-C); the waiting threads then see errors."""
    if _LOOP is not None:
        _LOOP.abort_all()


def run(backend: AsyncSshBackend, command: str, deadline: float, max_output: int) -> RunOutput:
    """Run ``command`` on the host behind ``backend``; the same contract as
    :func:`parity.facts.transport.run` (raises TransportTimeout, TransportFailure -- with
    :class:`~parity.facts.backends.HostKeyRejected` for a refused key -- or OutputTooLarge)."""
    kw, own = backend.connect_kwargs()
    mode = mode_from(backend.strict, own.get("stricthostkeychecking"))
    system = known_hosts_files(own.get("globalknownhostsfile"), SYSTEM_KNOWN_HOSTS)
    user = known_hosts_files(own.get("userknownhostsfile"), USER_KNOWN_HOSTS)
    searched = [p for p in system + user if p != os.devnull]
    known = _known_hosts(searched)
    record_in = next((p for p in user if p != os.devnull), None)
    verdict = _Verdict()
    factory = _client_factory(mode, known, searched, record_in, verdict)
    loop = _loop()
    fut = loop.submit(_session(backend.host.name, kw, known, factory, command, deadline,
                               max_output))
    try:
        return fut.result(timeout=max(0.1, deadline - time.monotonic()) + 5)
    except concurrent.futures.TimeoutError:
        fut.cancel()
        raise TransportTimeout() from None
    except concurrent.futures.CancelledError:
        raise TransportFailure("ssh failed: the connection was dropped (interrupted)") from None
    except _Refused:
        raise HostKeyRejected(verdict.message or "host key refused") from None


class _Refused(Exception):
    """The host key check refused the server (the message is in the verdict)."""


async def _session(host: str, kw: dict[str, Any], known: Any, factory: Any,
                   command: str, deadline: float, max_output: int) -> RunOutput:
    import asyncssh

    conn = None
    try:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TransportTimeout()
        async with asyncio.timeout(left):
            try:
                conn = await asyncssh.connect(host, known_hosts=known, client_factory=factory,
                                              password=None, kbdint_auth=False,
                                              password_auth=False, **kw)
            except asyncssh.HostKeyNotVerifiable:
                raise _Refused() from None
            out, err = bytearray(), bytearray()
            too_large = False

            class _Session(asyncssh.SSHClientSession):  # type: ignore[misc]
                def connection_made(self, chan: Any) -> None:
                    self.chan = chan

                def data_received(self, data: bytes, datatype: Any) -> None:
                    nonlocal too_large
                    if datatype == asyncssh.EXTENDED_DATA_STDERR:
                        err.extend(data)
                        if len(err) > STDERR_KEEP:
                            del err[:-STDERR_KEEP]
                    elif not too_large:
                        out.extend(data)
                        if len(out) > max_output:
                            too_large = True
                            self.chan.abort()

            chan, _ = await conn.create_session(_Session, command, encoding=None)
            chan.write_eof()
            await chan.wait_closed()
            if too_large:
                raise OutputTooLarge(max_output)
            status = chan.get_exit_status()
            signal = chan.get_exit_signal()
            if status is None or status < 0:
                status = 128 + _signum(signal[0]) if signal else 255
            return RunOutput(status, bytes(out), bytes(err))
    except TimeoutError:
        raise TransportTimeout() from None
    except (TransportTimeout, OutputTooLarge, _Refused, TransportFailure, HostError):
        raise
    except asyncssh.PermissionDenied as exc:
        raise TransportFailure(f"ssh failed: {_where(host, kw)}: Permission denied "
                               f"({exc.reason})") from None
    except asyncssh.Error as exc:
        raise TransportFailure(f"ssh failed: {_where(host, kw)}: {exc.reason}") from None
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)  # asyncio words it oddly
        raise TransportFailure(f"ssh failed: connect to host {host} port "
                               f"{kw.get('port') or 22}: {why}") from None
    except (ValueError, KeyError) as exc:  # a key file asyncssh cannot load, a bad option
        raise TransportFailure(f"ssh failed: {_where(host, kw)}: {exc}") from None
    finally:
        if conn is not None:
            conn.abort()


def _where(host: str, kw: dict[str, Any]) -> str:
    user = kw.get("username")
    return f"{user + '@' if isinstance(user, str) and user else ''}{host}"


def _signum(name: str) -> int:
    import signal

    try:
        return int(getattr(signal, f"SIG{name}"))
    except (AttributeError, TypeError):
        return 127


def hostspec_for(url: str) -> tuple[str, dict[str, Any]]:
    """``asyncssh://u@h:p?ssh_config=…`` -> testinfra's (hostspec, kwargs), as for ssh://."""
    import testinfra.backend

    parsed = urllib.parse.urlparse(url)
    return testinfra.backend.parse_hostspec(parsed._replace(scheme="ssh").geturl())
