"""Quality of `parity schema` for editors: every key described, closed sets as enums, no foreign
``$id``, and the schema agrees with the loader on every shipped spec and on a few bad ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from parity.distros import DISTROS
from parity.spec import json_schema, load_spec_text

ROOT = Path(__file__).resolve().parents[2]
SPECS = [*sorted((ROOT / "examples").glob("*/parity.yaml")), ROOT / "parity.yaml"]
VALID = {"parity": 1, "name": "app", "base": "debian:12"}


def _properties(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (location, property schema) in ``node``, $defs and nested schemas included."""
    if isinstance(node, dict):
        for key, sub in (node.get("properties") or {}).items():
            yield f"{where}/properties/{key}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def _validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _doc(path: Path) -> Any:
    # through JSON, as an editor sees the document (dates become strings)
    return json.loads(json.dumps(YAML(typ="safe").load(path.read_text()), default=str))


def test_every_property_at_every_level_has_a_description() -> None:
    found = list(_properties(json_schema()))
    assert len(found) > 50  # the walk reaches $defs, not only the top level
    missing = [where for where, sub in found
               if not (isinstance(sub, dict) and str(sub.get("description", "")).strip())]
    assert not missing


def test_closed_sets_are_enums() -> None:
    schema = json_schema()
    assert schema["properties"]["base"]["enum"] == sorted(DISTROS)
    assert schema["properties"]["parity"]["const"] == 1
    assert schema["$defs"]["FileEntry"]["properties"]["type"]["enum"] == [
        "file", "directory", "link"]


def test_schema_has_no_id_this_project_does_not_own() -> None:
    assert "$id" not in json_schema()
    assert json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_specs_validate(path: Path) -> None:
    errors = [e.message for e in _validator().iter_errors(_doc(path))]
    assert not errors


def test_every_known_base_validates_and_loads() -> None:
    validator = _validator()
    for base in DISTROS:
        doc = {**VALID, "base": base}
        assert not list(validator.iter_errors(doc)), base
        load_spec_text(json.dumps(doc))


@pytest.mark.parametrize("doc", [
    {**VALID, "base": "debian:99"},  # a base the loader refuses too
    {**VALID, "parity": 2},
    {**VALID, "parity": "1"},
    {"parity": 1, "name": "app"},  # base is required
    {**VALID, "packages": []},
    {**VALID, "files": {"/etc/x": {"type": "socket"}}},
    {**VALID, "users": {"app": {"uid": "one"}}},
    {**VALID, "env": {"KEY": {"secret": False}}},
    {**VALID, "targets": {"docker": {"image": "shop:dev", "ports": [80]}}},
    {**VALID, "ports": ["80/sctp"]},
], ids=["unknown-base", "version-2", "version-string", "no-base", "packages-list",
        "file-type", "uid-text", "secret-false", "unknown-target-key", "port-proto"])
def test_invalid_documents_are_rejected(doc: dict[str, Any]) -> None:
    assert list(_validator().iter_errors(doc))
