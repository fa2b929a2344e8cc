"""``local://``: the machine running parity, through the same one-script path."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from parity.facts import CollectRequest, collect, collect_many, transport


def test_local_collection_matches_this_machine(tmp_path: Path) -> None:
    f = tmp_path / "conf"
    f.write_text("hi\n")
    f.chmod(0o640)
    before = transport.commands_started()
    # only the kinds asserted below: services and ports read the machine's whole process and
    # socket lists, and what else runs here must not decide whether this test passes
    kinds = ("os", "users", "files", "sysctl")
    facts = collect("local://", CollectRequest(paths=(str(f),), sysctl=("kernel.ostype",),
                                               kinds=kinds), timeout=30)
    assert transport.commands_started() - before == 1
    assert facts.os["arch"] == platform.machine()
    assert facts.os["kernel"] == platform.release()
    me = os.getuid()
    assert any(u["uid"] == me for u in facts.users.values())
    assert facts.files[str(f)]["mode"] == "0640"
    assert facts.files[str(f)]["sha256"] == (
        "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4")
    assert facts.sysctl == {"kernel.ostype": "Linux"}


def test_collect_many_with_progress_hook() -> None:
    seen: list[str] = []
    results = collect_many(["local://"], CollectRequest(kinds=("os",)),
                           progress=lambda r: seen.append(r.name))
    assert seen == ["local://"] and results[0].ok
    assert set(results[0].facts.to_dict()["os"]) >= {"distro", "arch", "kernel"}


def test_collect_many_on_result_runs_beside_the_progress_display() -> None:
    """``on_result`` sees every result as it arrives, whatever ``progress`` says, and may drop
    the facts (run_check does, to keep its memory flat); the list still has every host."""
    seen: list[str] = []
    shown: list[str] = []

    def drop(res: object) -> None:
        seen.append(res.name)  # type: ignore[attr-defined]
        res.facts = None  # type: ignore[attr-defined]

    results = collect_many(["local://", "local://?x=1"], CollectRequest(kinds=("os",)),
                           progress=lambda r: shown.append(r.name), on_result=drop)
    assert sorted(seen) == sorted(shown) == ["local://", "local://?x=1"]
    assert [r.name for r in results] == ["local://", "local://?x=1"]
    assert all(r.ok and r.facts is None for r in results)
