"""The jinja2 environment every renderer uses: strict undefined and one filter per language.

Templates never build quoting themselves; they pipe values through ``sh``, ``rb``, ``nix``,
``nixattr``, ``dq`` (Dockerfile), ``execform``, ``json`` or ``unit`` (systemd), each backed by
a module in :mod:`parity.render.lang`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from parity.render.lang import dockerfile, nix, ruby, shell, systemd


def templates_dir() -> Path:
    """``parity/templates`` in an installed wheel, ``<repo>/templates`` in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "render").is_dir():
            return candidate
    raise RuntimeError(f"parity's templates folder is missing (looked beside {here})")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "render")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        sh=shell.quote,
        shjoin=shell.join,
        rb=ruby.quote,
        nix=nix.quote,
        nixattr=nix.attr,
        nixpath=nix.attr_path,
        dq=dockerfile.value,
        execform=dockerfile.exec_form,
        json=lambda v: json.dumps(v, ensure_ascii=False),
        unit=systemd.command,
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/render/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
