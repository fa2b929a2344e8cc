"""The benchmark harness itself (bench/run.py, bench/suite/common.py): what it measures and
writes must be right, or every number in bench/RESULTS.md is suspect."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import run as bench_run
from bench.suite.common import (
    BenchError,
    Cleanup,
    Goal,
    Section,
    interleave,
    ratio,
    run_measured,
    stats,
)


def test_run_measured_counts_the_cpu_of_grandchildren() -> None:
    # the busy loop runs in a grandchild (sh -> python): wait4 must still see its CPU, as it
    # must see the CPU of parity's ssh clients
    loop = "import time; t=time.process_time()\nwhile time.process_time()-t<0.3: pass"
    busy = f"{sys.executable} -c '{loop}'"
    t = run_measured(["sh", "-c", busy + "; echo done"])
    assert t.rc == 0 and t.stdout == b"done\n"
    assert t.cpu >= 0.25
    assert t.wall >= t.cpu * 0.9 and t.maxrss_mib > 1


def test_run_measured_times_out_and_kills_the_group() -> None:
    with pytest.raises(BenchError, match="timed out"):
        run_measured(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.3)


def test_interleave_alternates_the_order() -> None:
    calls: list[str] = []
    out = interleave(4, {"a": lambda: calls.append("a") or 1.0,
                         "b": lambda: calls.append("b") or 3.0})
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert ratio(out["b"], out["a"]) == 3.0
    assert stats([3, 1, 2]) == {"min": 1, "median": 2, "max": 3, "n": 3}


def test_cleanup_runs_in_reverse_even_when_one_fails() -> None:
    done: list[int] = []
    c = Cleanup()
    c.add("one", lambda: done.append(1))
    c.add("boom", lambda: 1 / 0)
    c.add("three", lambda: done.append(3))
    with pytest.raises(KeyError), c.scope():
        raise KeyError("area failed")
    assert done == [3, 1]


def test_results_block_is_replaced_and_the_analysis_kept(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Benchmarks\n\nintro\n\n{bench_run.BEGIN}\nold\n{bench_run.END}\n\n"
                       "## What changed\nkept\n")
    monkeypatch.setattr(bench_run, "RESULTS", results)
    bench_run.write_results("new numbers\n")
    text = results.read_text()
    assert "old" not in text and "new numbers" in text
    assert text.startswith("# Benchmarks\n\nintro") and text.endswith("## What changed\nkept\n")


def test_render_lists_every_goal_with_its_verdict() -> None:
    s = Section("cli", "CLI", "| a |", goals=[
        Goal("help", "--help", "< 100 ms", "60 ms", True),
        Goal("render", "render all", "< 250 ms", "300 ms", False, why="jinja2 import")])
    payload = {"started": "now", "seconds": 1, "machine": {
        "cpu": "x", "cores": 2, "mem_gib": 1, "os": "Debian", "kernel": "6", "python": "3.11",
        "docker": "20", "openssh": "9", "testinfra": "10", "parity_commit": "abc",
        "loadavg_start": ["0", "0", "0"]}}
    md = bench_run.render(payload, [s])
    assert "| cli: help | < 100 ms | 60 ms | met |" in md
    assert "**missed** | jinja2 import |" in md


def test_unknown_area_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench_run.main(["--only", "nope"])
    assert exc.value.code == 2
    assert "unknown area(s) nope" in capsys.readouterr().err


def test_a_partial_full_run_keeps_the_other_areas_results(tmp_path: Path) -> None:
    import json

    previous = tmp_path / "bench.json"
    old_cli = Section("cli", "CLI", "old cli", goals=[Goal("6a", "help", "<100", "60", True)],
                      stamp={"measured": "yesterday", "commit": "abc", "loadavg": ["1"]})
    old_compare = Section("compare", "Compare", "old compare")
    previous.write_text(json.dumps({"sections": [old_cli.as_json(), old_compare.as_json()]}))
    fresh = Section("compare", "Compare", "new compare")
    merged = bench_run.merge_previous(previous, [fresh], {})
    assert [s.key for s in merged] == ["compare", "cli"]  # the AREAS order
    assert merged[0].body_md == "new compare"
    assert merged[1].goals[0].measured == "60" and merged[1].stamp["commit"] == "abc"


def test_run_measured_lets_an_interrupted_child_clean_up(tmp_path: Path) -> None:
    # Ctrl-C in the bench: with interrupt_grace the child gets SIGINT and time for its own
    # clean-up (parity up removes its half-built images), then the group is killed
    done = tmp_path / "cleaned"
    script = f"trap 'echo yes > {done}; exit 130' INT; sleep 30 & wait"
    polls = []

    def stop(pid: int) -> None:
        polls.append(pid)
        if len(polls) == 50:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_measured(["sh", "-c", script], on_poll=stop, poll=0.01, interrupt_grace=5)
    assert done.read_text() == "yes\n"
    done.unlink()
    polls.clear()
    with pytest.raises(KeyboardInterrupt):  # without grace: killed at once, no clean-up
        run_measured(["sh", "-c", script], on_poll=stop, poll=0.01)
    assert not done.exists()
