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


def test_quoted_value_followed_by_a_comment(tmp_path: Path) -> None:
    """The quotes go even when a comment follows them (they used to stay in the value)."""
    env = tmp_path / ".env"
    env.write_text("A='x' # note\nexport B=\"two words\"   # note\nC=\"say \"hi\"\"\n"
                   "D=\"x\" # say \"hi\"\n")
    assert parse_env_file(env) == {"A": "x", "B": "two words", "C": 'say "hi"', "D": "x"}


def test_env_file_with_byte_order_mark(tmp_path: Path) -> None:
    """Editors on Windows save a BOM; it is not part of the first key."""
    env = tmp_path / ".env"
    env.write_bytes(b"\xef\xbb\xbfTOKEN=bom\n")
    assert parse_env_file(env) == {"TOKEN": "bom"}


def test_env_file_that_is_not_utf8(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"TOKEN=\xff\xfe\n")
    with pytest.raises(UsageError) as info:
        parse_env_file(env)
    assert str(env) in info.value.message and "UTF-8" in info.value.message


@pytest.mark.parametrize("line", ["SECRET_KEY hunter2-value", "my-key=hunter2-value"])
def test_malformed_line_is_not_echoed(tmp_path: Path, line: str) -> None:
    """A typo must not print the secret value on it (into a terminal or a CI log)."""
    env = tmp_path / ".env"
    env.write_text(f"{line}\n")
    with pytest.raises(UsageError) as info:
        parse_env_file(env)
    assert f"{env}:1:" in info.value.message
    assert "hunter2" not in info.value.render()


@pytest.mark.parametrize("value", ['"hunter2-value', "'hunter2-value", "\"hunter2-value'",
                                   '"hunter2-value"trailing', "'", '"hunter2 # value'])
def test_unbalanced_quote_is_an_error_without_the_value(tmp_path: Path, value: str) -> None:
    """``KEY="abc`` used to be accepted with the quote in the value (a secret that silently
    differs from the intended one); now it names file:line and the key, never the value."""
    env = tmp_path / ".env"
    env.write_text(f"A=1\nexport SECRET_KEY = {value}\nB=2\n")
    with pytest.raises(UsageError) as info:
        parse_env_file(env)
    err = info.value
    assert err.exit_code == ExitCode.USAGE
    assert f"{env}:2:" in err.message and "SECRET_KEY" in err.message and "quote" in err.message
    assert "hunter2" not in err.render() and "trailing" not in err.render()


@pytest.mark.docker
def test_unbalanced_quote_through_the_cli(tmp_path: Path) -> None:
    """The command line reports it as a usage error (exit 2) naming file:line, without the
    value, before anything is rendered or built (``up`` looks at Docker first, hence the
    marker)."""
    from .helpers import parity_cli

    spec = tmp_path / "parity.yaml"
    spec.write_text("parity: 1\nbase: debian:12\nname: quotes\nenv:\n  TOKEN: {secret: true}\n")
    env = tmp_path / "secrets.env"
    env.write_text('TOKEN="hunter2-value\n')
    proc = parity_cli("up", str(spec), "--env-file", str(env), "--network", "none",
                      "--name", f"parity-test-up-quotes-{tmp_path.name[-8:]}",
                      drop=("TOKEN",))
    assert proc.returncode == 2, proc.stderr
    assert f"{env}:1:" in proc.stderr and "TOKEN" in proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    assert "rendering" not in proc.stderr and not (tmp_path / ".parity").exists()
