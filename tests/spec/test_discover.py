"""Finding the spec like git finds its repository (parity.spec.discover), and the CLI's one way
of taking it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parity.errors import UsageError
from parity.spec.discover import SPEC_ENV, find_spec, resolve_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "webapp", tmp_path / "proj")
    (tmp_path / "proj" / "files" / "deep" / "er").mkdir(parents=True)
    return tmp_path


def test_found_in_the_nearest_folder_above(tree: Path) -> None:
    deep = tree / "proj" / "files" / "deep" / "er"
    assert find_spec(deep) == (tree / "proj" / "parity.yaml")
    assert find_spec(tree) is None


def test_parity_yml_counts_and_yaml_wins(tree: Path) -> None:
    other = tree / "other"
    other.mkdir()
    (other / "parity.yml").write_text("parity: 1\nbase: debian:12\n")
    assert find_spec(other) == other / "parity.yml"
    (other / "parity.yaml").write_text("parity: 1\nbase: debian:12\n")
    assert find_spec(other) == other / "parity.yaml"


def test_given_beats_the_variable_beats_the_search(tree: Path) -> None:
    proj = tree / "proj"
    env = {SPEC_ENV: str(EXAMPLES / "pyservice")}
    assert resolve_spec(str(proj), environ=env, cwd=proj) == proj / "parity.yaml"
    assert resolve_spec(None, environ=env, cwd=proj) == EXAMPLES / "pyservice" / "parity.yaml"
    assert resolve_spec(None, environ={}, cwd=proj / "files").resolve() == (
        proj / "parity.yaml").resolve()


def test_nothing_found_says_where_it_looked_and_what_to_do(tree: Path) -> None:
    with pytest.raises(UsageError) as err:
        resolve_spec(None, environ={}, cwd=tree)
    assert str(tree) in err.value.render() and SPEC_ENV in err.value.render()
    assert resolve_spec(None, environ={}, cwd=tree, required=False) is None


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != SPEC_ENV}
    return subprocess.run([sys.executable, "-m", "parity", *args], cwd=cwd, text=True,
                          capture_output=True, env={**full, **(env or {})}, check=False,
                          timeout=120)


def test_cli_from_a_subfolder_with_the_variable_and_with_both_forms(tree: Path) -> None:
    files = tree / "proj" / "files"
    found = run("validate", cwd=files)
    assert found.returncode == 0 and "valid" in found.stdout
    rendered = run("render", "-t", "docker", "-d", str(tree / "out"), cwd=files)
    assert rendered.returncode == 0, rendered.stderr
    assert (tree / "out" / "Dockerfile").is_file()
    by_env = run("validate", cwd=tree, env={SPEC_ENV: str(EXAMPLES / "pyservice")})
    assert by_env.returncode == 0 and "pyservice" in by_env.stdout
    assert run("validate", "--spec", str(tree / "proj"), cwd=tree).returncode == 0
    both = run("validate", str(tree / "proj"), "--spec", str(EXAMPLES / "pyservice"), cwd=tree)
    assert both.returncode == 2 and "two specs given" in both.stderr
    nothing = run("validate", cwd=tree)
    assert nothing.returncode == 2 and "no parity.yaml or parity.yml" in nothing.stderr
    assert "Traceback" not in nothing.stderr
