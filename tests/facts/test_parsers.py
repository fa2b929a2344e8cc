"""Every collector parser against recorded outputs: ``fixtures/<collector>/<case>.json``.

A fixture holds the section ``output`` (list of lines), the ``request`` it answered (paths, sysctl
keys, services; optional) and either the ``expected`` fact dict or an ``error`` substring the
:class:`ParseError` must contain. Adding a case is adding a file; this module finds it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parity.facts.collectors import COLLECTORS, ParseError, get_collector
from parity.facts.request import CollectRequest

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*/*.json"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_parser_fixture(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    collector = get_collector(path.parent.name)
    request = CollectRequest.from_dict(doc.get("request", {}))
    text = "\n".join(doc["output"])
    if "error" in doc:
        with pytest.raises(ParseError, match=doc["error"]):
            collector.parse(text, request)
    else:
        assert collector.parse(text, request) == doc["expected"], doc["description"]


def test_every_collector_has_fixtures() -> None:
    have = {p.parent.name for p in CASES}
    assert have == set(COLLECTORS)


@pytest.mark.parametrize("kind", sorted(COLLECTORS))
def test_every_collector_has_an_error_case(kind: str) -> None:
    docs = [json.loads(p.read_text()) for p in (FIXTURES / kind).glob("*.json")]
    assert any("error" in d for d in docs), f"{kind} has no fixture for malformed output"
