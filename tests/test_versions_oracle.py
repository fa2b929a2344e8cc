"""parity.versions against the package tools themselves, over their own test vectors and
thousands of generated versions.

Oracles: ``dpkg --compare-versions`` (deb), rpm's ``rpm.vercmp`` through ``rpm --eval`` (rpm,
Debian package ``rpm``), and apk-tools' ``test/unit/version.data`` (apk: apk-tools is not packaged
for Debian, so its own vectors are the oracle). Calls are batched (one ``sh`` loop for dpkg, one
lua loop for rpm) so thousands of pairs take seconds.
"""

from __future__ import annotations

import functools
import itertools
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from parity import apk_version
from parity.versions import UncomparableVersion, compare, invalid_reason, parse_constraint

FIXTURES = Path(__file__).parent / "fixtures"
N = 3000

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")


def _part(rnd: random.Random, alphabet: str, most: int) -> str:
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, most)))


def deb_version(rnd: random.Random) -> str:
    """A valid dpkg version, biased towards the near-misses orderings get wrong."""
    v = rnd.choice("0123456789") + _part(rnd, "0123456789" * 3 + "abzAZ.+~", 7)
    if rnd.random() < 0.6:
        v += "-" + _part(rnd, "0123456789" * 2 + "ab.+~", 4)
        if rnd.random() < 0.2:  # hyphens inside the upstream part
            v = v.replace("-", "-" + _part(rnd, "abc19", 2) + "-", 1)
    if rnd.random() < 0.25:
        v = f"{rnd.randint(0, 3)}:{v}"
    return v


def rpm_version(rnd: random.Random) -> str:
    v = _part(rnd, "0123456789" * 3 + "abzAZ.+~^_", 7)
    if rnd.random() < 0.6:
        v += "-" + _part(rnd, "0123456789" * 2 + "ab.~^", 4)
    if rnd.random() < 0.25:
        v = f"{rnd.randint(0, 3)}:{v}"
    return v


def junk(rnd: random.Random) -> str:
    """Anything a broken package database could hold."""
    return _part(rnd, "0123456789:-.+~_aZ !/@\t", 6) if rnd.random() < 0.9 else ""


def _pairs(gen, scheme: str, seed: int, n: int = N) -> list[tuple[str, str]]:
    """``n`` pairs of valid versions; a third share a prefix (else most differ at once)."""
    rnd = random.Random(seed)
    out = []
    while len(out) < n:
        a = gen(rnd)
        b = a[: rnd.randint(1, len(a))] + gen(rnd)[1:] if rnd.random() < 0.33 else gen(rnd)
        if invalid_reason(b, scheme) is None:
            out.append((a, b))
    return out


def dpkg_compare(pairs: list[tuple[str, str]]) -> list[int]:
    """-1/0/1 for each pair from dpkg itself (one shell loop, two dpkg calls at most per pair)."""
    script = ('while IFS="$(printf "\\t")" read -r a b; do '
              'if dpkg --compare-versions "$a" lt "$b"; then echo -1; '
              'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done')
    data = "".join(f"{a}\t{b}\n" for a, b in pairs)
    out = subprocess.run(["sh", "-c", script], input=data, capture_output=True, text=True,
                         check=True).stdout.split()
    assert len(out) == len(pairs)
    return [int(x) for x in out]


def rpm_compare(pairs: list[tuple[str, str]], tmp_path: Path) -> list[int]:
    """-1/0/1 for each pair from rpm's own ``rpm.vercmp`` (one rpm process for all of them)."""
    data = tmp_path / "pairs.tsv"
    data.write_text("".join(f"{a}\t{b}\n" for a, b in pairs))
    lua = ('%{lua: for l in io.lines("' + str(data) + '") do '
           'local a, b = l:match("^([^\\t]*)\\t(.*)$"); print(rpm.vercmp(a, b) .. ",") end}')
    out = subprocess.run(["rpm", "--eval", lua], capture_output=True, text=True,
                         check=True).stdout.strip().strip(",").split(",")
    assert len(out) == len(pairs)
    return [int(x) for x in out]


# --- deb -------------------------------------------------------------------------------------

@needs_dpkg
def test_deb_ordering_matches_dpkg() -> None:
    pairs = _pairs(deb_version, "deb", seed=1)
    assert all(invalid_reason(v, "deb") is None for p in pairs for v in p)
    want = dpkg_compare(pairs)
    got = [compare(a, b, "deb") for a, b in pairs]
    wrong = [(a, b, w, g) for (a, b), w, g in zip(pairs, want, got, strict=True) if w != g]
    assert not wrong, f"{len(wrong)} of {len(pairs)} disagree with dpkg, e.g. {wrong[:5]}"


