"""Ruby: single-quoted string literals.

In a single-quoted Ruby literal only ``\\\\`` and ``\\'`` are escapes; ``#{}``, ``$``, backticks
and newlines are plain characters. Escaping backslash first, then the quote, encodes any string
but one: Ruby reads a carriage return right before a line feed in its source as a plain line
break (CRLF source files), so a ``\\r`` is written as its own double-quoted ``"\\r"`` literal,
joined to its neighbours by Ruby's adjacent-literal concatenation (``'a' "\\r" 'b'``).
(``ruby -e "print ..."`` prints every string back verbatim; the tests check it with Ruby.)
"""

from __future__ import annotations


def _single(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote(value: object) -> str:
    text = str(value)
    if "\r" not in text:
        return _single(text)
    return ' "\\r" '.join(_single(part) for part in text.split("\r"))
