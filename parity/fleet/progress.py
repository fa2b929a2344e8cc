"""The live progress line of ``parity report``: hosts done, drifted and unreachable so far.

``parity check`` shows collection progress only; a fleet run compares each host as soon as its
facts arrive, so the bar can say how the fleet looks while the slow hosts are still answering.
Same look as collection's bar (rich, on stderr, only on a terminal, gone when done).
"""

from __future__ import annotations

import sys
from typing import Any

from parity.textsafe import safe


class FleetProgress:
    """``update(host, state)`` after each host; ``stop()`` at the end (idempotent)."""

    def __init__(self, total: int, show: bool | None = None) -> None:
        self.counts = {"clean": 0, "drifted": 0, "unreachable": 0}
        self._bar: Any = None
        if not (sys.stderr.isatty() if show is None else show) or not total:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[tally]}  {task.fields[last]}",
                                        markup=False),
                             console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task("hosts", total=total, tally="", last="")
        self._bar.start()

    def update(self, host: str, state: str) -> None:
        self.counts[state] = self.counts.get(state, 0) + 1
        if self._bar is None:
            return
        c = self.counts
        tally = f"{c['drifted']} drifted, {c['unreachable']} unreachable"
        # host names come from inventories: shown sanitised, like every report
        self._bar.update(self._task, advance=1, tally=tally, last=f"{safe(host)}: {state}")

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
