"""Host keys: an impostor on a host's address gets no password and no script.

The impostor is a real SSH server (paramiko's server side) on 127.0.0.5 that records every
authentication attempt and command it receives. The genuine host is the sshd container of
``sshd_host``; OpenSSH's own client, with the same known hosts file, is the oracle for which
keys are accepted.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parity.errors import HostError, UsageError
from parity.facts import collect, resolve_hosts

paramiko = pytest.importorskip("paramiko")

pytestmark = [pytest.mark.ssh]

SECRET = "s3cr3t-pw"


class _Server(paramiko.ServerInterface):  # type: ignore[misc]
    def __init__(self, events: list[tuple[str, ...]]) -> None:
        self.events = events

    def get_allowed_auths(self, username: str) -> str:
        return "password,publickey"

    def check_auth_password(self, username: str, password: str) -> int:
        self.events.append(("password", username, password))
        return int(paramiko.AUTH_SUCCESSFUL)

    def check_auth_publickey(self, username: str, key: Any) -> int:
        self.events.append(("publickey", username))
        return int(paramiko.AUTH_FAILED)

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return int(paramiko.OPEN_SUCCEEDED)

    def check_channel_exec_request(self, channel: Any, command: bytes) -> bool:
        self.events.append(("exec", command.decode("utf-8", "replace")))

        def answer() -> None:
            # the client may already have hung up (it judged the answer, or gave up): fine
            with contextlib.suppress(OSError):
                channel.sendall(b"not what parity expects\n")
                channel.send_exit_status(0)
            channel.close()

        threading.Thread(target=answer, daemon=True).start()
        return True


class Impostor:
    """An SSH server with its own host key on 127.0.0.5:<port>, logging what clients send."""

    def __init__(self) -> None:
        self.key = paramiko.ECDSAKey.generate()
        self.events: list[tuple[str, ...]] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.5", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.transports: list[Any] = []
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.events.append(("connect",))
            t = paramiko.Transport(conn)
            t.add_server_key(self.key)
            self.transports.append(t)
            try:
                t.start_server(server=_Server(self.events))
            except (paramiko.SSHException, EOFError, OSError):
                continue
            threading.Thread(target=t.accept, args=(10,), daemon=True).start()

    def received(self) -> list[tuple[str, ...]]:
        """What reached the server beyond the TCP connection and the key exchange."""
        return [e for e in self.events if e[0] != "connect"]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for t in self.transports:
            t.close()
        self.sock.close()


@pytest.fixture
def impostor() -> Iterator[Impostor]:
    imp = Impostor()
    yield imp
    imp.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME: no ~/.ssh/known_hosts, no ~/.ssh/config of the machine's user."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(h))
    return h


def _config(path: Path, known: Path, strict: str = "yes") -> Path:
    path.write_text(f"Host *\n  StrictHostKeyChecking {strict}\n  UserKnownHostsFile {known}\n"
                    "  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n")
    return path


def _openssh_accepts(config: Path, key: str, host: str, port: int) -> bool:
    """The oracle: does OpenSSH's client, with the same config, get a shell?"""
    proc = subprocess.run(["ssh", "-F", str(config), "-o", "BatchMode=yes", "-i", key, "-p",
                           str(port), f"root@{host}", "true"], capture_output=True, text=True,
                          timeout=30, check=False)
    return proc.returncode == 0


def test_unknown_key_gets_no_password_and_no_script(impostor: Impostor, home: Path) -> None:
    url = f"paramiko://root:{SECRET}@127.0.0.5:{impostor.port}?timeout=10"
    with pytest.raises(HostError) as err:
        collect(resolve_hosts([url])[0], timeout=20)
    message = err.value.render()
    assert impostor.events, "the client never reached the impostor"
    assert impostor.received() == []
    assert f"host key of [127.0.0.5]:{impostor.port} is not known" in message
    assert f"ssh-keyscan -p {impostor.port} 127.0.0.5" in message
    assert "strict_host_key_checking=no" in message
    assert SECRET not in message and f"root:***@127.0.0.5:{impostor.port}" in message


def test_changed_key_gets_no_password_and_no_script(impostor: Impostor, home: Path) -> None:
    other = paramiko.ECDSAKey.generate()
    (home / ".ssh" / "known_hosts").write_text(
        f"[127.0.0.5]:{impostor.port} {other.get_name()} {other.get_base64()}\n")
    url = f"paramiko://root:{SECRET}@127.0.0.5:{impostor.port}"
    with pytest.raises(HostError, match="CHANGED") as err:
        collect(url, timeout=20)
    assert impostor.events and impostor.received() == []
    assert "ssh-keygen -R" in err.value.render() and SECRET not in err.value.render()


def test_opt_out_reaches_the_impostor(impostor: Impostor, home: Path) -> None:
    """The check is what stopped it: with the documented opt-out the password does go out, and
    only after the key exchange (the connection is logged before any authentication)."""
    url = f"paramiko://root:{SECRET}@127.0.0.5:{impostor.port}?strict_host_key_checking=no"
    with pytest.raises(HostError):  # it answers nonsense
        collect(url, timeout=20)
    assert impostor.events[0] == ("connect",)
    assert ("password", "root", SECRET) in impostor.events


