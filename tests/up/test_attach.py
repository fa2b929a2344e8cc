"""``parity shell`` / ``exec`` / ``logs`` (parity/up/attach.py, parity/cli/daily_cmds.py).

The docker tests reach into the session's ``shop`` environment (examples/webapp, network none)
through the real CLI, in subprocesses and a pty, as a person would; the rest check the pure parts
(who the default user is, which word is the service) without Docker.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parity.cli.daily_cmds import _positionals
from parity.spec import load_spec, load_spec_text
from parity.up.attach import LineSanitiser, Running, default_user, exec_argv, shell_argv

from .helpers import copy_example, parity_cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The CLI with bytes in and out, and stdin never a terminal (so no TTY is allocated)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], input=stdin,
                          capture_output=True, env=env, timeout=300, check=False)


# -- against the running environment ---------------------------------------------------------
@pytest.mark.docker
@pytest.mark.slow
def test_exec_passes_the_exit_status_through(shop) -> None:
    spec, name = shop
    proc = run("exec", str(spec.path), "--name", name, "--", "sh", "-c", "exit 7")
    assert proc.returncode == 7, proc.stderr


@pytest.mark.docker
@pytest.mark.slow
def test_exec_passes_stdin_and_stdout_bytes_exactly(shop) -> None:
    spec, name = shop
    data = bytes(range(256)) + b"\r\n\x1b[2J no newline at the end"
    proc = run("exec", str(spec.path), "--name", name, "--", "cat", stdin=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == data  # passthrough: not sanitised, not translated
    proc = run("exec", str(spec.path), "--name", name, "--", "sh", "-c",
               "printf 'out\\n'; printf 'err\\n' >&2")
    assert (proc.stdout, proc.stderr) == (b"out\n", b"err\n")


@pytest.mark.docker
@pytest.mark.slow
def test_exec_of_a_missing_command_is_127(shop) -> None:
    spec, name = shop
    proc = run("exec", str(spec.path), "--name", name, "--", "no-such-command-here")
    assert proc.returncode == 127
    assert b"no-such-command-here" in proc.stderr


@pytest.mark.docker
@pytest.mark.slow
def test_exec_runs_as_the_spec_user_unless_told(shop) -> None:
    spec, name = shop
    proc = run("exec", str(spec.path), "--name", name, "--", "id", "-un")
    assert proc.stdout == b"app\n", proc.stderr
    proc = run("exec", str(spec.path), "--name", name, "--user", "root", "--", "id", "-un")
    assert proc.stdout == b"root\n", proc.stderr


@pytest.mark.docker
@pytest.mark.slow
def test_logs_of_a_service_show_its_log_file(shop, docker_client) -> None:
    spec, name = shop
    marker = f"parity-logs-marker-{time.time_ns()}"
    # a line with an escape: printed by parity, so shown sanitised
    docker_client.containers.get(name).exec_run(
        ["sh", "-c", f"printf '{marker} \\033]52;c;eA==\\a\\n' >> /var/log/parity/nginx.log"])
    proc = parity_cli("logs", str(spec.path), "--name", name, "nginx", "--tail", "5")
    assert proc.returncode == 0, proc.stderr
    assert f"{marker} \\x1b]52;c;eA==\\x07" in proc.stdout.splitlines()
    assert "\x1b" not in proc.stdout


@pytest.mark.docker
@pytest.mark.slow
def test_logs_without_a_service_show_the_entrypoint_output(shop) -> None:
    spec, name = shop
    proc = parity_cli("logs", str(spec.path), "--name", name)
    assert proc.returncode == 0, proc.stderr
    assert "parity-entrypoint: started nginx" in proc.stdout
    assert "parity-entrypoint: started postgresql" in proc.stdout


@pytest.mark.docker
@pytest.mark.slow
def test_logs_follow_stops_its_tail_when_parity_stops(shop, docker_client) -> None:
    spec, name = shop
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "parity", "logs", str(spec.path), "--name",
                             name, "-f", "nginx"], stdout=subprocess.PIPE, env=env)
    container = docker_client.containers.get(name)
    try:
        marker = f"followed-{time.time_ns()}"
        time.sleep(3)
        container.exec_run(["sh", "-c", f"echo {marker} >> /var/log/parity/nginx.log"])
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        seen = b""
        while marker.encode() not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                seen += os.read(proc.stdout.fileno(), 4096)
        assert marker.encode() in seen
    finally:
        proc.send_signal(2)  # Ctrl-C
        proc.wait(timeout=30)
    time.sleep(1)
    tails = container.exec_run(["sh", "-c", "ps -eo args 2>/dev/null || cat /proc/*/cmdline"])
    assert b"tail -n" not in tails.output.replace(b"\0", b" ")


@pytest.mark.docker
@pytest.mark.slow
def test_shell_lands_as_the_spec_user_in_a_terminal(shop) -> None:
    spec, name = shop
    out = pty_session(["shell", str(spec.path), "--name", name], b"id -un; exit\n")
    lines = [line.strip() for line in out.decode("utf-8", "replace").splitlines()]
    assert "app" in lines, out
    out = pty_session(["shell", str(spec.path), "--name", name, "--user", "root"],
                      b"id -un; exit\n")
    assert "root" in [line.strip() for line in out.decode("utf-8", "replace").splitlines()], out


@pytest.mark.docker
@pytest.mark.slow
def test_shell_reads_commands_from_a_pipe(shop) -> None:
    spec, name = shop
    proc = run("shell", str(spec.path), "--name", name, stdin=b"id -un; pwd\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == [b"app", b"/srv/app"]  # su -: the user's home


def pty_session(args: list[str], typed: bytes, timeout: float = 60) -> bytes:
    """Run the CLI on a new pseudo-terminal, type ``typed``, read until it exits."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: parity on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "parity", *args], env)
    os.write(fd, typed)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the terminal closed, parity exited
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    return out


