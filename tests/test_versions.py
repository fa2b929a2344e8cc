"""Version constraints with each distro's own ordering (univers underneath)."""

from __future__ import annotations

import pytest

from parity.versions import ConstraintError, compare, parse_constraint


@pytest.mark.parametrize(("a", "b", "scheme", "expected"), [
    ("1:1.0", "2.0", "deb", 1),           # epoch wins
    ("1.0-1", "1.0-10", "deb", -1),       # revisions compare numerically
    ("1.0~rc1", "1.0", "deb", -1),        # tilde sorts before release
    ("7.88.1-10+deb12u5", "7.88.1-10", "deb", 1),
    ("1.2-3.el9", "1.2-10.el9", "rpm", -1),
    ("2:1.0-1", "3.0-1", "rpm", 1),
    ("1.2.3-r1", "1.2.3-r10", "apk", -1),
    ("1.2.3_rc1-r0", "1.2.3-r0", "apk", -1),
])
def test_distro_ordering(a: str, b: str, scheme: str, expected: int) -> None:
    assert compare(a, b, scheme) == expected
    assert compare(b, a, scheme) == -expected


@pytest.mark.parametrize(("constraint", "version", "ok"), [
    ("*", "anything", True),
    ("1.22.*", "1.22.1-9", True),
    ("1.22.*", "1.23.0-1", False),
    (">=7.88", "7.88.1-10+deb12u5", True),
    (">=7.88", "7.74.0-1.3", False),
    (">=1.2,<2", "1.9", True),
    (">=1.2,<2", "1:1.5", False),
    ("=1.22.1", "1.22.1-9", True),       # upstream pin matches any Debian revision
    ("1.22.1-9", "1.22.1-9", True),
    ("1.22.1-9", "1.22.1-10", False),
    ("!=1.0", "1.0", False),
])
def test_constraints_deb(constraint: str, version: str, ok: bool) -> None:
    assert parse_constraint(constraint).allows(version, "deb") is ok


def test_exact_and_any() -> None:
    assert parse_constraint("*").is_any
    assert parse_constraint("=1.2-3").exact == "1.2-3"
    assert parse_constraint(">=1").exact is None


@pytest.mark.parametrize("bad", [">=", "1.0 $(id)", ">1.*", "a'b", "1,,2"])
def test_bad_constraints(bad: str) -> None:
    with pytest.raises(ConstraintError):
        parse_constraint(bad)
