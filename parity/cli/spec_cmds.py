"""``parity validate`` and ``parity schema``."""

from __future__ import annotations

import json

import click

from parity.cli.options import spec_argument
from parity.cli.output import echo


@click.command()
@spec_argument
def validate(spec: str) -> None:
    """Check SPEC (see --spec); exit 0 when valid, 2 listing every problem.

    \b
    Examples:
      parity validate                       # the spec found here or above
      parity validate examples/webapp
      PARITY_SPEC=ci/parity.yaml parity validate
    """
    from parity.spec import load_spec

    loaded = load_spec(spec)
    echo(f"{loaded.path}: valid ({loaded.distro.base}, sha256 {loaded.sha256[:12]})")


@click.command()
def schema() -> None:
    """Print the spec's JSON Schema, for editor completion (e.g. yaml-language-server).

    \b
    Examples:
      parity schema > parity.schema.json
      parity schema | jq '.properties | keys'
    """
    from parity.spec import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
