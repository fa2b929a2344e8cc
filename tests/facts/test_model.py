"""The facts document on disk: round trip, and a clear ValueError for anything else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.facts.model import Facts


def test_round_trip(tmp_path: Path) -> None:
    facts = Facts(host="docker://x", packages={"curl": {"version": "7.88.1-10", "arch": "amd64"}},
                  sysctl={"net.core.somaxconn": "1024"}, unavailable={"ports": "no /proc"})
    facts.save(tmp_path / "f.json")
    assert Facts.load(tmp_path / "f.json") == facts


@pytest.mark.parametrize(("doc", "message"), [
    ([], "a JSON object"),
    ("facts", "a JSON object"),
    ({"host": "x"}, "no \"format\""),
    ({"format": 2}, "facts format 2 is not supported"),
    ({"format": 1, "packages": 5}, "\"packages\" must be an object"),
    ({"format": 1, "packages": ["curl"]}, "\"packages\" must be an object"),
    ({"format": 1, "users": {"app": 1001}}, "users.app must be an object"),
    ({"format": 1, "sysctl": {"a": {"b": 1}}}, "sysctl.a must be a string"),
    ({"format": 1, "unavailable": "ports"}, "\"unavailable\" must be an object"),
])
def test_malformed_documents_are_value_errors(doc: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Facts.from_dict(doc)


@pytest.mark.parametrize("text", ["[]", '{"format": 1, "packages": 5}', '{"host": "x"}'])
def test_cli_names_the_file_and_exits_2(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    for args in (["diff", str(bad), str(bad)],
                 ["check", "examples/webapp", "--host", "local://", "--strict",
                  "--base-facts", str(bad)]):
        proc = subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                              text=True, timeout=120, check=False,
                              cwd=Path(__file__).resolve().parents[2])
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(f"error: {bad}: not a parity facts snapshot"), proc.stderr
        assert "Traceback" not in proc.stderr


def test_saved_document_is_sorted_json(tmp_path: Path) -> None:
    Facts(host="h").save(tmp_path / "f.json")
    doc = json.loads((tmp_path / "f.json").read_text())
    assert list(doc) == sorted(doc) and doc["format"] == 1


def test_base_system_has_a_field_for_every_strict_kind() -> None:
    """--strict measures every strict kind against the base system: none may be forgotten."""
    from dataclasses import fields

    from parity.compare.base_system import BaseSystem
    from parity.facts.kinds import STRICT_KINDS

    assert set(STRICT_KINDS) <= {f.name for f in fields(BaseSystem)}


def test_warnings_round_trip_and_older_format_1_documents_load(tmp_path: Path) -> None:
    """``warnings`` was added within format 1: a document without it still loads (no
    warnings), one with it keeps them, and a wrong shape is refused."""
    facts = Facts(host="h", warnings=["users: skipped /etc/passwd line 'x': not 7 fields"])
    path = tmp_path / "h.json"
    facts.save(path)
    assert Facts.load(path).warnings == facts.warnings
    older = {k: v for k, v in facts.to_dict().items() if k != "warnings"}
    assert Facts.from_dict(older).warnings == []
    with pytest.raises(ValueError, match='"warnings" must be an array of strings'):
        Facts.from_dict({**older, "warnings": "oops"})
