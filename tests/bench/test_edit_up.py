"""The edit_up area (bench/suite/edit_up.py, spec_edits.py): every edit must give a
spec parity accepts and change exactly what the area says it changed, or the timings would be
of a failed or different ``up``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.suite import spec_edits as ed
from parity.spec import load_spec
from parity.spec.model import SpecModel

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webapp"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "webapp", ignore=shutil.ignore_patterns(".parity"))
    return tmp_path / "webapp" / "parity.yaml"


def _edit(spec: Path, change: Callable[[str], str]) -> SpecModel:
    spec.write_text(change(spec.read_text()))
    return load_spec(spec).model


def test_every_round_of_every_spec_edit_loads(spec: Path) -> None:
    before = load_spec(spec).model
    for n, pkg in enumerate(ed.DEV_PACKAGES[:5]):
        s = _edit(spec, lambda t, pkg=pkg: ed.add_dev_package(t, pkg))
        assert pkg in s.dev_packages and len(s.dev_packages) == len(before.dev_packages) + n + 1
    for pkg in reversed(ed.DEV_PACKAGES[:5]):
        s = _edit(spec, lambda t, pkg=pkg: ed.remove_dev_package(t, pkg))
        assert pkg not in s.dev_packages
    assert s.dev_packages == before.dev_packages
    for n in range(3):
        s = _edit(spec, lambda t, n=n: ed.set_env(t, "APP_ENV", f"bench-{n}"))
        assert s.env["APP_ENV"] == f"bench-{n}"
        s = _edit(spec, lambda t, n=n: ed.add_group(t, f"benchg{n}", ed.GROUP_GID_BASE + n))
        assert s.groups[f"benchg{n}"].gid == ed.GROUP_GID_BASE + n
    shells = []
    for n in range(4):
        text, what = ed.user_edit(spec.read_text(), n)
        spec.write_text(text)
        s = load_spec(spec).model
        shells.append(s.users["app"].shell)
        if n % 2 == 0:
            assert s.users[f"benchu{n}"].uid == ed.USER_UID_BASE + n and "add user" in what
    assert shells == ["/bin/bash", "/bin/sh", "/bin/sh", "/bin/bash"]  # flipped on odd rounds
    s = _edit(spec, lambda t: ed.set_name(t, "shop-bench-1"))
    assert s.name == "shop-bench-1"
    # everything else is as it was: the edits touch only their own keys
    assert s.files == before.files and s.services == before.services
    assert s.users["app"].uid == before.users["app"].uid


def test_spec_edits_keep_comments_and_untouched_lines(spec: Path) -> None:
    text = spec.read_text()
    new = ed.set_env(text, "APP_ENV", "staging")
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("  APP_ENV: production", "  APP_ENV: staging")]


def test_file_edits_change_a_different_line_each_round() -> None:
    page = "<html>\n<body>\n</body>\n</html>\n"
    seen = set()
    for n in range(4):
        new = ed.edit_line(page, n)
        changed = [i for i, (a, b) in enumerate(zip(page.split("\n"), new.split("\n"),
                                                    strict=True)) if a != b]
        assert changed == [n] and f"bench edit {n}" in new and new.endswith("\n")
        seen.add(new)
    assert len(seen) == 4
    conf = ed.append_comment("server {}\n", 3)
    assert conf == "server {}\n# bench edit 3\n"
    assert ed.append_comment("x", 1) == "x\n# bench edit 1\n"


def test_edit_up_section_ratios_and_goals(tmp_path: Path) -> None:
    from bench.suite import edit_up
    from bench.suite.common import REPO

    def st(median: float) -> dict[str, float]:
        return {"min": median, "median": median, "max": median, "n": 1}

    after = {k: st(1.0) for k in edit_up.KINDS} | {"file": st(2.5), "first": st(27.0)}
    before = {"stats": {k: st(28.0) for k in edit_up.KINDS}, "parity_commit": "abc",
              "machine": {"cpu": "x", "cores": 2}}
    p = edit_up.Parity(REPO, {}, tmp_path / "parity.yaml", clean_flags=["--rebuild"])
    checks = {k: {"clean_build_s": 3.0, "differences": 0} for k in edit_up.KINDS}
    edits = {k: [k] for k in edit_up.KINDS}
    floors = {"update + install jq": st(2.2), "pg_ctlcluster 15 main start": st(2.2)}
    s = edit_up._section(p, 1, after, floors, checks, edits, before, True, {
        "cpu": "x", "cores": 2, "mem_gib": 1, "docker": "20"})
    goals = {g.id: g for g in s.goals}
    assert not goals["11a"].met and "over by 500 ms" in goals["11a"].why  # file: 2.5 s > 2 s
    assert goals["11b"].met and goals["11c"].met and goals["11d"].met and goals["11e"].met
    assert goals["11f"].met and "28 s (before)" in goals["11f"].target  # first: 27 <= 28
    assert "| `file` | 2.50 s (2.50 s–2.50 s) | 28 s | 11.2× |" in s.body_md
    s = edit_up._section(p, 1, after, floors, checks, edits, None, False, {
        "cpu": "x", "cores": 2, "mem_gib": 1, "docker": "20"})
    assert not {g.id: g for g in s.goals}["11f"].met and "nothing to do" in s.body_md


def test_kinds_can_be_chosen_and_before_numbers_merged() -> None:
    from bench.suite import edit_up
    from bench.suite.common import BenchError

    assert edit_up.chosen_kinds(None) == edit_up.KINDS
    assert edit_up.chosen_kinds(" env, first") == ("first", "env")  # KINDS order
    with pytest.raises(BenchError, match="unknown kind"):
        edit_up.chosen_kinds("first,bogus")
    with pytest.raises(BenchError, match="needs add_package"):
        edit_up.chosen_kinds("remove_package")
    old = {"rounds": 5, "measured": "t0", "stats": {"first": 1, "file": 2},
           "measured_kinds": {"first": "t0", "file": "t0"}, "floors": {"a": 1}}
    new = {"rounds": 3, "measured": "t1", "stats": {"first": 9},
           "measured_kinds": {"first": "t1"}, "floors": {"a": 2}}
    merged = edit_up.merge_before(old, new)
    assert merged["stats"] == {"first": 9, "file": 2}
    assert merged["measured_kinds"] == {"first": "t1", "file": "t0"}
    assert merged["floors"] == {"a": 2} and merged["measured"] == "t1"
    assert edit_up.merge_before(None, new) is new
    del old["measured_kinds"]  # a file from a whole run: every kind measured at "measured"
    assert edit_up.merge_before(old, new)["measured_kinds"] == {"first": "t1", "file": "t0"}
