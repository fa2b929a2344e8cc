"""The jinja2 environment every renderer uses: strict undefined and one filter per language.

Templates never build quoting themselves; they pipe values through ``sh``, ``rb``, ``nix``,
``nixattr``, ``dq`` (Dockerfile), ``execform``, ``json``, ``unit`` (systemd) or ``packer``
(a Packer JSON string), each backed by
a module in :mod:`parity.render.lang`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2

from parity.render.lang import dockerfile, nix, packer, ruby, shell, systemd
from parity.templating import make_environment


@cache
def environment() -> jinja2.Environment:
    return make_environment("render", {
        "sh": shell.quote,
        "shjoin": shell.join,
        "rb": ruby.quote,
        "nix": nix.quote,
        "nixattr": nix.attr,
        "nixpath": nix.attr_path,
        "dq": dockerfile.value,
        "execform": dockerfile.exec_form,
        "json": lambda v: json.dumps(v, ensure_ascii=False),
        "unit": systemd.command,
        "packer": packer.value,
    })


def render(template: str, **context: Any) -> str:
    """Render ``templates/render/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
