"""Requested illumos protocol properties (SmartOS network tunables), read with ``ipadm show-prop``.

SmartOS has no ``/proc/sys``: what Linux tunes with sysctl, illumos tunes per protocol with
``ipadm set-prop -p PROPERTY=VALUE PROTOCOL``. A fact key is ``PROTOCOL/PROPERTY``
(``tcp/smallest_anon_port``): the order ipadm's own output prints them in, and a slash, which no
protocol or property name holds, so a key maps back to one ``(protocol, property)`` pair.

One ``ipadm show-prop -c -o proto,property,current`` (no protocol, no ``-p``) lists every public
property of every protocol in ipadm's parsable form, ``PROTO:PROPERTY:CURRENT``; the parser keeps
the requested ones. That one process replaces one per protocol, puts nothing the spec wrote on the
command line, and is the form recorded from a real illumos host (tests/fixtures/smartos/recorded).
Private properties (``_cwnd_max``) are not listed unless named, so those are asked for with
``-p`` in one more process per protocol that has any.

The parsable form is libofmt's: fields joined by ``:``, and with more than one field a ``:`` or
``\\`` inside a value is escaped with ``\\``. A value ipadm could not read prints as ``?`` (and
ipadm exits 1): such a key is left out, so the comparison reports it missing, with a warning
saying why. A listing that fails without printing one property line read nothing: the kind is
unavailable on that host (a note naming ipadm's message), never a "missing" for every key. ipadm's
own messages (stderr, merged: ``ipadm: ...``) become warnings, and lines of
any other shape are skipped with one.

On Linux the kind is not applicable (``$NA``): a spec's ``ipadm:`` checked there is "not
compared", never drift. Where ``$SYS`` is SunOS and ipadm is absent (no SmartOS platform lacks
it: illumos has had it since its start), the kind is unavailable too; ``ndd -get`` is not used
as a fallback because its parameter names differ from ipadm's (``tcp_xmit_hiwat`` for
``send_buf``) and no mapping is recorded.
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.facts.collectors import excerpt, is_number, parts, split_lines
from parity.facts.request import CollectRequest

KIND = "ipadm"

#: the fields asked for, in the order the parser reads them
FIELDS = "proto,property,current"
#: what ipadm prints for a value it could not read (libofmt's OFMT_VAL_UNKNOWN)
UNKNOWN = "?"

_SHOW = f"ipadm show-prop -c -o {FIELDS}"


def private_by_protocol(request: CollectRequest) -> dict[str, list[str]]:
    """Requested private properties (``_name``), per protocol, in request order."""
    out: dict[str, list[str]] = {}
    for key in request.ipadm:
        proto, _, name = key.partition("/")
        if name.startswith("_"):
            out.setdefault(proto, []).append(name)
    return out


def snippet(request: CollectRequest) -> str:
    if not request.ipadm:
        return ":\n"
    out = ['if [ "$SYS" != SunOS ]; then',
           "  echo \"$NA ipadm is illumos'; Linux tunes the kernel with sysctl\"",
           "elif ! have ipadm; then",
           '  echo "$NA ipadm not found on this SunOS host (ndd names differ and are not mapped)"',
           "else",
           f"  o=$({_SHOW} 2>&1); st=$?",
           # failed without one PROTO:PROPERTY:CURRENT line: nothing was read, so nothing can be
           # compared (a note), rather than every declared key reported missing
           "  if [ $st -ne 0 ] && ! printf '%s\\n' \"$o\" | grep -q '^[a-z0-9]*:[a-z0-9_]*:'; then",
           "    echo \"$NA ipadm show-prop failed (exit $st): $(printf '%s\\n' \"$o\" | head -n 1 "
           "| cut -c 1-200)\"",
           "    exit 0",
           "  fi",
           "  echo \"@show $st\"; printf '%s\\n' \"$o\""]
    for proto, names in private_by_protocol(request).items():
        args = f"-p {shlex.quote(','.join(names))} {shlex.quote(proto)}"
        out.append(f"  o=$({_SHOW} {args} 2>&1); echo \"@show $?\"; printf '%s\\n' \"$o\"")
    out.append("fi")
    return "\n".join(out) + "\n"


def split_fields(line: str) -> list[str] | None:
    """``line`` cut at libofmt's unescaped ``:``, each ``\\:`` / ``\\\\`` unescaped; ``None``
    when a ``\\`` escapes anything else or ends the line (not ipadm's output)."""
    fields, cur = [], []
    chars = iter(line)
    for c in chars:
        if c == "\\":
            nxt = next(chars, None)
            if nxt not in (":", "\\"):
                return None
            cur.append(nxt)
        elif c == ":":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    fields.append("".join(cur))
    return fields


def _printable(value: str) -> bool:
    return not any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    """``{"tcp/smallest_anon_port": "32768"}`` for the requested keys ipadm reported."""
    warnings = [] if warnings is None else warnings
    wanted = set(request.ipadm)
    found: dict[str, str] = {}
    for part in parts(split_lines(text), ("@show",)):
        rows = [ln for ln in part.body if ln]
        if part.tag is None:
            if rows:
                warnings.append(f"skipped ipadm output outside a show-prop call: "
                                f"{excerpt(' '.join(rows))}")
            continue
        status = part.arg if is_number(part.arg) else "?"
        answered = 0
        for line in rows:
            if line.startswith("ipadm: "):  # its own message (stderr is merged): say it
                warnings.append(f"ipadm said {excerpt(line[7:])}")
                continue
            fields = split_fields(line)
            if fields is None or len(fields) != 3:
                warnings.append(f"skipped ipadm line {excerpt(line)}: not PROTO:PROPERTY:CURRENT")
                continue
            proto, name, value = fields
            key = f"{proto}/{name}"
            if key not in wanted:
                continue  # every public property is listed; only the requested ones are kept
            if value == UNKNOWN:
                warnings.append(f"{key}: ipadm could not read it (no such property on this "
                                "platform, or not readable here)")
                answered += 1
            elif not _printable(value):
                warnings.append(f"skipped ipadm value of {key} {excerpt(value)}: control "
                                "characters")
            else:
                found[key] = value
                answered += 1
        if status != "0" and not answered:
            # failed and said nothing about a requested key (the listing of everything exits 1
            # when any one value is unreadable, so a failure with answers is not news)
            said = f": {excerpt(rows[0])}" if rows else " and printed nothing"
            warnings.append(f"ipadm show-prop exited {status}{said}")
    return dict(sorted(found.items()))
