"""The jinja2 environment for report templates (``templates/report/``)."""

from __future__ import annotations

from functools import cache

import jinja2

from parity.templating import make_environment


@cache
def environment() -> jinja2.Environment:
    return make_environment("report")


def render_template(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
