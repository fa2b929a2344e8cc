"""Reporters: one module per output format, all turning the same :class:`Report` into text.

``REPORTERS`` maps a format name to ``"module:function"``; the CLI's ``--format`` choices are its
keys, and a reporter's module is imported only when chosen. Every reporter has the signature
``render(report, *, tty=False) -> str``; the exit code comes from the report itself
(:attr:`Report.exit_code`), so every format agrees on it.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from parity.compare.result import Report

REPORTERS: dict[str, str] = {
    "text": "parity.report.text:render",
    "json": "parity.report.json_report:render",
    "junit": "parity.report.junit:render",
    "markdown": "parity.report.markdown:render",
}


class Reporter(Protocol):
    def __call__(self, report: Report, *, tty: bool = False) -> str: ...


def get_reporter(name: str) -> Reporter:
    """The reporter for ``name``; unknown names raise a usage error listing the known ones."""
    from parity.errors import UsageError
    from parity.textsafe import quoted

    target = REPORTERS.get(name)
    if target is None:
        raise UsageError(f"unknown report format {quoted(name)}; "
                         f"known: {', '.join(sorted(REPORTERS))}")
    module, _, attr = target.partition(":")
    func: Reporter = getattr(importlib.import_module(module), attr)
    return func


def render_report(report: Report, fmt: str, *, tty: bool = False) -> str:
    return get_reporter(fmt)(report, tty=tty)
