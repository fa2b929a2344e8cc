"""Capture of accounts and kernel settings: facts and a base system in, a spec out.

The host below is what a Debian server looks like after a year: regular accounts, a system
account made by hand (``appsvc``), accounts packages made (``postgres``, ``sshd``), a base
account (``www-data``) added to a new group, and a few kernel settings.
"""

from __future__ import annotations

import pytest

from parity.compare.against_spec import compare_spec
from parity.compare.base_system import BaseSystem
from parity.compare.capture import capture, capture_text, write_captured_spec
from parity.compare.capture_sysctl import (
    COMMENT,
    NOT_CAPTURED,
    capture_request,
    captured_sysctl,
    in_scope,
)
from parity.facts.collectors.sysctl import is_pattern
from parity.facts.model import Facts
from parity.spec import load_spec

BASE_SYSCTL = {"net.ipv4.ip_local_port_range": "32768 60999", "net.core.somaxconn": "4096",
               "net.ipv4.tcp_rmem": "4096 131072 6291456", "kernel.msgmax": "8192",
               "net.ipv4.conf.all.forwarding": "0", "fs.mqueue.msg_max": "10"}
BASE = BaseSystem("debian:12 image", packages=frozenset({"libc6"}),
                  users=frozenset({"root", "daemon", "www-data", "nobody"}),
                  groups=frozenset({"root", "daemon", "www-data", "adm", "users", "nogroup"}),
                  sysctl=BASE_SYSCTL)


def _user(uid: int, gid: int, home: str, shell: str, *groups: str) -> dict:
    return {"uid": uid, "gid": gid, "home": home, "shell": shell, "groups": list(groups)}


@pytest.fixture
def server() -> Facts:
    nologin = "/usr/sbin/nologin"
    return Facts(
        host="ssh://root@db-1",
        os={"distro": "debian", "release": "12", "arch": "x86_64", "family": "apt"},
        packages={"libc6": {"version": "2.36-9"}, "openssh-server": {"version": "1:9.2p1-2"},
                  "postgresql-15": {"version": "15.6-0+deb12u1"}},
        users={
            "root": _user(0, 0, "/root", "/bin/bash", "root"),
            "daemon": _user(1, 1, "/usr/sbin", nologin, "daemon"),
            "www-data": _user(33, 33, "/var/www", nologin, "www-data", "devs", "adm"),
            "nobody": _user(65534, 65534, "/nonexistent", nologin, "nogroup"),
            "postgres": _user(100, 104, "/var/lib/postgresql", "/bin/bash", "postgres",
                              "ssl-cert"),
            "sshd": _user(101, 65534, "/run/sshd", nologin, "nogroup"),
            "appsvc": _user(999, 999, "/var/lib/appsvc", nologin, "appsvc"),
            "alice": _user(2001, 2001, "/home/alice", "/bin/bash", "alice", "devs"),
            "bob": _user(2002, 2010, "/home/bob", "/bin/bash", "bob"),  # gid != uid
        },
        groups={n: {"gid": g, "members": []} for n, g in {
            "root": 0, "daemon": 1, "adm": 4, "www-data": 33, "users": 100, "nogroup": 65534,
            "ssl-cert": 102, "postgres": 104, "appsvc": 999, "devs": 3000, "alice": 2001,
            "bob": 2010}.items()},
        sysctl={**BASE_SYSCTL, "net.ipv4.ip_local_port_range": "20000 60000",
                "net.core.somaxconn": "1024", "kernel.msgmax": "16384",
                "net.ipv4.tcp_rmem": "4096 87380 33554432",  # memory-sized: never captured
                "net.ipv4.tcp_mem": "191319 255094 382638",  # not in the base: a host's own
                "vm.swappiness": "10", "net.ipv4.conf.eth0.forwarding": "1"},
    )


