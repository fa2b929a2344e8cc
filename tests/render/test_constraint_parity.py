"""provision.sh picks versions with the same rules the drift checker judges them by.

The shell's ``parity_allows`` (with dpkg's own ``--compare-versions``) must agree with
:meth:`parity.versions.Constraint.allows` on every case, or a build could install a version the
checker then calls drift (or refuse one it would accept).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from parity.render import plan_files
from parity.render.context import shell_clauses
from parity.spec import load_spec_text
from parity.versions import parse_constraint

CASES = [
    ("1.22.*", "1.22.1-9"), ("1.22.*", "1.23.0-1"), ("2.39.*", "1:2.39.5-0+deb12u3"),
    (">=7.88", "7.88.1-10+deb12u5"), (">=7.88", "7.74.0-1.3"), (">=1.2,<2", "1.9"),
    (">=1.2,<2", "1:1.5"), ("=1.22.1", "1.22.1-9"), ("=1.22.1", "1.22.10-1"),
    ("=2.39.5", "1:2.39.5-0+deb12u3"), ("1.22.1-9", "1.22.1-9"), ("1.22.1-9", "1.22.1-10"),
    ("!=1.0", "1.0"), ("<3", "3.0~rc1"), ("15.*", "15.18-0+deb12u1"), ("*", "0"),
]


@pytest.fixture(scope="module")
def allows_fn(tmp_path_factory: pytest.TempPathFactory) -> str:
    spec = load_spec_text("parity: 1\nname: a\nbase: debian:12\n",
                          tmp_path_factory.mktemp("s") / "parity.yaml")
    script = plan_files(spec, "docker")["provision.sh"].decode()
    match = re.search(r"^parity_allows\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert match, "parity_allows() not found in provision.sh"
    return match.group(0)


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg --compare-versions")
@pytest.mark.parametrize(("constraint", "version"), CASES)
def test_shell_and_python_agree(allows_fn: str, constraint: str, version: str,
                                tmp_path: Path) -> None:
    clauses = shell_clauses(parse_constraint(constraint), "deb")
    program = (
        'pm_vercmp() { dpkg --compare-versions "$1" "$2" "$3"; }\n' + allows_fn
        + 'parity_allows "$@"\n'
    )
    res = subprocess.run(["sh", "-c", program, "sh", version, *clauses], check=False)
    assert (res.returncode == 0) is parse_constraint(constraint).allows(version, "deb")
