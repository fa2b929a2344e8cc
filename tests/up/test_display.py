"""Progress output: plain lines off a terminal, ANSI stripped, last lines kept for errors."""

from __future__ import annotations

import io

from parity.up.display import TAIL_LINES, Display, RichDisplay, make_display


def test_plain_lines_and_tail() -> None:
    out = io.StringIO()
    display = make_display(out)
    assert type(display) is Display
    display.phase("building image shop:dev")
    display.line("Step 1/3 : FROM debian:12\n ---> 261554d50440\n")
    display.line("\x1b[91mE: Unable to locate package nope\n\x1b[0m")
    display.line("\n")
    assert out.getvalue().splitlines() == [
        "==> building image shop:dev", "    Step 1/3 : FROM debian:12", "     ---> 261554d50440",
        "    E: Unable to locate package nope"]
    assert display.tail_text().splitlines()[-1] == "  | E: Unable to locate package nope"


def test_tail_keeps_the_last_lines_only() -> None:
    display = Display(io.StringIO(), quiet=True)
    for i in range(100):
        display.line(f"line {i}")
    assert list(display.tail) == [f"line {i}" for i in range(100 - TAIL_LINES, 100)]


def test_terminal_gets_the_rich_display() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    with make_display(out) as display:
        assert isinstance(display, RichDisplay)
        display.phase("building")
        display.line("Step 2/9 : RUN sh provision.sh")
        display.line("Get:1 http://deb.debian.org/debian bookworm InRelease")
    text = out.getvalue()
    assert "Step 2/9 : RUN sh provision.sh" in text
    assert list(display.tail)[-1].startswith("Get:1")
