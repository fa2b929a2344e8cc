"""Dockerfile / Containerfile text.

* ``CMD``/``ENTRYPOINT`` use the JSON (exec) form: the builder does no variable substitution and
  no shell runs, so each element is passed verbatim.
* ``ENV``/``LABEL``/``WORKDIR`` values are double-quoted. The builder's word lexer treats ``\\``
  and ``"`` as escapes inside double quotes and substitutes ``$VAR``/``${VAR}``, so we emit the
  JSON string encoding (which escapes ``\\`` and ``"``) and additionally escape ``$`` as ``\\$``.
  Control characters are refused by the spec loader before they get here; a newline would end the
  instruction, so :func:`value` rejects it again as a last line of defence.
"""

from __future__ import annotations

import json

from parity.errors import RenderError


def exec_form(words: list[str]) -> str:
    """``["a", "b"]`` for CMD/ENTRYPOINT/SHELL."""
    return json.dumps(list(words), ensure_ascii=False)


def value(text: object) -> str:
    """A double-quoted word for ENV, LABEL and WORKDIR with no substitution."""
    raw = str(text)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise RenderError(f"control characters cannot appear in a Dockerfile value: {raw!r}")
    return json.dumps(raw, ensure_ascii=False).replace("$", "\\$")
