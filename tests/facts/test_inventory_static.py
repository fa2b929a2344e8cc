"""Inventories without ansible-core: exactly Ansible's answer, or a usage error that says so.

ansible-core is hidden from parity (its import fails, no ansible-inventory on PATH) while the
oracle, Ansible's own CLIs, still answers from the venv.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parity.errors import UsageError
from parity.facts import resolve_hosts
from parity.facts.inventory import ansible_python, resolve_inventory
from parity.facts.inventory_static import (
    PARAMIKO_OPTIONS,
    SSH_OPTIONS,
    SUDO_USER,
    host_vars,
    read_static,
)
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

ACCEPTED = [
    ("ini/hosts", ["all", "webservers", "dbservers", "prod", "test", "ungrouped", "jumper",
                   "two.example.com"]),
    ("yaml/inventory", ["all", "webservers", "east", "test", "mail.example.com"]),
    ("ungrouped/hosts", ["all", "ungrouped", "prod", "west"]),
    ("types/hosts.ini", ["all", "local"]),
]


def _plain(value: Any) -> Any:
    """ansible-inventory's JSON marks strings made from bytes as {"__ansible_unsafe": text}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def no_ansible(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cli("ansible-inventory")  # the oracle needs it; parity must not see it
    monkeypatch.setitem(sys.modules, "ansible", None)
    monkeypatch.setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    assert ansible_python() is None
    yield


@pytest.mark.parametrize(("source", "pattern"),
                         [(s, p) for s, patterns in ACCEPTED for p in patterns])
def test_static_inventories_resolve_as_ansible_does(no_ansible: None, source: str, pattern: str,
                                                    tmp_path: Path) -> None:
    path = INVENTORIES / source
    hosts = resolve_inventory(path, pattern, env=clean_env())
    assert [h.name for h in hosts] == list_hosts(path, pattern, tmp_path)
    oracle = hostvars(path, tmp_path)
    for h in hosts:
        assert connection_of(h) == connection_from_hostvars(h.name, oracle.get(h.name, {})), h.name


@pytest.mark.parametrize("source", [s for s, _ in ACCEPTED])
def test_every_variable_matches_ansible_inventory(no_ansible: None, source: str,
                                                  tmp_path: Path) -> None:
    """Value parsing (INI literal_eval, YAML 1.1) and precedence, variable for variable."""
    path = INVENTORIES / source
    data = read_static(path)
    ours = {h: {k: v for k, v in host_vars(data, h).items() if k != "inventory_hostname"}
            for h in data.hosts}
    oracle = _plain(hostvars(path, tmp_path))
    assert ours == {h: oracle.get(h, {}) for h in data.hosts}
    if source == "ini/hosts":  # INI keeps 0123 a string; YAML 1.1 reads it as octal 83
        assert ours["two.example.com"]["app_port"] == "0123"
        assert ours["bar.example.com"]["ansible_user"] == "deploy"  # group_vars beat [web:vars]
    if source == "yaml/inventory":
        assert ours["two.example.com"]["app_port"] == 83
    if source == "types/hosts.ini":
        assert ours["app1"]["value_list_with_fallbacks"] == ["...", "1j", [], [1, 2], "x"]
        assert ours["app1"]["port_octal"] == "0123" and ours["app1"]["on"] == "yes"


@pytest.mark.parametrize("text", [
    "# YAML, no extension\n\nall:\n  children:\n    web:\n      hosts:\n        web1:\n",
    "ungrouped:\n  hosts:\n    web1:\n",
    "---\nwebservers:\n  hosts:\n    web1:\n",
    '{"web": {"hosts": {"web1": null}}}\n',
])
def test_yaml_without_suffix_is_yaml(no_ansible: None, text: str, tmp_path: Path) -> None:
    inv = tmp_path / "hosts"
    inv.write_text(text)
    assert [h.name for h in resolve_inventory(inv, "all", env=clean_env())] == \
        list_hosts(inv, "all", tmp_path) == ["web1"]


def _refused(inv: Path, pattern: str = "all", env: dict[str, str] | None = None) -> UsageError:
    with pytest.raises(UsageError) as err:
        resolve_inventory(inv, pattern, env=env or clean_env())
    assert "Traceback" not in str(err.value)
    return err.value


@pytest.mark.parametrize("pattern", ["webservers:dbservers", "webservers:&east", "web*",
                                     r"~(one|two)\.example\.com", "webservers:!jumper", "all[0]"])