def test_opt_out_with_changed_key_keeps_the_password(impostor: Impostor, home: Path,
                                                     tmp_path: Path) -> None:
    """Like ssh with StrictHostKeyChecking=no: a changed key may connect, never with the
    password."""
    other = paramiko.ECDSAKey.generate()
    known = tmp_path / "known"
    known.write_text(f"[127.0.0.5]:{impostor.port} {other.get_name()} {other.get_base64()}\n")
    config = _config(tmp_path / "cfg", known, strict="no")
    url = f"paramiko://root:{SECRET}@127.0.0.5:{impostor.port}?ssh_config={config}"
    with pytest.raises(HostError):
        collect(url, timeout=20)
    assert not any(e[0] == "password" for e in impostor.events)
    assert not any(e[0] == "exec" for e in impostor.events)


def test_ssh_unknown_key_gets_nothing(impostor: Impostor, home: Path, tmp_path: Path) -> None:
    """ssh:// is checked by ssh itself (batch mode: an unknown key fails), nothing disables it."""
    key = tmp_path / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    url = f"ssh://root@127.0.0.5:{impostor.port}?ssh_identity_file={key}"
    with pytest.raises(HostError, match="Host key verification failed"):
        collect(url, timeout=20)
    assert impostor.events and impostor.received() == []


def test_ssh_password_url_is_refused_before_contact(impostor: Impostor) -> None:
    url = f"ssh://root:{SECRET}@127.0.0.5:{impostor.port}"
    with pytest.raises(UsageError, match="cannot use a password") as err:
        resolve_hosts([url])
    assert SECRET not in err.value.render()
    with pytest.raises(UsageError, match="yes, accept-new or no"):
        resolve_hosts([f"paramiko://root@127.0.0.5:{impostor.port}?strict_host_key_checking=x"])
    assert impostor.events == []


@pytest.mark.docker
def test_genuine_host_in_known_hosts(sshd_host: dict[str, Any], home: Path,
                                     tmp_path: Path) -> None:
    """Recorded with ssh-keyscan, the real sshd is accepted -- and refused while unrecorded,
    exactly as OpenSSH decides with the same files."""
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    known = tmp_path / "known_hosts"
    known.write_text("")
    config = _config(tmp_path / "cfg", known)
    url = f"paramiko://root:{SECRET}@{host}:{port}?ssh_identity_file={key}&ssh_config={config}"
    with pytest.raises(HostError, match="is not known"):
        collect(url, timeout=30)
    assert not _openssh_accepts(config, key, host, port)
    scan = subprocess.run(["ssh-keyscan", "-p", str(port), host], capture_output=True, text=True,
                          timeout=30, check=True).stdout
    known.write_text(scan)
    assert _openssh_accepts(config, key, host, port)
    facts = collect(url, timeout=30)
    assert facts.host == f"paramiko://root:***@{host}:{port}?ssh_identity_file={key}" \
                         f"&ssh_config={config}"
    assert facts.users["root"]["uid"] == 0


@pytest.mark.docker
def test_accept_new_records_the_key(sshd_host: dict[str, Any], home: Path,
                                    tmp_path: Path) -> None:
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    known = tmp_path / "known_hosts"
    config = _config(tmp_path / "cfg", known, strict="accept-new")
    url = f"paramiko://root@{host}:{port}?ssh_identity_file={key}&ssh_config={config}"
    collect(url, timeout=30)
    # ssh-keygen -F finds the recorded entry, and OpenSSH with StrictHostKeyChecking=yes trusts it
    found = subprocess.run(["ssh-keygen", "-F", f"[{host}]:{port}", "-f", str(known)],
                           capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stderr
    assert _openssh_accepts(_config(tmp_path / "strict", known), key, host, port)


def test_ssh_opt_out_is_passed_to_ssh(impostor: Impostor, tmp_path: Path) -> None:
    """Same config, with and without ?strict_host_key_checking=no: only the opt-out reaches
    authentication (where the impostor then refuses the key)."""
    key = tmp_path / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    config = tmp_path / "cfg"
    config.write_text("Host *\n  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile /dev/null\n"
                      "  LogLevel ERROR\n")
    url = f"ssh://root@127.0.0.5:{impostor.port}?ssh_identity_file={key}&ssh_config={config}"
    with pytest.raises(HostError, match="Host key verification failed"):
        collect(url, timeout=20)
    assert impostor.events and impostor.received() == []
    with pytest.raises(HostError, match="Permission denied"):
        collect(url + "&strict_host_key_checking=no", timeout=20)
    assert ("publickey", "root") in impostor.received()
    assert not any(e[0] == "exec" for e in impostor.events)


def test_inventory_password_host_is_checked_too(impostor: Impostor, home: Path,
                                                tmp_path: Path) -> None:
    """An inventory host with ansible_password (ssh connection) goes through the checked
    paramiko backend: the impostor gets nothing, and the error shows no password."""
    inv = tmp_path / "hosts"
    inv.write_text(f"imp ansible_host=127.0.0.5 ansible_port={impostor.port} ansible_user=root "
                   f"ansible_password={SECRET}\n")
    [target] = resolve_hosts(["imp"], inventory=str(inv))
    assert type(target.backend()).__name__ == "VerifiedParamikoBackend"
    with pytest.raises(HostError, match="is not known") as err:
        collect(target, timeout=20)
    assert impostor.events and impostor.received() == []
    assert SECRET not in err.value.render()
