"""``secret: true`` on a file: its content is never in the spec, so only the shape is checked."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from parity.errors import SpecError
from parity.spec import json_schema, load_spec_text

MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, tmp_path / "parity.yaml")
    return info.value.problems


def test_secret_file_with_mode_owner_group(tmp_path: Path) -> None:
    text = MINIMAL + ("files:\n  /etc/app/credentials:\n    secret: true\n    mode: '0600'\n"
                      "    owner: root\n    group: root\n")
    entry = load_spec_text(text, tmp_path / "parity.yaml").model.files["/etc/app/credentials"]
    assert (entry.secret, entry.type, entry.mode, entry.owner, entry.group) == (
        True, "file", "0600", "root", "root")
    assert entry.content is None and entry.source is None


def test_secret_alone_is_enough(tmp_path: Path) -> None:
    spec = load_spec_text(MINIMAL + "files:\n  /etc/pw: {secret: true}\n", tmp_path / "p.yaml")
    assert spec.model.files["/etc/pw"].secret is True
    assert spec.model.files["/etc/pw"].mode is None  # provisioning's 0600 is not a pinned mode


@pytest.mark.parametrize(("body", "message"), [
    ("{secret: true, content: hunter2}",
     "a secret file has no source or content in the spec"),
    ("{secret: true, source: pw.txt}", "drop source, or secret: true"),
    ("{secret: true, type: directory}", "secret is only for type: file, not directory"),
    ("{secret: true, type: link, target: /x}", "secret is only for type: file, not link"),
    ("{secret: 'maybe'}", "secret"),
])
def test_bad_shapes(body: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "pw.txt").write_text("x")
    out = problems(MINIMAL + f"files:\n  /etc/pw: {body}\n", tmp_path)
    assert len(out) == 1
    assert message in out[0]
    assert "parity.yaml:5" in out[0]  # the entry's line
    assert "hunter2" not in out[0]


def test_secret_false_leaves_the_spec_hash_alone(tmp_path: Path) -> None:
    """Specs written before ``secret`` existed keep their hash, so their environments do not
    turn stale; ``secret: true`` is a change."""
    plain = load_spec_text(MINIMAL + "files:\n  /a: {mode: '0600'}\n", tmp_path / "a.yaml")
    false = load_spec_text(MINIMAL + "files:\n  /a: {mode: '0600', secret: false}\n",
                           tmp_path / "b.yaml")
    true = load_spec_text(MINIMAL + "files:\n  /a: {mode: '0600', secret: true}\n",
                          tmp_path / "c.yaml")
    assert plain.sha256 == false.sha256 != true.sha256


def test_schema_describes_secret_and_accepts_the_capture_shape() -> None:
    prop = json_schema()["$defs"]["FileEntry"]["properties"]["secret"]
    assert prop["type"] == "boolean" and "never" in prop["description"]
    jsonschema.validate({"parity": 1, "name": "a", "base": "debian:12", "files": {
        "/etc/app/credentials": {"secret": True, "mode": "0600", "owner": "root",
                                 "group": "root"}}}, json_schema())
