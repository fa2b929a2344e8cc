"""``-v`` / ``-q``: what parity says about its own work, through the standard ``logging`` module.

Modules log to ``logging.getLogger(__name__)`` (all under ``parity``): what runs where (the
transport's command lines), what was decided and how long it took. Nothing is shown by default
beyond warnings; ``-v`` shows INFO, ``-vv`` DEBUG; ``-q`` shows errors only and also silences the
progress and notes commands print on stderr (results on stdout are never silenced).

Every record passes one filter before it is shown: URLs lose their passwords and secret query
values, ``sshpass -p`` its argument (:mod:`parity.redact`), and control characters are made
visible (:mod:`parity.textsafe`), because command lines quote host names and spec text.
"""

from __future__ import annotations

import logging
import sys

from parity.redact import redact_text
from parity.textsafe import safe_lines

LOGGER = "parity"
_state = {"verbosity": 0}


class _Safe(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = safe_lines(redact_text(record.getMessage()))
        record.args = None
        return True


class _Elapsed(logging.Formatter):
    """``parity [  0.12s] info: ...``: seconds since parity started, for timings at a glance."""

    def format(self, record: logging.LogRecord) -> str:
        return (f"parity [{record.relativeCreated / 1000:6.2f}s] {record.levelname.lower()}: "
                f"{record.getMessage()}")


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes, not what it was when parity
    started (click's test runner and pytest swap it; a closed one must never be written)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure(verbosity: int) -> None:
    """Set the level from ``-v`` (positive) / ``-q`` (negative); the last call wins."""
    _state["verbosity"] = verbosity
    level = (logging.ERROR if verbosity < 0 else logging.WARNING if verbosity == 0
             else logging.INFO if verbosity == 1 else logging.DEBUG)
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level)
    logger.propagate = False
    if not any(getattr(h, "_parity", False) for h in logger.handlers):
        handler = _Stderr()
        handler._parity = True  # type: ignore[attr-defined]
        handler.addFilter(_Safe())
        handler.setFormatter(_Elapsed())
        logger.addHandler(handler)
    for handler in logger.handlers:
        handler.setLevel(level)


def quiet() -> bool:
    """``-q`` was given: print errors only."""
    return _state["verbosity"] < 0


def verbosity() -> int:
    return _state["verbosity"]
