"""The CI integrations (GitHub composite action, GitLab template) and the script they share.

The drift check runs for real, as CI would run it: ``integrations/drift-check.sh`` against a tmp
copy of the webapp example on the Docker Engine (network none), with the CLI of this checkout.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.up.helpers import SECRET, copy_example, sweep, unique

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "integrations" / "drift-check.sh"
ACTION = ROOT / "integrations" / "github" / "action.yml"
GITLAB = ROOT / "integrations" / "gitlab" / "parity-drift.gitlab-ci.yml"


def test_action_runs_the_shared_script_with_every_input() -> None:
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    (step,) = action["runs"]["steps"]
    assert step["run"] == "${{ github.action_path }}/../drift-check.sh"
    assert (ACTION.parent / "../drift-check.sh").resolve() == SCRIPT
    # every input reaches the script, and only through the environment
    passed = " ".join(step["env"].values())
    for name, spec in action["inputs"].items():
        assert f"inputs.{name}" in passed, name
        assert spec["description"]
    assert action["inputs"]["spec"]["default"] == "parity.yaml"
    # empty: the script checks the environment it brought up (dev, or docker://NAME)
    assert action["inputs"]["hosts"]["default"] == ""


def test_gitlab_template_attaches_both_reports() -> None:
    template = yaml.safe_load(GITLAB.read_text())
    job = template[".parity-drift"]
    assert job["variables"]["PARITY_DRIFT_SCRIPT"] == "integrations/drift-check.sh"
    assert (ROOT / job["variables"]["PARITY_DRIFT_SCRIPT"]) == SCRIPT
    assert any("$PARITY_DRIFT_SCRIPT" in line for line in job["script"])
    assert job["artifacts"]["reports"]["junit"] == "$PARITY_JUNIT"
    assert "$PARITY_MARKDOWN" in job["artifacts"]["paths"]
    assert job["artifacts"]["when"] == "always"


def test_script_is_posix_sh() -> None:
    subprocess.run(["sh", "-n", str(SCRIPT)], check=True)
    # the action runs it as a program, not through sh
    assert os.access(SCRIPT, os.X_OK)
    assert "set -eu" in SCRIPT.read_text()


def _run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    full = {**os.environ, "PARITY": f"{shlex.quote(sys.executable)} -m parity",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **env}
    full.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(["sh", str(SCRIPT)], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=1200, check=False)


@pytest.mark.docker
@pytest.mark.slow
def test_drift_check_script_end_to_end(tmp_path: Path, docker_client) -> None:
    spec = copy_example(tmp_path)
    name = unique("ci")
    # the committed files render --check compares against: render them as a project would
    subprocess.run([sys.executable, "-m", "parity", "render", "--spec", str(spec), "-t",
                    "docker"], check=True, capture_output=True, env={**os.environ,
                    "PYTHONPATH": str(ROOT)})
    out = tmp_path / "out"
    out.mkdir()
    summary = out / "summary.md"
    try:
        result = _run({"PARITY_SPEC": str(spec), "PARITY_NAME": name, "PARITY_TARGETS": "docker",
                       "PARITY_JUNIT": str(out / "drift.xml"),
                       "PARITY_MARKDOWN": str(out / "drift.md"),
                       "PARITY_SUMMARY": str(summary), "SECRET_KEY": SECRET}, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-4000:]
        suites = ET.parse(out / "drift.xml").getroot()
        cases = suites.findall(".//testcase")
        assert cases
        failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        assert not failed
        markdown = (out / "drift.md").read_text()
        assert markdown.strip()
        assert summary.read_text() == markdown
        # down ran: nothing of this spec's environment is left
        assert not docker_client.containers.list(all=True, filters={"name": name})
    finally:
        sweep(docker_client, tmp_path)


@pytest.mark.docker
@pytest.mark.slow
def test_drift_check_script_fails_on_stale_render_before_up(tmp_path: Path, docker_client) -> None:
    """render --check runs before up: stale committed files fail the job with no container."""
    spec = copy_example(tmp_path)
    name = unique("ci-stale")
    try:
        result = _run({"PARITY_SPEC": str(spec), "PARITY_NAME": name, "PARITY_TARGETS": "docker",
                       "PARITY_JUNIT": str(tmp_path / "drift.xml"),
                       "PARITY_MARKDOWN": str(tmp_path / "drift.md")}, cwd=tmp_path)
        assert result.returncode == 1, result.stderr[-4000:]
        assert not (tmp_path / "drift.xml").exists()
        assert not docker_client.containers.list(all=True, filters={"name": name})
    finally:
        sweep(docker_client, tmp_path)


@pytest.mark.docker
@pytest.mark.slow
def test_drift_check_script_exits_1_on_drift_after_down(tmp_path: Path, docker_client) -> None:
    """Drift fails the job with the check's status, and the environment is still removed."""
    spec = copy_example(tmp_path)
    # provision runs after files: this script takes away a file the spec declares
    seed = spec.parent / "scripts" / "seed.sh"
    seed.write_text(seed.read_text() + "\nrm -f /etc/shop/release\n")
    name = unique("ci-drift")
    try:
        result = _run({"PARITY_SPEC": str(spec), "PARITY_NAME": name,
                       "PARITY_RETRY_TIMEOUT": "2s", "PARITY_JUNIT": str(tmp_path / "drift.xml"),
                       "PARITY_MARKDOWN": str(tmp_path / "drift.md"), "SECRET_KEY": SECRET},
                      cwd=tmp_path)
        assert result.returncode == 1, result.stderr[-4000:]
        failures = ET.parse(tmp_path / "drift.xml").getroot().findall(".//failure")
        assert failures
        assert "/etc/shop/release" in (tmp_path / "drift.md").read_text()
        assert not docker_client.containers.list(all=True, filters={"name": name})
    finally:
        sweep(docker_client, tmp_path)
