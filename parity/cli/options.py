"""Options shared by several commands, so they are spelled and documented the same everywhere."""

from __future__ import annotations

import click

spec_argument = click.argument(
    "spec", required=False, default="parity.yaml", type=click.Path(dir_okay=True, path_type=str)
)
