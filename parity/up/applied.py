"""The record an in-place update leaves inside the environment, so the environment says itself
which spec it reflects.

A container's labels are fixed when it is created, so after an in-place update the spec-hash
label names the spec the image was *built* from, no longer the one the environment reflects. The
record (``/var/lib/parity/in-place.json`` in the container) says which spec that is, that it was
changed in place since the last clean build, and how. It is written twice per update: ``applying``
before the first command runs and ``applied`` after the last, so an update that was interrupted
(Ctrl-C, a failing step, a killed client) stays visible as ``incomplete`` to ``status``, and the
next ``up`` rebuilds the environment instead of trusting it. A rebuild makes a new container,
which starts without a record: a clean build.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

PATH = "/var/lib/parity/in-place.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PHASE = re.compile(r"[a-z][a-z-]{0,30}")
_STAMP = re.compile(r"[0-9T:+-]{10,32}")
VERSION = 1
APPLYING = "applying"
APPLIED = "applied"


@dataclass(frozen=True)
class Change:
    """One in-place update."""

    at: str
    #: the spec hash the environment reflected before, and the one it was updated to
    before: str
    after: str
    phases: list[str]
    restarted: bool


@dataclass(frozen=True)
class Record:
    #: the spec hash the image was built from (the container's label)
    built: str
    #: the spec hash the environment reflects when ``state`` is ``applied``
    spec_sha256: str
    state: str
    changes: list[Change] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.state == APPLIED

    def to_json(self) -> bytes:
        doc = {"version": VERSION, **asdict(self)}
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()

    def begin(self, target: str, phases: list[str]) -> Record:
        """The record written before an update to ``target`` starts."""
        change = Change(now(), self.spec_sha256, target, phases, False)
        return Record(self.built, self.spec_sha256, APPLYING, [*self.changes, change])

    def finish(self, restarted: bool) -> Record:
        last = self.changes[-1]
        done = Change(last.at, last.before, last.after, last.phases, restarted)
        return Record(self.built, last.after, APPLIED, [*self.changes[:-1], done])


def fresh(built: str) -> Record:
    """The record of a container as a clean build left it (never written as such)."""
    return Record(built, built, APPLIED)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse(data: bytes) -> Record | None:
    """The record from the file's bytes; None when it is not one (written by someone else, or
    by a newer parity): the caller then treats the environment as incomplete, never as fine.

    The file lives in the environment, where anything may write it, and its hashes reach the
    terminal (``up``'s summary, ``status``): every field must have the shape parity writes.
    """
    try:
        doc: Any = json.loads(data)
        changes = [Change(**c) for c in doc["changes"]]
        record = Record(doc["built"], doc["spec_sha256"], doc["state"], changes)
    except (ValueError, KeyError, TypeError):
        return None
    hashes = [record.built, record.spec_sha256, *(h for c in changes for h in (c.before,
                                                                              c.after))]
    if (doc.get("version") != VERSION or record.state not in (APPLYING, APPLIED)
            or not all(isinstance(h, str) and _SHA256.fullmatch(h) for h in hashes)
            or not all(isinstance(c.at, str) and _STAMP.fullmatch(c.at)
                       and isinstance(c.restarted, bool) and isinstance(c.phases, list)
                       and all(isinstance(p, str) and _PHASE.fullmatch(p) for p in c.phases)
                       for c in changes)):
        return None
    return record
