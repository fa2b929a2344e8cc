"""``parity report`` and ``parity history``: thin shells over parity.fleet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from parity.cli.output import echo
from parity.fleet.outputs import FLEET_OUTPUTS

_FILE = click.Path(dir_okay=False, path_type=Path)


def _outputs(command: Callable[..., Any]) -> Callable[..., Any]:
    for name in sorted(FLEET_OUTPUTS, reverse=True):
        command = click.option(f"--{name}", f"out_{name}", type=_FILE, metavar="FILE",
                               help=f"Write the {name} report to FILE (- is stdout).")(command)
    return command


@click.command()
@click.argument("args", nargs=-1, metavar="[SPEC] [PART.json...]")
@click.option("--inventory", type=click.Path(), help="Ansible inventory (file or directory).")
@click.option("--limit", metavar="PATTERN", help="Only the inventory hosts PATTERN selects.")
@click.option("--host", "-H", "hosts", multiple=True, metavar="URL", help="A host (repeatable).")
@click.option("--map", "maps", multiple=True, metavar="GROUP=SPEC|ROLE",
              help="Check an inventory group against a spec, or as a role (repeatable).")
@click.option("--map-file", type=_FILE, help="YAML file of GROUP: SPEC|ROLE mappings.")
@click.option("--db", metavar="URL", help="History: sqlite:///PATH or postgresql://… "
              "(default: parity-history.db beside SPEC).")
@_outputs
@click.option("--fail-on", type=click.Choice(["new", "any", "never"]), default="any",
              show_default=True, help="Which drift makes the exit status 1.")
@click.option("--shard", metavar="K/N", help="Check only the K-th of N deterministic shares.")
@click.option("--run-id", metavar="ID", help="Run id (shards of one run share it).")
@click.option("--merge", is_flag=True, help="Combine the shards' partial PART.json reports.")
@click.option("--jobs", type=click.IntRange(min=1), help="Hosts collected at once.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds per host, connection included.")
@click.option("--strict", is_flag=True, help="Also report undeclared packages/users/groups/ports.")
@click.option("--baseline", type=_FILE, help="Only findings not in this baseline fail.")
def report(args: tuple[str, ...], inventory: str | None, limit: str | None,
           hosts: tuple[str, ...], maps: tuple[str, ...], map_file: Path | None, db: str | None,
           fail_on: str, shard: str | None, run_id: str | None, merge: bool, jobs: int | None,
           timeout: float, strict: bool, baseline: Path | None, **outs: Path | None) -> int:
    """Check a fleet, record the run in the history, write reports. Exit 0 ok, 1 drift
    (per --fail-on), 2 usage, 3 a host not checked.

    \b
    Examples:
      parity report parity.yaml --inventory prod.ini --html drift.html
      parity report --inventory prod.ini --db postgresql://drift@db/parity --fail-on new
    """
    from parity.fleet import flow
    from parity.fleet.run import ReportOptions
    from parity.fleet.shard import parse_shard

    spec, parts = flow.split_args(args, merge)
    options = ReportOptions(spec=spec, hosts=hosts, inventory=inventory, limit=limit, maps=maps,
                            map_file=map_file, shard=parse_shard(shard) if shard else None,
                            run_id=run_id, jobs=jobs, timeout=timeout, strict=strict,
                            baseline=baseline)
    outputs = {name: outs[f"out_{name}"] for name in FLEET_OUTPUTS}
    result = flow.report(options, outputs, db, parts)
    echo(flow.summary_line(result), err=any(flow.is_stdout(p) for p in outputs.values()))
    return result.exit_code(fail_on)  # type: ignore[arg-type]


@click.command()
@click.option("--db", metavar="URL", help="History (default: ./parity-history.db).")
@click.option("--host", metavar="H", help="Show this host's findings run by run.")
@click.option("--since", metavar="DATE", help="Only runs started on or after DATE (UTC).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--keep", type=click.IntRange(min=1), metavar="N", help="Prune all but N runs.")
@click.option("--keep-days", type=click.FloatRange(min=0), metavar="D",
              help="Prune runs older than D days.")
def history(db: str | None, host: str | None, since: str | None, fmt: str, keep: int | None,
            keep_days: float | None) -> None:
    """List the recorded runs, or one host's findings over time; prune old runs.

    \b
    Examples:
      parity history
      parity history --host web-1 --since 7d
      parity history --keep 90
    """
    from parity.fleet import flow

    click.echo(flow.history(db, host, since, fmt, keep, keep_days), nl=False)
