"""testinfra's paramiko backend with OpenSSH's host key check (see :mod:`parity.facts.backends`).

Imported only for ``paramiko://`` hosts (and ssh hosts with a password), after
:func:`~parity.facts.backends.make_backend` has checked with :func:`parity.optional.require` that
paramiko is installed: without it the user gets a usage error naming the ``paramiko`` extra.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import paramiko
from testinfra.backend.paramiko import ParamikoBackend

from parity.facts.backends import (
    SYSTEM_KNOWN_HOSTS,
    USER_KNOWN_HOSTS,
    HostKeyRejected,
    Policy,
    changed_message,
    known_hosts_files,
    mode_from,
)

#: the ssh_config keys the host key check needs (testinfra's loader ignores them, except
#: ``StrictHostKeyChecking no``, which it maps to its own accept-anything policy: overridden here)
_KEYS = ("stricthostkeychecking", "userknownhostsfile", "globalknownhostsfile")


class VerifiedParamikoBackend(ParamikoBackend):  # type: ignore[misc]
    """Connects only to a host whose key the known hosts files list (or the opt-out allows)."""

    def __init__(self, hostspec: str, *args: Any, strict: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(hostspec, *args, **kwargs)
        self.strict = strict
        self._ssh_options: dict[str, str] = {}

    def _load_ssh_config(self, client: paramiko.SSHClient, cfg: dict[str, Any],
                         ssh_config: paramiko.SSHConfig, ssh_config_dir: str = "~/.ssh") -> None:
        found = ssh_config.lookup(self.host.name)
        for key in _KEYS:
            if key in found:  # first value wins, as in ssh (an Include is read after)
                self._ssh_options.setdefault(key, str(found[key]))
        super()._load_ssh_config(client, cfg, ssh_config, ssh_config_dir)

    @functools.cached_property
    def client(self) -> paramiko.SSHClient:
        """testinfra's connection settings, then :meth:`_connect` with the key check."""
        client = paramiko.SSHClient()
        cfg: dict[str, Any] = {
            "hostname": self.host.name,
            "port": int(self.host.port) if self.host.port else 22,
            "username": self.host.user,
            "timeout": self.timeout,
            "password": self.host.password,
        }
        self._ssh_options = {}
        path = Path(self.ssh_config) if self.ssh_config else Path.home() / ".ssh" / "config"
        try:
            with path.open() as f:
                config = paramiko.SSHConfig()
                config.parse(f)
        except OSError as exc:
            if self.ssh_config:
                raise HostKeyRejected(f"cannot read ssh_config {self.ssh_config}: "
                                      f"{exc.strerror or exc}") from None
        else:
            self._load_ssh_config(client, cfg, config, str(path.parent))
        if self.ssh_identity_file:
            cfg["key_filename"] = self.ssh_identity_file
        return self._connect(cfg)

    def _connect(self, cfg: dict[str, Any]) -> paramiko.SSHClient:
        """Connect with the known keys loaded and a policy for unknown ones.

        paramiko checks the server's key right after the key exchange, before any
        authentication: a refused key means the impostor never sees a password or a command.
        Known keys are loaded as paramiko's "system" keys, which it never writes back.
        """
        mode = mode_from(self.strict, self._ssh_options.get("stricthostkeychecking"))
        system = known_hosts_files(self._ssh_options.get("globalknownhostsfile"),
                                   SYSTEM_KNOWN_HOSTS)
        user = known_hosts_files(self._ssh_options.get("userknownhostsfile"), USER_KNOWN_HOSTS)
        searched = [p for p in system + user if p != os.devnull]
        client = paramiko.SSHClient()
        for p in searched:
            if Path(p).is_file():
                try:
                    client.load_system_host_keys(p)
                except (OSError, paramiko.SSHException, ValueError) as exc:
                    raise HostKeyRejected(f"cannot read known hosts file {p}: {exc}") from None
        record_in = next((p for p in user if p != os.devnull), None)
        client.set_missing_host_key_policy(Policy(mode, record_in, searched))
        try:
            client.connect(**cfg)
        except paramiko.BadHostKeyException as exc:
            client.close()
            if mode != "no":
                raise HostKeyRejected(changed_message(cfg, exc, searched)) from None
            # as ssh does with StrictHostKeyChecking=no: go on, but never with the password
            client = paramiko.SSHClient()
            client.set_missing_host_key_policy(Policy("no", None, searched))
            client.connect(**{**cfg, "password": None})
        return client
