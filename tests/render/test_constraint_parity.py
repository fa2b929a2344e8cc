"""provision.sh picks versions with the same rules the drift checker judges them by.

The shell's ``parity_allows`` (with each family's ``pm_vercmp`` and ``pm_upstream``, cut from the
rendered provision.sh) must agree with :meth:`parity.versions.Constraint.allows` on every case,
or a build could install a version the checker then calls drift (or refuse one it would accept).

deb runs the real ``dpkg --compare-versions``, rpm the real ``rpm --eval rpm.vercmp`` (Debian
package ``rpm``). apk-tools is not packaged for Debian: there ``apk version -t`` is a stand-in
answering with :mod:`parity.apk_version` (itself checked against apk-tools' own vectors in
tests/test_versions_oracle.py), so for apk this test checks the shell's clause logic (upstream
parts, epochs, globs, negation), not the ordering. Every family runs in ONE ``sh`` process that
loops over all cases, so hundreds of generated cases take a second or two.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parity.render import plan_files
from parity.render.context import shell_clauses
from parity.spec import load_spec_text
from parity.versions import invalid_reason, parse_constraint
from tests.test_versions_oracle import deb_version, rpm_version

BASES = {"deb": "debian:12", "rpm": "fedora:40", "apk": "alpine:3.20"}

CASES = {
    "deb": [
        ("1.22.*", "1.22.1-9"), ("1.22.*", "1.23.0-1"), ("2.39.*", "1:2.39.5-0+deb12u3"),
        (">=7.88", "7.88.1-10+deb12u5"), (">=7.88", "7.74.0-1.3"), (">=1.2,<2", "1.9"),
        (">=1.2,<2", "1:1.5"), ("=1.22.1", "1.22.1-9"), ("=1.22.1", "1.22.10-1"),
        ("!=1.22.1", "1.22.1-9"), (">1.22.1", "1.22.1-9"), ("<=1.22.1", "1.22.1-9"),
        ("<1.22.1", "1.22.1~rc1-1"), ("=1:9.2p1", "1:9.2p1-2+deb12u10"),
        ("=9.2p1", "1:9.2p1-2+deb12u10"), ("=2:9.2p1", "1:9.2p1-2+deb12u10"),
        (">=1:1.2", "1.5"), ("=1.2-beta-3", "1.2-beta-3"), ("=1.2", "1.2-beta-3"),
        ("=2.39.5", "1:2.39.5-0+deb12u3"), (">1.2+", "1.2-a-1"), ("1.22.1-9", "1.22.1-9"),
        ("1.22.1-9", "1.22.1-10"),
        ("!=1.0", "1.0"), ("<3", "3.0~rc1"), ("15.*", "15.18-0+deb12u1"), ("*", "0"),
    ],
    "rpm": [
        ("=1.22.1", "1.22.1-3.el9"), ("!=1.22.1", "1.22.1-3.el9"), (">1.22.1", "1.22.1-3.el9"),
        ("<=1.22.1", "1.22.1-3.el9"), ("=1.22.1-3.el9", "1.22.1-3.el9"),
        ("=1.22.1-3.el9", "1.22.1-4.el9"), ("=2:4.0.2", "2:4.0.2-1.fc40"),
        ("=4.0.2", "2:4.0.2-1.fc40"), (">=3:1", "2:4.0.2-1.fc40"), (">=1.0", "1.0^git1-1"),
        ("<1.0", "1.0~rc1-1"), ("1.2*", "1:1.24.0-2.fc40"), (">=8,<9", "8.6.0-7.fc40"),
    ],
    "apk": [
        ("=1.36.1", "1.36.1-r2"), ("!=1.36.1", "1.36.1-r2"), (">1.36.1", "1.36.1-r2"),
        ("<=1.36.1", "1.36.1-r2"), ("=1.36.1-r2", "1.36.1-r2"), ("=1.36.1-r2", "1.36.1-r3"),
        ("<1.36.1", "1.36.1_rc1-r0"), (">1.36.1", "1.36.1_p1-r0"), ("=1.36.1", "1.36.1.1-r0"),
        ("8.9.*", "8.9.1-r1"), ("<1.27", "1.26.2-r0"),
    ],
}

APK_STANDIN = f"""#!/bin/sh
# stand-in for "apk version -t A B" only (apk-tools is not packaged for Debian)
[ "$1 $2" = "version -t" ] || exit 2
exec {sys.executable} -c '
import sys
from parity.apk_version import compare
print("<=>"[compare(sys.argv[1], sys.argv[2]) + 1])' "$3" "$4"
"""


def apk_version(rnd: random.Random) -> str:
    v = str(rnd.randint(0, 12)) + "".join(
        rnd.choice([".1", ".2", ".10", "a", "_rc1", "_p2", ".0"]) for _ in range(rnd.randint(0, 3)))
    return v + (f"-r{rnd.randint(0, 3)}" if rnd.random() < 0.7 else "")


GENERATORS = {"deb": deb_version, "rpm": rpm_version, "apk": apk_version}


def generated_cases(scheme: str, n: int, seed: int) -> list[tuple[str, str]]:
    """(constraint, version) pairs where the constraint is built from a nearby version, so the
    interesting boundaries (same upstream, other revision, other epoch) come up often."""
    rnd = random.Random(seed)
    gen = GENERATORS[scheme]
    out: list[tuple[str, str]] = []
    while len(out) < n:
        have = gen(rnd)
        ref = have if rnd.random() < 0.5 else gen(rnd)
        pick = rnd.random()
        if pick < 0.4 and "-" in ref:  # the upstream part (with or without the epoch)
            ref = ref.rsplit("-", 1)[0]
            if rnd.random() < 0.5 and ":" in ref:
                ref = ref.split(":", 1)[1]
        elif pick < 0.5 and ":" not in ref and scheme != "apk":
            ref = f"{rnd.randint(0, 2)}:{ref}"
        op = rnd.choice(["=", "!=", "<", "<=", ">", ">=", ""])
        if invalid_reason(have, scheme) or invalid_reason(ref, scheme) or "*" in ref:
            continue
        try:
            parse_constraint(op + ref)
        except ValueError:
            continue
        out.append((op + ref, have))
    return out


def shell_program(scheme: str, tmp_path: Path) -> str:
    """The rendered provision.sh's package-manager functions and ``parity_allows``, plus a loop
    printing 1/0 for each "VERSION<TAB>CLAUSE..." line on stdin."""
    spec = load_spec_text(f"parity: 1\nname: a\nbase: {BASES[scheme]}\n", tmp_path / "parity.yaml")
    script = plan_files(spec, "docker")["provision.sh"].decode()
    pm = re.search(r"^# --- package manager.*?(?=^# --- version constraints)", script, re.S | re.M)
    allows = re.search(r"^parity_allows\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert pm and allows, "package-manager section or parity_allows() not found in provision.sh"
    return (pm.group(0) + allows.group(0) + "set -f\n"
            'while IFS="$(printf "\\t")" read -r v c; do\n'
            '    # shellcheck disable=SC2086\n'
            '    if parity_allows "$v" $c; then echo 1; else echo 0; fi\n'
            "done\n")


def shell_verdicts(scheme: str, cases: list[tuple[str, str]], tmp_path: Path) -> list[bool]:
    env = None
    if scheme == "apk":
        bindir = tmp_path / "bin"
        bindir.mkdir(exist_ok=True)
        (bindir / "apk").write_text(APK_STANDIN)
        (bindir / "apk").chmod(0o755)
        env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}",
               "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    lines = "".join(
        f"{v}\t{' '.join(shell_clauses(parse_constraint(c), scheme))}\n" for c, v in cases)
    proc = subprocess.run(["sh", "-c", shell_program(scheme, tmp_path)], input=lines,
                          capture_output=True, text=True, check=False, env=env)
    out = proc.stdout.split()
    assert len(out) == len(cases), proc.stderr[-2000:]
    return [x == "1" for x in out]


@pytest.mark.parametrize("scheme", [pytest.param(s, marks=pytest.mark.rpm) if s == "rpm" else s
                                    for s in sorted(CASES)])
def test_shell_and_python_agree(scheme: str, tmp_path: Path) -> None:
    n = 60 if scheme == "apk" else 400  # the apk stand-in starts a Python per comparison
    cases = CASES[scheme] + generated_cases(scheme, n, seed=11)
    got = shell_verdicts(scheme, cases, tmp_path)
    wrong = [(c, v, g) for (c, v), g in zip(cases, got, strict=True)
             if g is not parse_constraint(c).allows(v, scheme)]
    assert not wrong, f"shell disagrees with Python on {len(wrong)} cases: {wrong[:8]}"
    # the generated set must exercise both verdicts, or it proves little
    assert any(got) and not all(got)
