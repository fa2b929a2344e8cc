"""Shared helpers of the box tests: specs to build, and running the real tools offline.

Vagrant and Packer are the oracles here, and each reaches for the network by itself (update
checks; Packer's ``validate`` even downloads a ``file:`` ISO checksum). Every call therefore
runs in a network namespace of its own (``unshare -n``) where this machine allows it, so a test
proves that the command works offline and can never send traffic anywhere.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from parity.spec import Spec, load_spec

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
#: every example spec, and the repo's own
SPECS = sorted(p.parent.name for p in EXAMPLES.glob("*/parity.yaml"))
#: a checksum Packer accepts without downloading anything (the ISO is never fetched here)
FAKE_ISO_CHECKSUM = "sha256:" + "0" * 64


@functools.cache
def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "--", "true"], capture_output=True,
                          check=False).returncode == 0


def offline(argv: Sequence[str]) -> list[str]:
    """``argv`` in a fresh network namespace (no interfaces but a down loopback), if possible."""
    return ["unshare", "-n", "--", *argv] if _can_unshare() else list(argv)


def run(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(offline(argv), cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=300, check=False)
    if check:
        assert proc.returncode == 0, f"{' '.join(argv)}: exit {proc.returncode}\n" \
            f"{proc.stdout}\n{proc.stderr}"
    return proc


def copy_spec(name: str, dest: Path) -> Path:
    """A private copy of ``examples/<name>`` (tests edit specs)."""
    shutil.copytree(EXAMPLES / name, dest)
    return dest / "parity.yaml"


def write_spec(folder: Path, body: str) -> Spec:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "parity.yaml"
    path.write_text(body, encoding="utf-8")
    return load_spec(path)


MINIMAL = """\
parity: 1
name: {name}
base: {base}
packages:
  curl: "*"
env:
  GREETING: {greeting}
"""


@pytest.fixture
def minimal(tmp_path: Path) -> Spec:
    return write_spec(tmp_path / "spec", MINIMAL.format(name="tiny", base="debian:12",
                                                        greeting="hello"))


def edit_greeting(spec: Spec, greeting: str) -> Spec:
    """The same spec with another env value: a new spec hash."""
    text = spec.path.read_text(encoding="utf-8")
    spec.path.write_text(text.replace("GREETING: ", f"GREETING: {greeting}-", 1),
                         encoding="utf-8")
    return load_spec(spec.path)


@pytest.fixture
def vagrant_env(tmp_path: Path) -> dict[str, str]:
    """Vagrant with its own empty home, no update check, the docker provider by default."""
    return {"VAGRANT_HOME": str(tmp_path / "vagrant.d"), "VAGRANT_CHECKPOINT_DISABLE": "1",
            "VAGRANT_DEFAULT_PROVIDER": "docker", "VAGRANT_NO_COLOR": "1"}
