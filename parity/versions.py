"""Package versions and constraints, ordered and matched the way each distro's tools do.

Ordering: dpkg's by a port of dpkg's own ``verrevcmp`` (lib/dpkg/version.c) as sort keys
(python-debian's ``version_compare`` gives the same answers at about ten times the cost, which a
2,000-package check pays per host; ``univers``' DebianVersion rejects valid versions such as
``2:2227:153582`` and silently drops spaces), rpm's ``rpmvercmp``
through ``univers`` with rpm's own epoch/version/release handling around it, apk's through
:mod:`parity.apk_version`, a port of apk-tools' ``version.c`` (univers gets apk-tools' own test
vectors wrong), pkgsrc's (SmartOS) through :mod:`parity.pkgsrc_version`, a port of pkg_install's
``dewey.c``, where the package's own revision is ``nbN``, and Nix's (NixOS) through
:mod:`parity.nix_version`, a port of ``builtins.compareVersions`` (tests/test_nix_version.py asks
Nix itself). tests/test_versions_oracle.py checks
the first three against ``dpkg --compare-versions``, rpm's ``rpm.vercmp`` (thousands of
generated pairs each) and the rpm and apk-tools projects' own test vectors;
tests/test_pkgsrc_version.py checks dewey against pkg_install's own examples.
The spec's constraint language:

* ``*`` – any version
* ``1.22.*`` – glob on the version string (fnmatch), with or without the host's epoch
* ``>=7.88``, ``>1``, ``<=2``, ``<3``, ``==1.2-3``, ``=1.2-3``, ``!=1.0`` – comparisons
* clauses joined by ``,`` must all hold: ``>=1.2,<2``
* a bare version ``1.22.1-9`` means ``=1.22.1-9``

A comparison compares only the parts its version writes (docs/spec.md, "Version constraints"):

* written without a revision (deb ``-9``, rpm ``-3.el9``, apk ``-r2``) it is an *upstream*
  version and is compared with the host's upstream part: ``=1.22.1`` holds for every revision of
  1.22.1 (like dnf's ``name-1.22.1`` and rpm's ``Requires: name = 1.22.1``), ``!=`` is exactly
  its negation, ``>1.22.1`` means a newer upstream, ``<=1.22.1`` includes every 1.22.1 revision;
* written without an epoch, the host's epoch is ignored (``=9.2p1`` holds for ``1:9.2p1-2``, like
  dnf's ``name-version``); written with one, epochs are compared (a host without one has 0).

A version the host reports that its own tools would reject cannot be compared:
:meth:`Constraint.check` raises :class:`UncomparableVersion` saying why, and the drift checker
reports it instead of silently calling it "not allowed".
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

#: version schemes by name; the value names the tool whose ordering it follows
SCHEMES: dict[str, str] = {"deb": "dpkg", "rpm": "rpm", "apk": "apk-tools",
                           "pkgsrc": "pkg_install", "nix": "nix"}

OPERATORS = (">=", "<=", "==", "!=", ">", "<", "=")
#: characters a version or a glob may contain in any of the three schemes (``^``: rpm snapshots)
VERSION_RE = re.compile(r"^[A-Za-z0-9.+~^:_*-]+$")

_DEB_UPSTREAM_CHARS = re.compile(r"^[A-Za-z0-9.+~:-]*$")
_DEB_REVISION_CHARS = re.compile(r"^[A-Za-z0-9.+~]*$")
_RPM_CHARS = re.compile(r"^[\x21-\x7e]+$")  # rpm orders any printable ASCII without spaces
_APK_REVISION = re.compile(r"-r[0-9]+$")
_PKGSRC_REVISION = re.compile(r"nb[0-9]*$", re.IGNORECASE)


class ConstraintError(ValueError):
    """A constraint string that cannot be parsed."""


class UncomparableVersion(ValueError):
    """A version the scheme's own tool would reject, so no ordering can be trusted."""


