"""Package versions and constraints, ordered the way each distro orders them.

Ordering is delegated to ``univers`` (dpkg epochs and revisions, rpm ``rpmvercmp`` with releases,
apk ``-rN`` suffixes) instead of being re-implemented here. This module only parses the spec's small
constraint language:

* ``*`` – any version
* ``1.22.*`` – glob on the version string (fnmatch)
* ``>=7.88``, ``>1``, ``<=2``, ``<3``, ``==1.2-3``, ``=1.2-3``, ``!=1.0`` – comparisons
* clauses joined by ``,`` must all hold: ``>=1.2,<2``
* a bare version ``1.22.1-9`` means exactly that version
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from univers.versions import AlpineLinuxVersion, DebianVersion, RpmVersion

SCHEMES: dict[str, type[Any]] = {"deb": DebianVersion, "rpm": RpmVersion, "apk": AlpineLinuxVersion}

OPERATORS = (">=", "<=", "==", "!=", ">", "<", "=")
#: characters a version or a glob may contain in any of the three schemes
VERSION_RE = re.compile(r"^[A-Za-z0-9.+~:_*-]+$")


class ConstraintError(ValueError):
    """A constraint string that cannot be parsed."""


@dataclass(frozen=True)
class Clause:
    op: str  # one of OPERATORS (normalised: "=" -> "=="), or "glob"
    version: str

    def __str__(self) -> str:
        return self.version if self.op == "glob" else f"{self.op}{self.version}"

    def is_upstream_pin(self, scheme: str) -> bool:
        """``=1.22.1`` on Debian: users pin upstream versions, distros add ``-revision``s, so
        the pin matches any revision of that upstream version (and any epoch)."""
        return self.op == "==" and scheme == "deb" and "-" not in self.version


@dataclass(frozen=True)
class Constraint:
    """A parsed version constraint; ``clauses`` empty means any version."""

    text: str
    clauses: tuple[Clause, ...]

    @property
    def is_any(self) -> bool:
        return not self.clauses

    @property
    def exact(self) -> str | None:
        """The version when the constraint pins exactly one, else ``None``."""
        if len(self.clauses) == 1 and self.clauses[0].op == "==":
            return self.clauses[0].version
        return None

    def allows(self, version: str, scheme: str) -> bool:
        return all(_clause_allows(c, version, scheme) for c in self.clauses)

    def __str__(self) -> str:
        return self.text


@cache
def parse_constraint(text: str) -> Constraint:
    """Parse the spec's constraint language; raise :class:`ConstraintError` with what's wrong."""
    raw = str(text).strip()
    if raw in ("", "*"):
        return Constraint("*", ())
    clauses = []
    for part in raw.split(","):
        part = part.strip()
        op = next((o for o in OPERATORS if part.startswith(o)), "")
        version = part[len(op):].strip()
        if not version:
            raise ConstraintError(f"empty version in constraint {raw!r}")
        if not VERSION_RE.match(version):
            raise ConstraintError(
                f"{version!r} is not a version: use letters, digits and . + ~ : _ - only"
            )
        if "*" in version:
            if op not in ("", "=", "=="):
                raise ConstraintError(f"a glob like {version!r} cannot follow {op!r}")
            clauses.append(Clause("glob", version))
        else:
            clauses.append(Clause("==" if op in ("", "=") else op, version))
    return Constraint(raw, tuple(clauses))


def compare(a: str, b: str, scheme: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b`` in the distro's ordering."""
    cls = SCHEMES[scheme]
    va, vb = cls(a), cls(b)
    return (va > vb) - (va < vb)


def _clause_allows(clause: Clause, version: str, scheme: str) -> bool:
    if clause.op == "glob":
        return fnmatch.fnmatchcase(version, clause.version) or fnmatch.fnmatchcase(
            _strip_epoch(version), clause.version
        )
    try:
        c = compare(version, clause.version, scheme)
    except Exception:  # univers raises assorted errors on versions it cannot parse
        return False
    if c != 0 and clause.is_upstream_pin(scheme):
        c = compare(_upstream(version), clause.version, scheme)
    return {
        "==": c == 0, "!=": c != 0, ">=": c >= 0, "<=": c <= 0, ">": c > 0, "<": c < 0,
    }[clause.op]


def _strip_epoch(version: str) -> str:
    return version.split(":", 1)[1] if ":" in version else version


def _upstream(version: str) -> str:
    v = _strip_epoch(version)
    return v.rsplit("-", 1)[0] if "-" in v else v
