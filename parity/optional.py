"""Optional packages: import one, or tell the user which extra installs it.

A plain ``pip install parity`` leaves out what only some users need (paramiko, asyncssh, psycopg,
ansible-core). Where parity reaches for one of them it calls :func:`require`, so a missing package
is a usage error (exit 2) that names the extra to install, never an ImportError turned into a host
error (exit 3) or a traceback (exit 70) deep inside a transport.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from parity.errors import UsageError

#: extra -> (the distribution it installs, what ``pipx inject`` needs for it); the extras are
#: declared in pyproject.toml (tests/test_optional.py keeps the two in step) and listed in
#: README.md, "Install"
EXTRAS: dict[str, tuple[str, str]] = {
    "paramiko": ("paramiko", "paramiko"),
    "asyncssh": ("asyncssh", "asyncssh<3"),
    "postgres": ("psycopg", "psycopg[binary]"),
    "ansible": ("ansible-core", "ansible-core"),
}


class MissingExtra(UsageError):
    """An optional package is not installed (or does not import); its extra fixes that."""

    def __init__(self, module: str, extra: str, what: str, *, alternative: str | None = None,
                 broken: str | None = None) -> None:
        self.module = module
        self.extra = extra
        package, requirement = EXTRAS[extra]
        state = f"installed but does not import ({broken})" if broken else "not installed"
        hint = f"With pipx: pipx inject parity '{requirement}'."
        if alternative:
            hint += f" Or {alternative}."
        super().__init__(f"{what} needs the optional package {package}, which is {state}: "
                         f"pip install 'parity[{extra}]'", hint=hint)


def require(module: str, extra: str, what: str, *, alternative: str | None = None) -> ModuleType:
    """Import ``module`` (installed by the extra ``extra``) for ``what``, or raise MissingExtra.

    ``what`` completes "… needs the optional package X", e.g. ``"a paramiko:// host"``.
    ``alternative`` (a way that needs no extra, where there is one) is added to the hint. A
    package that is installed but fails to import (a missing dependency of its own, a broken
    build) is reported with its ImportError text, not as "not installed".
    """
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; add it to parity.optional.EXTRAS")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        missing = isinstance(exc, ModuleNotFoundError) and exc.name in (module, top)
        raise MissingExtra(module, extra, what, alternative=alternative,
                           broken=None if missing else str(exc)) from None
