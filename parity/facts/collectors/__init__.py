"""Collectors: one module per fact kind, each a POSIX-sh snippet plus a pure parser.

A collector module defines ``KIND`` (a key of :class:`~parity.facts.model.Facts`),
``snippet(request) -> str`` (shell text, read-only, using only ``sh`` builtins and
coreutils/BusyBox applets) and ``parse(text, request) -> dict`` (pure: the section's output in, the
fact dict out). The script builder (:mod:`parity.facts.script`) joins the snippets into one script;
the snippets may use two things it defines: the ``have CMD`` function and ``$NA``, a line prefix
that marks the kind as unavailable on this host (``echo "$NA no package manager found"``).

Everything a host prints is untrusted, and one odd item must never cost the whole host. So the
script's own separator is the only line break (``\n``: a process named with ``\r`` or a GECOS
holding ``\x0c`` is one line, never two), and a parser that meets an item it cannot read (a
malformed ``/etc/passwd`` line, a garbled ``/proc/net`` row) skips that item and appends a
warning to the ``warnings`` list it is given; the warnings end up in ``Facts.warnings`` and in
every report. :class:`ParseError` is kept for output our script cannot have printed (a missing
header line), which means the output is not ours: that is an error for the host.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from parity.facts.request import CollectRequest
from parity.textsafe import quoted

#: fact kind -> module implementing it (imported on first use)
COLLECTORS: dict[str, str] = {
    "os": "parity.facts.collectors.os",
    "packages": "parity.facts.collectors.packages",
    "services": "parity.facts.collectors.services",
    "users": "parity.facts.collectors.users",
    "groups": "parity.facts.collectors.groups",
    "files": "parity.facts.collectors.files",
    "ports": "parity.facts.collectors.ports",
    "sysctl": "parity.facts.collectors.sysctl",
    "ipadm": "parity.facts.collectors.ipadm",
}


class ParseError(ValueError):
    """A collector's output did not have the shape its parser expects."""


class Collector(Protocol):
    KIND: str

    def snippet(self, request: CollectRequest) -> str: ...

    def parse(self, text: str, request: CollectRequest,
              warnings: list[str] | None = None) -> dict[str, Any]: ...


def get_collector(kind: str) -> ModuleType:
    """The collector module for ``kind`` (a :class:`Collector`)."""
    return importlib.import_module(COLLECTORS[kind])


def split_lines(text: str) -> list[str]:
    """``text`` cut at the script's separator only: ``\\n``.

    ``str.splitlines()`` also cuts at ``\\r``, ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``,
    ``\\x85``, U+2028 and U+2029, all of which a host's names may hold. A transport's CRLF is
    undone once, for the whole output, by :func:`parity.facts.script.split_output`.
    """
    return text.split("\n")


def lines(text: str) -> list[str]:
    """The lines of ``text`` (:func:`split_lines`) that hold more than spaces and tabs."""
    return [ln for ln in split_lines(text) if ln.strip(" \t")]


def is_number(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also takes ``²`` and other digits ``int`` refuses)."""
    return text.isascii() and text.isdigit()


#: how much of one host-supplied value a message quotes
EXCERPT = 200


def excerpt(value: str) -> str:
    """``value`` quoted for a message, cut to :data:`EXCERPT` characters (raw: messages are
    sanitised once, when shown)."""
    if len(value) > EXCERPT:
        value = value[:EXCERPT] + "..."
    return quoted(value)


@dataclass
class Part:
    """One part of a section: its header line's tag and argument, and the lines under it."""

    tag: str | None
    arg: str
    body: list[str] = field(default_factory=list)


def parts(body: list[str], tags: Collection[str]) -> list[Part]:
    """Cut ``body`` at header lines ``TAG`` or ``TAG ARG`` whose TAG is in ``tags``.

    The one sub-section splitter every collector uses (``@passwd``/``@group``, ``@units``,
    ``@tcp``, ``@key 3``, ``@auto apt``...). Lines before the first header form a part whose
    tag is ``None``. Blank lines are kept (the apk database separates records with them).
    """
    out = [Part(None, "")]
    for line in body:
        tag, _, arg = line.partition(" ")
        if tag in tags:
            out.append(Part(tag, arg))
        else:
            out[-1].body.append(line)
    if not out[0].body:
        out.pop(0)
    return out
