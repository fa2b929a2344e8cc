"""``parity diff``'s package changes, checked against what NixOS users' own tools print.

The oracles are recorded outputs (tests/fixtures/closure/*.source says where each comes from):
``nvd diff``'s README session and ``nix diff-closures``' first published output. The same
version changes fed through :func:`package_changes` must give nvd's markers and both tools'
directions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parity.compare.base_system import BaseSystem
from parity.compare.check import diff_facts
from parity.compare.hosts import compare_hosts, host_package_changes
from parity.compare.package_changes import PackageChange, package_changes, version_order
from parity.facts.model import Facts
from parity.report.package_changes import lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "closure"
NIX = version_order("nix", "nix")


def generations() -> tuple[Facts, Facts]:
    return (Facts.load(FIXTURES / "generation-1.json"),
            Facts.load(FIXTURES / "generation-2.json"))


def _row(c: PackageChange) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return (c.marker, c.name, c.old, c.new)


def test_two_generations_give_exactly_their_package_changes() -> None:
    a, b = generations()
    report = diff_facts(a, b)
    assert [_row(c) for c in report.results[0].package_changes or []] == [
        ("U*", "firefox", ("84.0.1",), ("84.0.2",)),
        ("U.", "firefox-unwrapped", ("84.0.1",), ("84.0.2",)),
        ("U.", "nix", ("2.4pre20200708_9223603",), ("2.4",)),  # Nix: pre sorts before the end
        ("U+", "python3", ("3.11.6",), ("3.11.7", "3.12.1")),  # python3@3.12.1 is selected
        ("D.", "zlib", ("1.3.1",), ("1.3",)),
        ("A+", "bpytop", (), ("1.0.50",)),
        ("R-", "tmux", ("3.4",), ()),
    ]


def test_selection_is_bookkeeping_for_findings() -> None:
    """htop only became selected: no finding, no entry; the summary's marks carry selection."""
    a, b = generations()
    assert not [f for f in compare_hosts(a, b) if f.name == "htop"]
    assert all(c.name != "htop" for c in host_package_changes(a, b) or [])


def _nvd(text: str) -> list[tuple[str, str, str, str]]:
    """(marker, name, old, new) per nvd line; old or new empty for added or removed."""
    out = []
    for line in text.splitlines():
        m = re.match(r"\[(..)\]\s+#\d+\s+(\S+)\s+(.*)$", line)
        if m:
            old, _, new = m.group(3).partition(" -> ")
            if m.group(1)[0] == "A":
                old, new = "", old
            elif m.group(1)[0] == "R":
                new = ""
            out.append((m.group(1), m.group(2), old, new))
    return out


def _selection(mark: str) -> tuple[bool, bool]:
    """nvd's selection character as (selected before, selected after)."""
    return {"*": (True, True), "+": (False, True), "-": (True, False),
            ".": (False, False)}[mark]


def test_nvd_readme_session_gives_nvds_markers() -> None:
    recorded = _nvd((FIXTURES / "nvd-diff-readme.txt").read_text())
    assert len(recorded) == 10
    a: dict[str, dict[str, object]] = {"glibc": {"version": "2.32", "auto": True}}
    b: dict[str, dict[str, object]] = {"glibc": {"version": "2.32", "auto": True}}
    for marker, name, old, new in recorded:
        before, after = _selection(marker[1])
        if old:
            a[name] = {"version": old, "auto": not before}
        if new:
            b[name] = {"version": new, "auto": not after}
    ours = [(c.marker, c.name, ", ".join(c.old), ", ".join(c.new))
            for c in package_changes(a, b, NIX)]
    assert ours == recorded
    # and the text report's lines are nvd's, without its running number
    shown = [" ".join(line.split()) for line in lines(package_changes(a, b, NIX))[:-1]]
    expected = [" ".join(re.sub(r"#\d+\s+", "", line).split())
                for line in (FIXTURES / "nvd-diff-readme.txt").read_text().splitlines()
                if line.startswith("[")]
    assert shown == expected


def test_diff_closures_directions_follow_nix_ordering() -> None:
    """Every version change in `nix diff-closures`' first published output is an upgrade
    (``440.82 → 440.100`` too, which plain string order gets backwards); ``∅`` is added or
    removed; a size-only line is no version change."""
    a: dict[str, dict[str, object]] = {}
    b: dict[str, dict[str, object]] = {}
    changed, gone, rebuilt = set(), set(), set()
    for line in (FIXTURES / "diff-closures-nix-3818.txt").read_text().splitlines():
        name, _, rest = line.partition(": ")
        if " → " not in rest:
            a[name] = b[name] = {"version": "1"}
            rebuilt.add(name)
            continue
        old, new = rest.split(", ")[0].split(" → ")
        if old != "∅":
            a[name] = {"version": old}
        if new != "∅":
            b[name] = {"version": new}
        (gone if new == "∅" else changed).add(name)
    found = {c.name: c for c in package_changes(a, b, NIX)}
    assert {n for n, c in found.items() if c.change == "upgraded"} == changed
    assert {n for n, c in found.items() if c.change == "removed"} == gone == {
        "nix-bash-completions"}
    assert not rebuilt & found.keys()
    assert "440.100" < "440.82" and found["nvidia-x11"].change == "upgraded"
    assert all(c.mark == " " for c in found.values())  # no auto marks recorded: unknown


@pytest.mark.parametrize(("fam_a", "fam_b", "old", "new", "change"), [
    ("apt", "apt", "2.0-1", "1:1.0-1", "upgraded"),  # dpkg: the epoch wins
    ("apt", "apt", "1.0-1", "1.0-1~bpo1", "downgraded"),
    ("apt", "apt", "1.0-1", "1.0 bad", "changed"),  # dpkg rejects it: no direction
    ("nix", "nix", "1.0", "1.00", "changed"),  # ordered equal, spelt differently
    ("yum", "dnf", "1.0-1.el9", "1.0-2.el9", "upgraded"),  # one family by two names
    ("apt", "nix", "1.0", "2.0", "changed"),  # two families: no shared ordering
    ("plan9", "plan9", "1.0", "2.0", "changed"),  # a family parity has no ordering for
])
def test_direction_needs_a_shared_ordering(fam_a: str, fam_b: str, old: str, new: str,
                                           change: str) -> None:
    [c] = package_changes({"p": {"version": old}}, {"p": {"version": new}},
                          version_order(fam_a, fam_b))
    assert (c.change, c.old, c.new) == (change, (old,), (new,))


def test_unreadable_packages_give_no_summary_rather_than_an_empty_one() -> None:
    a, b = generations()
    b.unavailable["packages"] = "nix-store failed"
    assert host_package_changes(a, b) is None
    assert diff_facts(a, b).results[0].package_changes is None


def test_strict_on_a_nixos_host_judges_selected_packages_only(tmp_path: Path) -> None:
    """``--strict`` reports undeclared *selected* packages; the rest of the closure
    (``auto: true``) is what the selected ones pull in, and is not judged."""
    from parity.compare.against_spec import compare_spec
    from parity.spec import load_spec_text

    _, gen2 = generations()
    spec = load_spec_text("parity: 1\nname: nixos\nbase: debian:12\n"
                          "packages: {firefox: '*', htop: '*'}\n", tmp_path / "parity.yaml")
    found = compare_spec(spec, gen2, strict=True, base=BaseSystem("test"))
    unexpected = {f.name for f in found if f.change == "unexpected"}
    selected = {k for k, v in gen2.packages.items() if v["auto"] is False} - {"firefox", "htop"}
    assert unexpected == selected == {"bpytop", "python3@3.12.1"}
