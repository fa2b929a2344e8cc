"""Requested sysctl patterns (``net.ipv4.*``): resolved on the host by shell globbing, parsed
so that nothing a host prints can name a key outside the requested node."""

from __future__ import annotations

from pathlib import Path

from parity.facts import CollectRequest, collect
from parity.facts.collectors.sysctl import is_pattern, parse, snippet

REQUEST = CollectRequest(sysctl=("net.ipv4.*", "kernel.sem", "fs.mqueue.*"))


def test_is_pattern():
    assert is_pattern("net.ipv4.*") and is_pattern("net.ipv4.conf.all.*")
    assert not is_pattern("net.ipv4.ip_forward") and not is_pattern("net.*.forwarding")
    assert not is_pattern("net/ipv4/*") and not is_pattern("net.ipv4*")


def test_parse_resolved_keys_and_explicit_ones():
    text = ("@at 0 ip_forward\n1\n@at 0 ip_local_port_range\n20000\t60000\n"
            "@key 1\n32000\t1024000000\t500\t32000\n\n@at 2 msg_max\n10\n")
    warnings: list[str] = []
    assert parse(text, REQUEST, warnings) == {
        "net.ipv4.ip_forward": "1", "net.ipv4.ip_local_port_range": "20000 60000",
        "kernel.sem": "32000 1024000000 500 32000", "fs.mqueue.msg_max": "10"}
    assert warnings == []


def test_parse_refuses_names_outside_the_node():
    """Dots, slashes, upper case or an index that is not a pattern's: skipped, with a warning;
    the value after it is not attributed to the key before it."""
    text = ("@at 0 ip_forward\n1\n@at 0 ../../vm/swappiness\n60\n@at 0 conf.eth0.x\n1\n"
            "@at 1 sem\n1\n@at 9 x\n1\n@at 0\n1\n@at zero x\n1\n")
    warnings: list[str] = []
    assert parse(text, REQUEST, warnings) == {"net.ipv4.ip_forward": "1"}
    assert len(warnings) == 6 and all("unrequested key" in w for w in warnings)


def test_snippet_globs_only_under_the_node():
    script = snippet(REQUEST)
    assert "for f in /proc/sys/net/ipv4/*; do" in script
    assert "for f in /proc/sys/fs/mqueue/*; do" in script
    assert "'@key 1'" in script


def test_patterns_resolve_on_this_machine(tmp_path: Path) -> None:
    """The real shell, the real /proc/sys: every key found is directly under its node."""
    facts = collect("local://", CollectRequest(sysctl=("net.ipv4.*", "fs.mqueue.*",
                                                       "no.such.node.*"), kinds=("sysctl",)),
                    timeout=30)
    keys = set(facts.sysctl)
    assert "net.ipv4.ip_forward" in keys and "fs.mqueue.msg_max" in keys
    assert all(k.startswith(("net.ipv4.", "fs.mqueue.")) for k in keys)
    assert not any(k.startswith(("net.ipv4.conf.", "net.ipv4.route.")) for k in keys)
    assert facts.sysctl["fs.mqueue.msg_max"] == Path("/proc/sys/fs/mqueue/msg_max").read_text(
        ).strip()
