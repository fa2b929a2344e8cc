"""The hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself (``try-repo``) on a copy of
examples/webapp in a fresh git repository: pre-commit builds its own venv and pip-installs parity
from this repository, as a user's pre-commit would (needs PyPI for parity's dependencies)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _pre_commit() -> list[str]:
    beside = Path(sys.executable).with_name("pre-commit")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    return [found]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook venv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=parity-test", "-c", "user.email=test@invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "webapp", project,
                    ignore=shutil.ignore_patterns(".parity", ".devcontainer"))
    _git("init", "-q", cwd=project)
    _commit(project)
    return project


def _commit(project: Path) -> None:
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "--allow-empty", "-m", "change", cwd=project)


def _try(hook: str, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PARITY_SPEC", "PYTHONPATH")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([*_pre_commit(), "try-repo", str(REPO), hook, "--all-files"],
                          cwd=project, env=env, text=True, capture_output=True, check=False,
                          timeout=900)


def test_validate_hook_passes_a_good_spec_and_fails_a_bad_one(tmp_path: Path, home: Path) -> None:
    project = _project(tmp_path)
    good = _try("parity-validate", project, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "parity validate" in good.stdout and "Passed" in good.stdout

    spec = project / "parity.yaml"
    spec.write_text(spec.read_text().replace("base: debian:12", "base: debian:12\nbogus: 1"))
    _commit(project)
    bad = _try("parity-validate", project, home)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout and "bogus" in bad.stdout


def test_render_check_hook_follows_the_committed_files(tmp_path: Path, home: Path) -> None:
    project = _project(tmp_path)
    missing = _try("parity-render-check", project, home)
    assert missing.returncode == 1 and "Failed" in missing.stdout

    rendered = subprocess.run([sys.executable, "-m", "parity", "render", "-t", "docker"],
                              cwd=project, capture_output=True, text=True, timeout=120,
                              check=False)
    assert rendered.returncode == 0, rendered.stderr
    _commit(project)
    fresh = _try("parity-render-check", project, home)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "Passed" in fresh.stdout

    spec = project / "parity.yaml"
    spec.write_text(spec.read_text().replace("less: \"*\"", "less: \"*\"\n  vim: \"*\""))
    _commit(project)
    stale = _try("parity-render-check", project, home)
    assert stale.returncode == 1 and "Failed" in stale.stdout
    assert "Dockerfile" in stale.stdout or "provision" in stale.stdout
