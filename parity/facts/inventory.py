"""Which hosts an Ansible inventory pattern selects, and how Ansible would connect to each.

The truth is ansible-core: with it installed (``pip install 'parity[ansible]'``, or an
``ansible-inventory`` on PATH from pipx), ``ansible_resolver.py`` runs in that Python, in a child
process with the user's whole environment, and asks Ansible's InventoryManager and VariableManager
(every inventory plugin and script, directories, group_vars/host_vars, vault through
ANSIBLE_VAULT_PASSWORD_FILE, patterns like ``web:&db``, ``web:!db1``, ``~regex``, ``web*``). An
inventory Ansible cannot parse is an error here, not a warning: parity must never contact hosts
read from a misparsed file. Without ansible-core, ``inventory_static`` reads the static INI/YAML
files it can read exactly as Ansible would and refuses the rest, naming the extra to install.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.errors import UsageError
from parity.textsafe import safe

#: Ansible connection plugin -> testinfra backend that speaks the same transport
_BACKENDS = {
    "ssh": "ssh", "smart": "ssh", "ansible.builtin.ssh": "ssh",
    "paramiko": "paramiko", "paramiko_ssh": "paramiko", "ansible.builtin.paramiko_ssh": "paramiko",
    "local": "local", "ansible.builtin.local": "local",
    "docker": "docker", "community.docker.docker": "docker",
    "lxc": "lxc", "community.general.lxc": "lxc", "lxd": "lxc", "community.general.lxd": "lxc",
}
_RESOLVER = Path(__file__).with_name("ansible_resolver.py")
# -c puts the working directory first on sys.path, where a folder named ``ansible`` (a playbook
# repository's) would shadow ansible-core; drop it before running the resolver file
_BOOT = ("import runpy, sys; sys.path.pop(0); sys.argv = sys.argv[1:]; "
         "runpy.run_path(sys.argv[0], run_name='__main__')")


@dataclass(frozen=True)
class InventoryHost:
    """One inventory host with the connection settings Ansible would use for it."""

    name: str
    connection: str
    address: str
    port: int | None = None
    user: str | None = None
    private_key_file: str | None = None
    password: str | None = field(default=None, repr=False)
    ssh_args: tuple[str, ...] = ()
    become: bool = False
    become_method: str = "sudo"
    become_user: str | None = None
    #: every inventory group the host is in (``all`` included), for ``parity report --map``
    groups: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> InventoryHost:
        return cls(name=str(rec["name"]), connection=str(rec["connection"]),
                   address=str(rec["address"]), port=rec.get("port"), user=rec.get("user"),
                   private_key_file=rec.get("private_key_file"), password=rec.get("password"),
                   ssh_args=tuple(rec.get("ssh_args") or ()), become=bool(rec.get("become")),
                   become_method=str(rec.get("become_method") or "sudo"),
                   become_user=rec.get("become_user"),
                   groups=tuple(str(g) for g in rec.get("groups") or ()))

    def testinfra_spec(self, source: str) -> tuple[str, dict[str, Any]]:
        """(hostspec, kwargs) for ``testinfra.backend.get_backend``; checked before any contact.

        The ssh arguments are re-quoted with shlex.join because testinfra pastes them into a
        shell command line: an inventory's ``ansible_ssh_common_args`` must reach ssh as the
        words Ansible would pass (Ansible shlex-splits them too), never as shell syntax.
        """
        where = f"inventory {source}: host {self.name}"
        kind = _BACKENDS.get(self.connection)
        if kind is None:
            raise UsageError(f"{where}: connection {self.connection!r} has no testinfra "
                             "transport", hint="parity reaches ssh, paramiko, local, docker and "
                             "lxc hosts; check this one with a --host URL instead.")
        if self.become and self.become_method.rsplit(".", 1)[-1] != "sudo":
            raise UsageError(f"{where}: become method {self.become_method!r}; testinfra "
                             "becomes another user with sudo only")
        kwargs: dict[str, Any] = {}
        if self.become:
            kwargs["sudo"] = True
            kwargs["sudo_user"] = self.become_user
        if kind == "local":
            return "local://", kwargs
        for label, value in (("address", self.address), ("user", self.user)):
            # ssh would read a leading "-" as an option, whatever the quoting
            if value is not None and (not value.strip() or value.startswith("-")
                                      or any(c.isspace() for c in value)):
                raise UsageError(f"{where}: {label} {value!r} is not usable as a host or user name")
        if self.port is not None and not 0 < int(self.port) < 65536:
            raise UsageError(f"{where}: port {self.port} is out of range")
        # testinfra parses the spec as a URL and unquotes each part: quote them all
        spec = f"{kind}://"
        if self.user:
            spec += _quote(self.user)
            if self.password and not self.private_key_file and kind in ("ssh", "paramiko"):
                spec += f":{_quote(self.password)}"
            spec += "@"
        try:
            v6 = ipaddress.ip_address(self.address).version == 6
        except ValueError:
            v6 = False
        spec += f"[{self.address}]" if v6 else _quote(self.address)
        if self.port and kind in ("ssh", "paramiko"):
            spec += f":{self.port}"
        if kind in ("ssh", "paramiko") and self.private_key_file:
            kwargs["ssh_identity_file"] = str(Path(self.private_key_file).expanduser())
        if kind == "ssh" and self.ssh_args:
            kwargs["ssh_extra_args"] = shlex.join(self.ssh_args)
        return spec, kwargs


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def ansible_python() -> str | None:
    """The Python that has ansible-core: this one, else the one ``ansible-inventory`` runs in."""
    spec = importlib.util.find_spec("ansible")
    if spec is not None and spec.origin is not None:
        return sys.executable
    exe = shutil.which("ansible-inventory")
    if not exe:
        return None
    try:
        with Path(exe).open("rb") as fh:
            first = fh.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if words and Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[1])
    return words[0] if words and Path(words[0]).is_file() else None


def resolve_inventory(path: str | Path, pattern: str = "all",
                      env: Mapping[str, str] | None = None) -> list[InventoryHost]:
    """The hosts ``pattern`` selects in the inventory at ``path``, sorted by name."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"inventory {path}: no such file or directory")
    env = dict(os.environ if env is None else env)
    python = ansible_python()
    if python is not None:
        records = _resolve_with_ansible(python, path, pattern, env)
    else:
        from parity.facts.inventory_static import resolve_static

        records = resolve_static(path, pattern, env)
    return [InventoryHost.from_record(r) for r in records]


