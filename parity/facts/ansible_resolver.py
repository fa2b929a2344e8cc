"""Resolve an inventory pattern with ansible-core itself; run as a script, prints JSON.

Why a separate script run in a child process: ansible-core keeps process-wide state (its
configuration is read once at import, plugin loaders cache, Display writes warnings), and it may
live in another interpreter than parity (``pipx install ansible-core`` puts ``ansible-inventory``
on PATH without making ``ansible`` importable here). So this file imports nothing but the standard
library and ansible, and parity runs it with whichever Python has ansible.

Usage: ``python ansible_resolver.py SOURCE PATTERN``. Output, one JSON object on stdout:
``{"hosts": [{"name", "connection", "address", "port", "user", "private_key_file", "password",
"ssh_args", "become", "become_method", "become_user", "groups"}, ...]}`` or ``{"error": "..."}``.
Every value is what Ansible itself would use to connect: variables resolved by the
VariableManager (group_vars/host_vars, vault with the user's password file, precedence), templated
by its Templar, then read through the connection plugin's own option definitions (host vars beat
ANSIBLE_* environment beats ansible.cfg beats defaults).
"""

from __future__ import annotations

import json
import shlex
import sys
from typing import Any

#: connection plugins ansible-core does not ship; their address and user variables as documented
#: by community.docker / community.general (later names win, as in Ansible's option resolution)
FALLBACK_VARS = {
    "docker": (["inventory_hostname", "ansible_host", "ansible_docker_host"],
               ["ansible_user", "ansible_docker_user"]),
    "lxc": (["inventory_hostname", "ansible_host", "ansible_lxc_host"], []),
    "lxd": (["inventory_hostname", "ansible_host", "ansible_lxd_host"], []),
}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def resolve(source: str, pattern: str) -> list[dict[str, Any]]:
    from ansible import constants as C
    from ansible.cli import CLI
    from ansible.inventory.manager import InventoryManager
    from ansible.module_utils.parsing.convert_bool import boolean
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import become_loader, connection_loader
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager

    try:  # ansible-core >= 2.15 wants its collection loader set up before plugins are used
        from ansible.plugins.loader import init_plugin_loader
    except ImportError:  # pragma: no cover - ansible-core 2.14
        pass
    else:
        init_plugin_loader([])

    loader = DataLoader()
    # the same vault secrets the ansible CLIs use: ANSIBLE_VAULT_PASSWORD_FILE / IDENTITY_LIST
    secrets = CLI.setup_vault_secrets(loader, vault_ids=list(C.DEFAULT_VAULT_IDENTITY_LIST),
                                      vault_password_files=[], ask_vault_pass=False,
                                      auto_prompt=False)
    loader.set_vault_secrets(secrets)
    inventory = InventoryManager(loader=loader, sources=[source])
    manager = VariableManager(loader=loader, inventory=inventory)
    out = []
    for host in inventory.get_hosts(pattern):
        hostvars = manager.get_vars(host=host, include_hostvars=False, stage="all")
        templar = Templar(loader=loader, variables=hostvars)

        def var(name: str, default: Any = None, hostvars: dict[str, Any] = hostvars,
                templar: Any = templar) -> Any:
            return templar.template(hostvars[name]) if name in hostvars else default

        connection = str(var("ansible_connection", C.DEFAULT_TRANSPORT))
        if connection == "smart":
            connection = "ssh"
        rec: dict[str, Any] = {"name": str(host.name), "connection": connection,
                               "address": str(host.name), "port": None, "user": None,
                               "private_key_file": None, "password": None, "ssh_args": [],
                               "groups": sorted(str(g.name) for g in host.get_groups())}
        plugin = connection_loader.get(connection, class_only=True)
        if plugin is not None:
            load_name = plugin._load_name
            defs = C.config.get_configuration_definitions("connection", load_name)
            names = {v["name"] for d in defs.values() for v in d.get("vars", [])}
            tv = {k: var(k) for k in names if k in hostvars}

            def option(name: str, load_name: str = load_name, defs: Any = defs,
                       tv: dict[str, Any] = tv) -> tuple[Any, str]:
                if name not in defs:
                    return None, "default"
                return C.config.get_config_value_and_origin(  # type: ignore[no-any-return]
                    name, plugin_type="connection", plugin_name=load_name, variables=tv)

            rec["address"] = _text(option("host")[0] or option("remote_addr")[0] or host.name)
            port = option("port")[0]
            rec["port"] = None if port is None else int(port)
            rec["user"] = _text(option("remote_user")[0])
            rec["private_key_file"] = _text(option("private_key_file")[0])
            rec["password"] = _text(option("password")[0])
            args: list[str] = []
            for name in ("ssh_args", "ssh_common_args", "ssh_extra_args"):
                value, origin = option(name)
                if value and origin != "default":
                    args += shlex.split(str(value))
            rec["ssh_args"] = args
        elif connection.rsplit(".", 1)[-1] in FALLBACK_VARS:
            addr_vars, user_vars = FALLBACK_VARS[connection.rsplit(".", 1)[-1]]
            for name in addr_vars:
                rec["address"] = _text(var(name, rec["address"]))
            for name in user_vars:
                rec["user"] = _text(var(name, rec["user"]))
        become = boolean(var("ansible_become", C.DEFAULT_BECOME), strict=True)
        method = str(var("ansible_become_method", C.DEFAULT_BECOME_METHOD))
        rec.update(become=become, become_method=method, become_user=None)
        if become:
            bplugin = become_loader.get(method, class_only=True)
            if bplugin is not None:
                bdefs = C.config.get_configuration_definitions("become", bplugin._load_name)
                bnames = {v["name"] for d in bdefs.values() for v in d.get("vars", [])}
                rec["become_user"] = _text(C.config.get_config_value(
                    "become_user", plugin_type="become", plugin_name=bplugin._load_name,
                    variables={k: var(k) for k in bnames if k in hostvars}))
        out.append(rec)
    return sorted(out, key=lambda r: r["name"])


def main(argv: list[str]) -> int:
    source, pattern = argv[1], argv[2]
    try:
        hosts = resolve(source, pattern)
    except Exception as exc:  # ansible's own message is the useful part; parity reports it
        message = " ".join(str(exc).split()) or type(exc).__name__
        cause = exc.__cause__
        while cause is not None:
            message += f": {' '.join(str(cause).split())}"
            cause = cause.__cause__
        print(json.dumps({"error": message}))
        return 0
    print(json.dumps({"hosts": hosts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
