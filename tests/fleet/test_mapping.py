"""``--map GROUP=SPEC|ROLE`` and mapping files."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import UsageError
from parity.fleet.mapping import MapRule, assign, load_map_file, parse_map_option


def test_options() -> None:
    assert parse_map_option("web=specs/web.yaml") == MapRule("web", spec="specs/web.yaml")
    assert parse_map_option("staging=dev") == MapRule("staging", role="dev")
    for bad in ("web", "=x.yaml", "web="):
        with pytest.raises(UsageError, match="GROUP=SPEC"):
            parse_map_option(bad)


def test_first_matching_rule_wins_for_spec_and_role_separately() -> None:
    rules = [MapRule("cassandra", spec="c.yaml"), MapRule("web", spec="w.yaml"),
             MapRule("staging", role="dev"), MapRule("all", spec="default.yaml")]
    assert assign("n1", ["all", "cassandra", "staging"], rules) == ("c.yaml", "dev")
    assert assign("w1", ["all", "web"], rules) == ("w.yaml", None)
    assert assign("x", ["all"], rules) == ("default.yaml", None)
    assert assign("x", [], rules) == (None, None)
    assert assign("c.example", [], [MapRule("c.example", spec="own.yaml")]) == ("own.yaml", None)


def test_map_file(tmp_path: Path) -> None:
    f = tmp_path / "m" / "map.yaml"
    f.parent.mkdir()
    f.write_text("web: specs/web.yaml\ncassandra: {spec: c.yaml, role: prod}\nstaging: dev\n")
    assert load_map_file(f) == [
        MapRule("web", str(f.parent / "specs/web.yaml"), None, f"{f}: web"),
        MapRule("cassandra", str(f.parent / "c.yaml"), "prod", f"{f}: cassandra"),
        MapRule("staging", None, "dev", f"{f}: staging")]


@pytest.mark.parametrize(("text", "message"), [
    ("- web\n", "maps group names"),
    ("web: {role: boss}\n", "role 'boss' is not one of dev, prod"),
    ("web: {spec: 3}\n", "spec must be a path"),
    ("web: {color: red}\n", "expected a spec path"),
    ("web: [unclosed\n", "not valid YAML"),
])
def test_bad_map_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "map.yaml"
    f.write_text(text)
    with pytest.raises(UsageError, match=message) as info:
        load_map_file(f)
    assert str(f) in str(info.value)


def test_missing_map_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="mapping file not found"):
        load_map_file(tmp_path / "none.yaml")
