"""``parity snapshot URL -o FILE.json``: save one host's facts as versioned JSON (docs/facts.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parity.cli.completion import complete_hosts
from parity.cli.options import OPTIONAL_SPEC_HELP
from parity.cli.output import echo
from parity.errors import UsageError
from parity.textsafe import quoted, safe


@click.command()
@click.argument("host", shell_complete=complete_hosts)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the snapshot here (atomically); default (or -): print it.")
@click.option("--spec", "spec_path", type=click.Path(path_type=str), metavar="PATH",
              help="Also collect what this spec declares (files, sysctl keys, services) and "
                   f"resolve its hosts: names. {OPTIONAL_SPEC_HELP}")
@click.option("--path", "paths", multiple=True, help="Extra file path to collect (repeatable).")
@click.option("--inventory", type=click.Path(exists=True, path_type=str),
              help="Ansible inventory (file or directory) for a host name or pattern.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds before the host counts as unreachable.")
def snapshot(host: str, output: Path | None, spec_path: str | None, paths: tuple[str, ...],
             inventory: str | None, timeout: float) -> None:
    """Collect HOST's facts in one round trip and save them (exit 3 if HOST cannot be read).

    \b
    Examples:
      parity snapshot ssh://deploy@web-1 -o web-1.json
      parity snapshot dev --path /etc/hosts        # dev: the spec's running environment
      parity snapshot web --inventory hosts.yml -o web.json
    """
    from parity.cli.options import optional_spec
    from parity.facts import CollectRequest, collect, resolve_hosts
    from parity.spec import load_spec

    found = optional_spec(spec_path)
    spec = load_spec(found) if found is not None else None
    targets = resolve_hosts([host], spec=spec, inventory=inventory)
    if len(targets) != 1:
        raise UsageError(f"{quoted(host)} names {len(targets)} hosts; a snapshot is of one host",
                         hint=f"Pick one: {', '.join(t.name for t in targets[:10])}")
    facts = collect(targets[0], CollectRequest.from_spec(spec, extra_paths=paths), timeout=timeout)
    for warning in facts.warnings:  # items left out; also kept in the snapshot's "warnings"
        click.echo(safe(f"warning: {facts.host}: {warning}"), err=True)  # one line each
    if output is None or str(output) == "-":
        click.echo(json.dumps(facts.to_dict(), indent=2, sort_keys=True))
    else:
        facts.save(output)
        echo(f"saved {len(facts.packages)} packages, {len(facts.files)} files of "
             f"{facts.host} to {output}", err=True)
