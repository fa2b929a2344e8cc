"""Errors users can act on, and the exit codes they map to.

Every failure a user can cause or fix (bad spec, missing daemon, unreachable host) is raised as a
:class:`ParityError`; the CLI prints it as one paragraph and exits with its code. Anything else is a
bug and is allowed to show a traceback, so the two never get confused.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes, shared by every command (see README, "Exit codes")."""

    OK = 0
    #: drift found (check/diff), or files out of date (render --check)
    DRIFT = 1
    #: bad usage or an invalid spec
    USAGE = 2
    #: a host could not be checked (unreachable, timed out, garbage output)
    HOST = 3
    #: the environment could not be built or run (no daemon, build failed, port taken), or the
    #: disk is full
    ENVIRONMENT = 4
    #: a bug in parity itself (an unexpected exception); set PARITY_DEBUG=1 for the traceback
    INTERNAL = 70
    #: another ``parity up``/``down`` of the same environment holds its lock (``--no-wait``, or
    #: ``--wait-timeout`` ran out): nothing was done, try again later (sysexits' EX_TEMPFAIL)
    BUSY = 75
    #: interrupted by the user (Ctrl-C)
    INTERRUPTED = 130


class ParityError(Exception):
    """A failure the user can fix; ``hint`` says how."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The one-paragraph text the CLI prints.

        Raw, like the message: it quotes host output, paths and spec keys, and is sanitised
        (:mod:`parity.textsafe`) exactly once, where it is printed (``parity.cli.output.echo``)
        or reported (a host's error in a report); the JSON report keeps it exact.
        """
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UsageError(ParityError):
    exit_code = ExitCode.USAGE


class SpecError(ParityError):
    """An invalid spec: carries every problem found, each with file:line:column."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems), hint=hint)


class RenderError(ParityError):
    exit_code = ExitCode.USAGE


class EnvironmentError_(ParityError):
    """The developer environment could not be built, started or reached."""

    exit_code = ExitCode.ENVIRONMENT


class DiskFullError(EnvironmentError_):
    """A write failed for lack of space (ENOSPC, EDQUOT): no flag or other path fixes that, so
    it is exit 4 like any other broken environment, not a usage error."""


class BusyError(ParityError):
    """Another parity process is changing the same environment; nothing was done.

    Its own code (not 4) because nothing is broken: a script can wait and run it again.
    """

    exit_code = ExitCode.BUSY


class HostError(ParityError):
    """A host could not be checked."""

    exit_code = ExitCode.HOST
