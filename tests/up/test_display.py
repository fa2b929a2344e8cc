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


HOSTILE_BUILD_OUTPUT = ("Step 2/9 : RUN printf evil\n"
                        "clip\x1b]52;c;cm0gLXJmIH4=\x07board\n"
                        "title\x1b]0;pwned\x07 \u202eexe.txt\n"
                        "50%\r100%\rdone\n"
                        "\x1b[2Jcleared")


def test_plain_display_shows_tool_output_escaped() -> None:
    out = io.StringIO()
    display = Display(out)
    display.phase("building image [bold]x\x1b[2J")
    display.line(HOSTILE_BUILD_OUTPUT)
    text = out.getvalue()
    assert text.splitlines() == [
        "==> building image [bold]x\\x1b[2J",
        "    Step 2/9 : RUN printf evil",
        "    clip\\x1b]52;c;cm0gLXJmIH4=\\x07board",
        "    title\\x1b]0;pwned\\x07 \\u202eexe.txt",
        "    50%", "    100%", "    done",  # a CR ends a line: nothing is overwritten
        "    cleared"]  # CSI (colours, cursor moves) is dropped, as before
    # the tail stays raw: it is quoted in an error, which the CLI sanitises once when printing
    assert "clip\x1b]52;c;cm0gLXJmIH4=\x07board" in display.tail


def test_rich_display_shows_tool_output_escaped() -> None:
    import re

    from tests.helpers.hostile import unsafe_chars

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    with make_display(out) as display:
        display.phase("building [bold]x[/bold]\x1b]0;t\x07")
        display.line(HOSTILE_BUILD_OUTPUT)
        display.info("note: \x07done")
    # rich's own codes: SGR, cursor show/hide and moves for the spinner; nothing from the tool
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert not unsafe_chars(text, allow="\n\r")
    assert "building [bold]x[/bold]\\x1b]0;t\\x07" in text
    assert "note: \\x07done" in text
