"""Box versions: parity's Gem::Version port against its rules and against Ruby's own."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.boxes.version import FIRST, GemVersion, check_version, next_version
from parity.errors import UsageError


@pytest.mark.parametrize("text", ["1", "1.0.0", "2.1", "1.0.0.rc1", "1.0.0-rc1", "20261128.1",
                                  "1.a.2", "0.1.0"])
def test_vagrant_readable_versions_are_accepted(text: str) -> None:
    assert check_version(text).text == text


@pytest.mark.parametrize("text", ["v1.0", "1.2.3+build", "1.0.0-a_b", "", "1..2", ".1", "1.0 x"])
def test_versions_vagrant_cannot_read_are_refused_saying_what_to_write(text: str) -> None:
    with pytest.raises(UsageError, match="not a version Vagrant can read") as err:
        check_version(text)
    assert "1.0.0" in (err.value.hint or "")


@pytest.mark.parametrize("text", ["0.0.0-3f2a9c1", "0.0.0-1234567", "0.a", "0.0.pre"])
def test_a_prerelease_of_zero_is_refused_since_box_add_never_picks_it(text: str) -> None:
    with pytest.raises(UsageError, match="sorts below 0"):
        check_version(text)


@pytest.mark.parametrize(("existing", "expected"), [
    ([], FIRST),
    (["1.0.0"], "1.0.1"),
    (["1.0.0", "1.2"], "1.2.1"),
    (["1.2.9", "1.0.0"], "1.2.10"),
    (["1.2.3.4"], "1.2.3.5"),
    (["2"], "2.0.1"),
    (["1.0.0", "2.0.0.rc1"], "1.0.1"),  # prereleases are not a base
    (["2.0.0.rc1"], FIRST),
])
def test_next_version(existing: list[str], expected: str) -> None:
    assert next_version(existing) == expected
    assert all(GemVersion(expected) > GemVersion(v) for v in existing if "rc" not in v)


def test_gem_equality_ignores_trailing_zeros() -> None:
    assert GemVersion("1.0") == GemVersion("1.0.0") == GemVersion("1")
    assert GemVersion("1.0.0.rc1") < GemVersion("1.0.0") < GemVersion("1.0.1")
    assert GemVersion("1.0.0-rc1") == GemVersion("1.0.0.pre.rc1")


_PART = st.one_of(st.integers(0, 30).map(str), st.sampled_from(["a", "b", "rc", "pre", "beta"]))
_VERSION = st.builds(
    lambda first, rest, pre: ".".join([str(first), *rest]) + (f"-{pre}" if pre else ""),
    st.integers(0, 12), st.lists(_PART, max_size=4),
    st.one_of(st.none(), st.sampled_from(["rc1", "1", "a.2", "x-y"])))


@pytest.mark.vagrant_cli
@settings(max_examples=20, deadline=None)
@given(st.lists(_VERSION, min_size=2, max_size=25, unique=True))
def test_ordering_and_zero_rule_match_rubys_gem_version(texts: list[str]) -> None:
    """Ruby's Gem::Version (the one Vagrant uses) is the oracle: the same order, the same
    equal pairs, and the same answer to ``>= 0``."""
    script = ("require 'json'; vs = JSON.parse(STDIN.read); "
              "puts JSON.dump(vs.map { |a| [vs.map { |b| Gem::Version.new(a) <=> "
              "Gem::Version.new(b) }, Gem::Requirement.new('>= 0').satisfied_by?("
              "Gem::Version.new(a))] })")
    out = subprocess.run(["ruby", "-e", script], input=json.dumps(texts), capture_output=True,
                         text=True, check=True).stdout
    ruby = json.loads(out)
    for a, (row, ge0) in zip(texts, ruby, strict=True):
        for b, expected in zip(texts, row, strict=True):
            ours = (GemVersion(a) > GemVersion(b)) - (GemVersion(a) < GemVersion(b))
            assert ours == expected, (a, b)
        assert (GemVersion(a) >= GemVersion("0")) == ge0, a


@pytest.mark.vagrant_cli
def test_validity_matches_rubys_gem_version() -> None:
    texts = ["1", "1.0", "1.0.0-rc1", "v1", "1+x", "1.0.0-a_b", "1..0", "1.-1", "1.0.a-b",
             "01.2", "1.0-", " 1.0 ", "1.0\n", "1.0.0.0.0.0"]
    script = ("require 'json'; puts JSON.dump(JSON.parse(STDIN.read).map { |v| "
              "Gem::Version.correct?(v) ? true : false })")
    out = subprocess.run(["ruby", "-e", script], input=json.dumps(texts), capture_output=True,
                         text=True, check=True).stdout
    for text, ok in zip(texts, json.loads(out), strict=True):
        try:
            GemVersion(text)
            ours = True
        except ValueError:
            ours = False
        assert ours == ok, text
