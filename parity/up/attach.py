"""``parity shell`` / ``exec`` / ``logs``: reach into the running dev environment.

The library side of the daily commands; the CLI (:mod:`parity.cli.daily_cmds`) is a thin shell
over it and tests call it directly. Finding the environment reuses the ``up`` drivers'
``observe`` (by container name and parity's labels, or Vagrant's machine id), so these commands
reach exactly what ``parity up`` made and nothing else.

Interactive and passthrough parts (a shell, ``exec``) are argv lists for the ``docker`` CLI (or
``vagrant ssh``) that the CLI ``execvp``s: the Docker SDK does not drive an interactive TTY well,
and an exec'd CLI passes stdin, stdout, stderr, signals and the exit status through untouched
(and inherits ``DOCKER_HOST`` / ``DOCKER_CONTEXT``). Logs are printed by parity itself, so they
come through the SDK as byte streams and are sanitised line by line (:class:`LineSanitiser`).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import shlex
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.errors import EnvironmentError_, UsageError
from parity.spec import Spec
from parity.textsafe import quoted, safe_lines
from parity.up.display import Display

#: where the parity entrypoint sends each service's output (templates/render/provision/...)
SERVICE_LOG_DIR = "/var/log/parity"
#: the first uid Debian's adduser and most distros give people (below: system accounts)
FIRST_PERSON_UID = 1000
#: ``sh -c`` wrapper for ``exec``: sh exits 127 for a command it cannot find and 126 for one it
#: cannot run, the codes shells use, whatever the docker CLI and daemon make of a failed exec
EXEC_WRAPPER = ("sh", "-c", 'exec "$@"', "parity-exec")
#: a root login shell: bash when the image has it (Debian, Fedora), else sh (Alpine)
ROOT_SHELL = ("sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash -l; "
              "else exec sh -l; fi")
#: follows a service log and ends the ``tail`` when parity stops reading: its pid comes first
FOLLOW = 'echo "$$"; exec tail -n "$1" -F "$2"'
#: exit code of :data:`SHOW` when the log file does not exist
NO_LOG = 66
SHOW = f'[ -e "$2" ] || exit {NO_LOG}; exec tail -n "$1" "$2"'


@dataclass(frozen=True)
class Running:
    """One running environment: a container to ``docker exec`` into, or a Vagrant VM."""

    target: str
    #: the environment's name in messages (container name, or Vagrant's machine)
    name: str
    #: container id (docker target, or the container Vagrant's docker provider made)
    container: str | None = None
    #: the Vagrant working folder (``.parity/vagrant/``) of a VM reached with ``vagrant ssh``
    vagrant_root: Path | None = None
    vagrant_env: dict[str, str] = field(default_factory=dict, repr=False)


def find(spec: Spec, *, target: str = "docker", name: str | None = None) -> Running:
    """The running ``target`` environment ``parity up`` made for ``spec`` (named ``name``).

    Raises :class:`EnvironmentError_` (exit 4) when none runs, or the name belongs to
    something parity did not create for this spec; a missing daemon is exit 4 too.
    """
    from parity.up.base import get_driver

    if name is not None and target != "docker":
        raise UsageError("--name applies to the docker target only",
                         hint="Vagrant names its machine itself.")
    driver = get_driver(target, Display(quiet=True))
    env_name = name or driver.default_name(spec)
    observed = driver.observe(spec, env_name)
    up_cmd = "parity up" + (f" --name {env_name}" if name else "") + (
        f" --target {target}" if target != "docker" else "")
    if observed is not None and not observed.managed:
        raise EnvironmentError_(
            f"A {target} environment named {env_name} exists, but parity did not create it for "
            f"{spec.display_path()}; parity does not reach into it.",
            hint="Pass the --name of the environment `parity up` made (see `parity status`).")
    if observed is None or not observed.running:
        why = f" ({driver.describe(env_name)} is {observed.state or 'stopped'})" \
            if observed is not None else ""
        raise EnvironmentError_(
            f"no dev environment is running for {spec.display_path()}{why}; start it with "
            f"`{up_cmd}`")
    if target == "vagrant" and not (observed.url or "").startswith("docker://"):
        from parity.up.vagrant_driver import VagrantDriver

        assert isinstance(driver, VagrantDriver)
        # the same environment `parity up` gave Vagrant, so it loads the same Vagrantfile
        return Running(target, env_name, vagrant_root=driver.root(spec),
                       vagrant_env=driver.vagrant_env(spec))
    return Running(target, observed.name, container=observed.ident or observed.name)


def default_user(spec: Spec) -> str | None:
    """The spec's one person account, or None (root).

    A person account is one not marked ``system: true`` whose uid, when given, is at least
    1000. With none, or several (which one would be meant?), the shell is root's.
    """
    people = [account for account, user in spec.model.users.items()
              if not user.system and (user.uid is None or user.uid >= FIRST_PERSON_UID)]
    return people[0] if len(people) == 1 else None


def shell_argv(running: Running, user: str | None, *, tty: bool) -> list[str]:
    """The argv of an interactive login shell as ``user`` (None: root) in ``running``."""
    if running.vagrant_root is not None:
        return ["vagrant", "ssh", "-c", shlex.join(["sudo", "su", "-", user or "root"])]
    inner = ["su", "-", user] if user and user not in ("root", "0") else list(ROOT_SHELL)
    return [*_docker_exec(tty), "-u", "0", running.container or running.name, *inner]


def exec_argv(running: Running, command: Sequence[str], user: str | None, *,
              tty: bool) -> list[str]:
    """The argv that runs ``command`` as ``user`` (None: root) in ``running``, its streams and
    exit status passed through (127: not found, 126: not executable)."""
    if not command:
        raise UsageError("no command to run", hint="Put it after --: parity exec -- nginx -v")
    if running.vagrant_root is not None:
        inner = ["sudo", "-u", user or "root", "-H", "--", *EXEC_WRAPPER, *command]
        return ["vagrant", "ssh", "-c", shlex.join(inner), *([] if tty else ["--no-tty"])]
    return [*_docker_exec(tty), "-u", user or "0", running.container or running.name,
            *EXEC_WRAPPER, *command]


def _docker_exec(tty: bool) -> list[str]:
    if shutil.which("docker") is None:
        raise EnvironmentError_(
            "The `docker` command is not installed (not found on PATH); parity runs shells and "
            "commands in the environment through it, for their terminal.",
            hint="Install the Docker CLI (`apt-get install docker.io`, or docker-ce-cli).")
    return ["docker", "exec", "-it" if tty else "-i"]


def run_cwd(running: Running) -> Path | None:
    """Where the argv must run: ``vagrant ssh`` needs Vagrant's working folder."""
    return running.vagrant_root


