"""``--shard K/N``: a deterministic split that covers every host once, whatever the order."""

from __future__ import annotations

import hashlib
import random

import pytest

from parity.errors import UsageError
from parity.fleet.shard import parse_shard, select, shard_of

HOSTS = [f"web{i:03d}.example.org" for i in range(300)]


def test_shards_cover_every_host_exactly_once() -> None:
    parts = [select(HOSTS, HOSTS, (k, 4)) for k in range(1, 5)]
    assert sorted(h for p in parts for h in p) == sorted(HOSTS)
    assert all(50 < len(p) < 100 for p in parts)  # roughly a quarter each


def test_a_host_keeps_its_shard_under_reordering_and_additions() -> None:
    shuffled = HOSTS[:]
    random.Random(7).shuffle(shuffled)
    grown = [*shuffled, "new1", "new2"]
    for k in (1, 2, 3):
        assert set(select(HOSTS, HOSTS, (k, 3))) == set(select(grown, grown, (k, 3))) - {
            "new1", "new2"}


def test_the_shard_is_the_documented_hash() -> None:
    """docs/reports.md: first 8 bytes of sha256(name), big-endian, modulo N, plus one."""
    for name in ("a", "db-1", "ünïcode"):
        digest = hashlib.sha256(name.encode()).digest()
        assert shard_of(name, 7) == int.from_bytes(digest[:8], "big") % 7 + 1


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_bad_shards_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="expected K/N"):
        parse_shard(text)


def test_parse() -> None:
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1 / 1 ") == (1, 1)
