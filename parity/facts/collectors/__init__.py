"""Collectors: one module per fact kind, each a POSIX-sh snippet plus a pure parser.

A collector module defines ``KIND`` (a key of :class:`~parity.facts.model.Facts`),
``snippet(request) -> str`` (shell text, read-only, using only ``sh`` builtins and
coreutils/BusyBox applets) and ``parse(text, request) -> dict`` (pure: the section's output in, the
fact dict out). The script builder (:mod:`parity.facts.script`) joins the snippets into one script;
the snippets may use two things it defines: the ``have CMD`` function and ``$NA``, a line prefix
that marks the kind as unavailable on this host (``echo "$NA no package manager found"``).

Parsers raise :class:`ParseError` on output they do not understand: a host that prints garbage is
an error for that host, never a silently empty fact.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Protocol

from parity.facts.request import CollectRequest

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
}


class ParseError(ValueError):
    """A collector's output did not have the shape its parser expects."""


class Collector(Protocol):
    KIND: str

    def snippet(self, request: CollectRequest) -> str: ...

    def parse(self, text: str, request: CollectRequest) -> dict[str, Any]: ...


def get_collector(kind: str) -> ModuleType:
    """The collector module for ``kind`` (a :class:`Collector`)."""
    return importlib.import_module(COLLECTORS[kind])


def lines(text: str) -> list[str]:
    """Non-empty lines without trailing ``\\r`` (some transports add them)."""
    return [ln.rstrip("\r") for ln in text.splitlines() if ln.strip()]
