"""Hosts the benchmarks check: images built once (cached by content hash) and containers on
loopback, all labelled so the suite removes them however it ends.

Traffic stays on loopback: containers run with ``--network none`` (docker transport) or
``--network host`` with sshd bound to one 127.0.0.x address.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.suite.common import BENCH_LABEL, LABEL, BenchError, Context, remove_containers

IMAGES = Path(__file__).resolve().parent / "images"


def _context_hash(context: Path, base: str) -> str:
    h = hashlib.sha256(base.encode())
    for f in sorted(p for p in context.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(context)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def build_image(ctx: Context, name: str, base: str = "debian:12") -> str:
    """Build ``bench/suite/images/<name>`` (host network, for apt) unless an image of the same
    content exists; returns the tag. The build needs only Debian's package mirrors."""
    context = IMAGES / name
    tag = f"parity-bench-{name}:{_context_hash(context, base)}"
    if subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode == 0:
        return tag
    ctx.log(f"building image {tag} (once; apt downloads)")
    p = subprocess.run(["docker", "build", "--network", "host", "--label", LABEL, "-t", tag,
                        str(context)], capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"docker build of {context} failed:\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return tag


def free_port(addr: str) -> int:
    with socket.socket() as s:
        s.bind((addr, 0))
        return int(s.getsockname()[1])


def wait_port(addr: str, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((addr, port)) == 0:
                # sshd accepts before it is ready to talk; wait for its banner
                try:
                    if s.recv(4).startswith(b"SSH-"):
                        return
                except OSError:
                    pass
        time.sleep(0.05)
    raise BenchError(f"nothing answered on {addr}:{port} within {timeout:.0f} s")


def unique(area: str) -> str:
    return f"parity-bench-{area}-{uuid.uuid4().hex[:6]}"


def start_container(ctx: Context, image: str, *, area: str, network: str = "none",
                    command: list[str] | None = None, env: dict[str, str] | None = None,
                    name: str | None = None) -> str:
    """``docker run -d`` a labelled container; its removal is registered before it starts."""
    if network not in ("none", "host"):
        raise ValueError("benchmarks use --network none or host only")
    name = name or unique(area)
    ctx.cleanup.add(f"container {name}", lambda: remove_containers(name))
    cmd = ["docker", "run", "-d", "--name", name, "--network", network, "--label", LABEL,
           "--label", BENCH_LABEL]
    for k, v in (env or {}).items():
        cmd += ["-e", f"{k}={v}"]
    cmd += [image, *(command or ["sleep", "infinity"])]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"docker run {image} failed: {p.stderr.strip()}")
    return name


@dataclass(frozen=True)
class SshKey:
    private: Path
    public: str
    #: an ssh_config with no host-key prompts and no ControlMaster (callers add Host blocks)
    config: Path


def ssh_key(ctx: Context) -> SshKey:
    """One ed25519 key pair and a base ssh_config in the work folder (made once per run)."""
    key = ctx.workdir / "id_ed25519"
    config = ctx.workdir / "ssh_config"
    if not key.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                       check=True)
        config.write_text("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
                          "  LogLevel ERROR\n  User root\n"
                          f"  IdentityFile {key}\n  IdentitiesOnly yes\n")
    return SshKey(key, (ctx.workdir / "id_ed25519.pub").read_text().strip(), config)


@dataclass(frozen=True)
class SshHost:
    container: str
    addr: str
    port: int


def start_sshd(ctx: Context, image: str, key: SshKey, *, addr: str = "127.0.0.2",
               area: str = "ssh", setup: str = "") -> SshHost:
    """sshd (key auth, root) in a ``--network host`` container bound to ``addr``:<free port>.
    ``setup`` is shell run in the container before sshd starts (to give it its own state)."""
    port = free_port(addr)
    script = (f"{setup}\nprintf '%s\\n' \"$PUBKEY\" > /root/.ssh/authorized_keys && "
              "chmod 600 /root/.ssh/authorized_keys && "
              f"exec /usr/sbin/sshd -D -e -p {port} -o ListenAddress={addr}")
    name = start_container(ctx, image, area=area, network="host",
                           command=["/bin/sh", "-c", script], env={"PUBKEY": key.public})
    wait_port(addr, port)
    return SshHost(name, addr, port)
