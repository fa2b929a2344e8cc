"""Nix: double-quoted strings and attribute names.

In ``"..."`` Nix interprets ``\\``-escapes and ``${`` antiquotation; escaping ``\\``, ``"`` and
``${`` (as ``\\${``) leaves every other character literal. Newline, CR and tab are written as
``\\n``/``\\r``/``\\t`` so a generated file stays one logical line per value. A lone ``$`` is
literal and needs no escape. Attribute names that are not plain identifiers (``docker.io``,
keywords) are written as quoted strings, which Nix accepts anywhere an attribute name goes.
"""

from __future__ import annotations

import re

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_'-]*$")
_KEYWORDS = frozenset({"if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(value: object) -> str:
    """A Nix string literal with exactly ``value``."""
    text = str(value)
    if "\x00" in text:
        from parity.errors import RenderError

        raise RenderError(f"Nix strings cannot hold a NUL character: {text!r}")
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and text[i + 1 : i + 2] == "{":
            out.append("\\${")
            i += 2
            continue
        out.append(_ESCAPES.get(ch, ch))
        i += 1
    return '"' + "".join(out) + '"'


def attr(name: str) -> str:
    """An attribute name: bare when it is an identifier, otherwise a quoted string."""
    if _IDENT.match(name) and name not in _KEYWORDS:
        return name
    return quote(name)


def attr_path(path: str) -> str:
    """A dotted attribute path (``python311Packages.pip``), each segment as :func:`attr`."""
    return ".".join(attr(part) for part in path.split("."))
