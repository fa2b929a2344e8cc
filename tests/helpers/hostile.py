"""Hostile text for sanitiser tests: strategies, an independent "is it inert?" oracle, a decoder.

The oracle asks :mod:`unicodedata` (not parity's own tables) which characters are controls,
format characters, surrogates or separators; the decoder is written from the documented escape
format (docs/findings.md, "How names are shown"), so a round trip proves the format is
unambiguous.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

#: what a hostile host actually plants: screen clear, OSC 52 clipboard write, OSC 0 title, BEL,
#: CR overwrite, separators, bidi overrides, C1 CSI, invisible characters, undecodable bytes,
#: and text that looks like an escape (or like markup in rich, XML, Markdown)
NASTY = (
    "\x1b[2J", "\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b]0;pwned\x07", "\x07", "\r", "\n", "\t",
    "\x00", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u2069", "\u200b",
    "\u200f", "\ufeff", "\U000e0041", "\udcff", "\udc80", "\ud800", "\ufffe", "\uffff",
    "\\", "\\\\", "\\x1b", "\\x2d", "\\u202e", "\\U000e0041", "\\xe9", "&#x202e;", "&#27;",
    "<", "]]>", "[/]", "[bold]", "`", "|", "*", "é", "名", "\U0001f600",
)

#: categories no human-readable output may contain raw: controls, format characters (bidi,
#: zero-width), surrogates, line and paragraph separators; plus XML 1.0's two noncharacters
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def unsafe_chars(text: str, allow: str = "") -> set[str]:
    """Characters in ``text`` that must never reach a terminal or a file raw."""
    return {ch for ch in text if ch not in allow and (
        unicodedata.category(ch) in UNSAFE_CATEGORIES or ch in "\ufffe\uffff")}


def surrogateescaped(data: bytes) -> str:
    """Bytes as parity holds host output it cannot decode: UTF-8 with ``surrogateescape``."""
    return data.decode("utf-8", "surrogateescape")


def hostile_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Arbitrary Unicode including surrogates and controls, undecodable bytes, known attacks."""
    any_char = st.characters(exclude_categories=())
    risky = st.one_of(st.characters(categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
                      st.sampled_from(NASTY), any_char)
    return st.one_of(
        st.text(any_char, max_size=max_size),
        st.lists(risky, max_size=max_size // 3).map("".join),
        st.binary(max_size=max_size).map(surrogateescaped),
    )


_ESCAPE = re.compile(r"\\(\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def unescape(shown: str) -> str:
    """Decode sanitised text: ``\\\\`` a backslash, ``\\xNN`` a control (00-1f, 7f) or raw byte
    (80-ff, as its surrogate), ``\\uNNNN``/``\\UNNNNNNNN`` a code point, other backslashes as is."""
    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        if body == "\\":
            return "\\"
        code = int(body[1:], 16)
        if body[0] == "x":
            if code < 0x20 or code == 0x7F:
                return chr(code)
            if code >= 0x80:
                return chr(0xDC00 + code)
            return m.group()  # \x20-\x7e is never an escape (systemd's \x2d stays literal)
        return chr(code)

    out, pos = [], 0
    while pos < len(shown):
        m = _ESCAPE.match(shown, pos)
        if m is None or (m.group(1)[0] == "x" and one(m) == m.group()):
            out.append(shown[pos])
            pos += 1
        else:
            out.append(one(m))
            pos = m.end()
    return "".join(out)
