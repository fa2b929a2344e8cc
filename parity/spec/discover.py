"""Finding the spec the way git finds its repository.

Every command that works on a spec takes it the same way: the path given (a file, or a folder
holding one), else ``$PARITY_SPEC``, else ``parity.yaml`` (or ``parity.yml``) in the current
folder or the nearest folder above it. So ``parity up`` works from ``examples/webapp/files`` as
it does from ``examples/webapp``, and a CI job can point every command at one spec with one
variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from parity.errors import UsageError

#: file names a spec is found by, in order of preference
SPEC_NAMES = ("parity.yaml", "parity.yml")
#: the environment variable naming the spec when no path is given
SPEC_ENV = "PARITY_SPEC"


def in_folder(folder: Path) -> Path | None:
    """The spec file in ``folder`` (``parity.yaml`` first), if there is one."""
    for name in SPEC_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def find_spec(start: Path) -> Path | None:
    """The spec in ``start`` or the nearest folder above it; None at the filesystem root."""
    folder = start.absolute()
    while True:
        found = in_folder(folder)
        if found is not None:
            return _relative(found)
        if folder.parent == folder:
            return None
        folder = folder.parent


def resolve_spec(given: str | Path | None, *, required: bool = True, cwd: Path | None = None,
                 environ: Mapping[str, str] | None = None) -> Path | None:
    """The spec a command works on (see the module docstring).

    A given folder means the spec in it (a missing one is left to :func:`load_spec`, which
    names the file it looked for). Nothing found is a usage error when ``required``, else None.
    """
    environ = os.environ if environ is None else environ
    if given is not None and str(given) != "":
        path = Path(given)
        if path.is_dir():
            return in_folder(path) or path / SPEC_NAMES[0]
        return path
    named = environ.get(SPEC_ENV, "").strip()
    if named:
        return resolve_spec(named, cwd=cwd, environ={})
    here = Path.cwd() if cwd is None else cwd
    found = find_spec(here)
    if found is None and required:
        raise UsageError(
            f"no {' or '.join(SPEC_NAMES)} in {here.absolute()} or any folder above it",
            hint=f"Name the spec (`parity validate path/to/parity.yaml`), set {SPEC_ENV}, or "
                 "write one with `parity capture URL`.",
        )
    return found


def _relative(path: Path) -> Path:
    """``path`` relative to the current folder when it is below it (shorter in messages)."""
    try:
        return path.relative_to(Path.cwd().absolute())
    except ValueError:
        return path
