"""Where parity's jinja2 templates live, and the one way environments are configured.

Templates ship inside the wheel as ``parity/templates`` (pyproject ``force-include``); in a source
checkout they sit at the repository root as ``templates/``. StrictUndefined makes a template typo
fail in tests instead of rendering an empty string into a Dockerfile or a report.

Compiled templates are cached on disk (jinja2's bytecode cache, in :mod:`parity.cachedir`):
compiling the render templates is about a third of ``parity render --target all``'s run time
(bench cli), and a template compiles the same way every time. jinja2 keys each entry by the
template's name and file and checks the source's checksum, its own version and Python's before
using one, so an edited template is compiled again. The cache is an optimisation only: a folder
that cannot be made, is not ours or is open to others, or an entry that cannot be read or
written, means compiling as before. ``PARITY_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from parity.cachedir import private_folder


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
        bytecode_cache=bytecode_cache(subdir, autoescape),
    )
    env.filters.update(filters or {})
    return env


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache that never fails a render: what it cannot read or write is compiled."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache(subdir: str, autoescape: bool) -> jinja2.BytecodeCache | None:
    """The on-disk cache for one kind of environment, or ``None`` (compile every time).

    Entries are keyed by template name and file, not by environment options, so each
    ``subdir``/``autoescape`` pair gets a folder of its own: the report templates compile
    differently with HTML escaping on. The folder must be ours and closed to others, since its
    contents are loaded as code."""
    folder = private_folder(
        f"jinja-{jinja2.__version__}-{subdir}{'-autoescape' if autoescape else ''}")
    return None if folder is None else _QuietCache(str(folder))