def test_patterns_need_ansible(no_ansible: None, pattern: str) -> None:
    err = _refused(INVENTORIES / "ini" / "hosts", pattern)
    assert f"host pattern {pattern!r}" in err.message and "parity[ansible]" in (err.hint or "")


def test_what_only_ansible_reads_is_refused(no_ansible: None, tmp_path: Path) -> None:
    err = _refused(INVENTORIES / "ranges" / "hosts.ini")
    assert err.message.startswith(f"{INVENTORIES / 'ranges' / 'hosts.ini'}:2: host ranges")
    assert "parity[ansible]" in (err.hint or "")
    assert "directories" in _refused(INVENTORIES / "dir").message
    vault = _refused(INVENTORIES / "vault" / "hosts.yml",
                     env=clean_env(ANSIBLE_VAULT_PASSWORD_FILE=str(VAULT_PASSWORD)))
    assert "vault" in vault.message and "vault.yml" in vault.message
    plugin = tmp_path / "aws_ec2.yml"
    plugin.write_text("plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n")
    assert "inventory plugin 'amazon.aws.aws_ec2'" in _refused(plugin).message
    script = tmp_path / "inventory.py"
    script.write_text("#!/bin/sh\necho '{}'\n")
    script.chmod(0o755)
    assert "dynamic inventory script" in _refused(script).message
    tmpl = tmp_path / "tmpl.ini"
    tmpl.write_text("web2 ansible_host='{{ inventory_hostname }}.internal'\n")
    assert "template" in _refused(tmpl).message
    cfg = tmp_path / "ansible.cfg"
    cfg.write_text("[defaults]\nremote_user = deploy\n")
    assert "ANSIBLE_CONFIG" in _refused(tmpl, env=clean_env(ANSIBLE_CONFIG=str(cfg))).message
    inline = tmp_path / "inline"
    inline.write_text("web:\n  hosts:\n    web1:\n      ansible_password: !vault |\n"
                      "        $ANSIBLE_VAULT;1.1;AES256\n        6162\n")
    assert "ansible-core only" in _refused(inline).message
    local = tmp_path / "only.ini"
    local.write_text("[web]\nweb1\n")
    assert "implicit localhost" in _refused(local, "localhost").message


def test_yaml_read_as_ini_is_an_error_naming_the_line(no_ansible: None, tmp_path: Path) -> None:
    inv = tmp_path / "hosts.ini"  # Ansible's yaml plugin skips *.ini; the ini plugin fails
    inv.write_text("# fleet\nall:\n  children:\n    web:\n      hosts:\n        web1:\n")
    assert list_hosts(inv, "all", tmp_path) == []
    err = _refused(inv)
    assert err.message.startswith(f"{inv}:2: 'all:' is not a host")


def test_host_port_and_ipv6(no_ansible: None, tmp_path: Path) -> None:
    inv = tmp_path / "hosts"
    inv.write_text("db1.example.com:2222\n[::1]:2200\nfe80::1\n10.0.0.1:22 ansible_port=23\n"
                   "app1 app_port=0123 flag=yes n=1_000\n")
    hosts = {h.name: (h.address, h.port) for h in resolve_inventory(inv, "all", env=clean_env())}
    oracle = hostvars(inv, tmp_path)
    assert hosts == {n: (n, oracle.get(n, {}).get("ansible_port")) for n in
                     list_hosts(inv, "all", tmp_path)}
    assert hosts["db1.example.com"] == ("db1.example.com", 2222)
    assert hosts["10.0.0.1"] == ("10.0.0.1", 23)
    data = read_static(inv)
    assert {k: host_vars(data, "app1")[k] for k in ("app_port", "flag", "n")} == \
        {k: oracle["app1"][k] for k in ("app_port", "flag", "n")} == \
        {"app_port": "0123", "flag": "yes", "n": 1000}


@pytest.mark.parametrize(("text", "message"), [
    ("[web]\nweb1 ansible_user\n", r":2: expected key=value after the host name"),
    ("[web:vars]\nx=1\n", r":1: section \[web:vars\] is for group 'web', which is defined"),
    ("[all:children]\nweb\n", r":2: section \[all:children\] names group 'web'"),
    ("[web:bogus]\n", r":1: section \[web:bogus\] has unknown type"),
    ("[web ]\n", r":1: invalid section"),
    ("web:\n  hosts: [web1]\n", r"'hosts' of group 'web' must be a mapping"),
    ("web:\n  hosts:\n    web1:\n  color: blue\n", r"has key 'color'"),
    ("web:\n  hosts:\n    10:\n", r"host name 10 must be a string"),
])
def test_broken_inventories_name_file_and_line(no_ansible: None, text: str, message: str,
                                               tmp_path: Path) -> None:
    inv = tmp_path / "hosts"
    inv.write_text(text)
    err = _refused(inv)
    assert str(inv) in err.message
    assert re.search(message, err.message), err.message


