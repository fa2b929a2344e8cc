"""The jinja2 environment for report templates (``templates/report/``).

Templates ship inside the wheel as ``parity/templates``; in a source checkout they live at the
repository root. StrictUndefined turns a template typo into an error in tests, not an empty cell.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2


def templates_root() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "report").is_dir():
            return candidate
    raise FileNotFoundError("parity's templates/report folder is missing from this install")


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root() / "report")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
