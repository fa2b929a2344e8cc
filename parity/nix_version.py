"""Nix's version ordering and name splitting: a port of Nix's ``src/libstore/names.cc`` and of
the output stripping in ``src/nix/diff-closures.cc``.

Ported from NixOS/nix at commit 88b09c64fbea076a0376830d98e5331f70ed31a3 (2026-08-22):
``src/libstore/names.cc`` (``nextComponent``, ``componentsLT``, ``compareVersions``,
``DrvName``), ``src/libutil/util.cc`` (``string2Int``), ``src/libstore/path.cc``
(``checkName``, ``StorePath``) and ``src/nix/diff-closures.cc`` (``getClosureInfo``; its regex
is unchanged since the command was added in 0356f14459). All of it reads the same in Nix 2.8.0,
the version Debian's ``nix-bin`` puts on this machine, which ``tests/test_nix_version.py`` asks
as the oracle (``builtins.compareVersions``, ``splitVersion``, ``parseDrvName`` and
``nix store diff-closures`` itself).

**compare** (``builtins.compareVersions``, ``nix-env -u``): both versions are read component by
component. ``nextComponent`` skips any run of ``.`` and ``-``, then takes either the longest run
of ASCII digits or the longest run of anything that is neither a digit nor ``.``/``-``; past the
end it yields the empty component. The walk goes on while either version has characters left,
so ``1.`` equals ``1`` and ``1.0`` is newer than ``1``. Two components compare by
``componentsLT``, in this order:

* both numbers: numerically (``01`` equals ``1``). "A number" is what ``string2Int<int>``
  accepts, so a run of digits above 2147483647 is *not* a number and falls to the string rules;
* the empty component (the version ended) sorts before a number;
* ``pre`` sorts before everything but ``pre`` itself, even before the end (``1.0pre`` <
  ``1.0``); only the exact lowercase ``pre`` counts — ``rc``, ``alpha`` and ``Pre`` are plain
  strings;
* any other string sorts before a number (``2.3a`` < ``2.3.1``);
* two strings compare byte-wise (``std::string_view``'s ``<``: unsigned bytes, which for UTF-8
  is code point order, as Python compares ``str``), so the end sorts before any string
  (``2.3`` < ``2.3a``) and ``alpha`` < ``beta`` < ``rc`` only by the alphabet.

**parse_drv_name** (``builtins.parseDrvName``, ``DrvName``): the name ends at the first ``-``
that is followed by a character and that character is not an ASCII letter (``isalpha`` in the
C locale; Nix never sets another). The version is everything after that dash, and may itself
start with ``-`` (``foo--1`` is ``foo`` and ``-1``). No such dash: the whole string is the name,
the version is empty.

**split_store_path** (the grouping of ``nix store diff-closures``): a store path's name first
loses an output suffix — diff-closures matches the *whole* name against the ECMAScript regex
``(.*)-([a-z]+|lib32|lib64)`` — so ``openssl-3.0.13-bin`` is ``openssl-3.0.13`` with output
``bin``; then the rest goes through ``parse_drv_name``. Nix's own comment says the rule is
ambiguous: any all-lowercase last part counts as an output, so ``foo-unstable`` is ``foo`` with
output ``unstable``, and a name whose last part is ``1.0`` has no output (the default ``out``
never appears in a store path's name). That is exactly what diff-closures groups by, so parity
reads a closure the way NixOS users' own tool does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: ``string2Int<int>`` (boost::lexical_cast<int>) refuses anything above INT_MAX
_INT_MAX = 2**31 - 1
_SEPARATORS = ".-"
#: diff-closures.cc's output-suffix regex, matched against the whole name (std::regex_match)
_OUTPUT = re.compile(r"(.*)-([a-z]+|lib32|lib64)")
#: Nix's base-32 alphabet (libutil's ``nix32Chars``): no e, o, u, t
_NIX32 = frozenset("0123456789abcdfghijklmnpqrsvwxyz")
_HASH_LEN = 32
#: ``StorePath::MaxPathLen``: the longest name a store path may carry
_MAX_NAME_LEN = 211
#: the characters ``checkName`` (libstore/path.cc) allows in a store path's name
_NAME_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=")


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _is_alpha(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _next_component(version: str, pos: int) -> tuple[str, int]:
    """``nextComponent``: the component starting at or after ``pos``, and where the next
    search starts."""
    n = len(version)
    while pos < n and version[pos] in _SEPARATORS:
        pos += 1
    start = pos
    if pos < n and _is_digit(version[pos]):
        while pos < n and _is_digit(version[pos]):
            pos += 1
    else:
        while pos < n and not _is_digit(version[pos]) and version[pos] not in _SEPARATORS:
            pos += 1
    return version[start:pos], pos


def split_version(version: str) -> list[str]:
    """The components ``compareVersions`` walks through, as ``builtins.splitVersion`` lists
    them (``1..2-pre-`` -> ``["1", "2", "pre"]``)."""
    out: list[str] = []
    pos = 0
    while pos < len(version):
        component, pos = _next_component(version, pos)
        if component:
            out.append(component)
    return out


def _number(component: str) -> int | None:
    """``string2Int<int>``: a component of digits that fits an ``int``, else None."""
    if component and _is_digit(component[0]):
        value = int(component)
        if value <= _INT_MAX:
            return value
    return None


def _component_less(c1: str, c2: str) -> bool:
    """``componentsLT``, rule for rule in names.cc's order."""
    n1, n2 = _number(c1), _number(c2)
    if n1 is not None and n2 is not None:
        return n1 < n2
    if c1 == "" and n2 is not None:
        return True
    if c1 == "pre" and c2 != "pre":
        return True
    if c2 == "pre":
        return False
    if n2 is not None:  # "Assume that `2.3a' < `2.3.1'."
        return True
    if n1 is not None:
        return False
    return c1 < c2


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b`` (``builtins.compareVersions``)."""
    p1 = p2 = 0
    while p1 < len(a) or p2 < len(b):
        c1, p1 = _next_component(a, p1)
        c2, p2 = _next_component(b, p2)
        if _component_less(c1, c2):
            return -1
        if _component_less(c2, c1):
            return 1
    return 0


def parse_drv_name(name: str) -> tuple[str, str]:
    """``hello-2.12.1`` -> (``hello``, ``2.12.1``), as ``builtins.parseDrvName`` splits it."""
    for i in range(len(name) - 1):
        if name[i] == "-" and not _is_alpha(name[i + 1]):
            return name[:i], name[i + 1:]
    return name, ""


class StorePathName(NamedTuple):
    """A store path read the way ``nix store diff-closures`` groups it."""

    hash: str
    pname: str
    version: str
    #: the output suffix diff-closures strips (``bin``, ``lib``, ``dev``…); "" when none
    output: str


def check_name(name: str) -> None:
    """Raise ValueError unless ``name`` is a valid store path name (libstore's ``checkName``)."""
    if not name:
        raise ValueError("a store path name must not be empty")
    if len(name) > _MAX_NAME_LEN:
        raise ValueError(f"store path name {name!r} is longer than {_MAX_NAME_LEN} characters")
    if name in (".", "..") or name.startswith((".-", "..-")):
        raise ValueError(f"store path name {name!r} is not valid")
    bad = [c for c in name if c not in _NAME_CHARS]
    if bad:
        raise ValueError(f"store path name {name!r} contains illegal character {bad[0]!r}")


def split_store_path(path: str, store_dir: str = "/nix/store") -> StorePathName:
    """``/nix/store/<hash>-openssl-3.0.13-bin`` -> (hash, ``openssl``, ``3.0.13``, ``bin``).

    The path must be a store path itself (as ``nix-store -qR`` prints them), not a file inside
    one; anything Nix would refuse as a store path raises ValueError.
    """
    prefix = store_dir.rstrip("/") + "/"
    if not path.startswith(prefix):
        raise ValueError(f"{path!r} is not in the Nix store {store_dir!r}")
    base = path[len(prefix):]
    if "/" in base:
        raise ValueError(f"{path!r} is a path inside a store path, not a store path")
    if len(base) < _HASH_LEN + 1 or base[_HASH_LEN] != "-":
        raise ValueError(f"{path!r} does not start with a {_HASH_LEN}-character hash and '-'")
    digest, name = base[:_HASH_LEN], base[_HASH_LEN + 1:]
    if not set(digest) <= _NIX32:
        raise ValueError(f"{path!r} has a hash that is not Nix base-32")
    check_name(name)
    output = ""
    match = _OUTPUT.fullmatch(name)
    if match:
        name, output = match.group(1), match.group(2)
    pname, version = parse_drv_name(name)
    return StorePathName(digest, pname, version, output)
