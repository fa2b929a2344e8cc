"""Listening ports on SmartOS: ``netstat -f inet -an`` / ``-f inet6 -an`` read into the Linux
path's facts, on recorded outputs (tests/fixtures/smartos/recorded/*.source) and hostile lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.facts.collectors import get_collector, ports
from parity.facts.request import CollectRequest

RECORDED = Path(__file__).parents[1] / "fixtures" / "smartos" / "recorded"


def parse(inet: str = "", inet6: str = "") -> tuple[dict, list[str]]:
    warnings: list[str] = []
    text = f"@netstat inet\n{inet}\n@netstat inet6\n{inet6}"
    return ports.parse(text, CollectRequest(), warnings), warnings


def tcp(port: int, *addresses: str) -> tuple[str, dict]:
    return f"tcp/{port}", {"protocol": "tcp", "port": port, "addresses": list(addresses)}


def udp(port: int, *addresses: str) -> tuple[str, dict]:
    return f"udp/{port}", {"protocol": "udp", "port": port, "addresses": list(addresses)}


def test_recorded_smartos_zone() -> None:
    """IMGAPI's zone: haproxy and stud on every address, IMGAPI itself on 127.0.0.1.8081."""
    facts, warnings = parse((RECORDED / "netstat-f-inet-an-smartos-imgapi.txt").read_text())
    assert facts == dict([tcp(443, "0.0.0.0"), tcp(8080, "0.0.0.0"), tcp(8081, "127.0.0.1"),
                          tcp(8443, "0.0.0.0")])
    assert warnings == []


def test_recorded_zone_with_udp() -> None:
    """UDP sockets count when bound and unconnected (Idle), never Unbound; TCP only in LISTEN
    (the IDLE TCP sockets are not listening); a port bound twice is one entry."""
    facts, warnings = parse((RECORDED / "netstat-f-inet-an-opensolaris-zone.txt").read_text())
    assert facts == dict([tcp(22, "0.0.0.0"), tcp(111, "0.0.0.0"), udp(111, "0.0.0.0"),
                          udp(38336, "0.0.0.0"), udp(64049, "0.0.0.0")])
    assert warnings == []


def test_recorded_connections_only() -> None:
    """Connected UDP, TIME_WAIT and ESTABLISHED TCP, UNIX domain sockets: nothing listens, and
    nothing there is worth a warning."""
    facts, warnings = parse((RECORDED / "netstat-n-solaris-parse-netstat.txt").read_text())
    assert facts == {} and warnings == []


def test_addresses_split_at_the_last_dot_in_the_linux_spelling() -> None:
    inet6 = "\n".join([
        "TCP: IPv6",
        "   Local Address                     Remote Address                 Swind Send-Q "
        "Rwind Recv-Q   State      If",
        "--------------------------------- --------------------------------- ----- ------ "
        "----- ------ ----------- -----",
        "      *.22                              *.*                             0      0 "
        "128000      0 LISTEN",
        "::1.5432                               *.*                             0      0 "
        "128000      0 LISTEN",
        "::ffff:127.0.0.1.4999                   *.*                             0      0 "
        "128000      0 LISTEN",
        "fe80::8:20ff:fe8c:1%net0.8080           *.*                             0      0 "
        "128000      0 LISTEN",
        "2001:db8::1.443                2001:db8::2.51200               128872      0 "
        "128872      0 ESTABLISHED",
        "UDP: IPv6",
        "   Local Address                     Remote Address                 State      If",
        "      *.5353                                                       Idle",
        "SCTP:",
        "        Local Address                   Remote Address          Swind  Send-Q Rwind "
        " Recv-Q StrsI/O  State",
        "0.0.0.0.9999           0.0.0.0.0             0      0 102400      0  32/32 LISTEN",
    ])
    facts, warnings = parse("TCP: IPv4\n      *.22        *.*      0      0 128000      0 "
                            "LISTEN\n127.0.0.1.4999  *.*  0 0 128000 0 LISTEN", inet6)
    assert facts == dict([tcp(22, "0.0.0.0", "::"), tcp(4999, "127.0.0.1"),
                          tcp(5432, "::1"), tcp(8080, "fe80::8:20ff:fe8c:1"),
                          udp(5353, "::")])
    assert warnings == []


@pytest.mark.parametrize("row", [
    "garbage LISTEN",
    "*.ssh   *.*   0 0 128000 0 LISTEN",
    "*.0     *.*   0 0 128000 0 LISTEN",
    "*.99999 *.*   0 0 128000 0 LISTEN",
    "not-an-ip.22 *.* 0 0 128000 0 LISTEN",
    "127.0.0.1\r.22 *.* 0 0 128000 0 LISTEN",
    "127.0.0.1.２２ *.* 0 0 128000 0 LISTEN",
])
def test_unreadable_listening_rows_are_skipped_with_a_warning(row: str) -> None:
    facts, warnings = parse(f"TCP: IPv4\n{row}\n      *.22  *.*  0 0 128000 0 LISTEN")
    assert facts == dict([tcp(22, "0.0.0.0")])
    assert len(warnings) == 1 and "skipped unreadable netstat tcp line" in warnings[0]


def test_unknown_family_and_no_netstat() -> None:
    warnings: list[str] = []
    assert ports.parse("@netstat inet7\nTCP: IPv4\n*.1 *.* 0 0 0 0 LISTEN", CollectRequest(),
                       warnings) == {}
    assert warnings == ["skipped netstat output of unknown family 'inet7'"]
    assert 'echo "$NA netstat not found"' in get_collector("ports").snippet(CollectRequest())
