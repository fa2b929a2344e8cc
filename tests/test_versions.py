"""Version constraints with each distro's own ordering (univers underneath)."""

from __future__ import annotations

import pytest

from parity.versions import (
    ConstraintError,
    UncomparableVersion,
    compare,
    invalid_reason,
    parse_constraint,
    split_version,
)


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
    (">=1.2,<2", "1:1.5", True),         # no epoch written: the host's epoch is ignored
    (">=1:1.2,<1:2", "1:1.5", True),
    (">=1:1.2", "1.5", False),           # epoch written: a host without one has epoch 0
    ("=1.22.1", "1.22.1-9", True),       # upstream pin matches any Debian revision
    ("!=1.22.1", "1.22.1-9", False),     # ... and != is its exact negation
    (">1.22.1", "1.22.1-9", False),      # upstream 1.22.1 is not newer than 1.22.1
    (">=1.22.1", "1.22.1-9", True),
    ("<=1.22.1", "1.22.1-9", True),
    ("<1.22.1", "1.22.1-9", False),
    (">1.22.1", "1.22.2-1", True),
    ("<1.22.1", "1.22.1~rc1-1", True),
    ("=1:9.2p1", "1:9.2p1-2+deb12u3", True),    # epoch on both sides
    ("=9.2p1", "1:9.2p1-2+deb12u3", True),      # epoch on neither clause side: ignored
    ("=2:9.2p1", "1:9.2p1-2+deb12u3", False),
    ("=1.2-beta", "1.2-beta-3", False),         # a hyphen makes "beta" the revision
    ("=1.2-beta-3", "1.2-beta-3", True),
    ("1.22.1-9", "1.22.1-9", True),
    ("1.22.1-9", "1.22.1-10", False),
    ("=1.22.1-9", "1:1.22.1-9", True),
    ("!=1.0", "1.0", False),
    ("!=1.0", "1.0-1", False),
])
def test_constraints_deb(constraint: str, version: str, ok: bool) -> None:
    assert parse_constraint(constraint).allows(version, "deb") is ok


@pytest.mark.parametrize(("constraint", "version", "ok"), [
    ("=1.22.1", "1.22.1-3.el9", True),    # like dnf's name-1.22.1: any release
    ("!=1.22.1", "1.22.1-3.el9", False),
    (">1.22.1", "1.22.1-3.el9", False),
    ("<=1.22.1", "1.22.1-3.el9", True),
    ("=1.22.1-3.el9", "1.22.1-3.el9", True),
    ("=1.22.1-3.el9", "1.22.1-4.el9", False),
    ("=2:4.0.2", "2:4.0.2-1.fc40", True),
    ("=4.0.2", "2:4.0.2-1.fc40", True),
    (">=3:1", "2:4.0.2-1.fc40", False),
    (">=1.0", "1.0^git1-1", True),        # rpm's caret: after 1.0
    ("<1.0", "1.0~rc1-1", True),
])
def test_constraints_rpm(constraint: str, version: str, ok: bool) -> None:
    assert parse_constraint(constraint).allows(version, "rpm") is ok


@pytest.mark.parametrize(("constraint", "version", "ok"), [
    ("=1.36.1", "1.36.1-r2", True),       # upstream pin: any -rN
    ("!=1.36.1", "1.36.1-r2", False),
    (">1.36.1", "1.36.1-r2", False),
    ("<=1.36.1", "1.36.1-r2", True),
    ("=1.36.1-r2", "1.36.1-r2", True),
    ("=1.36.1-r2", "1.36.1-r3", False),
    ("<1.36.1", "1.36.1_rc1-r0", True),   # _rc is a pre-release
    (">1.36.1", "1.36.1_p1-r0", True),    # _p is a patch level
    ("=1.36.1", "1.36.1.1-r0", False),
])
def test_constraints_apk(constraint: str, version: str, ok: bool) -> None:
    assert parse_constraint(constraint).allows(version, "apk") is ok


