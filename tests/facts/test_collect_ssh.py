"""The ssh transports against a real sshd (in a container on 127.0.0.2, key auth)."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from parity.errors import HostError
from parity.facts import CollectRequest, collect, collect_many, transport

pytestmark = [pytest.mark.ssh, pytest.mark.docker]


def _ssh_clients(port: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if f"Port={port}" in ln and "ssh" in ln]


def test_ssh_url_collects_in_one_command(sshd_host: dict[str, Any]) -> None:
    before = transport.commands_started()
    facts = collect(sshd_host["url"], CollectRequest(paths=("/etc/ssh/sshd_config",),
                                                     services=("ssh",)), timeout=30)
    assert transport.commands_started() - before == 1
    assert facts.os["distro"] == "debian"
    assert "openssh-server" in facts.packages
    assert facts.files["/etc/ssh/sshd_config"]["type"] == "file"
    # host network: the sshd we talk to is among the host's listening ports
    assert "127.0.0.2" in facts.ports[f"tcp/{sshd_host['port']}"]["addresses"]
    assert _ssh_clients(sshd_host["port"]) == []  # no ControlMaster left behind


def test_paramiko_url(sshd_host: dict[str, Any]) -> None:
    pytest.importorskip("paramiko")
    url = sshd_host["url"].replace("ssh://", "paramiko://")
    facts = collect(url, CollectRequest(sysctl=("kernel.ostype",)), timeout=30)
    assert facts.sysctl == {"kernel.ostype": "Linux"}
    assert facts.users["root"]["uid"] == 0


def test_wrong_key_is_an_error_not_a_prompt(sshd_host: dict[str, Any], tmp_path: Any) -> None:
    key = tmp_path / "other"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    url = sshd_host["url"].replace(sshd_host["key"], str(key))
    [res] = collect_many([url], timeout=20, progress=False)
    assert not res.ok
    assert res.error.startswith(url) and "Permission denied" in res.error


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


def test_hung_ssh_server_times_out(silent_server: int, tmp_path: Any) -> None:
    config = tmp_path / "cfg"
    config.write_text("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n")
    url = f"ssh://root@127.0.0.3:{silent_server}?ssh_config={config}&timeout=60"
    with pytest.raises(HostError, match="timed out after 2s"):
        collect(url, timeout=2)
    assert _ssh_clients(silent_server) == []