@needs_dpkg
def test_deb_validity_matches_dpkg() -> None:
    """A version is valid exactly when dpkg compares it without an error or a warning.

    Except where parity is stricter on purpose: dpkg trims surrounding whitespace and takes ""
    as the lowest version; parity calls both invalid (no package database holds them)."""
    rnd = random.Random(2)
    versions = sorted({junk(rnd) for _ in range(1500)} | {deb_version(rnd) for _ in range(300)})
    stricter = [v for v in versions if v != v.strip() or not v]
    assert stricter and all(invalid_reason(v, "deb") for v in stricter)
    versions = [v for v in versions if v not in stricter]
    script = ('while IFS= read -r v; do '
              'if [ -z "$(dpkg --compare-versions "$v" eq "$v" 2>&1 >/dev/null)" ]; '
              'then echo ok; else echo bad; fi; done')
    out = subprocess.run(["sh", "-c", script], input="".join(f"{v}\n" for v in versions),
                         capture_output=True, text=True, check=True).stdout.split()
    assert len(out) == len(versions)
    wrong = [(v, o, invalid_reason(v, "deb")) for v, o in zip(versions, out, strict=True)
             if (o == "ok") != (invalid_reason(v, "deb") is None)]
    assert not wrong, f"{len(wrong)} disagree with dpkg's syntax check: {wrong[:5]}"


# --- rpm -------------------------------------------------------------------------------------

def _rpm_vectors() -> list[tuple[str, str, int]]:
    rows = []
    for line in (FIXTURES / "rpmvercmp.data").read_text().splitlines():
        if line and not line.startswith("#"):
            a, b, r = line.split(" ")
            rows.append((a, b, int(r)))
    return rows


@pytest.mark.parametrize(("a", "b", "expected"), _rpm_vectors())
def test_rpm_projects_own_vectors(a: str, b: str, expected: int) -> None:
    assert compare(a, b, "rpm") == expected


@pytest.mark.rpm
def test_rpm_ordering_matches_rpm(tmp_path: Path) -> None:
    pairs = _pairs(rpm_version, "rpm", seed=3)
    want = rpm_compare(pairs, tmp_path)
    got = [compare(a, b, "rpm") for a, b in pairs]
    wrong = [(a, b, w, g) for (a, b), w, g in zip(pairs, want, got, strict=True) if w != g]
    assert not wrong, f"{len(wrong)} of {len(pairs)} disagree with rpm, e.g. {wrong[:5]}"


@pytest.mark.rpm
def test_rpm_vectors_match_installed_rpm(tmp_path: Path) -> None:
    """The transcribed vectors are what this host's rpm says too (guards the transcription)."""
    rows = _rpm_vectors()
    assert rpm_compare([(a, b) for a, b, _ in rows], tmp_path) == [r for _, _, r in rows]


# --- apk -------------------------------------------------------------------------------------

def _apk_vectors() -> list[str]:
    """Lines of apk-tools' version.data, comments and blank lines dropped."""
    rows = []
    for line in (FIXTURES / "apk_version.data").read_text().splitlines():
        if line.startswith("# "):
            continue
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append(line)
    return rows


@pytest.mark.parametrize("line", _apk_vectors())
def test_apk_tools_own_vectors(line: str) -> None:
    """Read like apk-tools' test/unit/version_test.c: "v1 [!]op v2" or "[!]version"."""
    parts = line.split(" ")
    if len(parts) == 3:
        a, op, b = parts
        invert = op.startswith("!")
        op = op.lstrip("!")
        if "~" in op:
            pytest.skip("fuzzy (~) matching is apk's own dependency syntax, not parity's")
        r = apk_version.compare(a, b)
        ok = ("<" if r < 0 else ">" if r > 0 else "=") in op
    else:
        invert = line.startswith("!")
        ok = apk_version.validate(line.lstrip("!"))
    assert ok is not invert


def test_apk_invalid_versions_cannot_be_compared() -> None:
    invalid = [line[1:] for line in _apk_vectors() if line.startswith("!") and " " not in line]
    assert len(invalid) > 10
    for v in invalid:
        assert invalid_reason(v, "apk"), v
        with pytest.raises(UncomparableVersion):
            parse_constraint(">=1.0").check(v, "apk")
        assert parse_constraint(">=1.0").allows(v, "apk") is False


def test_apk_ordering_is_a_total_order() -> None:
    """No binary oracle for apk here: at least the port must order consistently."""
    rnd = random.Random(4)
    vs = []
    while len(vs) < 400:
        v = (_part(rnd, "0123456789", 2) + "".join(
            rnd.choice([".1", ".02", ".10", "a", "_alpha", "_p2", "_rc1", "_pre", "~ab12", ""])
            for _ in range(rnd.randint(0, 3))) + rnd.choice(["", "-r0", "-r1", "-r12"]))
        if apk_version.validate(v):
            vs.append(v)
    for a in vs[:120]:
        for b in vs[:120]:
            assert apk_version.compare(a, b) == -apk_version.compare(b, a)
    ordered = sorted(vs, key=functools.cmp_to_key(apk_version.compare))
    for x, y in itertools.pairwise(ordered):
        assert apk_version.compare(x, y) <= 0
