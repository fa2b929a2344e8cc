"""pkgsrc (SmartOS, NetBSD) version ordering: a port of pkg_install's ``lib/dewey.c``.

pkgsrc compares versions by its "dewey" rules, not dpkg's or rpm's. A version is read left to
right into a list of integers:

* a run of digits is one number;
* ``.``, ``_`` and ``pl`` (patch level) are separators worth 0;
* ``alpha`` is -3, ``beta`` -2, ``pre`` and ``rc`` -1 (so ``1.0rc1`` < ``1.0`` < ``1.0pl1``);
* ``nbN`` is the package's own revision, kept apart and compared only when everything else is
  equal (``1.25.3nb1`` > ``1.25.3``, but < ``1.25.4``);
* any other letter is a separator followed by its place in the alphabet (``a`` = 1), so
  ``1.0a`` equals ``1.0.1`` and ``9.6p1`` (``9 0 6 0 16 1``) sorts after ``9.6.16``;
* anything else is skipped.

Modifiers match case-insensitively (``strncasecmp``), in dewey.c's order (``alpha``, ``beta``,
``pre``, ``rc``, ``pl``, then ``nb``, then a single letter). Two lists compare element by
element, the shorter one padded with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

#: dewey.c's modifiers, in the order it tries them: (text, value)
_MODIFIERS = (("alpha", -3), ("beta", -2), ("pre", -1), ("rc", -1), ("pl", 0), ("_", 0),
              (".", 0))


@dataclass(frozen=True)
class Dewey:
    """A version as dewey.c reads it: the numbers, and the ``nb`` revision apart."""

    numbers: tuple[int, ...]
    netbsd: int = 0


def parse(version: str) -> Dewey:
    """``version`` read by dewey.c's ``mkversion`` (every string reads as something)."""
    numbers: list[int] = []
    netbsd = 0
    i, n = 0, len(version)
    while i < n:
        c = version[i]
        if c.isascii() and c.isdigit():
            j = i
            while j < n and version[j].isascii() and version[j].isdigit():
                j += 1
            numbers.append(int(version[i:j]))
            i = j
            continue
        low = version[i:i + 5].lower()
        for text, value in _MODIFIERS:
            if low.startswith(text):
                numbers.append(value)
                i += len(text)
                break
        else:
            if low.startswith("nb"):
                j = i + 2
                while j < n and version[j].isascii() and version[j].isdigit():
                    j += 1
                netbsd = int(version[i + 2:j] or 0)
                i = j
            elif c.isascii() and c.isalpha():
                numbers += [0, ord(c.lower()) - ord("a") + 1]
                i += 1
            else:
                i += 1
    return Dewey(tuple(numbers), netbsd)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b`` (dewey.c's ``vtest``)."""
    x, y = parse(a), parse(b)
    width = max(len(x.numbers), len(y.numbers))
    left = x.numbers + (0,) * (width - len(x.numbers))
    right = y.numbers + (0,) * (width - len(y.numbers))
    if left != right:
        return -1 if left < right else 1
    return (x.netbsd > y.netbsd) - (x.netbsd < y.netbsd)


def split_package(token: str) -> tuple[str, str]:
    """``ca-certificates-20200601nb1`` -> (``ca-certificates``, ``20200601nb1``): a pkgsrc
    package name splits at its last ``-`` (pkgsrc's ``PKGBASE``/``PKGVERSION``)."""
    name, sep, version = token.rpartition("-")
    if not sep or not name:
        raise ValueError(f"{token!r} has no '-' between a package name and its version")
    return name, version
