"""Progress output for ``up``: a live status line on a terminal, plain lines everywhere else.

Build and Vagrant output stream through :meth:`Display.line`. On a TTY a rich status spinner shows
the current phase and the latest output line while build steps (``Step 3/12 : RUN ...``) are kept
as permanent lines; in CI logs and pipes every line is printed as is, so nothing is lost. Either
way the last lines are kept for error messages ("the build failed; its last 20 lines were ...").
All of it goes to stderr: stdout carries only results (the URL), so ``$(parity up)`` works.

Tool output is host-controlled text (a ``RUN`` step prints whatever it likes), so every line is
sanitised (:mod:`parity.textsafe`) as it is shown: CSI sequences (docker's colours, cursor
moves) are dropped, any other escape (OSC 52, a window title) is made visible. A CR splits a line
like LF does (progress meters redraw with it), so no output line can overwrite another. The tail
keeps the raw lines; it ends up in an error message, which the CLI sanitises when it prints it.
"""

from __future__ import annotations

import io
import re
import sys
from collections import deque
from typing import IO, Any

from parity.textsafe import safe, safe_lines, shorten

TAIL_LINES = 20
#: colour and cursor escapes docker and vagrant put in their output (docker marks stderr red)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_STEP = re.compile(r"^(Step \d+/\d+ :|==> |\w+: (Building|Creating|Starting|Running))")


class Display:
    """Plain-line progress (non-TTY); also the base of :class:`RichDisplay`."""

    def __init__(self, stream: IO[str] | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)

    def phase(self, text: str) -> None:
        """A new stage (rendering, building, starting): always shown."""
        self._emit(f"==> {text}")

    def line(self, text: str) -> None:
        """One line of tool output (docker build, vagrant)."""
        for part in _NEWLINE.split(_ANSI.sub("", text)):
            if not part.strip():
                continue
            self.tail.append(part)
            if not self.quiet:
                self._output(part)

    def info(self, text: str) -> None:
        self._emit(text)

    def tail_text(self) -> str:
        return "\n".join(f"  | {line}" for line in self.tail)

    def close(self) -> None:
        """Stop any live display; safe to call more than once."""

    def _output(self, text: str) -> None:
        self._emit(f"    {text}")

    def _emit(self, text: str) -> None:
        print(safe_lines(text), file=self.stream, flush=True)

    def __enter__(self) -> Display:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class RichDisplay(Display):
    """A spinner with the current phase and the latest output line; steps stay on screen."""

    def __init__(self, stream: IO[str] | None = None, *, quiet: bool = False) -> None:
        super().__init__(stream, quiet=quiet)
        from rich.console import Console

        self.console = Console(file=self.stream, highlight=False)
        self._phase = ""
        self._status: Any = None

    def phase(self, text: str) -> None:
        from rich.text import Text

        self._phase = safe(text)
        self.console.print(Text.assemble(("==>", "bold"), " ", self._phase))
        if self._status is None:
            self._status = self.console.status(Text(self._phase), spinner="dots")
            self._status.start()
        else:
            self._status.update(Text(self._phase))

    def _output(self, text: str) -> None:
        text = safe(text)
        if _STEP.match(text):
            self.console.print(f"    {text}", markup=False)
        if self._status is not None:
            from rich.text import Text

            latest = Text(f"{self._phase}: ", style="bold")
            latest.append(shorten(text, max(20, self.console.width - len(self._phase) - 8)))
            self._status.update(latest)

    def _emit(self, text: str) -> None:
        self.console.print(safe_lines(text), markup=False)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def make_display(stream: IO[str] | None = None, *, quiet: bool = False) -> Display:
    """A rich display when ``stream`` is a terminal, plain lines otherwise; nothing at all with
    ``-q`` (the tail is still kept for error messages)."""
    from parity import logsetup

    if logsetup.quiet():
        return Display(io.StringIO(), quiet=True)
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", lambda: False)
    return RichDisplay(stream, quiet=quiet) if isatty() else Display(stream, quiet=quiet)
