"""Is a spec port free on this machine? Checked before a host-network container starts.

With host networking the services inside the container bind the host's ports directly. If another
process already holds one, the service would fail inside the container and the environment would
come up half-working; checking first turns that into a clear "port 8080/tcp is taken" before any
build.
"""

from __future__ import annotations

import socket

from parity.spec import Port


def is_free(port: Port, host: str = "0.0.0.0") -> bool:
    """True when ``port`` can be bound on ``host`` (what a service listening on all addresses does).

    ``SO_REUSEADDR`` keeps a socket lingering in TIME_WAIT from counting as taken; a listener
    still does.
    """
    kind = socket.SOCK_DGRAM if port.protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port.number))
        except OSError:
            return False
    return True


def taken(ports: list[Port]) -> list[Port]:
    """The ports of ``ports`` that something on this machine already uses."""
    return [p for p in ports if not is_free(p)]
