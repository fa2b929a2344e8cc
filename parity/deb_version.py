"""Debian version ordering: dpkg's own algorithm (``lib/dpkg/version.c``).

Why not ``univers``: its ``DebianVersion`` rejects versions dpkg accepts without a warning (a
``:`` inside the upstream part, ``2:2227:153582``) and silently drops spaces dpkg refuses. The
algorithm is short and fixed since dpkg 1.x; tests/test_versions_oracle.py checks it against
``dpkg --compare-versions`` over thousands of generated pairs. Validity is
:func:`parity.versions.invalid_reason`'s business; this module only orders.
"""

from __future__ import annotations


def _order(ch: str) -> int:
    """dpkg's character weight: ``~`` before everything, even the end; letters before other
    punctuation; digits are handled as numbers by the caller."""
    if not ch or ch.isdigit():
        return 0
    if ch.isalpha():
        return ord(ch)
    if ch == "~":
        return -1
    return ord(ch) + 256


def _verrevcmp(a: str, b: str) -> int:
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i] if i < len(a) else "")
            bc = _order(b[j] if j < len(b) else "")
            if ac != bc:
                return -1 if ac < bc else 1
            i, j = i + 1, j + 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        first_diff = 0
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i, j = i + 1, j + 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return -1 if first_diff < 0 else 1
    return 0


def _parts(version: str) -> tuple[int, str, str]:
    epoch, sep, rest = version.partition(":")
    if not sep:
        epoch, rest = "0", version
    upstream, sep, revision = rest.rpartition("-")
    return (int(epoch), upstream, revision) if sep else (int(epoch), rest, "")


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 like ``dpkg --compare-versions a lt/eq/gt b`` for two valid versions."""
    ea, ua, ra = _parts(a)
    eb, ub, rb = _parts(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _verrevcmp(ua, ub) or _verrevcmp(ra, rb)