def test_accounts_beyond_the_base_in_readable_order(server, tmp_path):
    text = capture_text(server, BASE)
    out = tmp_path / "parity.yaml"
    write_captured_spec(text, out)
    m = load_spec(out).model
    # regular first by name, then system accounts highest uid first, then base accounts
    assert list(m.users) == ["alice", "bob", "appsvc", "sshd", "postgres", "www-data"]
    assert m.users["appsvc"].model_dump(exclude_defaults=True) == {
        "uid": 999, "home": "/var/lib/appsvc", "shell": "/usr/sbin/nologin", "system": True}
    assert m.users["postgres"].groups == ["ssl-cert"] and m.users["postgres"].uid == 100
    assert m.users["sshd"].groups == [] and m.users["sshd"].system  # nogroup is base
    # a base account: only its memberships in groups the base system does not have
    assert m.users["www-data"].model_dump(exclude_defaults=True) == {"groups": ["devs"]}
    # alice's own group is useradd's (gid = uid); bob's is not (gid 2010 for uid 2002), and
    # system accounts' groups are always pinned (a package may have made them already)
    assert list(m.groups) == ["bob", "devs", "appsvc", "postgres", "ssl-cert"]
    assert m.groups["bob"].gid == 2010 and not m.groups["bob"].system
    assert m.groups["postgres"].model_dump(exclude_defaults=True) == {"gid": 104,
                                                                      "system": True}
    assert "users" not in m.groups and "nogroup" not in m.groups  # base groups
    # each part after the first under its comment, at the keys' indentation
    assert "\n  # system accounts (uid < 1000) beyond the base system" in text
    assert "\n  # system groups (gid < 1000) beyond the base system" in text
    assert "\n  # accounts of the base system: only their memberships in groups" in text
    assert text.index("# system accounts") < text.index("  appsvc:\n    uid: 999")
    # the host checks clean against its capture: www-data's other groups are not drift
    assert compare_spec(load_spec(out), server, "prod", strict=True, base=BASE) == []


def test_capture_is_deterministic(server):
    shuffled = Facts.from_dict(server.to_dict())
    shuffled.users = dict(reversed(server.users.items()))
    shuffled.groups = dict(reversed(server.groups.items()))
    assert capture(shuffled, BASE).doc == capture(server, BASE).doc


def test_a_declared_membership_missing_is_drift_an_extra_one_is_not(server, tmp_path):
    out = tmp_path / "parity.yaml"
    write_captured_spec(capture_text(server, BASE), out)
    spec = load_spec(out)
    server.users["www-data"]["groups"] = ["www-data", "adm"]  # left devs
    found = compare_spec(spec, server, "prod", base=BASE)
    assert [(f.kind, f.name, f.field) for f in found] == [("user", "www-data", "groups")]


def test_only_system_groups_still_load(server, tmp_path):
    """A comment above a section's first key (no regular part before it) stays a comment."""
    server.users = {n: u for n, u in server.users.items() if u["uid"] < 1000}
    server.groups = {n: g for n, g in server.groups.items() if g["gid"] < 1000}
    text = capture_text(server, BASE)
    out = tmp_path / "parity.yaml"
    write_captured_spec(text, out)
    m = load_spec(out).model
    assert list(m.users) == ["appsvc", "sshd", "postgres"]
    assert list(m.groups) == ["appsvc", "postgres", "ssl-cert"]
    assert "groups:\n  # system groups" in text


def test_without_a_base_system_only_regular_accounts(server):
    doc = capture(server, BaseSystem.empty()).doc
    assert list(doc["users"]) == ["alice", "bob"]  # not root, daemon, www-data's groups
    assert list(doc["groups"]) == ["bob", "devs"]
    assert "sysctl" not in doc  # no base values to differ from


def test_sysctl_differing_namespaced_settings_only(server):
    doc = capture(server, BASE).doc
    assert doc["sysctl"] == {"kernel.msgmax": "16384", "net.core.somaxconn": "1024",
                             "net.ipv4.ip_local_port_range": "20000 60000"}
    assert doc["sysctl"].ca.items  # the comment naming what is not captured
    text = capture_text(server, BASE)
    assert "machine-wide keys (vm.*, most kernel.*) are not" in text
    assert "vm.swappiness" not in text and "tcp_mem" not in text and "eth0" not in text


def test_sysctl_rules():
    assert in_scope("net.ipv4.tcp_keepalive_time") and in_scope("net.ipv6.conf.all.forwarding")
    assert in_scope("fs.mqueue.msg_max") and in_scope("kernel.shmmax")
    assert in_scope("net.unix.max_dgram_qlen") and in_scope("net.core.somaxconn")
    for key in ("vm.swappiness", "kernel.hostname", "net.ipv4.conf.eth0.forwarding",
                "net.ipv4.neigh.default.gc_thresh1", "net.core.rmem_max", *NOT_CAPTURED):
        assert not in_scope(key), key
    # a value a spec cannot hold is not declared (the spec must load)
    assert captured_sysctl({"net.core.somaxconn": "1$2"}, {"net.core.somaxconn": "4096"}) == {}
    request = capture_request()
    assert "net.ipv4.*" in request.sysctl and "kernel.sem" in request.sysctl
    assert all(is_pattern(k) or "*" not in k for k in request.sysctl)
    assert "\n" in COMMENT and all(len(line) < 98 for line in COMMENT.splitlines())
