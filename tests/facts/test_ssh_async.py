"""The in-process asyncssh client (parity.facts.ssh_async): same host-key and identity rules as
``paramiko://``, same deadline and output bound as the OpenSSH transport, no process per host.

The unit tests need no host. The integration tests use the impostor SSH server of
test_hostkeys.py (paramiko's server side on 127.0.0.5, logging every authentication attempt and
command) and the real sshd container of ``sshd_host``.
"""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parity.errors import HostError, UsageError
from parity.facts import CollectRequest, collect, collect_many, resolve_hosts, transport
from parity.facts.backends import make_backend

asyncssh = pytest.importorskip("asyncssh")
from parity.facts.ssh_async import (  # noqa: E402
    PREFERRED_CIPHERS,
    AsyncSshBackend,
    client_choice,
    parse_ssh_args,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME (no ~/.ssh/known_hosts or config of the machine's user), no agent."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("PARITY_SSH_CLIENT", raising=False)
    return h


def _key(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


# ---------------------------------------------------------------------------------------------
# choosing the client, URLs, ssh arguments (no host)


def test_client_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARITY_SSH_CLIENT", raising=False)
    assert client_choice() == "openssh"
    monkeypatch.setenv("PARITY_SSH_CLIENT", "AsyncSSH")
    assert client_choice() == "asyncssh"
    monkeypatch.setenv("PARITY_SSH_CLIENT", "putty")
    with pytest.raises(UsageError, match="openssh, asyncssh"):
        client_choice()


def test_urls_and_the_environment_pick_the_backend(home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_backend("asyncssh://root@127.0.0.5:2222"), AsyncSshBackend)
    assert make_backend("ssh://root@127.0.0.5:2222").NAME == "ssh"
    monkeypatch.setenv("PARITY_SSH_CLIENT", "asyncssh")
    backend = make_backend("ssh://root@127.0.0.5:2222?strict_host_key_checking=accept-new")
    assert isinstance(backend, AsyncSshBackend) and backend.strict == "accept-new"
    # a password still goes through the checked paramiko backend, never to asyncssh
    assert type(make_backend("ssh://root:pw@127.0.0.5:2222")).__name__ == \
        "VerifiedParamikoBackend"
    [target] = resolve_hosts(["asyncssh://root@web1:22"])
    assert target.name == "asyncssh://root@web1:22"
    with pytest.raises(UsageError, match="cannot use a password"):
        resolve_hosts(["asyncssh://root:pw@web1"])


def test_inventory_hosts_follow_the_environment(home: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    inv = tmp_path / "hosts"
    inv.write_text("web1 ansible_host=127.0.0.5 ansible_port=2222 ansible_user=root "
                   "ansible_ssh_common_args='-o StrictHostKeyChecking=accept-new -o "
                   "ControlMaster=auto'\n")
    monkeypatch.setenv("PARITY_SSH_CLIENT", "asyncssh")
    [target] = resolve_hosts(["web1"], inventory=str(inv))
    backend = target.backend()
    assert isinstance(backend, AsyncSshBackend)
    kw, own = backend.connect_kwargs()
    assert kw["port"] == 2222 and kw["username"] == "root"
    assert own["stricthostkeychecking"] == "accept-new"


def test_ssh_args() -> None:
    args = parse_ssh_args("-F /etc/cfg -i k1 -ik2 -p 2200 -l deploy -C -o User=ignored "
                          "-oStrictHostKeyChecking=no -o 'UserKnownHostsFile /tmp/kh' "
                          "-o ControlPersist=60s -o KexAlgorithms=curve25519-sha256", "h")
    assert args.config == "/etc/cfg"
    assert args.identities == ("k1", "k2")
    kw = dict(args.kwargs)
    # as ssh: the first value of an option wins (-l before -o User)
    assert kw == {"port": 2200, "username": "deploy", "kex_algs": "curve25519-sha256"}
    assert dict(args.own) == {"stricthostkeychecking": "no", "userknownhostsfile": "/tmp/kh"}


@pytest.mark.parametrize("text", ["-o LocalForward=8080:x:80", "-R 80:x:80", "-J bastion",
                                  "-o"])
def test_ssh_args_it_cannot_honour_are_refused(text: str) -> None:
    with pytest.raises(HostError, match=r"asyncssh client|without a value") as err:
        parse_ssh_args(text, "host web1")
    assert "web1" in err.value.render()


def test_config_decides_host_keys_identities_and_ciphers(home: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    cfg.write_text("Host special\n  StrictHostKeyChecking accept-new\n  Ciphers aes256-ctr\n"
                   "  IdentityFile /keys/special\n"
                   "Host *\n  StrictHostKeyChecking yes\n  UserKnownHostsFile /tmp/kh1 /tmp/kh2\n"
                   "  IdentityFile /keys/default\n")
    special = AsyncSshBackend("root@special", ssh_config=str(cfg), ssh_identity_file="/keys/url")
    kw, own = special.connect_kwargs()
    assert own["stricthostkeychecking"] == "accept-new"
    assert own["userknownhostsfile"] == "/tmp/kh1 /tmp/kh2"
    # ssh's order: -i / ?ssh_identity_file= first, then the config's IdentityFile entries
    assert kw["client_keys"] == ["/keys/url", "/keys/special", "/keys/default"]
    assert "encryption_algs" not in kw  # the config's Ciphers are the user's choice
    other, _ = AsyncSshBackend("root@other", ssh_config=str(cfg)).connect_kwargs()
    assert other["encryption_algs"] == PREFERRED_CIPHERS
    assert "client_keys" not in other  # asyncssh reads the config's own IdentityFile then


# ---------------------------------------------------------------------------------------------
# host keys against an impostor (no docker: paramiko's server on 127.0.0.5)

paramiko = pytest.importorskip("paramiko")


@pytest.fixture
def impostor() -> Iterator[Any]:
    from tests.facts.test_hostkeys import Impostor

    imp = Impostor()
    yield imp
    imp.close()


@pytest.mark.ssh
def test_unknown_key_gets_nothing(impostor: Any, home: Path, tmp_path: Path) -> None:
    key = _key(tmp_path / "id")
    url = f"asyncssh://root@127.0.0.5:{impostor.port}?ssh_identity_file={key}"
    with pytest.raises(HostError) as err:
        collect(resolve_hosts([url])[0], timeout=20)
    message = err.value.render()
    assert impostor.events, "the client never reached the impostor"
    assert impostor.received() == []  # no key signature, no command
    assert f"host key of [127.0.0.5]:{impostor.port} is not known" in message
    assert f"ssh-keyscan -p {impostor.port} 127.0.0.5" in message


@pytest.mark.ssh
def test_changed_key_gets_nothing(impostor: Any, home: Path, tmp_path: Path) -> None:
    other = paramiko.ECDSAKey.generate()
    (home / ".ssh" / "known_hosts").write_text(
        f"[127.0.0.5]:{impostor.port} {other.get_name()} {other.get_base64()}\n")
    key = _key(tmp_path / "id")
    with pytest.raises(HostError, match="CHANGED") as err:
        collect(f"asyncssh://root@127.0.0.5:{impostor.port}?ssh_identity_file={key}",
                timeout=20)
    assert impostor.events and impostor.received() == []
    assert "ssh-keygen -R" in err.value.render()


@pytest.mark.ssh
def test_opt_out_reaches_authentication(impostor: Any, home: Path, tmp_path: Path) -> None:
    """With the documented opt-out the client gets past the key check (and the impostor then
    refuses the key): it was the check that stopped the others. No password is ever tried."""
    key = _key(tmp_path / "id")
    url = (f"asyncssh://root@127.0.0.5:{impostor.port}?ssh_identity_file={key}"
           "&strict_host_key_checking=no")
    with pytest.raises(HostError, match="Permission denied"):
        collect(url, timeout=20)
    assert ("publickey", "root") in impostor.received()
    assert not any(e[0] in ("password", "exec") for e in impostor.events)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.3 that accepts and never says a word (a hung sshd)."""
    srv = socket.socket()
    srv.bind(("127.0.0.3", 0))
    srv.listen(8)
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield int(srv.getsockname()[1])
    stop.set()
    t.join(2)
    for c in conns:
        c.close()
    srv.close()


@pytest.mark.ssh
def test_silent_server_times_out(home: Path, silent_server: int) -> None:
    """A server that accepts and never speaks: the deadline holds, the host is an error."""
    url = f"asyncssh://root@127.0.0.3:{silent_server}?timeout=30"
    [res] = collect_many([url], timeout=2, progress=False)
    assert not res.ok and "timed out after 2s" in (res.error or "")
    assert res.seconds < 10


@pytest.mark.ssh
def test_interrupt_drops_every_connection(home: Path, silent_server: int) -> None:
    """Ctrl-C (collect_many calls transport.kill_all): waiting hosts end now, not at the
    deadline, and say they were interrupted."""
    url = f"asyncssh://root@127.0.0.3:{silent_server}?timeout=60"
    box: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: box.update(res=collect_many(
        [url, url + "&x=1"], timeout=60, progress=False)))
    worker.start()
    import time

    time.sleep(1)
    transport.kill_all()
    worker.join(10)
    assert not worker.is_alive()
    assert all("interrupted" in (r.error or "") for r in box["res"])


# ---------------------------------------------------------------------------------------------
# the real sshd


def _known(home: Path, host: str, port: int) -> None:
    scan = subprocess.run(["ssh-keyscan", "-p", str(port), host], capture_output=True,
                          text=True, timeout=30, check=True).stdout
    (home / ".ssh" / "known_hosts").write_text(scan)


@pytest.mark.ssh
@pytest.mark.docker
def test_collects_in_one_command_without_a_process(sshd_host: dict[str, Any], home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    _known(home, host, port)
    url = f"asyncssh://root@{host}:{port}?ssh_identity_file={key}"
    before = transport.commands_started()
    started: list[Any] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    facts = collect(url, CollectRequest(paths=("/etc/ssh/sshd_config",), services=("ssh",),
                                        sysctl=("kernel.ostype",)), timeout=30)
    assert transport.commands_started() - before == 1
    assert facts.host == url and facts.os["distro"] == "debian"
    assert "openssh-server" in facts.packages
    assert facts.files["/etc/ssh/sshd_config"]["type"] == "file"
    assert facts.sysctl == {"kernel.ostype": "Linux"}
    assert started == []  # no client process


@pytest.mark.ssh
@pytest.mark.docker
def test_same_answers_as_openssh(sshd_host: dict[str, Any], home: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An inventory collected with each client: the same documents (but for the time)."""
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    _known(home, host, port)
    # OpenSSH finds ~ in the passwd database, not $HOME: name the files in a config
    cfg = home / "cfg"
    cfg.write_text(f"Host *\n  UserKnownHostsFile {home / '.ssh' / 'known_hosts'}\n"
                   "  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n")
    inv = home / "hosts"
    inv.write_text("".join(f"web{i} ansible_host={host} ansible_port={port} ansible_user=root "
                           f"ansible_ssh_private_key_file={key} "
                           f"ansible_ssh_common_args='-F {cfg}'\n" for i in range(3)))
    request = CollectRequest(paths=("/etc/passwd",))
    docs = {}
    for client in ("openssh", "asyncssh"):
        monkeypatch.setenv("PARITY_SSH_CLIENT", client)
        targets = resolve_hosts(["all"], inventory=str(inv))
        results = collect_many(targets, request, timeout=30, progress=False)
        assert all(r.ok for r in results), [r.error for r in results]
        docs[client] = [r.facts.to_dict() | {"collected_at": None}  # type: ignore[union-attr]
                        for r in results]
        # the process table changes between runs: compare the rest
        for d in docs[client]:
            d.pop("ports", None)
            d["services"] = {k: v for k, v in d["services"].items() if k != "ssh"}
    assert docs["openssh"] == docs["asyncssh"]


@pytest.mark.ssh
@pytest.mark.docker
def test_accept_new_records_the_key(sshd_host: dict[str, Any], home: Path,
                                    tmp_path: Path) -> None:
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    known = tmp_path / "known_hosts"
    cfg = tmp_path / "cfg"
    cfg.write_text(f"Host *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile {known}\n"
                   "  GlobalKnownHostsFile /dev/null\n")
    url = f"asyncssh://root@{host}:{port}?ssh_identity_file={key}&ssh_config={cfg}"
    collect(url, timeout=30)
    found = subprocess.run(["ssh-keygen", "-F", f"[{host}]:{port}", "-f", str(known)],
                           capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stderr
    # and OpenSSH, strict, trusts what was recorded
    cfg.write_text(f"Host *\n  StrictHostKeyChecking yes\n  UserKnownHostsFile {known}\n"
                   "  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n")
    ok = subprocess.run(["ssh", "-F", str(cfg), "-o", "BatchMode=yes", "-i", key, "-p",
                         str(port), f"root@{host}", "true"], capture_output=True, timeout=30)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.ssh
@pytest.mark.docker
def test_output_bound_and_wrong_key(sshd_host: dict[str, Any], home: Path,
                                    tmp_path: Path) -> None:
    host, port, key = sshd_host["host"], sshd_host["port"], sshd_host["key"]
    _known(home, host, port)
    url = f"asyncssh://root@{host}:{port}?ssh_identity_file={key}"
    [res] = collect_many([url], timeout=30, progress=False, max_output=1000)
    assert not res.ok and "output exceeded 1000 bytes" in (res.error or "")
    other = _key(tmp_path / "other")
    [res] = collect_many([url.replace(key, str(other))], timeout=30, progress=False)
    assert not res.ok and "Permission denied" in (res.error or "")
