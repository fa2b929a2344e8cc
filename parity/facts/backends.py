"""testinfra backends that check whom they talk to before they say anything.

testinfra's paramiko backend accepts any host key (``WarningPolicy``, no known_hosts loaded): an
impostor on the host's address would receive the password and the whole collection script. So
``paramiko://`` URLs get :class:`VerifiedParamikoBackend`, which checks the server's key the way
OpenSSH does -- against ``/etc/ssh/ssh_known_hosts`` and ``~/.ssh/known_hosts``, or the
``GlobalKnownHostsFile``/``UserKnownHostsFile`` an ``ssh_config=`` file names -- and refuses an
unknown or changed key before authenticating (paramiko sends a password only after the key check).

``StrictHostKeyChecking`` from that ssh_config, or the URL parameter
``strict_host_key_checking=yes|accept-new|no`` (which wins, as ``ssh -o`` wins over a config
file), relaxes it, with OpenSSH's meanings: ``accept-new`` trusts and records a first key but
refuses a changed one; ``no`` accepts both, and for a changed key, like ssh, never sends the
password. ``ssh://`` is checked by ssh itself (in batch mode, so an unknown key fails); the URL
parameter is passed on to it as ``-o StrictHostKeyChecking=``. ``asyncssh://`` (and ``ssh://``
with ``PARITY_SSH_CLIENT=asyncssh``) is checked like ``paramiko://``, by
:mod:`parity.facts.ssh_async`.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from parity.errors import HostError
from parity.facts.transport import TransportFailure
from parity.redact import redact_url

#: parity's own URL parameter; testinfra ignores unknown query keys
STRICT_PARAM = "strict_host_key_checking"
#: OpenSSH's defaults for GlobalKnownHostsFile and UserKnownHostsFile
SYSTEM_KNOWN_HOSTS = ("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
USER_KNOWN_HOSTS = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
#: StrictHostKeyChecking values (ssh_config(5)) -> what parity does; ``ask`` cannot ask: refuse
_MODES = {"yes": "yes", "ask": "yes", "true": "yes", "accept-new": "accept-new",
          "no": "no", "off": "no", "false": "no"}


def strict_mode(url: str) -> str | None:
    """The ``strict_host_key_checking`` value a URL asks for, or None; raises for a bad one."""
    values = urllib.parse.parse_qs(urllib.parse.urlparse(url).query).get(STRICT_PARAM)
    if not values:
        return None
    mode = _MODES.get(values[-1].strip().lower())
    if mode is None:
        from parity.errors import UsageError

        raise UsageError(f"host {redact_url(url)!r}: {STRICT_PARAM}={values[-1]!r} is not "
                         "yes, accept-new or no")
    return mode


def make_backend(url: str, **kwargs: Any) -> Any:
    """The testinfra backend for ``url`` (and extra backend ``kwargs``), host keys checked.

    An ``ssh://`` spec with a password (an inventory's ``ansible_password``; a typed URL is
    refused earlier, in :mod:`parity.facts.hosts`) goes through paramiko instead: testinfra
    would put the password on sshpass's command line, visible to every local user, and
    parity's batch-mode ssh never sends it anyway.
    """
    import testinfra.backend

    scheme = urllib.parse.urlparse(url).scheme
    mode = strict_mode(url)
    if scheme == "asyncssh":
        from parity.facts.ssh_async import hostspec_for

        host, kw = hostspec_for(url)
    else:
        host, kw = testinfra.backend.parse_hostspec(url)
    for key, value in kwargs.items():
        kw.setdefault(key, value)
    if scheme in ("ssh", "safe-ssh") and not _has_password(host):
        from parity.facts.ssh_async import client_choice

        if client_choice() == "asyncssh":
            scheme = "asyncssh"
    if scheme == "asyncssh":
        from parity.facts.ssh_async import AsyncSshBackend, require_asyncssh

        require_asyncssh()
        kw.pop(STRICT_PARAM, None)
        return AsyncSshBackend(host, strict=mode, **kw)
    if scheme in ("ssh", "safe-ssh") and _has_password(host):
        if kw.get("ssh_extra_args"):
            raise HostError(f"{redact_url(url)}: a password and ssh arguments together",
                            hint="parity sends passwords only through paramiko, which takes no "
                                 "ssh arguments; use key authentication for this host.")
        scheme = "paramiko"
    if scheme == "paramiko":
        from parity.optional import require

        require("paramiko", "paramiko", f"{redact_url(url)}: a paramiko:// host (or an ssh host "
                "with a password)", alternative="use key authentication and ssh://")
        from parity.facts.paramiko_backend import VerifiedParamikoBackend

        kw.pop("connection", None)
        return VerifiedParamikoBackend(host, strict=mode, **kw)
    backend = testinfra.backend.get_backend(url, **kwargs)
    if scheme in ("ssh", "safe-ssh") and mode is not None:
        extra = backend.ssh_extra_args or ""
        backend.ssh_extra_args = f"-o StrictHostKeyChecking={mode} {extra}".strip()
    return backend


def _has_password(hostspec: str) -> bool:
    from testinfra.backend.base import BaseBackend

    return bool(BaseBackend.parse_hostspec(hostspec).password)


SSH_PASSWORD_HINT = ("parity runs ssh in batch mode, which never sends a password. Use key "
                     "authentication (?ssh_identity_file=KEY or an ssh agent), or paramiko://, "
                     "which checks host keys the same way.")


class HostKeyRejected(TransportFailure):
    """The server's host key is unknown or changed (or unreadable known hosts): nothing was sent.

    A :class:`~parity.facts.transport.TransportFailure`, so its words reach the user as they are.
    """


class Policy:
    """Decides on a key no loaded known_hosts file lists for the host (paramiko asks it then)."""

    def __init__(self, mode: str, record_in: str | None, searched: list[str]) -> None:
        self.mode = mode
        self.record_in = record_in
        self.searched = searched

    def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
        if self.mode == "no":
            return
        if self.mode == "accept-new" and self.record_in:
            _append_known_host(self.record_in, hostname, key)
            return
        raise HostKeyRejected(unknown_message(hostname, key, self.searched))


def mode_from(strict: str | None, configured: str | None) -> str:
    """The URL's mode, else ssh_config's StrictHostKeyChecking, else ``yes``."""
    return strict or _MODES.get((configured or "yes").lower(), "yes")


def known_hosts_files(value: str | None, default: tuple[str, ...]) -> list[str]:
    """The files an ssh_config ``*KnownHostsFile`` value names (``~`` and ``%d`` expanded)."""
    words = value.split() if value else list(default)
    home = str(Path.home())
    return [str(Path(w.replace("%d", home)).expanduser()) for w in words]


def _host_label(hostname: str) -> tuple[str, int | None]:
    """``[h]:2222`` (how known_hosts names a non-22 port) -> (h, 2222); ``h`` -> (h, None)."""
    if hostname.startswith("[") and "]:" in hostname:
        host, _, port = hostname[1:].partition("]:")
        return host, int(port)
    return hostname, None


def _fingerprint(key: Any) -> str:
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return f"{key.get_name()} SHA256:{digest}"


def _scan_command(hostname: str) -> str:
    host, port = _host_label(hostname)
    return f"ssh-keyscan {'-p ' + str(port) + ' ' if port else ''}{host}"


def unknown_message(hostname: str, key: Any, searched: list[str]) -> str:
    return (f"host key of {hostname} is not known ({_fingerprint(key)} is in none of "
            f"{', '.join(searched) or 'no known hosts file'}); refused before sending any "
            "password or command. If this really is the host, record its key: connect once with "
            f"ssh, or run `{_scan_command(hostname)} >> ~/.ssh/known_hosts` after comparing the "
            "fingerprint with the host's own (`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on "
            f"it). Only for throwaway hosts: add ?{STRICT_PARAM}=no to the URL.")


def changed_message(cfg: dict[str, Any], exc: Any, searched: list[str]) -> str:
    port = cfg.get("port") or 22
    hostname = cfg["hostname"] if port == 22 else f"[{cfg['hostname']}]:{port}"
    return (f"host key of {hostname} CHANGED: it offers {_fingerprint(exc.key)}, but "
            f"{', '.join(searched)} record {_fingerprint(exc.expected_key)}. Someone may be "
            "impersonating the host, or it was reinstalled; refused before sending any password "
            "or command. If the change is expected, remove the old key (`ssh-keygen -R "
            f"'{hostname}'`) and record the new one (`{_scan_command(hostname)} >> "
            "~/.ssh/known_hosts`, after comparing fingerprints).")


def _append_known_host(path: str, hostname: str, key: Any) -> None:
    """Record a first-seen key as ssh's ``accept-new`` does (in the first UserKnownHostsFile)."""
    Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with Path(path).open("a", encoding="ascii") as f:
        f.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")
