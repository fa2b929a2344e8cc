"""pkgsrc's dewey ordering (parity/pkgsrc_version.py) against the rules' own examples.

No pkg_install here (Debian does not package it), so the oracle is dewey.c's rules as its
comments and the pkgsrc guide state them, one example per rule, plus order properties over
generated versions.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.pkgsrc_version import compare, parse, split_package

#: (a, b, expected compare(a, b)), each naming the rule it shows
CASES = [
    ("1.25.3nb1", "1.25.3", 1),      # nbN: the package revision, compared last
    ("1.25.3nb1", "1.25.4", -1),     # ... and only when everything else is equal
    ("1.0nb2", "1.0nb1", 1),
    ("9.6p1", "9.6.16", 1),          # a letter: a separator, then its place (p = 16), then 1
    ("1.0a", "1.0.1", 0),            # a = 1
    ("1.0A", "1.0a", 0),             # case-insensitive
    ("1.0alpha1", "1.0beta1", -1),   # alpha -3 < beta -2
    ("1.0beta1", "1.0rc1", -1),      # beta -2 < rc -1
    ("1.0rc1", "1.0pre1", 0),        # pre = rc
    ("1.0RC1", "1.0rc1", 0),
    ("1.0rc1", "1.0", -1),           # a release candidate comes before the release
    ("1.0", "1.0pl1", -1),           # pl: a separator (0), then the patch level
    ("1.0nb1", "1.0pl1", -1),        # the revision is compared only after the numbers
    ("2.0_1", "2.0.1", 0),           # _ and . are both separators
    ("1.0", "1.0.0", 0),             # the shorter version is padded with zeros
    ("1.10", "1.9", 1),              # numbers, not strings
    ("20200601nb1", "20200601", 1),
    ("1.0+x", "1.0x", 0),            # anything else is skipped
]


@pytest.mark.parametrize(("a", "b", "want"), CASES)
def test_dewey_rules(a: str, b: str, want: int) -> None:
    assert compare(a, b) == want
    assert compare(b, a) == -want


def test_what_dewey_reads() -> None:
    assert parse("9.6p1").numbers == (9, 0, 6, 0, 16, 1)
    assert parse("1.0alpha2nb3").numbers == (1, 0, 0, -3, 2)
    assert parse("1.0alpha2nb3").netbsd == 3


def test_package_tokens_split_at_the_last_dash() -> None:
    assert split_package("ca-certificates-20200601nb1") == ("ca-certificates", "20200601nb1")
    assert split_package("py311-setuptools-68.0.0") == ("py311-setuptools", "68.0.0")
    with pytest.raises(ValueError):
        split_package("nodash")


versions = st.text(alphabet="0123456789.._abprlenc", min_size=0, max_size=12)


@given(versions, versions, versions)
def test_a_total_order(a: str, b: str, c: str) -> None:
    assert compare(a, a) == 0
    assert compare(a, b) == -compare(b, a)
    if compare(a, b) <= 0 and compare(b, c) <= 0:
        assert compare(a, c) <= 0
