"""Box versions as Vagrant reads them: RubyGems' ``Gem::Version``, ported.

Why a port rather than semver or PEP 440: Vagrant parses every ``version`` of a box catalog
with ``Gem::Version.new`` (``Vagrant::BoxMetadata``) and picks, orders and updates boxes with
``Gem::Requirement`` (``vagrant box add`` asks for ``>= 0``, ``box update`` for ``> CURRENT``).
So a version must be one Gem accepts, and parity must order versions exactly as Gem does to
know which one is newest.

Two traps this module guards against (checked with Ruby's own Gem::Version,
tests/boxes/test_version.py):

* any letter makes a version a *prerelease* (``1.0.0-rc1`` is ``1.0.0.pre.rc1``, below
  ``1.0.0``), and a prerelease of ``0`` sorts below ``0``: ``0.0.0-3f2a9c1`` never satisfies
  ``>= 0``, so ``vagrant box add`` without ``--box-version`` says no version matches. A git-style
  "version plus short hash" is therefore useless as a box version;
* ``+build`` metadata (semver) and a leading ``v`` are not versions at all to Gem.
"""

from __future__ import annotations

import re
from functools import total_ordering

from parity.errors import UsageError

#: RubyGems' ``Gem::Version::ANCHORED_VERSION_PATTERN`` (Ruby's ``\A...\z``)
_PATTERN = re.compile(r"[0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?")
#: what parity writes when nothing says otherwise: the first version of a catalog
FIRST = "1.0.0"


@total_ordering
class GemVersion:
    """One version, compared as ``Gem::Version#<=>`` compares it."""

    def __init__(self, text: str) -> None:
        stripped = text.strip()
        if not _PATTERN.fullmatch(stripped):
            raise ValueError(f"malformed version number string {text}")
        self.text = stripped
        self.segments = _canonical(stripped)

    @property
    def prerelease(self) -> bool:
        """Gem's rule: any letter makes a prerelease."""
        return re.search(r"[a-zA-Z]", self.text) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GemVersion) and _cmp(self.segments, other.segments) == 0

    def __lt__(self, other: GemVersion) -> bool:
        return _cmp(self.segments, other.segments) < 0

    def __hash__(self) -> int:
        return hash(tuple(self.segments))

    def __repr__(self) -> str:
        return f"GemVersion({self.text!r})"

    def __str__(self) -> str:
        return self.text


def _segments(text: str) -> list[int | str]:
    """``Gem::Version#segments``: ``-`` reads as ``.pre.``, runs of digits are numbers."""
    text = text.replace("-", ".pre.")
    return [int(s) if s.isdigit() else s for s in re.findall(r"[0-9]+|[a-zA-Z]+", text)]


def _canonical(text: str) -> list[int | str]:
    """``Gem::Version#canonical_segments``: trailing zeros dropped from the release part and
    from the prerelease part, so ``1.0`` equals ``1.0.0`` and ``1.0.a.0`` equals ``1.0.a``."""
    segs = _segments(text)
    cut = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    release, pre = segs[:cut], segs[cut:]

    def strip(part: list[int | str]) -> list[int | str]:
        while part and part[-1] == 0:
            part = part[:-1]
        return part

    return strip(release) + strip(pre)


def _cmp(lhs: list[int | str], rhs: list[int | str]) -> int:
    """``Gem::Version#<=>`` on canonical segments: a missing segment is 0, a string (a
    prerelease marker) sorts below any number."""
    for i in range(max(len(lhs), len(rhs))):
        a = lhs[i] if i < len(lhs) else 0
        b = rhs[i] if i < len(rhs) else 0
        if a == b:
            continue
        if isinstance(a, str) and isinstance(b, int):
            return -1
        if isinstance(a, int) and isinstance(b, str):
            return 1
        return -1 if a < b else 1  # type: ignore[operator]  # both int or both str here
    return 0


def check_version(text: str) -> GemVersion:
    """A version ``vagrant box add`` will find: Gem-valid and at least ``0``.

    Refuses, with what to write instead, what Vagrant would reject (``v1.0``, ``1.0+abc``) or
    silently never pick (a prerelease of 0, which ``>= 0`` does not match)."""
    try:
        version = GemVersion(text)
    except ValueError:
        raise UsageError(
            f"--version {text!r} is not a version Vagrant can read: Vagrant parses box versions "
            "with RubyGems (digits and letters in dot-separated parts, e.g. 1.0.0, 2.1, 1.0.0.rc1; "
            "no leading v, no +build part)",
            hint="Give a version like 1.0.0, or leave --version out to take the next one.",
        ) from None
    if version < GemVersion("0"):
        raise UsageError(
            f"--version {text!r} is a prerelease of 0, which sorts below 0: `vagrant box add` "
            "(which asks for >= 0) would never pick it, and `vagrant box outdated` never offer it",
            hint="Give a release version such as 0.1.0 or 1.0.0.",
        )
    return version


def next_version(existing: list[str]) -> str:
    """The version after the newest release in ``existing``: its last part plus one, padded
    to three parts (``1.2`` -> ``1.2.1``, ``1.2.9`` -> ``1.2.10``, ``1.2.3.4`` -> ``1.2.3.5``);
    :data:`FIRST` for an empty catalog.

    Prereleases are skipped as a base (the next release after ``2.0.0.rc1`` is not obvious);
    a catalog holding nothing else starts at :data:`FIRST` or above its newest release."""
    releases = []
    for text in existing:
        try:
            v = GemVersion(text)
        except ValueError:
            continue
        if not v.prerelease:
            releases.append(v)
    if not releases:
        return FIRST
    newest = [int(s) for s in _segments(max(releases).text)]
    newest += [0] * (3 - len(newest))
    newest[-1] += 1
    return ".".join(str(n) for n in newest)
