"""The collection request carries the spec's secret paths, through JSON too, and the files parser
keeps no hash for them whatever the host printed."""

from __future__ import annotations

import json
from pathlib import Path

from parity.facts.collectors import files
from parity.facts.request import CollectRequest
from parity.spec import load_spec_text

SPEC = """parity: 1
name: s
base: debian:12
files:
  /etc/app/credentials: {secret: true, mode: '0600', owner: root, group: root}
  /etc/app/app.conf: {content: "x"}
"""


def test_from_spec_names_the_secret_paths(tmp_path: Path) -> None:
    request = CollectRequest.from_spec(load_spec_text(SPEC, tmp_path / "parity.yaml"),
                                       extra_paths=["/etc/hosts"])
    assert request.paths == ("/etc/app/app.conf", "/etc/app/credentials", "/etc/hosts")
    assert request.secret_paths == frozenset({"/etc/app/credentials"})


def test_secret_paths_survive_to_dict_and_from_dict(tmp_path: Path) -> None:
    request = CollectRequest.from_spec(load_spec_text(SPEC, tmp_path / "parity.yaml"))
    doc = json.loads(json.dumps(request.to_dict()))
    assert doc["secret_paths"] == ["/etc/app/credentials"]
    assert CollectRequest.from_dict(doc) == request
    older = {k: v for k, v in doc.items() if k != "secret_paths"}  # written before secrets
    assert CollectRequest.from_dict(older).secret_paths == frozenset()


def test_a_secret_path_is_always_requested() -> None:
    request = CollectRequest(paths=("/a",), secret_paths=frozenset({"/b"}))
    assert request.paths == ("/a", "/b")


def test_parser_drops_a_hash_printed_for_a_secret_path() -> None:
    request = CollectRequest(paths=("/a", "/b"), secret_paths=frozenset({"/b"}))
    digest = "ab" * 32
    out = files.parse(f"0 type file\n1 type file\nbatch sha256 0,1\n{digest}  -\n{digest}  -\n",
                      request)
    assert out["/a"]["sha256"] == digest
    assert out["/b"]["sha256"] is None