@pytest.mark.docker
def test_no_environment_is_exit_4(tmp_path: Path, docker_client) -> None:
    spec = copy_example(tmp_path)
    for args in (["exec", str(spec), "--name", "parity-test-attach-none", "--", "true"],
                 ["shell", str(spec), "--name", "parity-test-attach-none"],
                 ["logs", str(spec), "--name", "parity-test-attach-none"]):
        proc = parity_cli(*args)
        assert proc.returncode == 4, (args, proc.stderr)
        assert f"no dev environment is running for {spec}" in proc.stderr
        assert "parity up --name parity-test-attach-none" in proc.stderr


# -- without docker ----------------------------------------------------------------------------
def test_logs_of_an_undeclared_service_is_a_usage_error(tmp_path: Path) -> None:
    spec = copy_example(tmp_path)
    proc = parity_cli("logs", str(spec), "nosuch")
    assert proc.returncode == 2
    assert "'nosuch' is not a service" in proc.stderr
    assert "Declared services: nginx, postgresql." in proc.stderr


def test_one_word_after_logs_is_the_service_unless_it_is_a_spec(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = copy_example(tmp_path)
    monkeypatch.chdir(spec.parent)
    proc = parity_cli("logs", "--tail", "3", "nosuch")  # the spec in the current folder
    assert proc.returncode == 2 and "Declared services: nginx" in proc.stderr
    assert _positionals(["--name", "x", "nginx", "-f"]) == [2]
    assert _positionals(["-n", "5", "parity.yaml", "nginx"]) == [2, 3]


def test_exec_needs_the_command_after_two_dashes() -> None:
    proc = parity_cli("exec", "nginx", "-v")
    assert proc.returncode == 2 and "after --" in proc.stderr


BASE = "parity: 1\nname: t\nbase: debian:12\n"


@pytest.mark.parametrize(("users", "expected"), [
    ("", None),
    ("users:\n  app: {uid: 1001}\n", "app"),
    ("users:\n  app: {}\n", "app"),
    ("users:\n  app: {}\n  svc: {system: true}\n  old: {uid: 999}\n", "app"),
    ("users:\n  app: {}\n  bob: {uid: 1002}\n", None),  # two people: which one? root
])
def test_default_user_is_the_one_person_account(users: str, expected: str | None) -> None:
    assert default_user(load_spec_text(BASE + users)) == expected


def test_argv_for_docker() -> None:
    running = Running("docker", "shop-dev", container="abc")
    assert shell_argv(running, "app", tty=True) == [
        "docker", "exec", "-it", "-u", "0", "abc", "su", "-", "app"]
    assert shell_argv(running, None, tty=True)[:6] == ["docker", "exec", "-it", "-u", "0", "abc"]
    assert exec_argv(running, ["nginx", "-v"], None, tty=False) == [
        "docker", "exec", "-i", "-u", "0", "abc", "sh", "-c", 'exec "$@"', "parity-exec",
        "nginx", "-v"]


def test_log_lines_are_sanitised_across_chunk_boundaries() -> None:
    lines = LineSanitiser()
    text = "caf\u00e9 \x1b]52;c;eA==\x07 \x1b[31mred\x1b[0m\r\nnext".encode()
    shown = "".join(lines.feed(text[i:i + 1]) for i in range(len(text))) + lines.flush()
    assert shown == "caf\u00e9 \\x1b]52;c;eA==\\x07 red\nnext"
    assert LineSanitiser().feed(b"\xff\n") == "\\xff\n"


def test_example_spec_default_user() -> None:
    assert default_user(load_spec(ROOT / "examples" / "webapp" / "parity.yaml")) == "app"


@pytest.mark.vagrant
@pytest.mark.docker
@pytest.mark.slow
def test_exec_and_logs_reach_the_vagrant_docker_provider(tmp_path: Path, docker_client) -> None:
    """--target vagrant: the container Vagrant's docker provider made, found by its machine id."""
    from parity.up import down, up

    from .helpers import SECRET, sweep

    spec = load_spec(copy_example(tmp_path))
    try:
        up(spec, target="vagrant", provider="docker", environ={"SECRET_KEY": SECRET})
        proc = run("exec", str(spec.path), "--target", "vagrant", "--", "sh", "-c",
                   "id -un; exit 3")
        assert (proc.returncode, proc.stdout) == (3, b"app\n"), proc.stderr
        proc = run("logs", str(spec.path), "--target", "vagrant")
        assert b"parity-entrypoint: started nginx" in proc.stdout, proc.stderr
    finally:
        with contextlib.suppress(Exception):
            down(spec, target="vagrant")
        sweep(docker_client, tmp_path)
