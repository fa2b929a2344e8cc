"""The fleet report's outputs: one ``render(report: FleetReport) -> str`` per format.

``parity report --html F --json F --junit F --markdown F --metrics F`` writes each output asked
for (atomically, so a Prometheus textfile collector or a web server never reads half a file).
The registry names modules, imported only when their output is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from parity.errors import UsageError

if TYPE_CHECKING:
    from parity.fleet.model import FleetReport

#: output name (the option ``--NAME``) -> "module:function"
FLEET_OUTPUTS: dict[str, str] = {
    "html": "parity.fleet.outputs.html:render",
    "junit": "parity.fleet.outputs.junit:render",
    "markdown": "parity.fleet.outputs.markdown:render",
    "metrics": "parity.fleet.outputs.metrics:render",
    "json": "parity.fleet.outputs.json_out:render",
}


def renderer(name: str) -> Callable[[FleetReport], str]:
    """The ``render`` function of output ``name``; a clear error when it is not available."""
    target = FLEET_OUTPUTS.get(name)
    if target is None:
        raise UsageError(f"unknown report output {name!r}; known: "
                         f"{', '.join(sorted(FLEET_OUTPUTS))}")
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise UsageError(f"--{name}: this parity has no {name} report output ({module} is "
                         "missing)", hint="Install a parity release that has it, or leave "
                         f"--{name} out.") from None


def write_outputs(report: FleetReport, outputs: Mapping[str, Path | None]) -> list[Path]:
    """Render and write every output given a path (``-`` is stdout); the paths written."""
    import click

    from parity.fsutil import is_stdout, write_output

    wanted = {n: p for n, p in outputs.items() if p is not None}
    renderers = {n: renderer(n) for n in wanted}  # every missing output fails before any write
    written = []
    for name, path in wanted.items():
        text = renderers[name](report)
        if is_stdout(path):
            click.echo(text, nl=False)
        else:
            write_output(path, text)
            written.append(path)
    return written
