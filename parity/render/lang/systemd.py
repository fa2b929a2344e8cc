"""systemd unit files: ``ExecStart=`` words.

systemd splits ``ExecStart=`` like a shell would, but expands ``%`` specifiers and ``$VAR``
environment references itself. Each word is double-quoted with C-style escapes for ``\\`` and
``"``, ``%`` doubled to ``%%`` and ``$`` doubled to ``$$``, which systemd documents as the literal
forms; control characters are refused (the spec loader already rejects them).
"""

from __future__ import annotations

from parity.errors import RenderError


def word(text: str) -> str:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise RenderError(f"control characters cannot appear in a systemd unit: {text!r}")
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("%", "%%").replace("$", "$$"))
    return f'"{escaped}"'


def command(words: list[str]) -> str:
    return " ".join(word(w) for w in words)
