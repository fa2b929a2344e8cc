"""``parity init``: the starter it writes validates and renders, it never asks, never clobbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parity.cli.init_cmd import name_for
from parity.facts.model import Facts
from parity.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def parity(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, stdin not a terminal (and closed: nothing to answer)."""
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    return subprocess.run([sys.executable, "-m", "parity", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, stdin=subprocess.DEVNULL, check=False, timeout=120)


def test_starter_validates_and_renders_the_docker_target(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    made = parity("init", cwd=project)
    assert made.returncode == 0, made.stderr
    spec = project / "parity.yaml"
    text = spec.read_text()
    for section in ("packages:", "dev_packages:", "services:", "users:", "groups:", "files:",
                    "env:", "ports:", "sysctl:", "provision:", "targets:", "hosts:", "drift:"):
        assert f"\n{section}" in text, section
    loaded = load_spec(spec)
    assert loaded.name == "shop"
    assert loaded.model.base == "debian:12"
    assert loaded.secret_env == ["SECRET_KEY"]

    assert parity("validate", cwd=project).returncode == 0
    rendered = parity("render", "-t", "docker", cwd=project)
    assert rendered.returncode == 0, rendered.stderr
    dockerfile = (project / ".parity" / "docker" / "Dockerfile").read_text()
    assert "debian:12" in dockerfile
    assert parity("render", "-t", "docker", "--check", cwd=project).returncode == 0


def test_flags_set_the_folder_name_and_base(tmp_path: Path) -> None:
    made = parity("init", str(tmp_path), "--name", "api", "--base", "alpine:3.20", cwd=Path("/"))
    assert made.returncode == 0, made.stderr
    loaded = load_spec(tmp_path / "parity.yaml")
    assert (loaded.name, loaded.model.base) == ("api", "alpine:3.20")
    assert parity("render", "-t", "docker", "-d", str(tmp_path / "out"),
                  cwd=tmp_path).returncode == 0


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    for existing in ("parity.yaml", "parity.yml"):
        folder = tmp_path / existing
        folder.mkdir()
        (folder / existing).write_text("# mine\n")
        refused = parity("init", cwd=folder)
        assert refused.returncode == 2
        assert "already exists" in refused.stderr and "--force" in refused.stderr
        assert (folder / existing).read_text() == "# mine\n"


def test_force_replaces_the_spec(tmp_path: Path) -> None:
    (tmp_path / "parity.yaml").write_text("# mine\n")
    made = parity("init", "--force", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert load_spec(tmp_path / "parity.yaml").name == name_for(tmp_path)


def test_a_bad_name_is_a_spec_error_and_writes_nothing(tmp_path: Path) -> None:
    refused = parity("init", "--name", "-bad name", cwd=tmp_path)
    assert refused.returncode == 2
    assert not (tmp_path / "parity.yaml").exists()


@pytest.mark.parametrize(("folder", "name"), [
    ("shop", "shop"),
    ("My Shop", "my-shop"),
    ("Web_App.v2", "web_app.v2"),
    ("--wéird  (copy)!", "w-ird-copy"),
    ("...", "app"),
    ("x" * 100, "x" * 64),
])
def test_name_derives_from_the_folder(tmp_path: Path, folder: str, name: str) -> None:
    assert name_for(Path("/src") / folder) == name
    project = tmp_path / folder
    project.mkdir()
    made = parity("init", cwd=project)
    assert made.returncode == 0, made.stderr
    assert load_spec(project / "parity.yaml").name == name


def test_from_delegates_to_capture(tmp_path: Path) -> None:
    """--from URL writes exactly what `parity capture URL` writes (a snapshot stands in for a
    host; both resolve the base system the same way)."""
    snapshot = tmp_path / "host.json"
    Facts(host="docker://web", os={"distro": "debian", "release": "12", "codename": "bookworm",
                                   "arch": "x86_64"},
          packages={"nginx": {"version": "1.22.1-9"}}).save(snapshot)
    captured = parity("capture", str(snapshot), "-o", str(tmp_path / "want.yaml"), cwd=tmp_path)
    assert captured.returncode == 0, captured.stderr
    project = tmp_path / "web"
    project.mkdir()
    made = parity("init", "--from", str(snapshot), cwd=project)
    assert made.returncode == 0, made.stderr
    assert _undated(project / "parity.yaml") == _undated(tmp_path / "want.yaml")
    assert "nginx" in load_spec(project / "parity.yaml").model.packages


def _undated(spec: Path) -> list[str]:
    """The spec's lines but its header's capture time (the two runs are a second apart)."""
    return [line for line in spec.read_text().splitlines() if not line.startswith("# Captured")]
