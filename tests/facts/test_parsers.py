"""Every collector parser against recorded outputs: ``fixtures/<collector>/<case>.json``.

A fixture holds the section ``output`` (list of lines, joined with ``\n``: the script's only
separator), the ``request`` it answered (paths, sysctl keys, services; optional) and either the
``expected`` fact dict, with the exact ``warnings`` for items the parser skipped (none when the
key is absent), or an ``error`` substring the :class:`ParseError` must contain. Adding a case is
adding a file; this module finds it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parity.facts.collectors import COLLECTORS, ParseError, get_collector
from parity.facts.collectors.ports import canonical_address
from parity.facts.request import CollectRequest

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*/*.json"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_parser_fixture(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    collector = get_collector(path.parent.name)
    request = CollectRequest.from_dict(doc.get("request", {}))
    text = "\n".join(doc["output"])
    warnings: list[str] = []
    if "error" in doc:
        with pytest.raises(ParseError, match=doc["error"]):
            collector.parse(text, request, warnings)
    else:
        assert collector.parse(text, request, warnings) == doc["expected"], doc["description"]
        assert warnings == doc.get("warnings", []), doc["description"]


def test_every_collector_has_fixtures() -> None:
    have = {p.parent.name for p in CASES}
    assert have == set(COLLECTORS)


@pytest.mark.parametrize("kind", sorted(COLLECTORS))
def test_every_collector_has_a_malformed_case(kind: str) -> None:
    """Each parser is shown output it cannot read: a skipped item (warning) or, for output our
    script cannot have printed, an error."""
    docs = [json.loads(p.read_text()) for p in (FIXTURES / kind).glob("*.json")]
    assert any("error" in d or d.get("warnings") for d in docs), (
        f"{kind} has no fixture for malformed output")


@pytest.mark.parametrize("spelled,canonical", [
    ("*", "::"), ("[::]", "::"), ("::", "::"), ("0:0:0:0:0:0:0:0", "::"),
    ("0.0.0.0", "0.0.0.0"),  # the IPv4 wildcard is a socket of its own
    ("[::1]", "::1"), ("::ffff:127.0.0.1", "127.0.0.1"), ("[::ffff:10.0.0.1]", "10.0.0.1"),
    ("FE80:0000::0001", "fe80::1"), ("[fe80::1%eth0]", "fe80::1"), ("127.0.0.1", "127.0.0.1"),
    ("not-an-address", "not-an-address"),
])
def test_listen_addresses_have_one_spelling(spelled: str, canonical: str) -> None:
    assert canonical_address(spelled) == canonical


@pytest.mark.netns
def test_ports_match_ss_in_a_private_network_namespace() -> None:
    """The oracle: ``ss`` and the collector see the same sockets; ss's ``*`` (dual-stack) and
    ``[::]`` (IPv6-only) both read ``::``, and ``0.0.0.0`` stays apart."""
    probe = Path(__file__).parent / "oracles" / "ports_listen.py"
    out = subprocess.run(["unshare", "-n", sys.executable, str(probe)], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    doc = json.loads(out)
    text = "".join(f"@{name}\n{body}" for name, body in doc["proc"].items())
    facts = get_collector("ports").parse(text, CollectRequest())
    from_ss: dict[str, set[str]] = {}
    for line in doc["ss"].splitlines():
        local = line.split()[3]
        addr, _, port = local.rpartition(":")
        from_ss.setdefault(f"tcp/{port}", set()).add(canonical_address(addr))
    assert {k: set(v["addresses"]) for k, v in facts.items()} == from_ss
    assert "*" in doc["ss"] and "[::]" in doc["ss"]  # both spellings were really there
    assert from_ss == {"tcp/8001": {"0.0.0.0", "::"}, "tcp/8002": {"::"}, "tcp/8004": {"::1"},
                       "tcp/8005": {"127.0.0.1"}}
