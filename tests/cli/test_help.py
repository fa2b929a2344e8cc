"""Every command's help shows real examples and its defaults; the command list shows whole
summaries (issue 12's "one set of habits")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from parity.cli import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_examples_and_the_common_options(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.output, name
    assert "-v, --verbose" in result.output and "-q, --quiet" in result.output
    assert f"parity {name}" in result.output.split("Examples:", 1)[1]


def test_defaults_are_shown() -> None:
    out = CliRunner().invoke(cli, ["up", "--help"]).output
    assert "[default: docker]" in out
    # --network's default is the spec's own (targets.docker.network), so the help says that
    assert "default: the spec's targets.docker.network, else" in " ".join(out.split())


def test_the_command_list_shows_whole_summaries() -> None:
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "..." not in out.split("Commands:", 1)[1]
    assert "print its testinfra" in out and "URL." in out
