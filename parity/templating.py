"""Where parity's jinja2 templates live, and the one way environments are configured.

Templates ship inside the wheel as ``parity/templates`` (pyproject ``force-include``); in a source
checkout they sit at the repository root as ``templates/``. StrictUndefined makes a template typo
fail in tests instead of rendering an empty string into a Dockerfile or a report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2


def templates_dir(subdir: str) -> Path:
    """``<templates>/<subdir>`` from the installed wheel or the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / subdir).is_dir():
            return candidate / subdir
    raise FileNotFoundError(f"parity's templates/{subdir} folder is missing (looked beside {here})")


def make_environment(subdir: str, filters: dict[str, Callable[..., Any]] | None = None,
                     *, autoescape: bool = False) -> jinja2.Environment:
    """An environment for ``templates/<subdir>``; ``autoescape`` for HTML pages, where every
    value a host or spec supplies must reach the page as text, never as markup."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir(subdir))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=autoescape,
    )
    env.filters.update(filters or {})
    return env