@dataclass(frozen=True)
class Clause:
    op: str  # one of OPERATORS (normalised: "=" -> "=="), or "glob"
    version: str

    def __str__(self) -> str:
        return self.version if self.op == "glob" else f"{self.op}{self.version}"

    def upstream_only(self, scheme: str) -> bool:
        """Whether the clause's version has no revision/release, so only the host's upstream
        part is compared (see the module docstring)."""
        return self.op != "glob" and split_version(self.version, scheme)[2] is None

    def is_upstream_pin(self, scheme: str) -> bool:
        """``=1.22.1``: an exact pin of an upstream version, matching any revision."""
        return self.op == "==" and self.upstream_only(scheme)

    def has_epoch(self) -> bool:
        return self.op != "glob" and ":" in self.version

    def check(self, version: str, scheme: str) -> bool:
        """Whether ``version`` satisfies this clause; :class:`UncomparableVersion` if the host's
        version (or the clause's) is not valid in ``scheme``."""
        if self.op == "glob":
            return fnmatch.fnmatchcase(version, self.version) or fnmatch.fnmatchcase(
                strip_epoch(version), self.version)
        for v, problem in ((version, invalid_reason(version, scheme)),
                           (self.version, _invalid_cached(self.version, scheme))):
            if problem:
                raise UncomparableVersion(f"{v!r} is not a valid {scheme} version: {problem}")
        have = version if self.has_epoch() else strip_epoch(version)
        # both are valid, and so are their upstream forms: order them without checking again
        if self.upstream_only(scheme):
            c = _ordered(upstream_form(have, scheme), upstream_form(self.version, scheme),
                         scheme)
        else:
            c = _ordered(have, self.version, scheme)
        return {
            "==": c == 0, "!=": c != 0, ">=": c >= 0, "<=": c <= 0, ">": c > 0, "<": c < 0,
        }[self.op]


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

    def check(self, version: str, scheme: str) -> bool:
        """Whether ``version`` satisfies every clause; raises :class:`UncomparableVersion` when
        it cannot be compared at all (callers that must say so use this, not :meth:`allows`)."""
        return all(c.check(version, scheme) for c in self.clauses)

    def allows(self, version: str, scheme: str) -> bool:
        """Like :meth:`check`, but a version that cannot be compared is simply not allowed."""
        try:
            return self.check(version, scheme)
        except UncomparableVersion:
            return False

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
                f"{version!r} is not a version: use letters, digits and . + ~ ^ : _ - only"
            )
        if "*" in version:
            if op not in ("", "=", "=="):
                raise ConstraintError(f"a glob like {version!r} cannot follow {op!r}")
            clauses.append(Clause("glob", version))
        else:
            clauses.append(Clause("==" if op in ("", "=") else op, version))
    return Constraint(raw, tuple(clauses))


