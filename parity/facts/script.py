"""One read-only script per host: every collector's snippet between unique section markers.

The markers carry a random token made per run, so nothing a host prints (a file name, a package
description, a hostile ``/etc/passwd``) can fake a section boundary. Each snippet runs in a
subshell with stdin from ``/dev/null`` and ``LC_ALL=C``, so one collector cannot disturb another,
and nothing is written anywhere: the script is passed as the command itself, never as a file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from parity.facts.collectors import excerpt, get_collector, split_lines
from parity.facts.request import CollectRequest

_PREAMBLE = """\
LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
cd / || exit 1
have() {{ command -v "$1" >/dev/null 2>&1; }}
M='{marker}'
NA="$M NA"
SYS=$(uname -s 2>/dev/null)
"""


def preamble(marker: str) -> str:
    """The shell every parity script starts with (``have``, ``$NA``, the section marker,
    ``$SYS``): the collection's, and the capture scripts' (``templates/capture``), framed alike.

    ``$SYS`` is ``uname -s``, asked once per host: ``SunOS`` sends every collector down its
    SmartOS branch (pkgsrc, SMF, ``netstat``, ``ipadm``). A file test could not tell, because a
    Linux container standing in for a SmartOS host (the tests') must take that branch too.
    """
    return _PREAMBLE.format(marker=marker)


#: run the script under a host-side deadline when the host has ``timeout`` (coreutils and
#: BusyBox >= 1.30 spell it the same), so a hung probe dies on the host too, not only our client
_WRAPPER = ("s={script}; if timeout -s KILL 5 true 2>/dev/null; then "
            'exec timeout -s KILL {deadline} /bin/sh -c "$s"; fi; exec /bin/sh -c "$s"')


class ScriptOutputError(ValueError):
    """The host's output is not what our script prints (garbage, truncated, or no POSIX sh)."""


@dataclass(frozen=True)
class Script:
    """A built script: its text and the marker token its output will carry."""

    text: str
    token: str
    request: CollectRequest

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.request.kinds

    @property
    def marker(self) -> str:
        return f"@@parity-{self.token}@@"

    def command(self, deadline: int) -> str:
        """The shell command that runs this script with a host-side ``deadline`` in seconds."""
        import shlex

        return _WRAPPER.format(script=shlex.quote(self.text), deadline=max(1, int(deadline)))


@dataclass
class Sections:
    """A host's output split per kind: text, exit status, and "unavailable" reasons."""

    text: dict[str, str] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def build_script(request: CollectRequest, token: str | None = None) -> Script:
    """Join the snippets of ``request.kinds`` into one script with fresh markers."""
    token = token or secrets.token_hex(12)
    marker = f"@@parity-{token}@@"
    parts = [preamble(marker)]
    for kind in request.kinds:
        body = get_collector(kind).snippet(request)
        # the END marker starts a line of its own even when the section's last byte is not a
        # newline (an /etc/group without one would otherwise swallow it)
        parts.append(f'echo "$M BEGIN {kind}"\n(\n{body.rstrip()}\n) </dev/null\n'
                     f'r=$?; echo; echo "$M END {kind} $r"\n')
    parts.append('echo "$M DONE"\n')
    return Script(text="".join(parts), token=token, request=request)


def _lines(output: str, marker: str) -> list[str]:
    """``output`` cut at ``\\n`` only (see :func:`parity.facts.collectors.split_lines`).

    A transport with a pty (some ssh and kubectl setups) turns every ``\\n`` into ``\\r\\n``;
    then, and only then (every marker line ends in ``\\r``), one ``\\r`` is taken off every
    line. Otherwise a ``\\r`` is data (a process named ``x\\r``) and stays.
    """
    raw = split_lines(output)
    marks = [ln for ln in raw if ln.startswith(marker)]
    if marks and all(ln.endswith("\r") for ln in marks):
        return [ln.removesuffix("\r") for ln in raw]
    return raw


def split_output(script: Script, output: str) -> Sections:
    """Cut ``output`` into per-kind sections; raise :class:`ScriptOutputError` if malformed."""
    marker = script.marker
    sections = Sections()
    current: str | None = None
    body: list[str] = []
    done = seen = False
    for line in _lines(output, marker):
        if not line.startswith(marker):
            if current is not None:
                body.append(line)
            elif line.strip() and not done:
                # text outside any section: a login banner or a shell rc printing; tolerated
                continue
            continue
        seen = True
        words = line[len(marker):].split()
        if words[:1] == ["BEGIN"] and len(words) == 2 and current is None:
            current, body = words[1], []
        elif words[:1] == ["END"] and len(words) == 3 and current == words[1]:
            sections.text[current] = "\n".join(body)
            sections.status[current] = int(words[2]) if words[2].isdigit() else -1
            current = None
        elif words[:1] == ["NA"] and current is not None:
            sections.unavailable[current] = " ".join(words[1:]) or "not available on this host"
        elif words == ["DONE"] and current is None:
            done = True
        else:
            raise ScriptOutputError(f"unexpected marker line {excerpt(line)}")
    if not seen:
        raise ScriptOutputError("the output holds none of the collection markers")
    if current is not None or not done:
        got = ", ".join(sections.text) or "none"
        raise ScriptOutputError(f"the output stops early (sections received: {got})")
    missing = [k for k in script.kinds if k not in sections.text]
    if missing:
        raise ScriptOutputError(f"the output lacks sections: {', '.join(missing)}")
    return sections
