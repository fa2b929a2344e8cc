"""The ``parity`` command: a thin click shell over the library.

Subcommands live one module each and are imported only when invoked (``COMMANDS`` maps a name to
``module:attribute``), so ``parity --help`` and ``parity validate`` stay fast and never import the
docker SDK. Every :class:`~parity.errors.ParityError` becomes one paragraph on stderr and its
documented exit code; Ctrl-C exits 130. An unexpected exception is a bug in parity: it is
reported in one paragraph with exit 70, and ``PARITY_DEBUG=1`` shows the traceback. Every message
printed here is sanitised (:mod:`parity.textsafe`): errors quote host output, spec keys and
command-line arguments, any of which may hold terminal escapes.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from parity import __version__
from parity.cli.output import echo, show_click_error
from parity.errors import ExitCode, ParityError

#: command name -> "module:attribute" (a click.Command), imported lazily
COMMANDS: dict[str, str] = {
    "validate": "parity.cli.spec_cmds:validate",
    "init": "parity.cli.init_cmd:init",
    "snapshot": "parity.cli.snapshot_cmd:snapshot",
    "schema": "parity.cli.spec_cmds:schema",
    "render": "parity.cli.render_cmd:render",
    "build-aci": "parity.cli.render_cmd:build_aci",
    "build-box": "parity.cli.box_cmd:build_box",
    "up": "parity.cli.up_cmds:up",
    "down": "parity.cli.up_cmds:down",
    "status": "parity.cli.up_cmds:status",
    "shell": "parity.cli.daily_cmds:shell",
    "exec": "parity.cli.daily_cmds:exec_",
    "logs": "parity.cli.daily_cmds:logs",
    "check": "parity.cli.check_cmds:check",
    "diff": "parity.cli.check_cmds:diff",
    "capture": "parity.cli.check_cmds:capture",
    "report": "parity.cli.report_cmds:report",
    "history": "parity.cli.report_cmds:history",
}


def _verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """``-v`` / ``-q`` wherever given (before or after the command name): the last one counts,
    and a command's own ``-v`` adds to the group's."""
    if not value:
        return
    from parity import logsetup

    if param.name == "quiet":
        logsetup.configure(-1)
    else:
        logsetup.configure(max(logsetup.verbosity(), 0) + value)


def verbosity_options() -> list[click.Option]:
    """``-v/--verbose`` (repeatable) and ``-q/--quiet``, the same on the group and every
    command (see :mod:`parity.logsetup`); they set logging, the command never sees them."""
    return [
        click.Option(["-v", "--verbose"], count=True, expose_value=False, is_eager=True,
                     callback=_verbosity,
                     help="Say what runs where and how long it takes (-vv: more)."),
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_verbosity, help="Print errors only (results still go to stdout)."),
    ]


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        if not any(p.name == "verbose" for p in command.params):
            command.params.extend(verbosity_options())
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each command's whole first sentence, wrapped, instead of
        click's one-line cut ("Bring SPEC's dev environment up...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                             "show_default": True},
             params=verbosity_options())
@click.version_option(__version__, prog_name="parity")
def cli() -> None:
    """parity: one environment spec, every environment, and drift checks for live hosts.

    \b
    Exit codes: 0 ok, 1 drift (or files out of date), 2 usage or spec error,
    3 a host could not be checked, 4 the environment could not be built or run,
    70 internal error (a bug in parity), 75 busy (another up/down of the environment
    runs), 130 interrupted.
    """


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI and map errors to exit codes."""
    from parity import logsetup

    logsetup.configure(0)  # warnings only until -v / -q say otherwise
    try:
        code = cli.main(args=argv, prog_name="parity", standalone_mode=False)
    except ParityError as exc:
        echo(f"error: {exc.render()}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except click.ClickException as exc:
        show_click_error(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("PARITY_DEBUG"):
            raise
        echo(
            f"error: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in parity, not in your input. Please report it with the command you "
            "ran; run it again with PARITY_DEBUG=1 to see the traceback.",
            err=True,
        )
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(code if isinstance(code, int) else 0)
