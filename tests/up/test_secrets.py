"""Secret env values: from the caller or an env file, all missing names reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import ExitCode, UsageError
from parity.up.secrets import parse_env_file, resolve_secrets


def test_env_file_syntax(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# comment\n\nA=1\nexport B = two words\nC=\"quoted # not a comment\"\nD='x'\n"
        "E=value # trailing comment\nF=\nG=a=b\n")
    assert parse_env_file(env) == {"A": "1", "B": "two words", "C": "quoted # not a comment",
                                   "D": "x", "E": "value", "F": "", "G": "a=b"}


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("A=1\nthis is not an assignment\n")
    with pytest.raises(UsageError) as info:
        parse_env_file(env)
    assert f"{env}:2:" in info.value.message
    assert info.value.exit_code == ExitCode.USAGE


def test_unreadable_env_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        parse_env_file(tmp_path / "missing.env")


def test_environment_wins_over_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("SECRET_KEY=from-file\nTOKEN=file-token\n")
    values = resolve_secrets(["SECRET_KEY", "TOKEN"], {"SECRET_KEY": "from-env"}, env)
    assert values == {"SECRET_KEY": "from-env", "TOKEN": "file-token"}


def test_every_missing_secret_is_listed_with_a_fix() -> None:
    with pytest.raises(UsageError) as info:
        resolve_secrets(["A_KEY", "B_KEY", "C_KEY"], {"B_KEY": "x"}, spec_path="shop.yaml")
    err = info.value
    assert "A_KEY, C_KEY" in err.message and "shop.yaml" in err.message
    assert "nothing was built" in err.message
    assert "export A_KEY=" in (err.hint or "")
    assert "B_KEY" not in err.message


def test_no_secrets_declared_needs_nothing() -> None:
    assert resolve_secrets([], {}) == {}
