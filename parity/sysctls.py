"""Which of a spec's sysctls a container can have as its own.

The kernel keeps ``net.*`` per network namespace and the IPC keys per IPC namespace, so Docker
(``--sysctl``) and Vagrant's docker provider can set those per container; ``net.*`` only while
the container does not share the host's network. Machine-wide keys (``vm.*``, most ``kernel.*``)
cannot differ per container: provisioning writes them to ``/etc/sysctl.d/99-parity.conf`` for VMs
and real hosts, and a drift check of a container reports the machine's value.
"""

from __future__ import annotations

IPC_KEYS = frozenset({"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"})


def container_sysctls(sysctl: dict[str, str], network: str) -> dict[str, str]:
    """The subset of ``sysctl`` a container on ``network`` ("host", "none", ...) can set."""
    return {
        key: value for key, value in sorted(sysctl.items())
        if (key.startswith("net.") and network != "host")
        or key in IPC_KEYS or key.startswith("fs.mqueue.")
    }
