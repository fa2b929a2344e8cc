"""Which sysctls a container can set as its own (used by `up` and the Vagrant docker provider)."""

from __future__ import annotations

from parity.sysctls import container_sysctls

SPEC = {"net.core.somaxconn": "1024", "vm.swappiness": "1", "kernel.shmmax": "68719476736",
        "fs.mqueue.msg_max": "64", "kernel.pid_max": "65536"}


def test_private_network_gets_net_and_ipc_keys() -> None:
    assert container_sysctls(SPEC, "none") == {
        "fs.mqueue.msg_max": "64", "kernel.shmmax": "68719476736", "net.core.somaxconn": "1024"}


def test_host_network_cannot_set_net_keys() -> None:
    assert container_sysctls(SPEC, "host") == {
        "fs.mqueue.msg_max": "64", "kernel.shmmax": "68719476736"}
