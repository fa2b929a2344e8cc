"""Ruby: single-quoted string literals.

In a single-quoted Ruby literal only ``\\\\`` and ``\\'`` are escapes; ``#{}``, ``$``, backticks
and newlines are plain characters. Escaping backslash first, then the quote, is therefore a
complete encoding of any string (``ruby -e "print '...'"`` prints it back verbatim).
"""

from __future__ import annotations


def quote(value: object) -> str:
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