def run_env(running: Running) -> dict[str, str]:
    """The environment the argv runs with: the caller's (DOCKER_HOST, DOCKER_CONTEXT...)."""
    return running.vagrant_env or dict(os.environ)


# -- logs -------------------------------------------------------------------------------------
def check_service(spec: Spec, service: str) -> str:
    """``service`` when the spec declares it; else a usage error naming the declared ones."""
    declared = sorted(spec.model.services)
    if service not in declared:
        raise UsageError(
            f"{quoted(service)} is not a service {spec.display_path()} declares",
            hint=(f"Declared services: {', '.join(declared)}." if declared
                  else "The spec declares no services; `parity logs` without a service shows "
                       "the environment's own output."))
    return service


def _container(running: Running) -> Any:
    if running.container is None:
        raise UsageError(
            "parity logs reads container environments (the docker target, or Vagrant's docker "
            "provider); this Vagrant machine is a VM",
            hint=f"Run `vagrant ssh -c 'sudo journalctl -u SERVICE'` in {running.vagrant_root}.")
    from parity.up.dockerclient import connect

    return connect(timeout=60).containers.get(running.container)


def container_logs(running: Running, *, follow: bool = False,
                   tail: int | None = None) -> Iterator[bytes]:
    """The container's own output (its entrypoint's stdout and stderr, interleaved), as
    ``docker logs`` shows it; ``follow`` keeps streaming until the container stops."""
    container = _container(running)
    stream = container.logs(stream=True, follow=follow, stdout=True, stderr=True,
                            tail="all" if tail is None else tail)
    yield from stream


@dataclass
class ServiceLog:
    """A service's log file read inside the container; ``exit_code`` is set once it ends."""

    running: Running
    service: str
    follow: bool = False
    tail: int = 10
    exit_code: int | None = None

    @property
    def path(self) -> str:
        return f"{SERVICE_LOG_DIR}/{self.service}.log"

    def chunks(self) -> Iterator[tuple[bytes | None, bytes | None]]:
        """``(stdout, stderr)`` chunks of ``tail`` on the log. Following, the ``tail`` inside is
        killed when the reader stops (Ctrl-C, or the generator closed): a ``docker exec`` whose
        client went away would otherwise keep running in the container."""
        container = _container(self.running)
        api = container.client.api
        script = FOLLOW if self.follow else SHOW
        exec_id = api.exec_create(container.id, ["sh", "-c", script, "parity-logs",
                                                 str(self.tail), self.path], user="0")["Id"]
        pid: bytes | None = None if self.follow else b""
        pending = b""
        try:
            for out, err in api.exec_start(exec_id, stream=True, demux=True):
                if pid is None and out:
                    pending += out
                    if b"\n" not in pending:
                        continue
                    pid, _, out = pending.partition(b"\n")
                yield out or None, err
        finally:
            if pid and pid.strip().isdigit():
                _kill(container, pid.strip().decode())
        self.exit_code = api.exec_inspect(exec_id).get("ExitCode")
        if self.exit_code == NO_LOG:
            raise EnvironmentError_(
                f"service {self.service} has no log in {self.running.name} yet: {self.path} "
                "does not exist",
                hint="The entrypoint writes it when it starts the service (running: true, or "
                     "enabled: true). `parity logs` without a service shows the entrypoint's "
                     "own output, and why a start failed.")


def _kill(container: Any, pid: str) -> None:
    with contextlib.suppress(Exception):
        container.exec_run(["kill", pid], user="0")


#: colour and cursor codes (a service's coloured log lines): dropped, as ``up``'s display does
_CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class LineSanitiser:
    """Turns a byte stream into sanitised text (:mod:`parity.textsafe`), whole lines at a time.

    Chunks split anywhere (inside a UTF-8 sequence, an escape or a line), so text is decoded
    incrementally (undecodable bytes shown as ``\\xNN``) and only complete lines are escaped;
    :meth:`flush` gives the last, unterminated one.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._rest = ""

    def feed(self, data: bytes) -> str:
        text = self._rest + self._decoder.decode(data)
        head, sep, self._rest = text.rpartition("\n")
        return self._show(head + sep) if sep else ""

    def flush(self) -> str:
        text, self._rest = self._rest + self._decoder.decode(b"", final=True), ""
        return self._show(text)

    @staticmethod
    def _show(text: str) -> str:
        return safe_lines(_CSI.sub("", text))
