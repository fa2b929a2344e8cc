"""The package changes of ``parity diff`` in every report format: the same entries everywhere,
goldens for the human formats, hostile names kept inert, and the CLI end to end on snapshots."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from parity.compare.check import diff_facts
from parity.compare.result import Report
from parity.facts.model import Facts
from parity.report import render_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "closure"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "report"
GEN1, GEN2 = FIXTURES / "generation-1.json", FIXTURES / "generation-2.json"

Golden = Callable[[str, Path], None]

#: (marker, name, old, new) exactly as the generations differ
EXPECTED = [
    ("U*", "firefox", "84.0.1", "84.0.2"),
    ("U.", "firefox-unwrapped", "84.0.1", "84.0.2"),
    ("U.", "nix", "2.4pre20200708_9223603", "2.4"),
    ("U+", "python3", "3.11.6", "3.11.7, 3.12.1"),
    ("D.", "zlib", "1.3.1", "1.3"),
    ("A+", "bpytop", "", "1.0.50"),
    ("R-", "tmux", "3.4", ""),
]


def closure_report() -> Report:
    return diff_facts(Facts.load(GEN1), Facts.load(GEN2))


def test_golden_text_and_markdown(golden: Golden) -> None:
    report = closure_report()
    golden(render_report(report, "text"), GOLDEN / "closure.1.txt")
    golden(render_report(report, "markdown"), GOLDEN / "closure.1.md")


def test_json_lists_exactly_the_changes() -> None:
    doc = json.loads(render_report(closure_report(), "json"))
    [host] = doc["hosts"]
    got = [(c["marker"], c["name"], ", ".join(c["old"]), ", ".join(c["new"]))
           for c in host["package_changes"]]
    assert got == EXPECTED
    firefox = host["package_changes"][0]
    assert firefox == {"name": "firefox", "change": "upgraded", "old": ["84.0.1"],
                       "new": ["84.0.2"], "selected_old": True, "selected_new": True,
                       "marker": "U*"}
    assert [c["change"] for c in host["package_changes"]] == [
        "upgraded", "upgraded", "upgraded", "upgraded", "downgraded", "added", "removed"]


def test_text_lists_exactly_the_changes() -> None:
    text = render_report(closure_report(), "text")
    rows = [line.split(None, 2) for line in text.splitlines() if line.startswith("    [")]
    got = [(m.strip("[]"), n, v) for m, n, v in rows]
    assert got == [(m, n, f"{o} -> {w}" if o and w else o or w) for m, n, o, w in EXPECTED]
    assert "  package changes: 4 upgraded, 1 downgraded, 1 added, 1 removed" in text


def test_markdown_lists_exactly_the_changes() -> None:
    text = render_report(closure_report(), "markdown")
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ") and "`" in line
            and line.count("|") == 6]
    got = [(m.replace("\\", ""), n.strip("`"), o.replace("\\", ""), w)
           for m, n, o, w, _ in rows]
    assert got == [(m, n, o or "-", w or "-") for m, n, o, w in EXPECTED]
    assert [r[4] for r in rows] == ["yes", "no", "no", "newly", "no", "newly", "no longer"]


def test_junit_carries_the_changes_and_parses() -> None:
    root = ET.fromstring(render_report(closure_report(), "junit"))
    out = root.find("testsuite/system-out")
    assert out is not None and out.text is not None
    listed = [line.split()[1] for line in out.text.splitlines() if line.startswith("[")]
    assert listed == [n for _, n, _, _ in EXPECTED]
    # informational only: no test case per change, the findings are the cases
    assert root.get("tests") == str(len(closure_report().results[0].findings))


def test_hostile_package_names_stay_inert_in_every_format() -> None:
    a, b = Facts.load(GEN1), Facts.load(GEN2)
    evil = "evil\x1b[2J\rok\x07\u202e"
    b.packages[evil] = {"version": "1.0\x1b]52;c;cm0=\x07", "auto": False, "arch": None}
    report = diff_facts(a, b)
    for fmt in ("text", "markdown", "junit"):
        text = render_report(report, fmt)
        assert not set(text) & {"\x1b", "\r", "\x07", "\u202e"}, fmt
        assert "evil\\x1b[2J\\x0dok\\x07\\u202e" in text.replace("\\[", "["), fmt
    ET.fromstring(render_report(report, "junit"))
    doc = json.loads(render_report(report, "json"))
    added = [c for c in doc["hosts"][0]["package_changes"] if c["change"] == "added"]
    assert {c["name"] for c in added} == {"bpytop", evil}  # JSON keeps the exact name
    tty = render_report(report, "text", tty=True)
    assert "\x1b[2J" not in tty and "\r" not in tty


def _parity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_diff_of_two_snapshots(tmp_path: Path) -> None:
    proc = _parity("diff", str(GEN1), str(GEN2))
    assert proc.returncode == 1, proc.stderr
    assert "    [A+]  bpytop             1.0.50\n" in proc.stdout
    assert "    [D.]  zlib               1.3.1 -> 1.3\n" in proc.stdout
    out = tmp_path / "report.json"
    proc = _parity("diff", str(GEN1), str(GEN2), "--format", "json", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    changes = json.loads(out.read_text())["hosts"][0]["package_changes"]
    assert [(c["marker"], c["name"]) for c in changes] == [(m, n) for m, n, _, _ in EXPECTED]
    same = _parity("diff", str(GEN2), str(GEN2), "--format", "json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["hosts"][0]["package_changes"] == []
