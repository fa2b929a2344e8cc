"""How an unusable collection output is explained: the transport's own words, no parser jargon."""

from __future__ import annotations

from parity.facts.collection import _explain
from parity.facts.script import ScriptOutputError
from parity.facts.transport import RunOutput

NO_MARKERS = ScriptOutputError("the output holds none of the collection markers")


def test_no_output_at_all_says_the_command_failed() -> None:
    out = RunOutput(1, b"", b"Error response from daemon: No such container: web-9\n")
    assert _explain(out, NO_MARKERS) == (
        "the command failed with exit status 1; the transport said: "
        "Error response from daemon: No such container: web-9")


def test_garbage_output_names_the_parser_problem() -> None:
    out = RunOutput(0, b"garbage\n", b"")
    assert _explain(out, NO_MARKERS) == (
        "unusable output (the output holds none of the collection markers; exit status 0)")


def test_progress_line_shows_host_names_literally() -> None:
    """An IPv6 URL (``ssh://root@[::1]``) or an inventory name may hold brackets: not markup."""
    import io

    from rich.console import Console

    from parity.facts.collection import HostResult, _progress
    from parity.facts.hosts import HostTarget

    hook, bar = _progress(True, 1)
    try:
        assert hook is not None
        hook(HostResult(HostTarget("web[/]1", "docker://web"), error="x"))
        buf = io.StringIO()
        Console(file=buf, force_terminal=True, width=200).print(bar.get_renderable())
    finally:
        bar.stop()
    assert "web[/]1: error" in buf.getvalue()


def test_progress_line_shows_host_names_escaped() -> None:
    """A host name from an inventory with OSC 0 (window title) in it is shown, not obeyed."""
    import io

    from rich.console import Console

    from parity.facts.collection import HostResult, _progress
    from parity.facts.hosts import HostTarget

    hook, bar = _progress(True, 1)
    try:
        assert hook is not None
        hook(HostResult(HostTarget("web\x1b]0;pwned\x07\u202e1", "docker://web"), error="x"))
        buf = io.StringIO()
        Console(file=buf, force_terminal=True, width=200).print(bar.get_renderable())
    finally:
        bar.stop()
    assert "web\\x1b]0;pwned\\x07\\u202e1: error" in buf.getvalue()
    assert "\x07" not in buf.getvalue() and "\u202e" not in buf.getvalue()


def test_exec_failure_printed_on_stdout_is_quoted() -> None:
    """``docker exec`` into a container without /bin/sh prints its reason on STDOUT, exit 126."""
    out = RunOutput(126, b'OCI runtime exec failed: exec failed: unable to start container '
                         b'process: exec: "/bin/sh": stat /bin/sh: no such file or directory: '
                         b'unknown\r\n', b"")
    assert _explain(out, NO_MARKERS) == (
        'the command failed with exit status 126; the transport said: OCI runtime exec failed: '
        'exec failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such '
        'file or directory: unknown')


def test_a_flood_on_stderr_is_quoted_short() -> None:
    """A host or transport that prints megabytes of error text gets its last words quoted, not
    all of them."""
    out = RunOutput(2, b"", b"x" * 5_000_000 + b" the end\n")
    said = _explain(out, NO_MARKERS)
    assert said.endswith("x the end") and len(said) < 320
