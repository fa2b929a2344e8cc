"""The spec's ``ipadm:`` key: what it accepts and refuses, its schema, and that it changes
neither the hash of specs without it nor any file the docker/vagrant/nix/aci/devcontainer
targets render (it applies to SmartOS zones only)."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from parity.facts.request import IPADM_PROTOCOLS
from parity.render import TARGETS, plan_files
from parity.spec import SpecError, json_schema, load_spec_text, model_json
from parity.spec.model import IpadmProtocol

HEAD = "parity: 1\nname: tun\nbase: debian:12\n"
IPADM = """\
ipadm:
  tcp:
    smallest_anon_port: 9000
    extra_priv_ports: 2049,4045
    _cwnd_max: 1048576
  ipv4:
    hostmodel: src-priority
    forwarding: "on"
"""


def test_nested_protocol_property_value_as_ipadm_set_prop_takes_them() -> None:
    spec = load_spec_text(HEAD + IPADM)
    assert spec.model.ipadm == {
        "tcp": {"smallest_anon_port": "9000", "extra_priv_ports": "2049,4045",
                "_cwnd_max": "1048576"},
        "ipv4": {"hostmodel": "src-priority", "forwarding": "on"},
    }


@pytest.mark.parametrize("body,message", [
    ("ipadm:\n  ip:\n    forwarding: 'on'\n", "expected 'ipv4', 'ipv6', 'icmp', 'tcp'"),
    ("ipadm:\n  tcp:\n    Send_buf: 1\n", "ipadm.tcp.Send_buf"),
    ("ipadm:\n  tcp:\n    send-buf: 1\n", "ipadm.tcp.send-buf"),
    ("ipadm:\n  tcp:\n    send_buf: '1; reboot'\n", "ipadm.tcp.send_buf"),
    ("ipadm:\n  tcp:\n    send_buf: ''\n", "ipadm.tcp.send_buf"),
    ("ipadm:\n  ipv4:\n    forwarding: true\n", "ipadm spells switches on/off; write "
                                                 "forwarding: on"),
    ("ipadm:\n  tcp: 5\n", "ipadm.tcp"),
])
def test_refused_with_a_message_naming_the_place(body: str, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        load_spec_text(HEAD + body)


def test_the_schema_describes_it_with_the_protocols_as_an_enum() -> None:
    node = json_schema()["properties"]["ipadm"]
    assert "SmartOS" in node["description"]
    assert node["propertyNames"]["enum"] == ["ipv4", "ipv6", "icmp", "tcp", "udp", "sctp"]


def test_the_spec_and_the_collector_know_the_same_protocols() -> None:
    assert get_args(IpadmProtocol) == IPADM_PROTOCOLS


def test_a_spec_without_it_hashes_as_before() -> None:
    spec = load_spec_text(HEAD)
    assert "ipadm" not in model_json(spec.model)
    assert spec.sha256 != load_spec_text(HEAD + IPADM).sha256  # declaring it is a change


@pytest.mark.parametrize("target", sorted(set(TARGETS) - {"smartos"}))
def test_render_targets_ignore_it(target: str) -> None:
    """Every file is byte-identical apart from the spec's hash, which names the spec (the
    smartos target applies it: tests/render/test_smartos.py)."""
    plain = load_spec_text(HEAD + "sysctl:\n  net.core.somaxconn: 1024\n")
    tuned = load_spec_text(HEAD + "sysctl:\n  net.core.somaxconn: 1024\n" + IPADM)

    def files(spec: object, digest: str) -> dict[str, bytes]:
        return {path: body.replace(digest.encode(), b"HASH")
                for path, body in plan_files(spec, target).items()}  # type: ignore[arg-type]

    assert files(tuned, tuned.sha256) == files(plain, plain.sha256)
