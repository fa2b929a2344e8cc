"""Ansible inventories, as the ``ansible-inventory --list`` JSON testinfra understands.

With ``ansible-inventory`` on ``PATH`` we ask it (every inventory plugin, vault and group_vars
folder works). Without ansible installed we read static inventories ourselves: INI
(``[group]``, ``[group:vars]``, ``[group:children]``, ``host key=value``) and YAML
(``all: {hosts, vars, children}``). Host ranges (``web[01:20]``) and dynamic inventories need
ansible itself and say so.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

from parity.errors import UsageError

Inventory = dict[str, Any]


def load_inventory(path: str | Path) -> Inventory:
    """The inventory at ``path`` in ``ansible-inventory --list`` form."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"inventory {path}: no such file")
    if shutil.which("ansible-inventory"):
        proc = subprocess.run(["ansible-inventory", "--list", "-i", str(path)],
                              capture_output=True, text=True, timeout=120,
                              env={"ANSIBLE_VERBOSITY": "0", "PATH": _path_env()})
        if proc.returncode != 0:
            raise UsageError(f"inventory {path}: ansible-inventory failed: "
                             f"{proc.stderr.strip()[-500:]}")
        return json.loads(proc.stdout)  # type: ignore[no-any-return]
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml") or text.lstrip().startswith(("all:", "---")):
        return _from_yaml(path, text)
    return _from_ini(path, text)


def _path_env() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.hosts: dict[str, dict[str, Any]] = {}  # host -> own vars
        self.groups: dict[str, dict[str, Any]] = {"all": {"hosts": [], "children": [],
                                                          "vars": {}}}

    def group(self, name: str) -> dict[str, Any]:
        return self.groups.setdefault(name, {"hosts": [], "children": [], "vars": {}})

    def add_host(self, group: str, host: str, hostvars: dict[str, Any], where: str) -> None:
        if re.search(r"\[[^\]]*:[^\]]*\]", host):
            raise UsageError(f"{where}: host ranges such as {host!r} need ansible installed "
                             "(pip install ansible-core)")
        self.hosts.setdefault(host, {}).update(hostvars)
        g = self.group(group)
        if host not in g["hosts"]:
            g["hosts"].append(host)

    def parents(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for name, g in self.groups.items():
            for child in g["children"]:
                out.setdefault(child, set()).add(name)
        return out

    def result(self) -> Inventory:
        parents = self.parents()
        for name in self.groups:
            if name != "all" and not parents.get(name):
                self.groups["all"]["children"].append(name)
                parents.setdefault(name, set()).add("all")

        def depth(group: str, seen: frozenset[str] = frozenset()) -> int:
            ps = parents.get(group, set()) - seen
            return 0 if not ps else 1 + max(depth(p, seen | {group}) for p in ps)

        def ancestors(group: str) -> set[str]:
            out, todo = set(), [group]
            while todo:
                g = todo.pop()
                if g not in out:
                    out.add(g)
                    todo.extend(parents.get(g, ()))
            return out

        hostvars: dict[str, dict[str, Any]] = {}
        for host, own in self.hosts.items():
            groups: set[str] = {"all"}
            for name, g in self.groups.items():
                if host in g["hosts"]:
                    groups |= ancestors(name)
            merged: dict[str, Any] = {}
            for g in sorted(groups, key=lambda n: (depth(n), n)):
                merged.update(self.groups[g]["vars"])
            merged.update(own)
            hostvars[host] = merged
        inv: Inventory = {"_meta": {"hostvars": hostvars}}
        for name, g in self.groups.items():
            inv[name] = {"hosts": g["hosts"], "children": g["children"]}
        return inv


def _scalar(text: str) -> Any:
    if text.isdigit():
        return int(text)
    return text


def _from_ini(path: Path, text: str) -> Inventory:
    b = _Builder(path)
    section, kind = "ungrouped", "hosts"
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #")[0].strip() if not raw.lstrip().startswith(("#", ";")) else ""
        if not line:
            continue
        where = f"{path}:{n}"
        m = re.fullmatch(r"\[([^\]:]+)(?::(vars|children))?\]", line)
        if m:
            section, kind = m[1], m[2] or "hosts"
            b.group(section)
            continue
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"{where}: cannot parse inventory line: {exc}") from None
        if kind == "vars":
            key, eq, value = line.partition("=")
            if not eq:
                raise UsageError(f"{where}: expected key=value in [{section}:vars]")
            b.group(section)["vars"][key.strip()] = _scalar(value.strip())
        elif kind == "children":
            b.group(words[0])
            if words[0] not in b.group(section)["children"]:
                b.group(section)["children"].append(words[0])
        else:
            hostvars = {}
            for w in words[1:]:
                key, eq, value = w.partition("=")
                if not eq:
                    raise UsageError(f"{where}: expected key=value after the host name, got {w!r}")
                hostvars[key] = _scalar(value)
            b.add_host(section, words[0], hostvars, where)
    return b.result()


def _from_yaml(path: Path, text: str) -> Inventory:
    from ruamel.yaml import YAML, YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise UsageError(f"{path}: not a valid YAML inventory: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: a YAML inventory is a mapping of groups (all: ...)")
    b = _Builder(path)

    def walk(name: str, node: Any) -> None:
        g = b.group(name)
        node = node or {}
        if not isinstance(node, dict):
            raise UsageError(f"{path}: group {name!r} must be a mapping")
        for host, hv in (node.get("hosts") or {}).items():
            b.add_host(name, str(host), dict(hv or {}), f"{path}: group {name}")
        g["vars"].update(node.get("vars") or {})
        for child, sub in (node.get("children") or {}).items():
            if child not in g["children"]:
                g["children"].append(child)
            walk(str(child), sub)

    for name, node in data.items():
        walk(str(name), node)
    return b.result()
