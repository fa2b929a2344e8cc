"""The one way commands print text for people: sanitised, so host and spec text stays inert.

Paths, host URLs, spec names and error texts reach the terminal through :func:`echo`, which runs
them through :func:`parity.textsafe.safe_lines` (newlines kept, every other control escaped).
Machine output is not for this: reports are sanitised by their reporter (rich's own colour codes
must survive) and JSON keeps exact values, so both go through ``click.echo`` as they are.
"""

from __future__ import annotations

import click

from parity.textsafe import safe_lines


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print ``text`` with control characters made visible (see :mod:`parity.textsafe`)."""
    click.echo(safe_lines(text), err=err, nl=nl)
