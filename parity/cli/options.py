"""Options shared by several commands, so they are spelled and documented the same everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

#: said in the help of every command that takes a spec
SPEC_HELP = ("Spec file (or a folder holding one); default: $PARITY_SPEC, else parity.yaml (or "
             "parity.yml) in this folder or the nearest one above it.")
#: the same, for commands where a spec only adds to the work (diff, snapshot)
OPTIONAL_SPEC_HELP = SPEC_HELP.removesuffix(".") + ", if any."


def spec_argument(command: Callable[..., Any]) -> Callable[..., Any]:
    """``[SPEC]`` and ``--spec PATH``, both resolved the way git finds its repository
    (:mod:`parity.spec.discover`); the command receives ``spec`` as a path string.

    The positional form is what most commands always had; ``--spec`` is what ``diff`` and
    ``snapshot`` need (their positionals are hosts), so every command accepts it too.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, spec: str | None = None, spec_option: str | None = None,
                **kwargs: Any) -> Any:
        from parity.errors import UsageError
        from parity.spec.discover import resolve_spec

        if spec is not None and spec_option is not None and spec != spec_option:
            raise UsageError(f"two specs given: {spec} and --spec {spec_option}",
                             hint="Name the spec once.")
        return command(*args, spec=str(resolve_spec(spec or spec_option)), **kwargs)

    wrapper = click.option("--spec", "spec_option", metavar="PATH", help=SPEC_HELP)(wrapper)
    return click.argument("spec", required=False, default=None,
                          type=click.Path(dir_okay=True, path_type=str))(wrapper)


def optional_spec(given: str | None) -> str | None:
    """For commands where a spec only adds to the work (``diff``, ``snapshot``): the one given,
    else the one found as :func:`spec_argument` finds it, else None."""
    from parity.spec.discover import resolve_spec

    found = resolve_spec(given, required=False)
    return str(found) if found is not None else None


class Duration(click.ParamType):
    """Seconds as ``60``, ``60s``, ``500ms``, ``2m`` or ``1h`` (goss's and CI tools' spelling)."""

    name = "duration"
    _UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip().lower()
        for unit in sorted(self._UNITS, key=len, reverse=True):
            if text.endswith(unit):
                number, scale = text[: -len(unit)], self._UNITS[unit]
                break
        else:
            number, scale = text, 1.0
        try:
            seconds = float(number) * scale
        except ValueError:
            self.fail(f"{value!r} is not a duration (like 60s, 500ms, 2m)", param, ctx)
        if seconds < 0 or seconds != seconds:
            self.fail(f"{value!r} is not a duration (like 60s, 500ms, 2m)", param, ctx)
        return seconds
