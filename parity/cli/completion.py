"""Shell completion of host names: the spec's ``hosts:``, ``dev``, and an inventory's hosts
and groups.

click generates the completion scripts (``_PARITY_COMPLETE=bash_source parity``, see README);
this module only answers "which hosts start with what was typed". Completion must never fail
loudly or slowly: anything that goes wrong (no spec, a broken inventory) yields no candidates.
The inventory is read with parity's static ini/yaml reader, never ansible-core, so a TAB stays
fast; a dynamic inventory completes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem


def host_names(spec: str | None, inventory: str | None) -> list[tuple[str, str]]:
    """(name, where it comes from) for every host a command could be given."""
    found: list[tuple[str, str]] = [("dev", "the environment `parity up` made")]
    try:
        from parity.spec import load_spec
        from parity.spec.discover import resolve_spec

        path = resolve_spec(spec, required=False)
        if path is not None:
            found += [(name, str(url)) for name, url in load_spec(path).model.hosts.items()]
    except Exception:  # completion must stay silent
        pass
    if inventory:
        try:
            from parity.facts.inventory_static import read_static

            data = read_static(Path(inventory))
            found += [(name, "inventory host") for name in sorted(data.hosts)]
            found += [(name, "inventory group") for name in sorted(data.groups)
                      if name not in ("all", "ungrouped")]
        except Exception:  # completion must stay silent
            pass
    return found


def complete_hosts(ctx: click.Context, param: click.Parameter,
                   incomplete: str) -> list[CompletionItem]:
    params: dict[str, Any] = ctx.params
    spec = params.get("spec") or params.get("spec_option") or params.get("spec_path")
    names = host_names(str(spec) if spec else None, params.get("inventory"))
    seen: set[str] = set()
    items = []
    for name, help_text in names:
        if name.startswith(incomplete) and name not in seen:
            seen.add(name)
            items.append(CompletionItem(name, help=help_text))
    return items
