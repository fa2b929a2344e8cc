"""What ``parity up`` must do, decided from the spec's hash and what is observed, without I/O.

Keeping the decision pure means the up-to-date / stale / absent logic is tested without Docker or
Vagrant, and every driver applies exactly the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Decision(StrEnum):
    """The action ``up`` takes; the value is what ``status`` and the CLI print."""

    #: nothing exists: render, build and start
    ABSENT = "absent"
    #: running from the current spec: do nothing (the no-op path, no build)
    UP_TO_DATE = "up to date"
    #: exists from the current spec but is stopped: start it again, no rebuild
    STOPPED = "stopped"
    #: exists from another spec hash: rebuild, replace, and summarise what changed
    STALE = "stale"
    #: the name is taken by something parity did not create (or by another spec's environment):
    #: refuse, never replace it
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Observed:
    """One environment as a driver found it (by labels or the Vagrant machine's id)."""

    target: str
    name: str
    running: bool
    #: the spec hash the environment reflects: its label, or the spec an in-place update brought
    #: it to (:mod:`parity.up.applied`); None when it carries none or an update is incomplete
    spec_sha256: str | None
    url: str | None = None
    started_at: datetime | None = None
    #: container id (docker, or the container Vagrant's docker provider made)
    ident: str | None = None
    image: str | None = None
    #: False when the name belongs to something parity did not create for this spec
    managed: bool = True
    #: docker's state word (running, exited, created, ...) or Vagrant's
    state: str | None = None
    #: the docker target's network mode (host, none), None where it does not apply
    network: str | None = None
    #: the spec hash the image was built from (the label), when in-place updates changed it since
    built_sha256: str | None = None
    #: how many in-place updates the environment had since its clean build
    in_place: int = 0
    #: an in-place update started and did not finish (interrupted, or a step failed)
    incomplete: bool = False

    def uptime(self, now: datetime | None = None) -> float | None:
        """Seconds since the environment started, when it runs."""
        if not self.running or self.started_at is None:
            return None
        now = now or datetime.now(UTC)
        return max(0.0, (now - self.started_at).total_seconds())


def decide(spec_sha256: str, observed: Observed | None, *, force: bool = False) -> Decision:
    """Choose the action for ``up``.

    ``force`` treats an environment built from the current spec as stale, so ``up --force``
    rebuilds and recreates it (e.g. to pick up rotated secrets, which are not part of the hash).
    """
    if observed is None:
        return Decision.ABSENT
    if not observed.managed:
        return Decision.CONFLICT
    if observed.spec_sha256 != spec_sha256 or force:
        return Decision.STALE
    return Decision.UP_TO_DATE if observed.running else Decision.STOPPED


def freshness(spec_sha256: str, observed: Observed | None) -> str | None:
    """What ``status`` says of an environment: ``up to date`` or ``stale``, with ``, changed in
    place`` when in-place updates changed it since its clean build; ``incomplete`` when one was
    interrupted (the next ``up`` rebuilds it). None when nothing exists."""
    if observed is None or not observed.managed:
        return None
    if observed.incomplete:
        return "incomplete"
    word = "up to date" if observed.spec_sha256 == spec_sha256 else "stale"
    return f"{word}, changed in place" if observed.in_place else word


def format_uptime(seconds: float | None) -> str:
    """Human uptime: ``42s``, ``5m 3s``, ``2h 10m``, ``3d 4h``; ``-`` when not running."""
    if seconds is None:
        return "-"
    s = int(seconds)
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"
