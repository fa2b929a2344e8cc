"""Static inventories read exactly as ansible-core would read them, for machines without it.

Why so strict: a host that comes from a misread inventory is a host Ansible would never contact,
and parity would ssh to it with credentials meant for another. So this reader follows
ansible-core's own order and rules (the yaml plugin for files with no extension or .yml/.yaml/
.json whose content is a mapping of groups, else the ini plugin; ``host:port``; INI values through
``ast.literal_eval``; YAML 1.1 scalars; group_vars/ and host_vars/ beside the file; Ansible's
variable precedence; connection options as its ssh/paramiko plugins resolve them) and refuses,
with a usage error naming the file and line and ``pip install 'parity[ansible]'``, everything it
cannot reproduce exactly: host ranges, patterns beyond a group or host name, vault, templates,
inventory plugins and scripts, directories, ansible.cfg.
"""

from __future__ import annotations

import ast
import ipaddress
import os
import re
import shlex
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.errors import UsageError

INSTALL = "Install ansible-core (pip install 'parity[ansible]') so Ansible itself reads it."

_SECTION = re.compile(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$")
_GROUPNAME = re.compile(r"^([^:\]\s]+)\s*(?:#.*)?$")
# a host name Ansible's parse_address accepts as is: dot-separated labels of word characters and
# dashes, not ending in - or _ (IPv4 addresses are such names too)
_LABEL = r"\w[\w-]*(?<![_-])"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_HOSTPORT = re.compile(r"^([^:\[\]]*):([0-9]+)$")
_BRACKETED = re.compile(r"^\[([^\[\]]+)\]:([0-9]+)$")
_TEMPLATE = ("{{", "{%", "{#")
_LOCALHOST = ("localhost", "127.0.0.1", "::1")
#: settings that change how Ansible reads inventories or connects and that this reader does not
#: reproduce; with one of them set, only ansible-core gives the right answer
_UNSUPPORTED_ENV = ("ANSIBLE_CONFIG", "ANSIBLE_INVENTORY_ENABLED", "ANSIBLE_VARS_ENABLED",
                    "ANSIBLE_PRECEDENCE", "ANSIBLE_HASH_BEHAVIOUR", "ANSIBLE_YAML_FILENAME_EXT",
                    "ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS", "ANSIBLE_RUN_VARS_PLUGINS")

#: option -> (variables, later wins; environment variables, later wins; default), copied from the
#: ssh and paramiko_ssh connection plugins' documentation (a test compares them with ansible-core)
SSH_OPTIONS: dict[str, tuple[list[str], list[str], Any]] = {
    "host": (["inventory_hostname", "ansible_host", "ansible_ssh_host"], [], None),
    "port": (["ansible_port", "ansible_ssh_port"], ["ANSIBLE_REMOTE_PORT"], None),
    "remote_user": (["ansible_user", "ansible_ssh_user"], ["ANSIBLE_REMOTE_USER"], None),
    "private_key_file": (["ansible_private_key_file", "ansible_ssh_private_key_file"],
                         ["ANSIBLE_PRIVATE_KEY_FILE"], None),
    "password": (["ansible_password", "ansible_ssh_pass", "ansible_ssh_password"], [], None),
    "ssh_args": (["ansible_ssh_args"], ["ANSIBLE_SSH_ARGS"], None),
    "ssh_common_args": (["ansible_ssh_common_args"], ["ANSIBLE_SSH_COMMON_ARGS"], None),
    "ssh_extra_args": (["ansible_ssh_extra_args"], ["ANSIBLE_SSH_EXTRA_ARGS"], None),
}
PARAMIKO_OPTIONS: dict[str, tuple[list[str], list[str], Any]] = {
    "remote_addr": (["inventory_hostname", "ansible_host", "ansible_ssh_host",
                     "ansible_paramiko_host"], [], None),
    "port": (["ansible_port", "ansible_ssh_port", "ansible_paramiko_port"],
             ["ANSIBLE_REMOTE_PORT", "ANSIBLE_REMOTE_PARAMIKO_PORT"], 22),
    "remote_user": (["ansible_user", "ansible_ssh_user", "ansible_paramiko_user"],
                    ["ANSIBLE_REMOTE_USER", "ANSIBLE_PARAMIKO_REMOTE_USER"], None),
    "private_key_file": (["ansible_private_key_file", "ansible_ssh_private_key_file",
                          "ansible_paramiko_private_key_file"],
                         ["ANSIBLE_PRIVATE_KEY_FILE", "ANSIBLE_PARAMIKO_PRIVATE_KEY_FILE"], None),
    "password": (["ansible_password", "ansible_ssh_pass", "ansible_ssh_password",
                  "ansible_paramiko_pass", "ansible_paramiko_password"], [], None),
}
SUDO_USER = (["ansible_become_user", "ansible_sudo_user"],
             ["ANSIBLE_BECOME_USER", "ANSIBLE_SUDO_USER"], "root")
_BOOL_TRUE = frozenset(("y", "yes", "on", "1", "true", "t"))
_BOOL_FALSE = frozenset(("n", "no", "off", "0", "false", "f"))


def _refuse(where: str, what: str) -> UsageError:
    return UsageError(f"{where}: {what}", hint=INSTALL)


@dataclass
class _Group:
    name: str
    vars: dict[str, Any] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    priority: int = 1


class _Data:
    """The InventoryData subset the ini and yaml plugins fill: groups, hosts, their own vars."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.groups: dict[str, _Group] = {"all": _Group("all"), "ungrouped": _Group("ungrouped")}
        self.hosts: dict[str, dict[str, Any]] = {}

    def add_group(self, name: str) -> None:
        self.groups.setdefault(name, _Group(name))

    def add_host(self, name: str, group: str, port: int | None) -> None:
        hostvars = self.hosts.setdefault(name, {})
        if port:
            hostvars["ansible_port"] = port
        if name not in self.groups[group].hosts:
            self.groups[group].hosts.append(name)

    def add_child(self, parent: str, child: str, where: str) -> None:
        if child in self._ancestors(parent):
            raise UsageError(f"{where}: adding group {child!r} to {parent!r} makes a loop")
        if child not in self.groups[parent].children:
            self.groups[parent].children.append(child)

    def set_group_var(self, group: str, key: str, value: Any, where: str) -> None:
        if key == "ansible_group_priority":
            try:
                self.groups[group].priority = int(value)
            except (TypeError, ValueError):
                raise UsageError(f"{where}: ansible_group_priority must be a number") from None
        else:
            _set(self.groups[group].vars, key, value)

    def _parents(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for g in self.groups.values():
            for c in g.children:
                out.setdefault(c, set()).add(g.name)
        return out

    def _ancestors(self, group: str) -> set[str]:
        parents, seen, todo = self._parents(), {group}, [group]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def reconcile(self) -> None:
        """Ansible's reconcile_inventory: every group under all, lone hosts in ungrouped."""
        parents = self._parents()
        for name in list(self.groups):
            if name != "all" and "all" not in self._ancestors(name) and not parents.get(name):
                self.groups["all"].children.append(name)
        member = {h for g in self.groups.values() if g.name not in ("all", "ungrouped")
                  for h in g.hosts}
        ungrouped = self.groups["ungrouped"].hosts
        ungrouped[:] = [h for h in ungrouped if h not in member]
        ungrouped += [h for h in self.hosts if h not in member and h not in ungrouped]

    def depth(self) -> dict[str, int]:
        """Longest path from all, the depth Ansible sorts group variables by."""
        out = {"all": 0}
        todo = ["all"]
        while todo:
            g = todo.pop()
            for c in self.groups[g].children:
                if out.get(c, -1) < out[g] + 1:
                    out[c] = out[g] + 1
                    todo.append(c)
        return out

    def group_hosts(self, group: str) -> set[str]:
        out: set[str] = set()
        todo, seen = [group], set()
        while todo:
            g = todo.pop()
            if g in seen:
                continue
            seen.add(g)
            out |= set(self.groups[g].hosts)
            todo.extend(self.groups[g].children)
        return out

    def host_groups(self, host: str) -> list[str]:
        return [g for g in self.groups if host in self.group_hosts(g)]


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Host.set_variable/Group.set_variable: two mappings under one key merge (hash replace)."""
    if isinstance(target.get(key), dict) and isinstance(value, Mapping):
        target[key] = {**target[key], **value}
    else:
        target[key] = value


def _expand_host(token: Any, where: str, ini: bool) -> tuple[str, int | None]:
    """(name, port) as Ansible's parse_address gives them, or a refusal."""
    if not isinstance(token, str):
        raise UsageError(f"{where}: host name {token!r} must be a string (quote it)")
    m = _BRACKETED.match(token)
    if m:
        inner = m[1]
        if _HOSTNAME.match(inner) or _is_ipv6(inner):
            return inner, int(m[2])
    elif "[" in token or "]" in token:
        raise _refuse(where, f"host ranges such as {token!r} are expanded by ansible-core only")
    else:
        m = _HOSTPORT.match(token)
        if m and _HOSTNAME.match(m[1]):
            return m[1], int(m[2])
        if not m and not token.endswith(":") and (_HOSTNAME.match(token) or _is_ipv6(token)):
            return token, None
    if ini and token.endswith(":"):
        raise UsageError(f"{where}: {token!r} is not a host; a line ending in ':' is YAML, and "
                         "Ansible reads this file as INI (name YAML inventories *.yml, or give "
                         "them no extension)")
    raise _refuse(where, f"{token!r} is not a plain host name, host:port or IP address")


def _is_ipv6(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).version == 6 and "%" not in text
    except ValueError:
        return False


def _ini_value(text: str) -> Any:
    """The ini plugin's _parse_value: a Python literal if it is one, else the text."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = text
    return _coerce(value)


def _coerce(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return [_coerce(v) for v in value]
    if isinstance(value, dict):
        return {k: _coerce(v) for k, v in value.items()}
    if value is ...:
        return "..."
    if isinstance(value, complex):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value


def _from_ini(path: Path, text: str) -> _Data:
    data = _Data(path)
    pending: dict[str, dict[str, Any]] = {}
    group, state = "ungrouped", "hosts"
    for n, raw in enumerate(text.splitlines(), 1):
        where = f"{path}:{n}"
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        m = _SECTION.match(line)
        if m:
            group, state = m[1], m[2] or "hosts"
            if state not in ("hosts", "children", "vars"):
                raise UsageError(f"{where}: section [{line.strip('[]')}] has unknown type "
                                 f"{state!r}")
            if group not in data.groups:
                if state == "vars" and group not in pending:
                    pending[group] = {"line": n, "state": state, "name": group}
                data.add_group(group)
            if group in pending and state != "vars":
                if pending[group]["state"] == "children":
                    _add_pending(data, group, pending, where)
                elif pending[group]["state"] == "vars":
                    del pending[group]
            continue
        if line.startswith("[") and line.endswith("]"):
            raise UsageError(f"{where}: invalid section {line!r} (no spaces or other characters "
                             "are allowed in a section name)")
        if state == "hosts":
            try:
                tokens = shlex.split(line, comments=True)
            except ValueError as exc:
                raise UsageError(f"{where}: cannot parse host line: {exc}") from None
            name, port = _expand_host(tokens[0], where, ini=True)
            hostvars: dict[str, Any] = {}
            for t in tokens[1:]:
                if "=" not in t:
                    raise UsageError(f"{where}: expected key=value after the host name, got {t!r}")
                key, value = t.split("=", 1)
                hostvars[key] = _ini_value(value)
            data.add_host(name, group, port)
            for key, value in hostvars.items():
                _set(data.hosts[name], key, value)
        elif state == "vars":
            if "=" not in line:
                raise UsageError(f"{where}: expected key=value in [{group}:vars], got {line!r}")
            key, value = (e.strip() for e in line.split("=", 1))
            data.set_group_var(group, key, _ini_value(value), where)
        else:
            m = _GROUPNAME.match(line)
            if not m:
                raise UsageError(f"{where}: expected a group name in [{group}:children], "
                                 f"got {line!r}")
            child = m[1]
            if child not in data.groups:
                pending.setdefault(child, {"line": n, "state": "children", "name": child,
                                           "parents": []})["parents"].append(group)
            else:
                data.add_child(group, child, where)
    for decl in pending.values():
        where = f"{path}:{decl['line']}"
        if decl["state"] == "vars":
            raise UsageError(f"{where}: section [{decl['name']}:vars] is for group "
                             f"{decl['name']!r}, which is defined nowhere")
        raise UsageError(f"{where}: section [{decl['parents'][-1]}:children] names group "
                         f"{decl['name']!r}, which is defined nowhere")
    return data


def _add_pending(data: _Data, group: str, pending: dict[str, dict[str, Any]], where: str) -> None:
    for parent in pending[group]["parents"]:
        data.add_child(parent, group, where)
        if parent in pending and pending[parent]["state"] == "children":
            _add_pending(data, parent, pending, where)
    del pending[group]


def _load_yaml(path: Path, text: str) -> Any:
    """YAML as Ansible's loader reads it (YAML 1.1), or ``...`` where Ansible's yaml plugin
    fails to parse it (then the ini plugin gets the file). Refuses what only Ansible can load."""
    from ruamel.yaml.constructor import ConstructorError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from parity.yamlguard import AliasLimitError, guarded_yaml

    if text.lstrip().startswith("$ANSIBLE_VAULT"):
        raise _refuse(str(path), "a vault-encrypted file is decrypted by ansible-core only")
    yaml = guarded_yaml("safe")
    yaml.version = (1, 1)
    try:
        return yaml.load(text)
    except AliasLimitError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise UsageError(f"{where}: {exc.problem}") from None
    except ConstructorError as exc:
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise _refuse(f"{path}{line}", f"{exc.problem} (vault values, !unsafe and duplicate keys "
                      "are read by ansible-core only)") from None
    except (MarkedYAMLError, YAMLError):
        return ...


def _from_yaml(path: Path, doc: dict[Any, Any]) -> _Data:
    data = _Data(path)
    where = str(path)

    def group(name: Any, node: Any) -> str:
        if not isinstance(name, str):
            raise UsageError(f"{where}: group name {name!r} must be a string")
        if not isinstance(node, dict | type(None)):
            raise _refuse(where, f"group {name!r} is not a mapping (Ansible skips it with a "
                          "warning)")
        data.add_group(name)
        for key, value in (node or {}).items():
            if key not in ("vars", "children", "hosts"):
                raise _refuse(where, f"group {name!r} has key {key!r}; only vars, children and "
                              "hosts are valid (Ansible skips it with a warning)")
            if isinstance(value, str):
                value = {value: None}
            if not isinstance(value, dict | type(None)):
                raise UsageError(f"{where}: {key!r} of group {name!r} must be a mapping, "
                                 f"not a {type(value).__name__}")
            for k, v in (value or {}).items():
                if key == "vars":
                    data.set_group_var(name, str(k), v, f"{where}: group {name}")
                elif key == "children":
                    data.add_child(name, group(k, v), f"{where}: group {name}")
                else:
                    host, port = _expand_host(k, f"{where}: group {name}", ini=False)
                    if not isinstance(v, dict | type(None)):
                        raise UsageError(f"{where}: host {host!r} in group {name!r} must map to "
                                         "variables or nothing")
                    data.add_host(host, name, port)
                    for hk, hv in (v or {}).items():
                        _set(data.hosts[host], str(hk), hv)
        return name

    for name, node in doc.items():
        group(name, node)
    return data


def read_static(path: Path) -> _Data:
    """Parse ``path`` with the ini/yaml plugin Ansible would pick, or refuse."""
    where = str(path)
    if path.is_dir():
        raise _refuse(where, "inventory directories are read by ansible-core only")
    if os.access(path, os.X_OK):
        raise _refuse(where, "an executable inventory is a dynamic inventory script")
    if path.suffix == ".toml":
        raise _refuse(where, "TOML inventories are read by ansible-core only")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not UTF-8 text") from None
    if path.suffix in ("", ".yml", ".yaml", ".json"):
        doc = _load_yaml(path, text)
        if isinstance(doc, dict) and doc:
            if doc.get("plugin"):
                raise _refuse(where, f"inventory plugin {doc['plugin']!r} runs in ansible-core "
                              "only")
            data = _from_yaml(path, doc)
            data.reconcile()
            return data
    if text.lstrip().startswith("$ANSIBLE_VAULT"):
        raise _refuse(where, "a vault-encrypted file is decrypted by ansible-core only")
    data = _from_ini(path, text)
    data.reconcile()
    return data


def _vars_files(base: Path, name: str) -> list[Path]:
    """DataLoader.find_vars_files: NAME, NAME.yml, NAME.yaml, NAME.json; a folder recursively."""
    if name.startswith(os.sep):
        return []
    for ext in ("", ".yml", ".yaml", ".json"):
        p = base / f"{name}{ext}"
        if p.is_dir():
            return _dir_files(p)
        if p.exists():
            return [p]
    return []


def _dir_files(folder: Path) -> list[Path]:
    out: list[Path] = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.name.endswith("~"):
            continue
        ext = p.suffix
        if p.is_dir() and not ext:
            out += _dir_files(p)
        elif p.is_file() and ext in ("", ".yml", ".yaml", ".json"):
            out.append(p)
    return out


def _load_vars(base: Path, name: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    if not base.is_dir():
        return merged
    for f in _vars_files(base, name):
        text = f.read_text(encoding="utf-8")
        doc = _load_yaml(f, text)
        if doc is ...:
            raise UsageError(f"{f}: not valid YAML")
        if not doc:
            continue
        if not isinstance(doc, dict):
            raise UsageError(f"{f}: variables must be a mapping, not a {type(doc).__name__}")
        merged.update(doc)
    return merged


def host_vars(data: _Data, host: str) -> dict[str, Any]:
    """VariableManager.get_vars for an inventory host, with ansible-core's default precedence:
    all's vars, other groups' vars by (depth, priority, name), group_vars/all, group_vars/GROUP,
    the host's own vars, host_vars/HOST (files beside the inventory)."""
    base = data.path.resolve().parent
    depth = data.depth()
    groups = sorted((g for g in data.host_groups(host) if g != "all"),
                    key=lambda g: (depth.get(g, 0), data.groups[g].priority, g))
    out: dict[str, Any] = dict(data.groups["all"].vars)
    for g in groups:
        out.update(data.groups[g].vars)
    out.update(_load_vars(base / "group_vars", "all"))
    for g in groups:
        out.update(_load_vars(base / "group_vars", g))
    out.update(data.hosts[host])
    out.update(_load_vars(base / "host_vars", host))
    out["inventory_hostname"] = host
    return out


def match(data: _Data, pattern: str, where: str) -> list[str]:
    """Hosts a plain group or host name selects, as Ansible's InventoryManager would."""
    if not re.fullmatch(r"[\w.-]+", pattern):
        raise _refuse(where, f"host pattern {pattern!r} (only a plain group or host name is read "
                      "without ansible-core)")
    hosts: set[str] = set()
    if pattern in data.groups:
        hosts = data.group_hosts(pattern)
    if (pattern not in data.groups or "." in pattern) and pattern in data.hosts:
        hosts.add(pattern)
    if not hosts and pattern in _LOCALHOST:
        raise UsageError(f"{where}: {pattern!r} is no inventory host; Ansible would use its "
                         "implicit localhost", hint="Use --host local:// for this machine.")
    return sorted(hosts)


def _option(hv: dict[str, Any], spec: tuple[list[str], list[str], Any], kind: str, where: str,
            env: Mapping[str, str]) -> tuple[Any, bool]:
    """(value, set_by_user) as Ansible's ConfigManager resolves a plugin option: variables, later
    names winning, then environment variables, then the default."""
    names, env_names, default = spec
    value: Any = None
    for name in names:
        if hv.get(name) is not None:
            value = hv[name]
    if value is None:
        for name in env_names:
            if env.get(name) is not None:
                value = env[name]
    if value is None:
        return default, False
    if isinstance(value, str) and any(t in value for t in _TEMPLATE):
        raise _refuse(where, f"{value!r} is a template; ansible-core renders it")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise UsageError(f"{where}: {names[0]} must be a number, not {value!r}")
        try:
            return int(value), True
        except ValueError:
            raise UsageError(f"{where}: {names[0]} must be a number, not {value!r}") from None
    if isinstance(value, bool | int | float | str):
        return str(value), True
    raise UsageError(f"{where}: {names[0]} must be a string, not {value!r}")


def _boolean(value: Any, where: str, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and any(t in value for t in _TEMPLATE):
        raise _refuse(where, f"{value!r} is a template; ansible-core renders it")
    text = str(value).lower() if isinstance(value, str | int | float) else None
    if text in _BOOL_TRUE:
        return True
    if text in _BOOL_FALSE:
        return False
    raise UsageError(f"{where}: {name}={value!r} is not a boolean (yes/no, true/false, 1/0)")


def connection(host: str, hv: dict[str, Any], where: str,
               env: Mapping[str, str]) -> dict[str, Any]:
    """How Ansible would reach ``host`` with variables ``hv``: the same record the ansible-core
    resolver (parity/facts/ansible_resolver.py) prints."""
    from parity.facts.ansible_resolver import FALLBACK_VARS

    where = f"{where}: host {host}"
    conn, _ = _option(hv, (["ansible_connection"], ["ANSIBLE_TRANSPORT"], "ssh"), "str", where,
                      env)
    name = conn.rsplit(".", 1)[-1]
    if name == "smart":
        conn = name = "ssh"
    rec: dict[str, Any] = {"name": host, "connection": conn, "address": host, "port": None,
                           "user": None, "private_key_file": None, "password": None,
                           "ssh_args": []}
    options = {"ssh": SSH_OPTIONS, "paramiko": PARAMIKO_OPTIONS,
               "paramiko_ssh": PARAMIKO_OPTIONS}.get(name)
    if options is not None:
        def opt(key: str, kind: str = "str") -> tuple[Any, bool]:
            return _option(hv, options[key], kind, where, env) if key in options else (None, False)

        rec["address"] = opt("host")[0] or opt("remote_addr")[0] or host
        rec["port"] = opt("port", "int")[0]
        rec["user"] = opt("remote_user")[0]
        rec["private_key_file"] = opt("private_key_file")[0]
        rec["password"] = opt("password")[0]
        for key in ("ssh_args", "ssh_common_args", "ssh_extra_args"):
            value, given = opt(key)
            if given and value:
                rec["ssh_args"] += shlex.split(value)
    elif name in FALLBACK_VARS:
        addr_vars, user_vars = FALLBACK_VARS[name]
        rec["address"] = _option(hv, (addr_vars, [], host), "str", where, env)[0]
        rec["user"] = _option(hv, (user_vars, [], None), "str", where, env)[0]
    become_raw = hv.get("ansible_become", env.get("ANSIBLE_BECOME", False))
    become = _boolean(become_raw, where, "ansible_become")
    method, _ = _option(hv, (["ansible_become_method"], ["ANSIBLE_BECOME_METHOD"], "sudo"),
                        "str", where, env)
    rec.update(become=become, become_method=method, become_user=None)
    if become and method.rsplit(".", 1)[-1] == "sudo":
        rec["become_user"] = _option(hv, SUDO_USER, "str", where, env)[0]
    return rec


def ansible_cfg(env: Mapping[str, str]) -> Path | None:
    """The ansible.cfg Ansible would read (its documented search order), if any."""
    for candidate in (env.get("ANSIBLE_CONFIG"), "ansible.cfg",
                      str(Path("~/.ansible.cfg").expanduser()), "/etc/ansible/ansible.cfg"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def resolve_static(path: Path, pattern: str, env: Mapping[str, str]) -> list[dict[str, Any]]:
    """Connection records for ``pattern`` in the static inventory ``path`` (no ansible-core)."""
    where = str(path)
    for name in _UNSUPPORTED_ENV:
        if env.get(name):
            raise _refuse(where, f"{name} is set; only ansible-core applies it")
    cfg = ansible_cfg(env)
    if cfg is not None:
        raise _refuse(where, f"Ansible would read its settings from {cfg}; only ansible-core "
                      "applies them")
    data = read_static(path)
    out = []
    for h in match(data, pattern, where):
        rec = connection(h, host_vars(data, h), where, env)
        rec["groups"] = sorted(data.host_groups(h))  # what `parity report --map GROUP=` matches
        out.append(rec)
    return out
