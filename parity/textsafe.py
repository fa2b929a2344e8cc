"""The one sanitiser for text shown to people: host and spec text made visible and inert.

Everything a host holds (package, user, file names, link targets, GECOS, error texts) and most of
what a spec holds ends up in a terminal, a CI log, a Markdown comment or a JUnit file. Printed
raw, ``ESC [2J`` clears the operator's screen, OSC 52 writes their clipboard, a CR or U+2028 hides
the start of a line, a bidi override reorders it, and XML 1.0 cannot hold most C0 characters at
all. So every human-readable output passes such text through :func:`safe` (one line) or
:func:`safe_lines` (text whose newlines are structure: a build log, a multi-line error), exactly
once, at the moment it is written; data stays raw everywhere else, and JSON keeps exact values.

What is escaped (docs/findings.md, "How names are shown"):

* C0 controls (including TAB, LF, CR inside one value) and DEL -> ``\\x1b``, ``\\x09``, ``\\x7f``
* undecodable bytes (lone surrogates U+DC80-U+DCFF from ``surrogateescape``) -> ``\\xNN``, the
  original byte
* C1 controls (U+0080-U+009F), other lone surrogates, line/paragraph separators, every format
  character (bidi overrides and isolates, zero-width spaces, BOM, tag characters...) and the
  noncharacters U+FFFE/U+FFFF -> ``\\u0085``, ``\\u202e``, ``\\U000e0041``
* a backslash is doubled only where it would otherwise read as one of those escapes: before
  another backslash, before an escaped character, before ``x`` + two hex digits naming a byte
  this module escapes (00-1f, 7f, 80-ff), and before ``u`` + four or ``U`` + eight hex digits.
  Every other backslash is shown as is, so systemd unit names keep their own ``\\x2d`` escapes
  (``dev-disk-by\\x2duuid-....device`` prints as systemd spells it) and the result still decodes
  one way only.
"""

from __future__ import annotations

import re
from functools import cache

#: Unicode general category Cf (format characters: invisible, some reorder text), Unicode 15.1;
#: tests check it covers the running Python's own Cf set
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
           "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
           "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
           "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
#: every character shown as an escape, LF aside: C0, DEL, C1, surrogates, format characters,
#: line/paragraph separators, and the noncharacters XML 1.0 forbids
_ESCAPED_BUT_LF = f"\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff{_FORMAT}"
_HEX = "[0-9a-fA-F]"


def _pattern(escaped: str) -> re.Pattern[str]:
    """Characters in ``escaped``, and a backslash where what follows would read as an escape."""
    looks_escaped = (rf"[\\{escaped}]|x(?:[01]{_HEX}|7[fF]|[89a-fA-F]{_HEX})"
                     rf"|u{_HEX}{{4}}|U{_HEX}{{8}}")
    return re.compile(rf"[{escaped}]|\\(?={looks_escaped})")


@cache
def _unsafe(keep_lf: bool) -> re.Pattern[str]:
    """The escaping pattern, compiled on first use: its character classes span most of Unicode
    and compiling them costs about 10 ms, which every command would otherwise pay at import
    while most text it prints is plain ASCII (:func:`_plain`)."""
    return _pattern(_ESCAPED_BUT_LF if keep_lf else _ESCAPED_BUT_LF + "\n")


def _plain(raw: str) -> bool:
    """True when nothing in ``raw`` can need an escape: printable ASCII without a backslash
    (every ASCII character the patterns match is a control character, which is not printable)."""
    return raw.isascii() and raw.isprintable() and "\\" not in raw


#: one shown character: an escape (or a backslash kept with what follows) or anything else
_TOKEN = re.compile(r"\\(?:\\|x..|u....|U........)|.", re.S)


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    if code < 0x80 or 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code & 0xFF:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe(text: object) -> str:
    """``text`` as one line with every control, format and separator character escaped."""
    raw = text if isinstance(text, str) else str(text)
    return raw if _plain(raw) else _unsafe(False).sub(_escape, raw)


def safe_lines(text: object) -> str:
    """Like :func:`safe`, but newlines (LF or CRLF) stay line breaks: each line is sanitised.

    For text that is legitimately several lines (a build log's tail, an error and its hint).
    A CR that does not end a line is escaped like any other control.
    """
    raw = text if isinstance(text, str) else str(text)
    if _plain(raw.replace("\n", " ")):
        return raw
    return _unsafe(True).sub(_escape, raw.replace("\r\n", "\n"))


def shorten(shown: str, width: int) -> str:
    """Already-sanitised text cut to ``width`` characters with ``...``, never inside an escape."""
    if len(shown) <= width:
        return shown
    out, used = [], 0
    for token in _TOKEN.findall(shown):
        if used + len(token) > width - 3:
            break
        out.append(token)
        used += len(token)
    return "".join(out) + "..."


def quoted(value: object) -> str:
    """``value`` quoted for an error message, like ``repr`` but without escaping anything.

    Messages are sanitised once, when printed; a ``repr`` inside one would be escaped twice
    (ESC shown as ``'\\\\x1b'``, which reads as a backslash). Strings get single quotes, lists
    and tuples square brackets (they came from YAML lists), dicts braces, anything else its
    ``repr``.
    """
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(quoted(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quoted(k)}: {quoted(v)}" for k, v in value.items()) + "}"
    return repr(value)
