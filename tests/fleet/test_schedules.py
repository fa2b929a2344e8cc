"""The scheduling examples in examples/schedules parse, and every parity option they use exists.

The Kubernetes and GitHub Actions files are parsed as YAML; the systemd units are checked by
``systemd-analyze verify`` where it is installed (else read with configparser); every ``parity
report`` / ``parity history`` command line in them is checked against the real click commands,
so an example can never drift from the CLI.
"""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parity.cli import cli

SCHEDULES = Path(__file__).resolve().parents[2] / "examples" / "schedules"


def load(name: str) -> Any:
    return YAML(typ="safe").load((SCHEDULES / name).read_text())


def check_command(text: str) -> str:
    """Every option of the parity command in ``text`` exists; the subcommand's name."""
    text = re.sub(r"\$\{\{[^}]*\}\}", "X", text)  # GitHub expressions
    words = shlex.split(text.split("&&")[-1].split(">>")[0])
    at = next(i for i, w in enumerate(words) if w.endswith("parity"))
    name = words[at + 1]
    command = cli.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None, name
    known = {o for p in command.params for o in p.opts}
    used = {w.split("=")[0] for w in words[at + 2:] if w.startswith("--")}
    assert used <= known, f"{name}: unknown options {used - known}"
    return name


def test_kubernetes_cronjob_is_an_indexed_sharded_job() -> None:
    doc = load("kubernetes-cronjob.yaml")
    assert doc["kind"] == "CronJob" and doc["apiVersion"] == "batch/v1"
    job = doc["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed" and job["completions"] == job["parallelism"]
    (container,) = job["template"]["spec"]["containers"]
    args = container["args"][0]
    assert f"/{job['completions']}\"" in args and "--run-id" in args and "--db" in args
    assert check_command(args) == "report"


def test_github_workflow_shards_then_merges() -> None:
    doc = load("github-actions.yml")
    shard, merge = doc["jobs"]["shard"], doc["jobs"]["merge"]
    assert merge["needs"] == "shard"
    n = len(shard["strategy"]["matrix"]["shard"])
    runs = [s["run"] for job in (shard, merge) for s in job["steps"]
            if "parity report" in s.get("run", "")]
    assert f"--shard ${{{{ matrix.shard }}}}/{n}" in runs[0] and "--merge" in runs[1]
    assert [check_command(r) for r in runs] == ["report", "report"]


def test_systemd_units(tmp_path: Path) -> None:
    units = ["parity-report.service", "parity-report.timer"]
    service = configparser.ConfigParser(strict=True, interpolation=None)
    service.optionxform = str  # type: ignore[assignment,method-assign]
    service.read(SCHEDULES / units[0])
    assert check_command(service["Service"]["ExecStart"]) == "report"
    assert check_command(service["Service"]["ExecStartPost"]) == "history"
    timer = configparser.ConfigParser(strict=True, interpolation=None)
    timer.read(SCHEDULES / units[1])
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed; units checked with configparser only")
    for unit in units:  # verify needs the binaries to exist: /bin/true stands in for parity
        text = (SCHEDULES / unit).read_text().replace("/usr/local/bin/parity", "/bin/true")
        (tmp_path / unit).write_text(text)
    proc = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u) for u in units)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_cron_line() -> None:
    lines = [line for line in (SCHEDULES / "parity-report.cron").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    (line,) = lines
    minute, hour, dom, month, dow, user, command = line.split(None, 6)
    assert (minute, hour, dom, month, dow, user) == ("15", "2", "*", "*", "*", "parity")
    assert check_command(command) == "report"
