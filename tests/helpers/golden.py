"""Golden files: compare generated text with a checked-in file, or rewrite it on request.

``pytest --update-golden`` rewrites every golden file a run touches; review the diff with git
before committing. A missing golden file fails (rather than being created) so CI cannot pass on
files nobody has looked at.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from parity.fsutil import atomic_write

MAX_DIFF_LINES = 80


def assert_golden(actual: str, path: Path | str, *, update: bool) -> None:
    """Assert ``actual`` equals the golden file at ``path``; with ``update``, rewrite it instead."""
    path = Path(path)
    if update:
        if not path.exists() or path.read_text() != actual:
            atomic_write(path, actual, 0o644)
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: run pytest --update-golden", pytrace=False)
    expected = path.read_text()
    if expected != actual:
        diff = list(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{path} (golden)",
                tofile="actual",
            )
        )
        shown = "".join(diff[:MAX_DIFF_LINES])
        more = (
            f"\n... {len(diff) - MAX_DIFF_LINES} more diff lines"
            if len(diff) > MAX_DIFF_LINES
            else ""
        )
        pytest.fail(
            f"{path} differs from the generated text (rerun with --update-golden if intended):\n"
            f"{shown}{more}",
            pytrace=False,
        )
