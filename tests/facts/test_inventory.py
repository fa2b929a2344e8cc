"""Inventories resolved by ansible-core: the hosts Ansible would contact, and no others.

Every expectation comes from Ansible's own CLIs (tests/facts/ansible_oracle.py): the host set from
``ansible PATTERN --list-hosts``, each host's address/port/user/key from ``ansible-inventory
--list``, a templated address from ``ansible -m debug``, and the ssh command line from ``sh``.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from parity.errors import UsageError
from parity.facts import resolve_hosts
from parity.facts.inventory import InventoryHost, ansible_python, resolve_inventory
from tests.facts.ansible_oracle import (
    INVENTORIES,
    VAULT_PASSWORD,
    clean_env,
    cli,
    connection_from_hostvars,
    connection_of,
    hostvars,
    list_hosts,
)

CASES = [
    ("ini/hosts", ["all", "webservers:dbservers", "webservers:&east", "webservers:!foo.example.com",
                   r"~(one|two)\.example\.com", "web*", "prod", "jumper", "*.example.com"]),
    ("yaml/inventory", ["all", "dbservers:&east", "east:!one.example.com", "~^ba", "test"]),
    ("ungrouped/hosts", ["all", "ungrouped", "prod:test"]),
    ("ranges/hosts.ini", ["webservers:&staging", "databases", "www0*"]),
    ("dir", ["all", "dbservers:!webservers"]),
    ("types/hosts.ini", ["local"]),
]


@pytest.fixture(autouse=True)
def _needs_ansible() -> None:
    cli("ansible-inventory")
    assert ansible_python() is not None


@pytest.mark.parametrize(("source", "pattern"),
                         [(s, p) for s, patterns in CASES for p in patterns])
def test_hosts_and_connections_match_ansible(source: str, pattern: str, tmp_path: Path) -> None:
    path = INVENTORIES / source
    hosts = resolve_inventory(path, pattern, env=clean_env())
    assert [h.name for h in hosts] == list_hosts(path, pattern, tmp_path)
    assert hosts, "every case selects at least one host"
    oracle = hostvars(path, tmp_path, limit=pattern)
    assert set(oracle) <= {h.name for h in hosts}
    for h in hosts:
        assert connection_of(h) == connection_from_hostvars(h.name, oracle.get(h.name, {})), h.name


def test_vaulted_group_vars_use_the_users_password_file(tmp_path: Path) -> None:
    path = INVENTORIES / "vault" / "hosts.yml"
    env = clean_env(ANSIBLE_VAULT_PASSWORD_FILE=str(VAULT_PASSWORD))
    hosts = resolve_inventory(path, "webservers", env=env)
    oracle = hostvars(path, tmp_path, ANSIBLE_VAULT_PASSWORD_FILE=str(VAULT_PASSWORD))
    assert [connection_of(h) for h in hosts] == [
        connection_from_hostvars(n, oracle[n]) for n in ("bar.example.com", "foo.example.com")]
    assert hosts[0].user == "vaulted"
    with pytest.raises(UsageError, match="vault") as err:
        resolve_inventory(path, "webservers", env=clean_env())
    assert "ANSIBLE_VAULT_PASSWORD_FILE" in (err.value.hint or "")


def test_templates_are_rendered_as_ansible_renders_them(tmp_path: Path) -> None:
    inv = tmp_path / "hosts"
    inv.write_text("[web]\nweb2 ansible_host=\"{{ inventory_hostname }}.internal\" "
                   "ansible_port=\"{{ 2000 + 22 }}\"\n")
    [host] = resolve_inventory(inv, "web", env=clean_env())
    out = subprocess.run([cli("ansible"), "-i", str(inv), "web2", "-m", "ansible.builtin.debug",
                          "-a", "var=ansible_host"], capture_output=True, text=True,
                         cwd=tmp_path, env=clean_env(), timeout=120, check=True).stdout
    assert f'"ansible_host": "{host.address}"' in out
    assert (host.address, host.port) == ("web2.internal", 2022)


def test_inventory_vars_beat_the_environment_which_beats_defaults(tmp_path: Path) -> None:
    inv = tmp_path / "hosts.ini"
    inv.write_text("a ansible_user=inv\nb\n")
    env = clean_env(ANSIBLE_REMOTE_USER="fromenv", ANSIBLE_REMOTE_PORT="2200")
    a, b = resolve_inventory(inv, "all", env=env)
    assert (a.user, a.port, b.user, b.port) == ("inv", 2200, "fromenv", 2200)


def test_a_file_ansible_cannot_parse_is_an_error_not_an_empty_fleet(tmp_path: Path) -> None:
    # YAML in a file named *.ini: Ansible's ini plugin rejects "all:" and Ansible contacts nobody
    inv = tmp_path / "hosts.ini"
    inv.write_text("all:\n  children:\n    web:\n      hosts:\n        web1:\n")
    assert list_hosts(inv, "all", tmp_path) == []
    with pytest.raises(UsageError, match=r"hosts\.ini"):
        resolve_inventory(inv, "all", env=clean_env())


def test_no_match_and_unknown_connection_are_usage_errors(tmp_path: Path) -> None:
    inv = INVENTORIES / "ini" / "hosts"
    assert list_hosts(inv, "nosuch", tmp_path) == []
    with pytest.raises(UsageError, match="no host matches 'nosuch'"):
        resolve_hosts(["nosuch"], inventory=str(inv))
    winrm = tmp_path / "hosts"
    winrm.write_text("win1 ansible_connection=winrm\n")
    with pytest.raises(UsageError, match="connection 'winrm' has no testinfra transport"):
        resolve_hosts(["all"], inventory=str(winrm))


def _shell_words(host: InventoryHost, source: str) -> list[str]:
    """The argv ssh would get: testinfra's command line, run by sh with printf in ssh's place."""
    [target] = resolve_hosts([host.name], inventory=source)
    backend = target.backend()
    cmd, args = backend._build_ssh_command("true")
    line = " ".join(cmd[1:]) % tuple(shlex.quote(a) for a in args)
    out = subprocess.run(["sh", "-c", f"printf '%s\\n' {line}"], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    return out.splitlines()


def test_ssh_args_reach_ssh_as_ansible_splits_them(tmp_path: Path) -> None:
    source = str(INVENTORIES / "ini" / "hosts")
    [bar] = resolve_inventory(source, "bar.example.com", env=clean_env())
    words = _shell_words(bar, source)
    assert words[:4] == ["-o", "ProxyJump=jumper.example.com", "-o", "SetEnv=NOTE=a b"]
    marker = tmp_path / "pwned"
    inv = tmp_path / "hosts"
    inv.write_text(f"evil ansible_ssh_extra_args='-o ConnectTimeout=1; touch {marker}' "
                   "ansible_host=127.0.0.1\n")
    [evil] = resolve_inventory(inv, "evil", env=clean_env())
    assert evil.ssh_args == ("-o", "ConnectTimeout=1;", "touch", str(marker))
    assert _shell_words(evil, str(inv))[:4] == list(evil.ssh_args)
    assert not marker.exists()


def test_cli_takes_patterns_and_directories(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "parity", "snapshot", "webservers:&nosuch",
                           "--inventory", str(INVENTORIES / "dir")], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "no host matches 'webservers:&nosuch'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "parity", "snapshot", "webservers",
                           "--inventory", str(INVENTORIES / "dir")], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "names 2 hosts" in proc.stderr


def test_odd_names_reach_testinfra_intact_and_option_like_hosts_are_refused(
        tmp_path: Path) -> None:
    inv = tmp_path / "hosts"
    inv.write_text("a ansible_host=::1 ansible_port=2200 ansible_user='o:dd@user' "
                   "ansible_password='p@ss/w#rd?x%41'\n"
                   "b ansible_host=-oProxyCommand=touch ansible_connection=paramiko\n")
    [a] = resolve_hosts(["a"], inventory=str(inv))
    spec = a.backend().host
    assert (spec.name, spec.port, spec.user, spec.password) == (
        "::1", "2200", "o:dd@user", "p@ss/w#rd?x%41")
    with pytest.raises(UsageError, match="address '-oProxyCommand=touch' is not usable"):
        resolve_hosts(["b"], inventory=str(inv))


def test_ansible_on_path_in_another_python_is_used(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    """A pipx-style ansible-core: not importable here, but ansible-inventory is on PATH."""
    exe = Path(cli("ansible-inventory"))
    monkeypatch.setitem(sys.modules, "ansible", None)
    monkeypatch.setenv("PATH", f"{exe.parent}:/usr/bin:/bin")
    python = ansible_python()
    assert python is not None and Path(python).parent == exe.parent
    # a playbook repository's own ansible/ folder in the working directory must not shadow it
    (tmp_path / "ansible").mkdir()
    (tmp_path / "ansible" / "__init__.py").write_text("raise ImportError('shadowed')\n")
    monkeypatch.chdir(tmp_path)
    path = INVENTORIES / "ini" / "hosts"
    hosts = resolve_inventory(path, "webservers:&east", env=clean_env(PATH=f"{exe.parent}:/bin"))
    assert [h.name for h in hosts] == list_hosts(path, "webservers:&east", tmp_path)
