"""Parts of the host_cost, compare and cli areas that decide whether their numbers are right:
the declared files' expected hashes follow mkfiles.sh's recipe, the comparison area finds
exactly the differences it injects, and a snapshot diff of a host with itself is empty."""

from __future__ import annotations

import copy
import hashlib
import random
import subprocess
from pathlib import Path

import pytest

from bench.suite import compare, host_cost
from bench.suite.common import Cleanup, Context


def test_expected_hashes_follow_the_recipe(tmp_path: Path) -> None:
    items = host_cost.declared()
    assert len(items) == 300
    files = [d for d in items if d.kind == "file"]
    for d in (files[0], files[1], files[-1]):
        out = tmp_path / "f"
        line = f"{d.index} {d.path} parity bench declared file"
        subprocess.run(["sh", "-c", f'yes "$1" | head -c {d.size} > "$2"', "sh", line,
                        str(out)], check=True)
        assert host_cost.expected_sha256(d) == hashlib.sha256(out.read_bytes()).hexdigest()


def test_compare_finds_exactly_the_injected_differences() -> None:
    from parity.compare.check import diff_facts

    a = compare.make_facts("a", random.Random(1))
    b = copy.deepcopy(a)
    b.host = "b"
    want = compare.inject(b, random.Random(2))
    got = {(f.kind, f.name, f.field, f.change) for f in diff_facts(a, b).all_findings()}
    assert got == want
    assert diff_facts(a, copy.deepcopy(a)).all_findings() == []


@pytest.mark.parametrize("area", [compare])
def test_area_runs_quick(area: object, tmp_path: Path) -> None:
    ctx = Context(quick=True, rounds=1, workdir=tmp_path, cleanup=Cleanup())
    section = area.run(ctx)  # type: ignore[attr-defined]
    assert section.goals and all(g.measured for g in section.goals)
