"""The sanitiser: every dangerous character visible, the escape format unambiguous."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.textsafe import quoted, safe, safe_lines, shorten
from tests.helpers.hostile import hostile_text, surrogateescaped, unescape, unsafe_chars


@pytest.mark.parametrize(("raw", "shown"), [
    ("nginx", "nginx"),
    ("pkg\x1b[2J", "pkg\\x1b[2J"),
    ("x\x1b]52;c;cm0gLXJmIH4=\x07", "x\\x1b]52;c;cm0gLXJmIH4=\\x07"),
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
    ("evil\rgood", "evil\\x0dgood"),
    ("a\tb\nc", "a\\x09b\\x0ac"),
    ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    ("\u202eexe.txt", "\\u202eexe.txt"),
    ("\u2066x\u2069", "\\u2066x\\u2069"),
    ("cu\u200brl", "cu\\u200brl"),  # a zero-width space must not make two names look alike
    ("\x85\x9b\x7f\x00", "\\u0085\\u009b\\x7f\\x00"),  # C1 as \u: \xNN >= 80 means a raw byte
    (surrogateescaped(b"caf\xe9"), "caf\\xe9"),
    ("\ud800", "\\ud800"),
    ("\ufffe\uffff", "\\ufffe\\uffff"),
    ("tag\U000e0041", "tag\\U000e0041"),
    # backslashes: literal unless they would read as an escape
    ("dev-disk-by\\x2duuid-1.device", "dev-disk-by\\x2duuid-1.device"),
    ("C:\\temp\\new", "C:\\temp\\new"),
    ("a\\x1b", "a\\\\x1b"),
    ("a\\X1B", "a\\X1B"),  # only a lowercase x starts an escape
    ("a\\x1B", "a\\\\x1B"),
    ("a\\xe9", "a\\\\xe9"),
    ("a\\u0041", "a\\\\u0041"),
    ("a\\\\", "a\\\\\\"),
    ("a\\\x1b", "a\\\\\\x1b"),
    ("é 名 😀", "é 名 😀"),
])
def test_examples(raw: str, shown: str) -> None:
    assert safe(raw) == shown
    assert unescape(shown) == raw


@given(hostile_text(60))
@settings(max_examples=500, deadline=None)
def test_safe_is_inert_and_decodes_back(raw: str) -> None:
    shown = safe(raw)
    assert not unsafe_chars(shown)
    assert unescape(shown) == raw
    shown.encode("utf-8")  # no lone surrogate left: writable to any UTF-8 stream


@given(st.lists(hostile_text(20), max_size=5))
@settings(deadline=None)
def test_safe_lines_keeps_line_structure_only(lines: list[str]) -> None:
    raw = "\n".join(lines)
    shown = safe_lines(raw)
    assert not unsafe_chars(shown, allow="\n")
    # every LF that is not part of a CRLF is a line break; CRLF counts as one
    assert shown.split("\n") == [safe(line) for line in raw.replace("\r\n", "\n").split("\n")]


def test_safe_lines_crlf_and_lone_cr() -> None:
    assert safe_lines("a\r\nb\rc\n") == "a\nb\\x0dc\n"


def test_every_unsafe_character_is_escaped() -> None:
    """The sanitiser's tables cover this Python's Unicode database (a newer one adds Cf)."""
    missed = [hex(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in {"Cc", "Cf", "Cs", "Zl", "Zp"}
              and safe(chr(c)) == chr(c)]
    assert not missed


@given(hostile_text(120), st.integers(min_value=8, max_value=60))
@settings(deadline=None)
def test_shorten_never_cuts_an_escape(raw: str, width: int) -> None:
    shown = shorten(safe(raw), width)
    assert len(shown) <= width
    if shown.endswith("...") and shown != safe(raw):
        kept = shown[:-3]
        assert safe(raw).startswith(kept)
        assert unescape(kept) == raw[: len(unescape(kept))]  # a prefix of the value, decoded


def test_quoted_does_not_escape() -> None:
    assert quoted("a\x1bb") == "'a\x1bb'"
    assert quoted(["x", 1, None]) == "['x', 1, None]"
    assert quoted({"k": ("v",)}) == "{'k': ['v']}"
    assert safe(f"unknown key {quoted(chr(27) + '[2J')}") == "unknown key '\\x1b[2J'"


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_plain_ascii_fast_path_agrees_with_the_patterns(text: str) -> None:
    """The shortcut for plain ASCII (no regex) must give exactly what the patterns give."""
    from parity.textsafe import _escape, _unsafe

    assert safe(text) == _unsafe(False).sub(_escape, text)
    assert safe_lines(text) == _unsafe(True).sub(_escape, text.replace("\r\n", "\n"))
