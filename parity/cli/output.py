"""The one way commands print text for people: sanitised, so host and spec text stays inert.

Paths, host URLs, spec names and error texts reach the terminal through :func:`echo`, which runs
them through :func:`parity.textsafe.safe_lines` (newlines kept, every other control escaped).
Machine output is not for this: reports are sanitised by their reporter (rich's own colour codes
must survive) and JSON keeps exact values, so both go through ``click.echo`` as they are.
"""

from __future__ import annotations

import io

import click

from parity.textsafe import safe_lines


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print ``text`` with control characters made visible (see :mod:`parity.textsafe`).

    With ``-q`` only errors reach stderr (notes, summaries and warnings do not); stdout
    carries results and is never silenced."""
    if err and not text.startswith("error") and _quiet():
        return
    click.echo(safe_lines(text), err=err, nl=nl)


def _quiet() -> bool:
    from parity import logsetup

    return logsetup.quiet()


class _Terminal(io.StringIO):
    """A buffer click takes for a terminal: click drops CSI sequences from what it prints off a
    terminal, which would hide them rather than show them; here they are kept, then escaped."""

    def isatty(self) -> bool:
        return True


def show_click_error(exc: click.ClickException) -> None:
    """Print click's own error (usage line, hint, message quoting the argument) sanitised."""
    shown = _Terminal()
    exc.show(file=shown)
    echo(shown.getvalue(), err=True, nl=False)