def compare(a: str, b: str, scheme: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b`` in the distro's ordering;
    :class:`UncomparableVersion` when either is not a valid version of ``scheme``."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown version scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    for v in (a, b):
        problem = invalid_reason(v, scheme)
        if problem:
            raise UncomparableVersion(f"{v!r} is not a valid {scheme} version: {problem}")
    return _ordered(a, b, scheme)


def _ordered(a: str, b: str, scheme: str) -> int:
    """:func:`compare` for versions already known to be valid in ``scheme``."""
    if a == b:
        return 0
    if scheme == "deb":
        ka, kb = deb_key(a), deb_key(b)
        return (ka > kb) - (ka < kb)
    if scheme == "apk":
        from parity import apk_version  # only apk hosts pay for the import

        return apk_version.compare(a, b)
    if scheme == "pkgsrc":
        from parity import pkgsrc_version

        return pkgsrc_version.compare(a, b)
    if scheme == "nix":
        from parity import nix_version

        return nix_version.compare(a, b)
    return _rpm_compare(a, b)


#: dpkg's ``order()`` for the characters of a non-digit run: letters sort by their code, ``~``
#: before everything (even the end of the run), every other character after all letters
_DEB_ORDER = {chr(c): (-1 if chr(c) == "~" else c if chr(c).isalpha() else c + 256)
              for c in range(33, 127) if not chr(c).isdigit()}
_DEB_RUNS = re.compile(r"([^0-9]*)([0-9]*)")
#: what a part looks like past its end: an empty non-digit run (just the end mark 0), number 0
_DEB_END: tuple[Any, ...] = ((0,), 0)


def _deb_part_key(part: str) -> tuple[Any, ...]:
    """dpkg's ``verrevcmp`` as a sort key: alternating (non-digit run, number) pairs.

    A non-digit run becomes its characters' orders plus an end mark 0 (which only ``~``, at -1,
    sorts before, as in dpkg where the end of a run reads as order 0); a digit run becomes its
    number (leading zeros and an empty run are 0). dpkg keeps comparing past the shorter
    string as if it went on with empty runs; one trailing :data:`_DEB_END` pair does the same,
    because every run after the first starts with a non-digit, whose order is never 0. Trailing
    pairs equal to that pair (the regex's final empty match) are dropped first, except the
    first pair, which keeps the keys aligned: ``0`` and an empty revision stay equal, and
    ``0`` still sorts after ``0~``.
    """
    key: list[Any] = []
    for chars, digits in _DEB_RUNS.findall(part):
        key.append((*[_DEB_ORDER.get(ch, ord(ch) + 256) for ch in chars], 0))
        key.append(int(digits) if digits else 0)
    while len(key) > 2 and key[-2:] == [(0,), 0]:
        del key[-2:]
    return (*key, *_DEB_END)


def deb_key(version: str) -> tuple[Any, ...]:
    """A sort key that orders valid dpkg versions exactly as ``dpkg --compare-versions``:
    epoch (missing = 0), then upstream, then revision (missing = empty), each by verrevcmp."""
    epoch, upstream, revision = split_version(version, "deb")
    return (int(epoch) if epoch else 0, _deb_part_key(upstream),
            _deb_part_key(revision or ""))


def _rpm_compare(a: str, b: str) -> int:
    """rpm's ``rpmverCmp``: epochs (missing = 0), then versions, then releases with rpmvercmp
    (univers'); a missing release sorts before any written one (univers' RpmVersion calls
    ``65`` and ``65-.`` equal, rpm does not)."""
    from univers.rpm import vercmp as rpm_vercmp  # only rpm hosts pay for the import

    ea, va, ra = split_version(a, "rpm")
    eb, vb, rb = split_version(b, "rpm")
    if int(ea or 0) != int(eb or 0):
        return -1 if int(ea or 0) < int(eb or 0) else 1
    c = rpm_vercmp(va, vb)
    if c or (ra is None and rb is None):
        return c
    if ra is None or rb is None:
        return -1 if ra is None else 1
    return rpm_vercmp(ra, rb)


def invalid_reason(version: str, scheme: str) -> str | None:
    """Why ``version`` is not a valid version in ``scheme`` (``None`` when it is).

    deb: what ``dpkg --compare-versions`` reports as an error or a warning (and, stricter, an
    empty version or surrounding whitespace); rpm: empty, spaces, non-ASCII, a non-numeric
    epoch, or a ``-`` inside the version or release (rpmbuild refuses those); apk: what
    apk-tools' ``apk_version_validate`` rejects.
    """
    if scheme == "deb":
        return _deb_invalid(version)
    if scheme == "rpm":
        if not _RPM_CHARS.match(version):
            return "empty, or holds spaces or non-ASCII characters"
        epoch, rest = version.split(":", 1) if ":" in version else ("0", version)
        if not epoch.isdigit() or not epoch.isascii() or not rest:
            return "the epoch before ':' must be a number followed by a version"
        if rest.count("-") > 1 or rest.startswith("-") or rest.endswith("-"):
            return "rpm versions are [epoch:]version[-release], neither part holding a '-'"
        return None
    if scheme == "apk":
        from parity import apk_version

        return None if apk_version.validate(version) else (
            "apk versions look like 1.2.3[a][_suffixN]...[~hash][-rN]")
    if scheme == "pkgsrc":
        return _pkgsrc_invalid(version)
    if scheme == "nix":
        return _nix_invalid(version)
    raise ValueError(f"unknown version scheme {scheme!r}; known: {', '.join(SCHEMES)}")


@lru_cache(maxsize=4096)
def _invalid_cached(version: str, scheme: str) -> str | None:
    """:func:`invalid_reason` remembered, for the spec's clause versions: checked once per run,
    not once per host (host versions are checked every time; they differ per host)."""
    return invalid_reason(version, scheme)


def _deb_invalid(version: str) -> str | None:
    """dpkg's ``parseversion`` checks (lib/dpkg/parsehelp.c), errors and warnings alike."""
    if not version.strip():
        return "version string is empty"
    if any(ch.isspace() for ch in version):
        return "version string has embedded spaces"
    rest = version
    if ":" in version:
        epoch, rest = version.split(":", 1)
        if not epoch:
            return "epoch in version is empty"
        if not (epoch.isascii() and epoch.isdigit()):
            return "epoch in version is not number"
        if int(epoch) > 2**31 - 1:
            return "epoch in version is too big"
        if not rest:
            return "nothing after colon in version number"
    upstream, sep, revision = rest.rpartition("-")
    if not sep:
        upstream, revision = rest, ""
    elif not revision:
        return "revision number is empty"
    if not upstream:
        return "version number is empty"
    if not (upstream[0].isascii() and upstream[0].isdigit()):
        return "version number does not start with digit"
    if not _DEB_UPSTREAM_CHARS.match(upstream):
        return "invalid character in version number"
    if not _DEB_REVISION_CHARS.match(revision):
        return "invalid character in revision number"
    return None


def _pkgsrc_invalid(version: str) -> str | None:
    """What pkgsrc cannot hold in a package's version: dewey.c reads any string, but
    ``PKGVERSION`` is the part after a package name's last ``-``, so it never holds one, nor
    spaces; and it starts with a digit (pkglint's rule), which keeps ``=latest`` from matching
    by accident."""
    if not version or not version.isascii() or any(ch.isspace() for ch in version):
        return "empty, or holds spaces or non-ASCII characters"
    if "-" in version:
        return "pkgsrc versions hold no '-' (a package name splits at its last '-')"
    if ":" in version:
        return "pkgsrc versions have no epoch (no ':')"
    if not version[0].isdigit():
        return "pkgsrc versions start with a digit"
    return None


def _nix_invalid(version: str) -> str | None:
    """What cannot be a Nix package's version. ``compareVersions`` orders any string, so the
    limit is where versions come from: the part of a store path's name after its first ``-``
    not followed by a letter (``parseDrvName``), so only the characters a store path name may
    hold (libstore's ``checkName``: letters, digits and ``+-._?=``), and it starts with a
    non-letter (else ``parseDrvName`` would have read it as part of the name)."""
    if not version:
        return "version string is empty"
    if not set(version) <= _NIX_CHARS:
        return "holds a character a store path name cannot (letters, digits, + - . _ ? = only)"
    if version[0].isascii() and version[0].isalpha():
        return "starts with a letter, which parseDrvName reads as part of the name"
    return None


#: libstore's ``checkName`` alphabet: a Nix version is part of a store path's name
_NIX_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=")


def split_version(version: str, scheme: str) -> tuple[str | None, str, str | None]:
    """``(epoch, upstream, revision)``; epoch and revision are ``None`` when not written.

    deb and rpm: ``[epoch:]upstream[-revision]`` split at the first ``:`` and the last ``-``;
    apk: no epoch, the revision is a trailing ``-rN``; pkgsrc: no epoch, the revision is the
    package's own ``nbN`` (``1.25.3nb1``: upstream ``1.25.3``, revision ``nb1``); nix: neither
    (nixpkgs has no epochs or distro revisions: ``2.39-52`` is glibc's upstream version, whole).
    """
    if scheme == "nix":
        return (None, version, None)
    if scheme == "apk":
        m = _APK_REVISION.search(version)
        return (None, version[:m.start()], m.group(0)[1:]) if m else (None, version, None)
    if scheme == "pkgsrc":
        m = _PKGSRC_REVISION.search(version)
        return (None, version[:m.start()], m.group(0)) if m else (None, version, None)
    epoch, rest = version.split(":", 1) if ":" in version else (None, version)
    upstream, sep, revision = rest.rpartition("-")
    return (epoch, upstream, revision) if sep else (epoch, rest, None)


def strip_epoch(version: str) -> str:
    return version.split(":", 1)[1] if ":" in version else version


def upstream_form(version: str, scheme: str) -> str:
    """``version`` with its revision replaced by a neutral one, so comparing two upstream forms
    compares epochs (where written) and upstream parts only. provision.sh's ``pm_upstream``
    builds the same strings for the package tool.

    deb gets a ``-0`` revision so that an upstream part with hyphens (``1.2-beta`` of
    ``1.2-beta-3``) is still split where dpkg splits it; rpm and apk simply drop the revision.
    """
    epoch, upstream, _ = split_version(version, scheme)
    prefix = f"{epoch}:" if epoch is not None else ""
    return f"{prefix}{upstream}-0" if scheme == "deb" else f"{prefix}{upstream}"