def test_option_tables_are_ansibles(tmp_path: Path) -> None:
    """The built-in reader's copies of the ssh/paramiko/sudo option definitions."""
    code = (
        "import json\n"
        "from ansible import constants as C\n"
        "from ansible.plugins.loader import become_loader, connection_loader, init_plugin_loader\n"
        "init_plugin_loader([])\n"
        "out = {}\n"
        "for n in ('ssh', 'paramiko_ssh'):\n"
        "    connection_loader.get(n, class_only=True)\n"
        "    out[n] = C.config.get_configuration_definitions('connection', n)\n"
        "become_loader.get('sudo', class_only=True)\n"
        "out['sudo'] = C.config.get_configuration_definitions('become', 'sudo')\n"
        "print(json.dumps(out, default=str))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=True)
    defs: dict[str, Any] = json.loads(proc.stdout)

    def table(d: dict[str, Any]) -> tuple[list[str], list[str]]:
        return ([v["name"] for v in d.get("vars", []) if "[" not in v["name"]],
                [e["name"] for e in d.get("env", [])])

    for plugin, ours in (("ssh", SSH_OPTIONS), ("paramiko_ssh", PARAMIKO_OPTIONS)):
        for option, (names, env, _default) in ours.items():
            assert table(defs[plugin][option]) == (names, env), (plugin, option)
    assert table(defs["sudo"]["become_user"]) == (SUDO_USER[0], SUDO_USER[1])
    assert defs["sudo"]["become_user"]["default"] == SUDO_USER[2]
    assert defs["paramiko_ssh"]["port"]["default"] == PARAMIKO_OPTIONS["port"][2]


def test_cli_refusal_is_exit_2(tmp_path: Path) -> None:
    cli("ansible-inventory")
    boot = "import sys; sys.modules['ansible'] = None; from parity.cli import main; main()"
    proc = subprocess.run([sys.executable, "-c", boot, "snapshot", "webservers:&east",
                           "--inventory", str(INVENTORIES / "ini" / "hosts")],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**clean_env(), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2, proc.stderr
    assert "host pattern 'webservers:&east'" in proc.stderr
    assert "pip install 'parity[ansible]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_docker_connection_targets(no_ansible: None, tmp_path: Path) -> None:
    inv = tmp_path / "hosts.yml"
    inv.write_text("app:\n  hosts:\n    c1:\n      ansible_connection: docker\n"
                   "      ansible_docker_host: real-name\n      ansible_become: true\n")
    [t] = resolve_hosts(["app"], inventory=str(inv))
    backend = t.backend()
    assert (backend.NAME, backend.name, backend.sudo) == ("docker", "real-name", True)


def test_yaml_alias_bomb_is_refused_quickly(no_ansible: None, tmp_path: Path) -> None:
    """The spec loader's alias guard applies to inventories too: a bomb is a usage error with
    its position, never an expansion (and never handed to the INI reader as 'not YAML')."""
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 8)]
    inv = tmp_path / "hosts"
    inv.write_text("\n".join(rows) + "\nall:\n  hosts:\n    h1: {v: *a7}\n")
    err = _refused(inv)
    assert re.search(r"hosts:\d+:\d+: alias \*a\d makes the aliases", str(err))
    assert len(str(err)) < 300


@pytest.mark.parametrize("source", [s for s, _ in ACCEPTED])
def test_host_groups_match_ansible_core(source: str) -> None:
    """The groups each host is in (``parity report --map GROUP=...``) as ansible-core's own
    resolver reports them: the static reader and ansible-core agree."""
    from parity.facts.inventory import _resolve_with_ansible
    from parity.facts.inventory_static import resolve_static

    python = ansible_python()
    if python is None:
        pytest.skip("ansible-core is not installed (pip install -e '.[ansible]')")
    path = INVENTORIES / source
    static = {r["name"]: r["groups"] for r in resolve_static(path, "all", clean_env())}
    core = {r["name"]: r["groups"]
            for r in _resolve_with_ansible(python, path, "all", dict(clean_env()))}
    assert static == core
    assert all("all" in groups for groups in static.values())
