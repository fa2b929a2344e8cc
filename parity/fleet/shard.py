"""``--shard K/N``: which hosts one of N runners checks.

A host belongs to shard ``int(sha256(name)) % N + 1``: a pure function of the host's name, so
the split is the same on every runner whatever order the inventory lists hosts in (an inventory
edit that reorders or adds hosts moves no other host), and the N shards together cover every host
exactly once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TypeVar

from parity.errors import UsageError

T = TypeVar("T")

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> ``(K, N)`` with ``1 <= K <= N``; anything else is a usage error."""
    m = _SHARD.match(text)
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. --shard 2/4")
    return int(m[1]), int(m[2])


def shard_of(name: str, count: int) -> int:
    """The 1-based shard of host ``name`` among ``count`` shards."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select(items: Sequence[T], names: Sequence[str], shard: tuple[int, int]) -> list[T]:
    """The ``items`` (parallel to ``names``) that fall into ``shard``."""
    k, n = shard
    return [item for item, name in zip(items, names, strict=True) if shard_of(name, n) == k]
