"""Ansible's own CLIs as the independent oracle for inventory tests.

``ansible PATTERN --list-hosts`` says which hosts Ansible would contact; ``ansible-inventory
--list`` says which variables each one has. Both run from an empty folder (no ./ansible.cfg) with
no ANSIBLE_* settings but the ones a test passes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

try:  # imported now: the no-ansible tests hide the package from parity later
    from ansible.module_utils.parsing.convert_bool import boolean
except ImportError:  # the tests skip through cli() then
    boolean = bool

INVENTORIES = Path(__file__).parent / "inventories"
VAULT_PASSWORD = INVENTORIES / "vault" / "password"


def cli(name: str) -> str:
    """The ansible CLI next to this Python (the venv bootstrap installs ansible-core into)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install 'parity[ansible]')")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
                          check=False)
    assert proc.returncode == 0, f"{args}: {proc.stderr}"
    return proc.stdout


def list_hosts(source: Path, pattern: str, cwd: Path, **env: str) -> list[str]:
    """``ansible -i SOURCE PATTERN --list-hosts``: the hosts Ansible would contact."""
    out = _run([cli("ansible"), "-i", str(source), pattern, "--list-hosts"], clean_env(**env), cwd)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("hosts ("))
    return sorted(line.strip() for line in lines[start + 1:] if line.strip())


def hostvars(source: Path, cwd: Path, limit: str | None = None, **env: str) -> dict[str, Any]:
    """``ansible-inventory -i SOURCE --list [--limit PATTERN]``'s _meta.hostvars."""
    args = [cli("ansible-inventory"), "-i", str(source), "--list"]
    if limit:
        args += ["--limit", limit]
    return json.loads(_run(args, clean_env(**env), cwd))["_meta"]["hostvars"]  # type: ignore[no-any-return]


def connection_from_hostvars(name: str, hv: dict[str, Any]) -> dict[str, Any]:
    """What a host's inventory variables tell ssh (fixtures use the ansible_* names only)."""
    return {
        "address": hv.get("ansible_host", name),
        "port": hv.get("ansible_port"),
        "user": hv.get("ansible_user"),
        "private_key_file": hv.get("ansible_ssh_private_key_file",
                                   hv.get("ansible_private_key_file")),
        "become": boolean(hv.get("ansible_become", False)),
        "ssh_args": tuple(shlex.split(hv.get("ansible_ssh_common_args", ""))
                          + shlex.split(hv.get("ansible_ssh_extra_args", ""))),
    }


def connection_of(host: Any) -> dict[str, Any]:
    """The same fields from parity's InventoryHost."""
    return {"address": host.address, "port": host.port, "user": host.user,
            "private_key_file": host.private_key_file, "become": host.become,
            "ssh_args": host.ssh_args}
