"""How ``parity diff``'s package changes are shown in the human formats (text, markdown, junit).

The layout follows ``nvd diff``, the tool NixOS users read closure diffs with (its README's
example session, recorded in tests/fixtures/closure/nvd_diff.txt): a two-character marker, the
name, and the versions, version changes first, then added, then removed::

    [U*]  firefox            84.0.1 -> 84.0.2
    [A+]  bpytop             1.0.50

Versions on one side only are shown alone, as ``nvd`` does (the letter says which side);
several versions of one name are joined by ``, `` as both ``nvd`` and ``nix store
diff-closures`` do. Every name and version is host text, sanitised here (:mod:`parity.textsafe`).
"""

from __future__ import annotations

from parity.compare.package_changes import PackageChange, counts
from parity.textsafe import safe

#: what the marker's second character means, for the legend under the list
LEGEND = "* selected  + newly selected  - no longer selected  . not selected (dependency)"
#: the words for the selection mark, for formats with a column for it
SELECTED_WORDS = {"*": "yes", "+": "newly", "-": "no longer", ".": "no", " ": "-"}


def headline(changes: list[PackageChange]) -> str:
    """``package changes: 2 upgraded, 1 added`` (only the non-zero counts)."""
    bits = [f"{n} {k}" for k, n in counts(changes).items() if n]
    return "package changes: " + (", ".join(bits) if bits else "none")


def versions(values: tuple[str, ...]) -> str:
    return ", ".join(safe(v) for v in values) or "-"


def shown_versions(c: PackageChange) -> str:
    """``old -> new`` for a version change, the one side's versions for added or removed."""
    if c.change == "added":
        return versions(c.new)
    if c.change == "removed":
        return versions(c.old)
    return f"{versions(c.old)} -> {versions(c.new)}"


def lines(changes: list[PackageChange]) -> list[str]:
    """One aligned line per change, ``nvd``-style; a legend line when selection is recorded."""
    names = [safe(c.name) for c in changes]
    width = max((len(n) for n in names), default=0)
    out = [f"[{c.marker}]  {n.ljust(width)}  {shown_versions(c)}".rstrip()
           for c, n in zip(changes, names, strict=True)]
    if any(c.mark != " " for c in changes):
        out.append(f"({LEGEND})")
    return out


def block(changes: list[PackageChange]) -> str:
    """The headline and the lines as one text (JUnit's ``system-out``)."""
    return "\n".join([headline(changes), *lines(changes)])
