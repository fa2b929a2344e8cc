"""What keeps a one-host ``parity check`` fast (bench/suite/breakdown.py measures it):

* nothing on the way to the host's round trip imports the comparison (with deepdiff) or
  jinja2 (the plain text report is built without a template);
* the comparison and the reporter are imported on a helper thread once the first host command
  has started, never before it, and a failure there is silent (the main thread imports again).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from parity.cli import check_cmds
from parity.facts import transport

REPO = Path(__file__).resolve().parents[2]


def test_the_path_to_the_round_trip_imports_no_comparison_and_no_jinja2() -> None:
    code = ("import sys\nimport parity.cli, parity.cli.check_cmds, parity.compare.check\n"
            "import parity.report.text, parity.facts.collection\n"
            "print(sorted(m for m in ('parity.compare.against_spec', 'parity.compare.hosts',\n"
            "                         'deepdiff', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout.strip()
    assert out == "[]"


def test_changed_fields_still_diffs_nested_values() -> None:
    from parity.compare.diffing import changed_fields

    assert changed_fields({"groups": ["a", "b"]}, {"groups": ["b", "a"]}) == []
    assert changed_fields({"uid": 1, "groups": ["a"]}, {"uid": 2, "groups": ["a", "c"]}) == \
        ["groups", "uid"]


def _module(tmp_path: Path, name: str, body: str = "") -> str:
    (tmp_path / f"{name}.py").write_text(body)
    return name


def _wait(cond: object, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


def test_imports_start_only_once_a_host_command_started(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    name = _module(tmp_path, "parity_ahead_probe")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(check_cmds, "_AFTER_COLLECTION", (name,))
    monkeypatch.delitem(sys.modules, name, raising=False)
    check_cmds._import_while_collecting("text")
    time.sleep(0.1)
    assert name not in sys.modules  # still waiting: no host command yet
    transport._count()  # what spawn() does as it starts a host's command
    assert _wait(lambda: name in sys.modules)
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_a_failing_import_ahead_is_silent(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    broken = _module(tmp_path, "parity_ahead_broken", "raise RuntimeError('boom')\n")
    fine = _module(tmp_path, "parity_ahead_fine")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(check_cmds, "_AFTER_COLLECTION", (broken, fine))
    for n in (broken, fine):
        monkeypatch.delitem(sys.modules, n, raising=False)
    crashed: list[object] = []
    monkeypatch.setattr(threading, "excepthook", crashed.append)
    check_cmds._import_while_collecting("no-such-format")
    transport._count()
    assert _wait(lambda: fine in sys.modules)  # the next module is still imported
    assert crashed == []
    assert broken not in sys.modules
    monkeypatch.delitem(sys.modules, fine, raising=False)
