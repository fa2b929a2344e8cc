"""``parity shell``, ``parity exec`` and ``parity logs``: thin shells over :mod:`parity.up.attach`.

``shell`` and ``exec`` replace parity with the ``docker`` CLI (or ``vagrant ssh``), so the
terminal, the streams and the exit status are the command's own. ``logs`` prints what the
environment wrote, sanitised, as everything parity prints is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from parity.cli.options import spec_argument
from parity.cli.up_cmds import TARGETS

_TARGET = click.option("--target", type=click.Choice(TARGETS), default="docker",
                       show_default=True, help="Which `parity up` environment to reach.")
_NAME = click.option("--name", help="Container name (docker target), as given to `parity up "
                                    "--name`; default <spec name>-dev.")
_USER = click.option("--user", "-u", metavar="USER",
                     help="Account to run as. Default: the spec's user when it declares exactly "
                          "one person account (not system: true, uid 1000 or more), else root.")


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _replace_with(argv: list[str], running: object) -> None:
    """Become ``argv``: its exit status is ours, its terminal is the user's."""
    from parity.up.attach import Running, run_cwd, run_env

    assert isinstance(running, Running)
    sys.stdout.flush()
    sys.stderr.flush()
    cwd = run_cwd(running)
    if cwd is not None:
        os.chdir(cwd)
    os.execvpe(argv[0], argv, run_env(running))


class _ExecCommand(click.Command):
    """Everything after ``--`` is the command, never the spec: ``parity exec -- nginx -v``."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), "-- CMD..."]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            if any(a in ("-h", "--help") for a in args):
                return super().parse_args(ctx, args)
            raise click.UsageError("give the command after --: parity exec [SPEC] -- CMD...",
                                   ctx=ctx)
        at = args.index("--")
        ctx.meta["parity.exec.command"] = args[at + 1:]
        return super().parse_args(ctx, args[:at])


@click.command("exec", cls=_ExecCommand)
@spec_argument
@_TARGET
@_NAME
@_USER
@click.pass_context
def exec_(ctx: click.Context, spec: str, target: str, name: str | None,
          user: str | None) -> None:
    """Run a command in SPEC's running dev environment.

    stdin, stdout and stderr are passed through and parity exits with the command's status
    (127: command not found, 126: not executable). A terminal is allocated only when stdin and
    stdout both are one, so pipes and redirections get exact bytes.

    \b
    Examples:
      parity exec -- nginx -v
      parity exec --user root -- apt-get install -y strace
      parity exec examples/webapp/parity.yaml -- sh -c 'pg_isready && echo ok'
    """
    from parity.spec import load_spec
    from parity.up.attach import default_user, exec_argv, find

    loaded = load_spec(spec)
    running = find(loaded, target=target, name=name)
    command: Sequence[str] = ctx.meta.get("parity.exec.command", [])
    _replace_with(exec_argv(running, command, user or default_user(loaded),
                            tty=_is_terminal()), running)


@click.command()
@spec_argument
@_TARGET
@_NAME
@_USER
def shell(spec: str, target: str, name: str | None, user: str | None) -> None:
    """Open an interactive login shell in SPEC's running dev environment.

    As USER via `su - USER` (their home, shell and the spec's env from /etc/profile.d; secret
    env values are not there), or as root with `bash -l` (`sh -l` without bash). With
    --target vagrant: `vagrant ssh` in .parity/vagrant/, or the container Vagrant's docker
    provider made.

    \b
    Examples:
      parity shell
      parity shell --user root
      parity shell examples/webapp/parity.yaml --name shop-ci
    """
    from parity.spec import load_spec
    from parity.up.attach import default_user, find, shell_argv

    loaded = load_spec(spec)
    running = find(loaded, target=target, name=name)
    _replace_with(shell_argv(running, user or default_user(loaded), tty=sys.stdin.isatty()),
                  running)


#: options of `logs` that take a value (for telling SPEC from SERVICE, below)
_LOGS_VALUED = ("--name", "--target", "--tail", "-n")


class _LogsCommand(click.Command):
    """``parity logs nginx``: one positional that is not a spec file is the SERVICE.

    Decided on the raw arguments, before the spec is looked at, so it holds however SPEC is
    found: a word with no ``/`` that is not an existing path nor a ``.yaml``/``.yml`` file name.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        positions = _positionals(args)
        if len(positions) == 1:
            word = args[positions[0]]
            if ("/" not in word and not word.endswith((".yaml", ".yml"))
                    and not Path(word).exists()):
                ctx.meta["parity.logs.service"] = word
                args = args[:positions[0]] + args[positions[0] + 1:]
        return super().parse_args(ctx, args)


def _positionals(args: list[str]) -> list[int]:
    found: list[int] = []
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--":
            found += range(index + 1, len(args))
            break
        elif arg in _LOGS_VALUED:
            skip = True
        elif not arg.startswith("-") or arg == "-":
            found.append(index)
    return found


@click.command(cls=_LogsCommand)
@spec_argument
@click.argument("service", required=False)
@_TARGET
@_NAME
@click.option("--follow", "-f", is_flag=True, help="Keep printing new output until Ctrl-C.")
@click.option("--tail", "-n", type=click.IntRange(min=0), metavar="N",
              help="Only the last N lines. Default: all of the environment's output, the last "
                   "10 lines of a service log.")
@click.pass_context
def logs(ctx: click.Context, spec: str, service: str | None, target: str, name: str | None,
         follow: bool, tail: int | None) -> None:
    """Show the output of SPEC's running dev environment, or of one SERVICE in it.

    Without SERVICE: the container's own output (`docker logs`: the entrypoint's messages,
    which services it started, why one failed). With a SERVICE the spec declares: its log,
    /var/log/parity/SERVICE.log inside. Output is sanitised (control characters shown as
    escapes, colour codes dropped).

    \b
    Examples:
      parity logs
      parity logs nginx -n 50
      parity logs examples/webapp/parity.yaml postgresql --follow
    """
    from parity.spec import load_spec
    from parity.up.attach import LineSanitiser, ServiceLog, check_service, container_logs, find

    service = service or ctx.meta.get("parity.logs.service")
    loaded = load_spec(spec)
    if service is not None:
        check_service(loaded, service)
    running = find(loaded, target=target, name=name)
    outs = {False: LineSanitiser(), True: LineSanitiser()}

    def show(data: bytes | None, err: bool) -> None:
        if data:
            text = outs[err].feed(data)
            if text:
                click.echo(text, nl=False, err=err)
                (sys.stderr if err else sys.stdout).flush()

    if service is None:
        for chunk in container_logs(running, follow=follow, tail=tail):
            show(chunk, False)
    else:
        reader = ServiceLog(running, service, follow=follow, tail=10 if tail is None else tail)
        for out, err in reader.chunks():
            show(out, False)
            show(err, True)
    for err, sanitiser in outs.items():
        rest = sanitiser.flush()
        if rest:
            click.echo(rest, err=err)  # already sanitised
