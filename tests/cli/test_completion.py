"""Shell completion of host names (parity.cli.completion), through click's real protocol."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def complete(words: str, cwd: Path, shell: str = "bash") -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    env.update(_PARITY_COMPLETE=f"{shell}_complete", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split(" ")) - 1))
    out = subprocess.run([sys.executable, "-m", "parity"], env=env, cwd=cwd, text=True,
                         capture_output=True, check=False, timeout=60)
    return [line.split(",", 1)[1] for line in out.stdout.splitlines() if "," in line]


def test_hosts_from_the_found_spec(tmp_path: Path) -> None:
    files = EXAMPLES / "webapp" / "files"
    assert complete("parity check -H ", files) == ["dev", "prod"]
    assert complete("parity check -H p", files) == ["prod"]
    assert complete("parity diff ", files) == ["dev", "prod"]
    assert complete("parity snapshot d", files) == ["dev"]


def test_hosts_and_groups_of_an_inventory(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[web]\nweb-1 ansible_host=127.0.0.1\nweb-2\n[db]\ndb-1\n")
    found = complete(f"parity check --inventory {inventory} -H w", tmp_path)
    assert found == ["web-1", "web-2", "web"]


def test_nothing_breaks_without_a_spec_or_with_a_bad_inventory(tmp_path: Path) -> None:
    assert complete("parity check -H ", tmp_path) == ["dev"]
    bad = tmp_path / "bad.yml"
    bad.write_text("all: [unbalanced\n")
    assert complete(f"parity check --inventory {bad} -H ", tmp_path) == ["dev"]


def test_the_scripts_are_generated() -> None:
    for shell in ("bash", "zsh", "fish"):
        env = {**os.environ, "_PARITY_COMPLETE": f"{shell}_source"}
        out = subprocess.run([sys.executable, "-m", "parity"], env=env, text=True,
                             capture_output=True, check=False, timeout=60)
        assert out.returncode == 0 and "_PARITY_COMPLETE" in out.stdout, shell
