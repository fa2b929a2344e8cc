"""`parity schema` output is a real JSON Schema that agrees with the loader on the examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from parity.cli import cli
from parity.spec import json_schema

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*/parity.yaml"))


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_validate_against_schema(path: Path) -> None:
    doc = json.loads(json.dumps(YAML(typ="safe").load(path.read_text()), default=str))
    jsonschema.validate(doc, json_schema())


def test_schema_rejects_unknown_keys() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"parity": 1, "name": "a", "base": "debian:12", "pakages": {}},
                            json_schema())


def test_schema_command_prints_json() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "parity.yaml"