@pytest.mark.parametrize(("version", "scheme"), [
    ("1.0 2", "deb"), ("a1.0", "deb"), ("1:", "deb"), ("1.0-", "deb"), ("x:1.0", "deb"),
    ("1.0-1-", "rpm"), ("x:1.0", "rpm"), ("1.0 1", "rpm"), ("", "rpm"),
    ("1.0bc", "apk"), ("1.0-r", "apk"), ("1.0_foo", "apk"), ("1.0-1", "apk"),
])
def test_uncomparable_versions(version: str, scheme: str) -> None:
    """A version the tool rejects is reported as such, never silently "not allowed"."""
    assert invalid_reason(version, scheme)
    for text in (">=1.0", "!=1.0", "=1.0"):
        with pytest.raises(UncomparableVersion, match="not a valid"):
            parse_constraint(text).check(version, scheme)
        assert parse_constraint(text).allows(version, scheme) is False
    assert parse_constraint("*").check(version, scheme)


@pytest.mark.parametrize("scheme", ["deb", "rpm", "apk"])
@pytest.mark.parametrize("version", ["1.22.1", "1.22.1-9", "1.22.0", "1.23", "1:1.22.1"])
@pytest.mark.parametrize("pin", ["1.22.1", "1.22.1-9", "1:1.22.1"])
def test_operators_agree_with_equality(scheme: str, version: str, pin: str) -> None:
    """!= is the negation of =, and = implies <= and >= while excluding < and >."""
    if scheme == "apk":
        version, pin = version.replace("-9", "-r9"), pin.replace("-9", "-r9")
        if ":" in version + pin:
            return
    eq = parse_constraint(f"={pin}").check(version, scheme)
    assert parse_constraint(f"!={pin}").check(version, scheme) is not eq
    le = parse_constraint(f"<={pin}").check(version, scheme)
    ge = parse_constraint(f">={pin}").check(version, scheme)
    lt = parse_constraint(f"<{pin}").check(version, scheme)
    gt = parse_constraint(f">{pin}").check(version, scheme)
    assert eq is (le and ge)
    assert lt is (le and not eq)
    assert gt is (ge and not eq)


def test_exact_and_any() -> None:
    assert parse_constraint("*").is_any
    assert parse_constraint("=1.2-3").exact == "1.2-3"
    assert parse_constraint(">=1").exact is None


@pytest.mark.parametrize("bad", [">=", "1.0 $(id)", ">1.*", "a'b", "1,,2"])
def test_bad_constraints(bad: str) -> None:
    with pytest.raises(ConstraintError):
        parse_constraint(bad)


# --- the dpkg sort key against python-debian (Debian's own library) --------------------------
# tests/test_versions_oracle.py checks against dpkg itself; this runs without dpkg, in milliseconds.

from hypothesis import given as _given  # noqa: E402
from hypothesis import settings as _settings  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

_deb_upstream = _st.from_regex(r"\A[0-9][0-9A-Za-z.+~]{0,6}\Z")
_deb_revision = _st.from_regex(r"\A[0-9A-Za-z.+~]{1,4}\Z")
_deb_versions = _st.builds(
    lambda e, u, r: f"{e}{u}{r}",
    _st.sampled_from(["", "0:", "1:", "2:"]), _deb_upstream,
    _st.one_of(_st.just(""), _deb_revision.map(lambda r: "-" + r)))


@_settings(max_examples=800, deadline=None)
@_given(_deb_versions, _deb_versions)
def test_deb_order_matches_python_debian(a: str, b: str) -> None:
    from debian.debian_support import version_compare

    from parity.versions import compare

    want = version_compare(a, b)
    assert compare(a, b, "deb") == (want > 0) - (want < 0)


def test_deb_order_edges() -> None:
    from parity.versions import compare

    assert compare("1.0~rc1", "1.0", "deb") == -1
    assert compare("1.0", "1.0.0", "deb") == -1
    assert compare("1.0-0", "1.0", "deb") == 0
    assert compare("1.0a", "1.0+", "deb") == -1
    assert compare("1:0.1", "2.0", "deb") == 1
    assert compare("1.01", "1.1", "deb") == 0
    assert compare("1.0~", "1.0", "deb") == -1
    assert compare("0", "0~", "deb") == 1


