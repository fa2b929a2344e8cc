"""A live host planting terminal attacks in what parity collects (a passwd entry, a GECOS, a
group, a link target): ``parity diff`` against a clean host shows them escaped in every human
format, and exactly in JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.docker import exec_ok
from tests.helpers.hostile import unsafe_chars

USER = "ev\x1b[2Jil"
GROUP = "g\x07rp\u202e"
TARGET = "/t\x1b]52;c;cm0gLXJmIH4=\x07"
PLANT = (r"printf 'ev\033[2Jil:x:4242:4242:gecos \033]0;pwned\007:/home/x:/bin/sh\n'"
         r" >> /etc/passwd && printf 'g\007rp\342\200\256:x:4343:\n' >> /etc/group"
         r""" && ln -sf "$(printf '/t\033]52;c;cm0gLXJmIH4=\007')" /etc/lnk""")


@pytest.fixture
def hosts(container_factory: Any, base_image: str) -> tuple[str, str]:
    clean = container_factory.start(base_image)
    dirty = container_factory.start(base_image)
    exec_ok(clean, "ln -s /t /etc/lnk")
    exec_ok(dirty, PLANT)
    return f"docker://{clean.name}", f"docker://{dirty.name}"


def _diff(a: str, b: str, fmt: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parity", "diff", a, b, "--path", "/etc/lnk", "--format", fmt],
        capture_output=True, text=True, timeout=180, check=False, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})


def test_live_host_attack_is_shown_escaped(hosts: tuple[str, str], tmp_path: Path) -> None:
    clean, dirty = hosts
    proc = _diff(clean, dirty, "json", tmp_path)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["hosts"][0]["findings"]
    by_name = {(f["kind"], f["name"]): f for f in findings}
    assert ("user", USER) in by_name and ("group", GROUP) in by_name  # exact, as collected
    assert by_name[("file", "/etc/lnk")]["actual"] == TARGET
    for fmt in ("text", "markdown", "junit"):
        proc = _diff(clean, dirty, fmt, tmp_path)
        assert proc.returncode == 1 and proc.stderr == "", proc.stderr
        assert not unsafe_chars(proc.stdout, allow="\n"), fmt
        shown = proc.stdout.replace("\\\\", "\\")  # markdown escapes backslashes
        for escaped in ("ev\\x1b[2Jil", "g\\x07rp\\u202e", "/t\\x1b", "cm0gLXJmIH4=\\x07"):
            assert escaped in shown, (fmt, escaped)
        if fmt == "junit":
            ET.fromstring(proc.stdout)
