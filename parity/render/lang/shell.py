"""POSIX shell: single-quote everything, so nothing inside is expanded.

``shlex.quote`` wraps a word in single quotes and spells an embedded ``'`` as ``'"'"'``; inside
single quotes a POSIX shell expands nothing (no ``$``, backticks, ``\\``, globs, newlines). NUL
cannot be carried by a shell word at all, so it is refused rather than silently dropped.
"""

from __future__ import annotations

import shlex

from parity.errors import RenderError


def quote(value: object) -> str:
    """One shell word holding exactly ``value``."""
    text = str(value)
    if "\x00" in text:
        raise RenderError(f"a NUL character cannot be passed to a shell script: {text!r}")
    return shlex.quote(text)


def join(words: list[str]) -> str:
    """Several words, each quoted."""
    return " ".join(quote(w) for w in words)