# pkgsrc (SmartOS): dewey ordering through the same constraint language
@pytest.mark.parametrize(("version", "constraint", "ok"), [
    ("1.25.3nb1", ">1.25.3nb0", True),
    ("1.25.3nb1", "<1.25.4", True),
    ("1.25.3nb1", "=1.25.3", True),        # upstream pin: any nbN revision
    ("1.25.3nb1", "!=1.25.3", False),
    ("1.25.3nb1", "=1.25.3nb1", True),
    ("1.25.3nb1", "=1.25.3nb2", False),
    ("1.25.3", "<=1.25.3nb1", True),
    ("9.6p1", ">9.6.16", True),
    ("1.0a", "=1.0.1", True),
    ("1.0rc1", "<1.0", True),
    ("20200601nb1", "1.*", False),
    ("15.5", ">=15,<16", True),
])
def test_pkgsrc_constraints(version: str, constraint: str, ok: bool) -> None:
    assert parse_constraint(constraint).check(version, "pkgsrc") is ok


def test_pkgsrc_split_and_invalid() -> None:
    assert split_version("1.25.3nb1", "pkgsrc") == (None, "1.25.3", "nb1")
    assert split_version("20200601", "pkgsrc") == (None, "20200601", None)
    assert invalid_reason("1.2-3", "pkgsrc")
    assert invalid_reason("latest", "pkgsrc")
    assert invalid_reason("1:2.0", "pkgsrc")
    assert invalid_reason("2023.4nb2", "pkgsrc") is None
    with pytest.raises(UncomparableVersion):
        parse_constraint(">=1.0").check("x-1", "pkgsrc")


# Nix (NixOS): builtins.compareVersions through the same constraint language; a Nix version has
# no epoch and no revision, so a clause always compares the whole version
@pytest.mark.parametrize(("version", "constraint", "ok"), [
    ("2.4.1", ">=2.4", True),
    ("2.4", ">=2.4.1", False),
    ("1.2pre3", "<1.2", True),             # "pre" sorts before the end of the version
    ("1.2rc1", ">1.2", True),              # any other string is a plain word: 1.2rc1 > 1.2
    ("3.0.13", ">=3.0.9", True),           # numerically, not as strings
    ("2.39-52", ">2.39-9", True),          # glibc's "-52" is part of the version, compared
    ("2.39-52", "=2.39", False),           # no revision to ignore: the whole version counts
    ("5.1-p16", "<5.1.1", True),           # 'p' is a word, and a word sorts before a number
    ("6.3-p20220507", "6.3-*", True),
    ("1.0", "=1.0.0", False),              # Nix: 1.0 < 1.0.0 (the end before a number)
    ("3.11.9", ">=3.11,<3.12", True),
])
def test_nix_constraints(version: str, constraint: str, ok: bool) -> None:
    assert parse_constraint(constraint).check(version, "nix") is ok


def test_nix_compare_split_and_invalid() -> None:
    assert compare("1.2pre3", "1.2", "nix") == -1
    assert compare("2.12.2", "2.12.1", "nix") == 1
    assert split_version("2.39-52", "nix") == (None, "2.39-52", None)
    assert split_version("1.0", "nix") == (None, "1.0", None)
    assert invalid_reason("2.39-52", "nix") is None
    assert invalid_reason("-1", "nix") is None   # parseDrvName("foo--1") gives version "-1"
    assert invalid_reason("unstable-2024-01-01", "nix")   # a letter first: part of the name
    assert invalid_reason("", "nix")
    assert invalid_reason("1 2", "nix")
    assert invalid_reason("1:2.0", "nix")         # ':' cannot be in a store path name
    with pytest.raises(UncomparableVersion):
        parse_constraint(">=1.0").check("latest", "nix")
