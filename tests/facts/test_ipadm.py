"""The ipadm collector: its parser on the output recorded from a real illumos ipadm, libofmt's
escaping, hostile lines, the snippet it builds, and what a Linux host says about it (the machine
running these tests is one). The SunOS branch end to end: test_ipadm_docker.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.compare.against_spec import compare_spec_full
from parity.facts import CollectRequest, collect
from parity.facts.collectors import ipadm, sysctl
from parity.spec import load_spec_text

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "smartos" / "recorded"
WANTED = ("icmp/max_buf", "icmp/recv_buf", "ipv4/hostmodel", "tcp/congestion_control")


def test_the_recorded_listing_parses_to_what_it_says() -> None:
    text = (RECORDED / "ipadm-show-prop-all.txt").read_text(encoding="utf-8")
    warnings: list[str] = []
    got = ipadm.parse("@show 0\n" + text, CollectRequest(ipadm=WANTED), warnings)
    assert got == {"icmp/max_buf": "262144", "icmp/recv_buf": "8192",
                   "ipv4/hostmodel": "weak", "tcp/congestion_control": "sunreno"}
    assert warnings == []


def test_only_requested_keys_are_kept_from_the_full_listing() -> None:
    text = (RECORDED / "ipadm-show-prop-all.txt").read_text(encoding="utf-8")
    got = ipadm.parse("@show 0\n" + text, CollectRequest(ipadm=("icmp/max_buf", "tcp/sack")))
    assert got == {"icmp/max_buf": "262144"}  # tcp/sack was not listed: missing, not invented


def _ofmt_escape(value: str) -> str:
    """libofmt's parsable field with more than one field: ``\\`` and ``:`` get a ``\\``."""
    return value.replace("\\", "\\\\").replace(":", "\\:")


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\n")), min_size=1,
                max_size=4))
def test_escaped_fields_split_back_to_what_ofmt_was_given(fields: list[str]) -> None:
    line = ":".join(_ofmt_escape(f) for f in fields)
    assert ipadm.split_fields(line) == fields


@pytest.mark.parametrize("line", ["a\\", "a\\b:c:d", "x:y\\n:z"])
def test_a_backslash_that_escapes_nothing_is_not_ipadm_output(line: str) -> None:
    assert ipadm.split_fields(line) is None


@given(st.text(max_size=300))
def test_any_output_parses_or_warns_never_raises(text: str) -> None:
    warnings: list[str] = []
    got = ipadm.parse(text, CollectRequest(ipadm=WANTED), warnings)
    assert set(got) <= set(WANTED)
    assert all(isinstance(v, str) for v in got.values())


def test_no_request_asks_nothing_and_says_nothing() -> None:
    assert ipadm.snippet(CollectRequest()) == ":\n"


def test_the_snippet_lists_once_and_names_only_private_properties() -> None:
    text = ipadm.snippet(CollectRequest(ipadm=("tcp/smallest_anon_port", "tcp/_cwnd_max",
                                               "tcp/_conn_req_max_q", "udp/_x", "ipv4/ttl")))
    calls = [ln for ln in text.splitlines() if "$(ipadm show-prop" in ln]
    assert calls[0].startswith("  o=$(ipadm show-prop -c -o proto,property,current 2>&1)")
    assert "-p _cwnd_max,_conn_req_max_q tcp 2>&1" in calls[1]
    assert "-p _x udp 2>&1" in calls[2]
    assert len(calls) == 3  # one listing, one call per protocol with private names
    assert "smallest_anon_port" not in text  # public names never reach the command line


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")
def test_the_snippets_are_valid_sh() -> None:
    request = CollectRequest(ipadm=("tcp/_cwnd_max", "ipv4/forwarding"),
                             sysctl=("net.ipv4.ip_forward",))
    for text in (ipadm.snippet(request), sysctl.snippet(request)):
        subprocess.run(["sh", "-n"], input=text, text=True, check=True, timeout=10)


def test_requests_refuse_keys_that_are_not_protocol_slash_property() -> None:
    for bad in ("tcp", "tcp/", "ip/forwarding", "tcp/Send_buf", "tcp/a b", "tcp/x;reboot"):
        with pytest.raises(ValueError, match="PROTOCOL/PROPERTY"):
            CollectRequest(ipadm=(bad,))
    assert CollectRequest.from_dict(CollectRequest(ipadm=WANTED).to_dict()).ipadm == WANTED


SPEC = """\
parity: 1
name: tun
base: debian:12
sysctl:
  kernel.ostype: Linux
ipadm:
  tcp:
    smallest_anon_port: 9000
"""


def test_a_linux_host_reports_ipadm_as_not_applicable_not_drift() -> None:
    spec = load_spec_text(SPEC)
    request = CollectRequest.from_spec(spec)
    assert request.ipadm == ("tcp/smallest_anon_port",)
    facts = collect("local://", CollectRequest(sysctl=request.sysctl, ipadm=request.ipadm,
                                               kinds=("sysctl", "ipadm")), timeout=30)
    assert facts.unavailable == {
        "ipadm": "ipadm is illumos'; Linux tunes the kernel with sysctl"}
    assert facts.ipadm == {} and facts.sysctl == {"kernel.ostype": "Linux"}
    result = compare_spec_full(spec, facts)
    assert [f for f in result.findings if f.kind in ("ipadm", "sysctl")] == []
    assert ("local://: ipadm not compared: ipadm is illumos'; Linux tunes the kernel with "
            "sysctl") in result.notes
    assert result.checked["sysctl"] == 1 and "ipadm" not in result.checked


def test_snippet_golden(golden: Any, repo_root: Path) -> None:
    """The ipadm snippet for a fixed request, pinned like the whole script's golden (whose
    fixed request asks no ipadm keys): a change shows in review (``--update-golden``)."""
    request = CollectRequest(ipadm=("icmp/max_buf", "tcp/_cwnd_max", "tcp/smallest_anon_port",
                                    "udp/_x"), sysctl=("net.ipv4.ip_forward",))
    text = (f"# ipadm\n{ipadm.snippet(request)}"
            f"# sysctl (its first line: the SunOS check)\n{sysctl.snippet(request)}")
    golden(text, repo_root / "tests" / "golden" / "facts" / "ipadm_snippet.sh")


def test_a_listing_that_read_nothing_makes_the_kind_unavailable(tmp_path: Path) -> None:
    """ipadm failing without one property line (no permission, a broken platform) read
    nothing: "not compared" with ipadm's own words, not every declared key "missing"."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ipadm").write_text("#!/bin/sh\necho 'ipadm: Could not open handle' >&2\nexit 1\n")
    (bindir / "ipadm").chmod(0o755)
    text = ('have() { command -v "$1" >/dev/null 2>&1; }\nSYS=SunOS\nNA="@@NA"\n'
            + ipadm.snippet(CollectRequest(ipadm=("tcp/smallest_anon_port",))))
    run = subprocess.run(["sh", "-c", text], capture_output=True, text=True, timeout=10,
                         env={"PATH": f"{bindir}:/usr/bin:/bin"}, check=True)
    assert run.stdout == "@@NA ipadm show-prop failed (exit 1): ipadm: Could not open handle\n"
