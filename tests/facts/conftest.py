"""Hosts for the collection tests: plain debian:12 containers, broken ones, BusyBox, an sshd.

Broken hosts are made by replacing ``/bin/sh`` inside a container (the transport always runs
``/bin/sh -c``): one that sleeps (a hung host), one that prints garbage. Every container comes
from the shared ``container_factory`` and is removed when its test ends.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.docker import TEST_LABEL, exec_ok

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container

HERE = Path(__file__).parent
BUSYBOX_TAG = "parity-test-facts-busybox:1"


def replace_sh(container: Container, body: str) -> None:
    """Make the container's ``/bin/sh`` run ``body`` (a dash script) instead of a shell."""
    script = f"#!/bin/dash\n{body}\n"
    exec_ok(container, ["/bin/dash", "-c", f"rm /bin/sh && printf '%s' '{script}' > /bin/sh "
                                            "&& chmod 755 /bin/sh"])


@pytest.fixture
def debian_host(container_factory: Any, base_image: str) -> Container:
    """A fresh, idle debian:12 container (network none)."""
    return container_factory.start(base_image)


@pytest.fixture
def hung_host(container_factory: Any, base_image: str) -> Container:
    """A container whose /bin/sh never answers."""
    c = container_factory.start(base_image)
    replace_sh(c, "exec sleep 600")
    return c


@pytest.fixture
def garbage_host(container_factory: Any, base_image: str) -> Container:
    """A container whose /bin/sh prints noise (and a fake marker) instead of running the script."""
    c = container_factory.start(base_image)
    replace_sh(c, 'echo "@@parity-0000@@ BEGIN os"; head -c 2000 /dev/urandom | od -c | head -n 40')
    return c


@pytest.fixture(scope="session")
def busybox_image(docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
                  ) -> str:
    """A scratch image holding only BusyBox (Debian's busybox-static), built offline-ish.

    The .deb comes from the Debian mirror via ``apt-get download``; the rootfs is assembled
    here (relative applet links, a passwd/group, no os-release) and ``docker import``-ed.
    """
    import docker.errors

    try:
        docker_client.images.get(BUSYBOX_TAG)
        return BUSYBOX_TAG
    except docker.errors.ImageNotFound:
        pass
    work = tmp_path_factory.mktemp("busybox")
    got = subprocess.run(["apt-get", "download", "busybox-static"], cwd=work,
                         capture_output=True, text=True, check=False)
    debs = list(work.glob("busybox-static_*.deb"))
    if got.returncode != 0 or not debs or shutil.which("dpkg-deb") is None:
        pytest.skip(f"cannot fetch busybox-static: {got.stderr.strip()[-200:]}")
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(work / "x")], check=True)
    busybox = (work / "x" / "bin" / "busybox").read_bytes()
    applets = subprocess.run([str(work / "x" / "bin" / "busybox"), "--list"], capture_output=True,
                             text=True, check=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name: str, data: bytes | None = None, *, mode: int = 0o644,
                kind: bytes = tarfile.REGTYPE, link: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.linkname = kind, mode, link
            info.size = len(data) if data is not None else 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)

        for d in ("bin", "etc", "proc", "sys", "dev", "tmp", "run", "root", "etc/init.d"):
            add(d, kind=tarfile.DIRTYPE, mode=0o755)
        add("bin/busybox", busybox, mode=0o755)
        for applet in applets:
            if applet != "busybox":
                add(f"bin/{applet}", kind=tarfile.SYMTYPE, link="busybox", mode=0o777)
        add("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"
                          b"daemon:x:1:1:daemon user:/:/bin/false\n")
        add("etc/group", b"root:x:0:\ndaemon:x:1:root\n")
        add("etc/motd", b"hello from busybox\n", mode=0o600)
    subprocess.run(["docker", "import", "--change", f"LABEL {TEST_LABEL}=1", "-", BUSYBOX_TAG],
                   input=buf.getvalue(), check=True, capture_output=True)
    return BUSYBOX_TAG


def free_port(address: str) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def sshd_host(docker_client: docker.DockerClient, image_builder: Callable[..., str],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """sshd in a container on 127.0.0.2:<free port>, root with a fresh key, host network.

    Yields the URL pieces plus the ssh_config file that turns off host key checking.
    """
    from tests.helpers.docker import ContainerFactory

    tag = image_builder(HERE / "hosts" / "sshd", area="facts-sshd")
    work = tmp_path_factory.mktemp("ssh")
    key = work / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    config = work / "ssh_config"
    config.write_text("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
                      "  LogLevel ERROR\n")
    port = free_port("127.0.0.2")
    factory = ContainerFactory(docker_client, "facts")
    try:
        c = factory.start(tag, ["/bin/sh", "-c",
                                'ssh-keygen -A >/dev/null && printf "%s\\n" "$PUBKEY" '
                                "> /root/.ssh/authorized_keys && chmod 600 "
                                "/root/.ssh/authorized_keys && exec /usr/sbin/sshd -D -e "
                                f"-p {port} -o ListenAddress=127.0.0.2 "
                                "-o PasswordAuthentication=no"],
                          network="host",
                          environment={"PUBKEY": (work / "id_ed25519.pub").read_text().strip()})
        _wait_port("127.0.0.2", port, c)
        yield {"host": "127.0.0.2", "port": port, "key": str(key), "config": str(config),
               "container": c,
               "url": f"ssh://root@127.0.0.2:{port}?ssh_identity_file={key}&ssh_config={config}"}
    finally:
        factory.cleanup()


def _wait_port(host: str, port: int, container: Container) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        container.reload()
        if container.status == "exited":
            pytest.fail(f"sshd exited: {container.logs().decode()[-500:]}")
        time.sleep(0.2)
    pytest.fail(f"sshd did not listen on {host}:{port} within 30 s")


@pytest.fixture(scope="session")
def nixos_image(image_builder: Any) -> str:
    """tests/fixtures/nixos-etc: debian:12 with NixOS's /etc and unit layout (links into
    /etc/static and the store), built once for the NixOS files and services tests."""
    return image_builder(HERE.parent / "fixtures" / "nixos-etc", area="nixos-etc")
