"""Run inside ``unshare -n`` (a fresh network namespace): open a few listening sockets of each
kind, then print what ``ss -ltnH`` and ``/proc/net`` say about them, as JSON."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

socks = []


def listen(family: int, addr: str, port: int, v6only: bool | None = None) -> None:
    s = socket.socket(family, socket.SOCK_STREAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    s.bind((addr, port))
    s.listen()
    socks.append(s)


subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
listen(socket.AF_INET, "0.0.0.0", 8001)
listen(socket.AF_INET6, "::", 8001, v6only=True)  # a second, IPv6-only socket: ss says [::]
listen(socket.AF_INET6, "::", 8002, v6only=False)  # dual-stack: ss says *
listen(socket.AF_INET6, "::1", 8004)
listen(socket.AF_INET, "127.0.0.1", 8005)
ss = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
tables = {name: Path(f"/proc/net/{name}").read_text() for name in ("tcp", "tcp6", "udp", "udp6")}
print(json.dumps({"ss": ss, "proc": tables}))
