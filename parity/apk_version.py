"""Alpine (apk) version validation and ordering, following apk-tools' ``src/version.c``.

Why not ``univers``: its ``AlpineLinuxVersion`` disagrees with apk-tools on 16 of the vectors in
apk-tools' own ``test/unit/version.data`` (leading zeros compare as strings, ``~hash`` commit
suffixes, invalid versions) and cannot tell an invalid version from a valid one. apk-tools is not
packaged for Debian, so its test vectors (``tests/fixtures/apk_version.data``) are the oracle.

An apk version is ``digit{.digit}...{letter}{_suffix{digits}}...{~hash}{-rN}``; anything else is
invalid (:func:`validate` says why). Tokens compare left to right; when one version runs out,
the longer one is newer unless what follows is a pre-release suffix (``_alpha``, ``_beta``,
``_pre``, ``_rc``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# token kinds, in apk-tools' order (the order matters when one version ends first)
INITIAL_DIGIT, DIGIT, LETTER, SUFFIX, SUFFIX_NO, COMMIT_HASH, REVISION_NO, END, INVALID = range(9)
#: suffixes in apk-tools' order; those before "" are pre-releases
SUFFIXES = ("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p")
NONE_SUFFIX = SUFFIXES.index("")

_DIGITS = re.compile(r"[0-9]*")
_SUFFIX_CHARS = re.compile(r"[a-z]*")
_HEX = re.compile(r"[0-9a-f]*")


@dataclass
class _Token:
    kind: int
    value: str = ""
    number: int = 0
    suffix: int = 0


def _tokens(version: str) -> list[_Token]:
    """The version's tokens, ending with an END or INVALID token (like apk's token_next)."""
    out: list[_Token] = []
    digits = _DIGITS.match(version, 0)
    pos = digits.end() if digits else 0
    tok = _Token(INITIAL_DIGIT, version[:pos], int(version[:pos] or 0))
    if not tok.value:
        return [_Token(INVALID)]
    out.append(tok)
    while True:
        prev = out[-1].kind
        if pos == len(version):
            out.append(_Token(END))
            return out
        ch = version[pos]
        nxt: _Token
        if "a" <= ch <= "z" and prev <= DIGIT:
            nxt = _Token(LETTER, ch)
            pos += 1
        elif (ch == "." and prev <= DIGIT) or (ch.isascii() and ch.isdigit()
                                                 and prev in (INITIAL_DIGIT, DIGIT, SUFFIX)):
            if ch == ".":
                pos += 1
            kind = SUFFIX_NO if prev == SUFFIX else DIGIT
            end = _DIGITS.match(version, pos).end()  # type: ignore[union-attr]
            if end == pos:
                return [*out, _Token(INVALID)]
            nxt = _Token(kind, version[pos:end], int(version[pos:end]))
            pos = end
        elif ch == "_" and prev <= SUFFIX_NO:
            end = _SUFFIX_CHARS.match(version, pos + 1).end()  # type: ignore[union-attr]
            name = version[pos + 1:end]
            if not name or name not in SUFFIXES:
                return [*out, _Token(INVALID)]
            nxt = _Token(SUFFIX, name, suffix=SUFFIXES.index(name))
            pos = end
        elif ch == "~" and prev < COMMIT_HASH:
            end = _HEX.match(version, pos + 1).end()  # type: ignore[union-attr]
            if end == pos + 1:
                return [*out, _Token(INVALID)]
            nxt = _Token(COMMIT_HASH, version[pos + 1:end])
            pos = end
        elif version.startswith("-r", pos) and prev < REVISION_NO:
            end = _DIGITS.match(version, pos + 2).end()  # type: ignore[union-attr]
            if end == pos + 2:
                return [*out, _Token(INVALID)]
            nxt = _Token(REVISION_NO, version[pos + 2:end], int(version[pos + 2:end]))
            pos = end
        else:
            return [*out, _Token(INVALID)]
        out.append(nxt)


def validate(version: str) -> bool:
    """Whether apk-tools accepts ``version`` (``apk_version_validate``)."""
    return _tokens(version)[-1].kind == END


def _token_cmp(a: _Token, b: _Token) -> int:
    if a.kind == DIGIT and (a.value[0] == "0" or b.value[0] == "0"):
        # a leading zero: plain string order, like Gentoo
        return (a.value > b.value) - (a.value < b.value)
    if a.kind in (INITIAL_DIGIT, DIGIT, SUFFIX_NO, REVISION_NO):
        x, y = a.number, b.number
    elif a.kind == LETTER:
        x, y = ord(a.value), ord(b.value)
    elif a.kind == SUFFIX:
        x, y = a.suffix, b.suffix
    else:
        return (a.value > b.value) - (a.value < b.value)
    return (x > y) - (x < y)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 like ``apk version -t a b`` (``apk_version_compare``); an invalid version is
    compared as far as it parses, as apk-tools does (callers check :func:`validate` first)."""
    ta, tb = _tokens(a), _tokens(b)
    i = 0
    while i < len(ta) and i < len(tb) and ta[i].kind == tb[i].kind and ta[i].kind < END:
        r = _token_cmp(ta[i], tb[i])
        if r:
            return r
        i += 1
    x, y = ta[min(i, len(ta) - 1)], tb[min(i, len(tb) - 1)]
    if x.kind == y.kind:
        return 0
    if x.kind == SUFFIX and x.suffix < NONE_SUFFIX:
        return -1
    if y.kind == SUFFIX and y.suffix < NONE_SUFFIX:
        return 1
    return -1 if x.kind > y.kind else 1
