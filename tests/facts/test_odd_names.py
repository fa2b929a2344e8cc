"""Names holding characters ``str.splitlines()`` breaks at: each stays ONE item, whole.

``\\r``, ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, U+2028 and U+2029 are line breaks to
Python but ordinary bytes to the host's shell, which prints one item per ``\\n``. Each parser,
and the script's own section splitter, must cut at ``\\n`` only, or one unprivileged user's
process name makes the whole host uncheckable.
"""

from __future__ import annotations

import pytest

from parity.facts.collection import parse_output
from parity.facts.collectors import get_collector, split_lines
from parity.facts.request import CollectRequest
from parity.facts.script import build_script

#: every character str.splitlines() cuts at, LF aside
ODD = ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
IDS = [f"U+{ord(c):04X}" for c in ODD]


def _parse(kind: str, out: list[str], request: CollectRequest | None = None
           ) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    return get_collector(kind).parse("\n".join(out), request or CollectRequest(), warnings), \
        warnings


def test_the_characters_really_are_line_breaks_to_python() -> None:
    assert all(len(f"a{c}b".splitlines()) == 2 for c in ODD)
    assert all(split_lines(f"a{c}b") == [f"a{c}b"] for c in ODD)


@pytest.mark.parametrize("c", ODD, ids=IDS)
def test_users_and_groups(c: str) -> None:
    users, warnings = _parse("users", [
        "@passwd", "root:x:0:0:root:/root:/bin/bash",
        f"ev{c}il:x:1000:1000:GECOS{c}with it:/home/e{c}:/bin/sh",
        "@group", "root:x:0:", f"g{c}:x:1000:ev{c}il"])
    assert warnings == []
    assert users[f"ev{c}il"] == {"uid": 1000, "gid": 1000, "home": f"/home/e{c}",
                                 "shell": "/bin/sh", "groups": [f"g{c}"]}
    assert users["root"]["uid"] == 0
    groups, warnings = _parse("groups", ["root:x:0:", f"g{c}:x:1000:ev{c}il"])
    assert warnings == [] and groups[f"g{c}"] == {"gid": 1000, "members": [f"ev{c}il"]}


@pytest.mark.parametrize("c", ODD, ids=IDS)
def test_services_process_and_init_script_names(c: str) -> None:
    request = CollectRequest(services=(f"d{c}",))
    services, warnings = _parse("services", [
        "@init none", f"initd svc{c}x", "initd cron", f"status 0 svc{c}x", "status 3 cron",
        f"proc d{c}", "proc sleep"], request)
    assert warnings == []
    assert services == {"cron": {"running": False, "enabled": False},
                        f"svc{c}x": {"running": True, "enabled": False},
                        f"d{c}": {"running": True, "enabled": False}}


@pytest.mark.parametrize("c", ODD, ids=IDS)
def test_packages_os_sysctl(c: str) -> None:
    pkgs, warnings = _parse("packages", [
        "manager dpkg", f"p{c}\t1.0{c}\tamd64\tinstall ok installed",
        "curl\t7.88\tamd64\tinstall ok installed"])
    assert warnings == [] and pkgs[f"p{c}"]["version"] == f"1.0{c}" and "curl" in pkgs
    os_facts, warnings = _parse("os", ["arch x86_64", "kernel 6.1", "release ID=debian",
                                       f'release PRETTY_NAME="De{c}bian"',
                                       "release VERSION_ID=12"])
    assert warnings == [] and os_facts["distro"] == "debian" and os_facts["release"] == "12"
    request = CollectRequest(sysctl=("kernel.hostname", "net.ipv4.ip_forward"))
    values, warnings = _parse("sysctl", ["@key 0", f"h{c}st", "", "@key 1", "1", ""], request)
    assert warnings == [] and values == {"kernel.hostname": f"h{c}st",
                                         "net.ipv4.ip_forward": "1"}


@pytest.mark.parametrize("c", [*ODD, "\n"], ids=[*IDS, "LF"])
def test_link_targets_come_back_exactly(c: str) -> None:
    target = f"../t{c}x\n"  # a trailing newline is part of the target too
    hexed = (target.encode() + b"\n").hex()  # what `readlink | od -An -tx1` prints
    request = CollectRequest(paths=(f"/srv/l{c}", "/etc/hosts"))
    files, warnings = _parse("files", ["0 type link", "0 stat 777 0 0 root root",
                                       f"0 targethex {hexed}", "1 type file"], request)
    assert warnings == []
    assert files[f"/srv/l{c}"]["target"] == target and files["/etc/hosts"]["type"] == "file"


def test_whole_output_through_the_section_splitter() -> None:
    """A ``\\r`` in a name is data; only a transport that ended EVERY line with ``\\r\\n`` (a
    pty) has its ``\\r`` taken off."""
    script = build_script(CollectRequest(kinds=("groups", "services")), token="t")
    m = "@@parity-t@@"
    body = (f"{m} BEGIN groups\nroot:x:0:\nw\r:x:5:\n\n{m} END groups 0\n"
            f"{m} BEGIN services\n@init none\nproc x\r\n\n{m} END services 0\n{m} DONE\n")
    facts = parse_output(script, "h", body)
    assert set(facts.groups) == {"root", "w\r"} and facts.warnings == []
    assert facts.services == {}
    crlf = parse_output(script, "h", body.replace("\n", "\r\n"))
    assert set(crlf.groups) == {"root", "w\r"}  # one \r per line went, the name's own stayed


def test_a_file_without_a_final_newline_keeps_the_end_marker(tmp_path: object) -> None:
    """``cat`` of an /etc/group lacking its last newline must not swallow the END marker."""
    import subprocess

    script = build_script(CollectRequest(kinds=("groups",)))
    text = script.text.replace("cat /etc/group", "printf 'root:x:0:\\nlast:x:9:'")
    out = subprocess.run(["/bin/sh", "-c", text], capture_output=True, check=True).stdout
    facts = parse_output(script, "h", out.decode())
    assert facts.groups == {"root": {"gid": 0, "members": []}, "last": {"gid": 9, "members": []}}


def test_warnings_are_capped_per_kind() -> None:
    script = build_script(CollectRequest(kinds=("groups",)), token="t")
    m = "@@parity-t@@"
    bad = "\n".join(f"bad{i}" for i in range(1000))
    facts = parse_output(script, "h", f"{m} BEGIN groups\n{bad}\nok:x:1:\n{m} END groups 0\n"
                                      f"{m} DONE\n")
    assert facts.groups == {"ok": {"gid": 1, "members": []}}
    assert len(facts.warnings) == 21
    assert facts.warnings[-1] == "groups: 980 more items skipped (warnings not shown)"
