"""ipadm in the comparisons: spec vs host exactly like sysctl (missing, changed), a comma list in
another order is not drift, a host where the kind does not apply is a note, host vs host through
the kinds registry, and snapshots carrying the kind."""

from __future__ import annotations

import pytest

from parity.compare.against_spec import compare_spec_full, same_ipadm_value
from parity.compare.check import check_facts
from parity.compare.expect import expected_facts
from parity.compare.hosts import compare_hosts_full
from parity.errors import ExitCode
from parity.facts.model import Facts
from parity.spec import load_spec_text

SPEC = """\
parity: 1
name: zone
base: debian:12
sysctl:
  net.ipv4.ip_forward: "1"
ipadm:
  tcp:
    smallest_anon_port: 9000
    extra_priv_ports: 4045,2049
  ipv4:
    hostmodel: weak
"""
OS = {"distro": "debian", "release": "12"}


def _host(**ipadm: str) -> Facts:
    return Facts(host="zone1", os=dict(OS), ipadm=dict(ipadm))


def test_the_spec_flattens_to_protocol_slash_property_keys() -> None:
    exp = expected_facts(load_spec_text(SPEC))
    assert exp.ipadm == {"tcp/smallest_anon_port": "9000", "tcp/extra_priv_ports": "4045,2049",
                         "ipv4/hostmodel": "weak"}
    assert exp.to_dict()["ipadm"] == exp.ipadm


def test_missing_and_changed_like_sysctl() -> None:
    facts = _host(**{"tcp/smallest_anon_port": "32768", "tcp/extra_priv_ports": "2049,4045"})
    facts.unavailable["sysctl"] = ("sysctl is Linux's; on SmartOS declare network tunables "
                                   "under ipadm:")
    result = compare_spec_full(load_spec_text(SPEC), facts)
    assert [(f.kind, f.name, f.expected, f.actual, f.change) for f in result.findings] == [
        ("ipadm", "ipv4/hostmodel", "weak", None, "missing"),
        ("ipadm", "tcp/smallest_anon_port", "9000", "32768", "changed"),
    ]  # extra_priv_ports: the same set, printed sorted by ipadm
    assert result.checked["ipadm"] == 3
    assert any("sysctl not compared" in n for n in result.notes)


@pytest.mark.parametrize("got,want,same", [
    ("2049,4045", "4045,2049", True),
    ("2049,4045", "2049,4045", True),
    ("2049,4045", "2049", False),
    ("2049,4045", "2049,4045,4046", False),
    ("on", "on", True),
    ("weak", "strong", False),
    ("32768", " 32768", False),  # values are compared as ipadm prints them, never folded
])
def test_values_compare_exactly_or_as_the_same_comma_set(got: str, want: str,
                                                         same: bool) -> None:
    assert same_ipadm_value(got, want) is same


def test_a_host_where_ipadm_does_not_apply_is_a_note_and_exit_zero() -> None:
    spec = load_spec_text(SPEC)
    facts = Facts(host="web1", os=dict(OS), sysctl={"net.ipv4.ip_forward": "1"},
                  unavailable={"ipadm": "ipadm is illumos'; Linux tunes the kernel with sysctl"})
    result = compare_spec_full(spec, facts)
    assert result.findings == []
    assert result.notes == [
        "web1: ipadm not compared: ipadm is illumos'; Linux tunes the kernel with sysctl"]
    report = check_facts(spec, [facts])
    assert report.exit_code == ExitCode.OK
    assert check_facts(spec, [_host()]).exit_code == ExitCode.DRIFT  # a zone is compared


def test_host_vs_host_compares_common_keys_and_notes_one_sided_ones() -> None:
    a = _host(**{"tcp/smallest_anon_port": "32768", "ipv4/hostmodel": "weak"})
    b = _host(**{"tcp/smallest_anon_port": "9000", "udp/send_buf": "57344"})
    result = compare_hosts_full(a, b)
    assert [(f.kind, f.name, f.expected, f.actual, f.change) for f in result.findings] == [
        ("ipadm", "tcp/smallest_anon_port", "32768", "9000", "changed")]
    assert "ipadm collected on one side only, not compared: ipv4/hostmodel, udp/send_buf" \
        in result.notes


def test_snapshots_carry_ipadm_and_refuse_non_string_values() -> None:
    facts = _host(**{"tcp/smallest_anon_port": "32768"})
    doc = facts.to_dict()
    assert doc["ipadm"] == {"tcp/smallest_anon_port": "32768"}
    assert Facts.from_dict(doc).ipadm == facts.ipadm
    older = {k: v for k, v in doc.items() if k != "ipadm"}  # written before the kind existed
    assert Facts.from_dict(older).ipadm == {}
    with pytest.raises(ValueError, match=r"ipadm\.tcp/x must be a string, not a number"):
        Facts.from_dict({**doc, "ipadm": {"tcp/x": 1}})