def _resolve_with_ansible(python: str, path: Path, pattern: str,
                          env: dict[str, str]) -> list[dict[str, Any]]:
    # Ansible only warns about a source no plugin could parse and goes on with what it has
    # (possibly nothing but implicit localhost); for parity that is an error
    env.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
    env.setdefault("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True")
    env.setdefault("ANSIBLE_VERBOSITY", "0")
    try:
        proc = subprocess.run([python, "-c", _BOOT, str(_RESOLVER), str(path), pattern],
                              capture_output=True, text=True, timeout=300, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"inventory {path}: running ansible-core failed: {exc}") from None
    for line in proc.stderr.split("\n"):  # Ansible's own warnings, as Ansible would show them
        if line.strip():
            print(safe(f"ansible-core: {line.strip()}"), file=sys.stderr)
    result = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                continue
            break
    if proc.returncode != 0 or not isinstance(result, dict):
        raise UsageError(f"inventory {path}: ansible-core ({python}) failed: "
                         f"{(proc.stderr.strip() or proc.stdout.strip())[-500:]}")
    if "error" in result:
        hint = None
        if "vault" in result["error"].lower():
            hint = "Set ANSIBLE_VAULT_PASSWORD_FILE (or vault_password_file in ansible.cfg)."
        raise UsageError(f"inventory {path}: {result['error']}", hint=hint)
    return list(result["hosts"])
