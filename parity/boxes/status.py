"""What ``parity status`` says of boxes: which box version an environment runs, and whether the
spec changed since that version was built.

A docker box's Vagrantfile labels the container Vagrant creates with the box's name and
version (:data:`parity.labels.BOX`, :data:`parity.labels.BOX_VERSION`); the image it builds
carries the hash of the spec the box was built from (the Dockerfile's
``org.parity.spec-sha256``), which the container inherits. Those labels alone answer "is my box
outdated relative to the spec". A catalog (``parity status --catalog boxes/shop.json``) adds
the newest version and which version, if any, was built from the spec as it is now, so status
can say "run `vagrant box update`" or "build the next box".

Reading and judging stay apart: :func:`observe` asks Docker (read-only); :func:`box_rows` and
:func:`catalog_summary` are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity import labels
from parity.boxes import catalog as cat
from parity.boxes.version import GemVersion
from parity.spec import Spec

TARGET = "box"


@dataclass(frozen=True)
class BoxSeen:
    """A container a docker box's Vagrantfile created, as Docker reports it."""

    name: str
    box: str
    version: str
    spec_sha256: str | None
    state: str
    started_at: datetime | None = None


def observe(spec: Spec) -> list[BoxSeen]:
    """Containers of the box named after ``spec`` (all states), sorted by name.

    Raises :class:`~parity.errors.EnvironmentError_` when Docker does not answer."""
    from parity.boxes.plans import box_name
    from parity.up.dockerclient import connect, parse_docker_time

    client = connect(timeout=30)
    try:
        found = client.containers.list(all=True, filters={"label": [
            f"{labels.BOX}={box_name(spec)}"]})
        seen = [BoxSeen(name=c.name, box=c.labels.get(labels.BOX, ""),
                        version=c.labels.get(labels.BOX_VERSION, "?"),
                        spec_sha256=c.labels.get(labels.SPEC_SHA256), state=c.status,
                        started_at=parse_docker_time(c.attrs.get("State", {}).get("StartedAt"))
                        if c.status == "running" else None)
                for c in found]
    finally:
        client.close()
    return sorted(seen, key=lambda s: s.name)


def newest(catalog: dict[str, Any] | None) -> str | None:
    listed = cat.versions(catalog) if catalog else []
    return listed[-1] if listed else None


def box_rows(spec: Spec, seen: list[BoxSeen], catalog: dict[str, Any] | None = None,
             now: datetime | None = None) -> list[dict[str, Any]]:
    """One ``status`` row per box environment, in the shape of the ``up`` targets' rows, plus
    ``box_version``, ``box_newest`` and a ``note`` saying what to do when it is outdated."""
    from parity.up.decision import format_uptime

    latest = newest(catalog)
    rows = []
    for s in seen:
        current = s.spec_sha256 == spec.sha256
        freshness = f"{'up to date' if current else 'stale'} (box {s.version})"
        notes = []
        if not current:
            built = (s.spec_sha256 or "unknown")[:12]
            notes.append(f"the spec changed since box {s.version} was built (from spec {built}, "
                         f"now {spec.sha256[:12]})")
        outdated = latest is not None and _newer(latest, s.version)
        if outdated:
            freshness += f", {latest} in catalog"
            notes.append(f"box {latest} is in the catalog: `vagrant box update`, then "
                         "`vagrant destroy -f && vagrant up` in the project")
        elif not current and catalog is not None:
            notes.append("no box in the catalog is built from it yet: `parity build-box` "
                         "makes the next version")
        running = s.state == "running"
        uptime = ((now or datetime.now(UTC)) - s.started_at).total_seconds() \
            if running and s.started_at else None
        rows.append({
            "target": TARGET, "name": s.name, "exists": True, "running": running,
            "state": s.state, "freshness": freshness, "spec_sha256": s.spec_sha256,
            "current_sha256": spec.sha256, "box": s.box, "box_version": s.version,
            "box_newest": latest, "box_outdated": outdated,
            "url": f"docker://{s.name}" if running else None,
            "uptime_seconds": round(uptime, 1) if uptime is not None else None,
            "uptime": format_uptime(uptime), "error": None,
            "note": "; ".join(notes) or None,
        })
    return rows


def _newer(a: str, b: str) -> bool:
    try:
        return GemVersion(a) > GemVersion(b)
    except ValueError:
        return False


def catalog_summary(spec: Spec, path: Path, catalog: dict[str, Any]) -> dict[str, Any]:
    """What the catalog says of the spec as it is now: the newest version, and the version built
    from this spec (None: the spec changed since the newest box was built)."""
    latest = newest(catalog)
    entry = cat.find(catalog, latest) if latest else None
    return {"path": str(path), "newest": latest,
            "newest_spec_sha256": cat.spec_sha256(entry) if entry else None,
            "spec_version": cat.version_of_spec(catalog, spec.sha256)}


def catalog_line(summary: dict[str, Any]) -> str:
    where, latest, built = summary["path"], summary["newest"], summary["spec_version"]
    if latest is None:
        return f"catalog {where}: no box yet (`parity build-box` makes one)"
    if built is None:
        return (f"catalog {where}: newest box {latest}; the spec changed since it was built "
                "(`parity build-box` makes the next version)")
    if built != latest:
        return (f"catalog {where}: newest box {latest}; the spec as it is now was built as "
                f"{built}, an older version")
    return f"catalog {where}: newest box {latest}, built from the spec as it is now"


def box_status(spec: Spec, catalog_path: Path | None, *, docker_ok: bool = True,
               ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """``status``'s box rows and catalog summary. Docker is asked only when ``docker_ok`` (the
    docker target's row already reports a daemon that does not answer)."""
    from parity.boxes.plans import box_name
    from parity.errors import ParityError, UsageError

    catalog = summary = None
    if catalog_path is not None:
        if not catalog_path.is_file():
            raise UsageError(f"--catalog {catalog_path}: no such file",
                             hint="Give the catalog build-box wrote: DIR/<name>.json.")
        catalog = cat.load_catalog(catalog_path, box_name(spec))
        summary = catalog_summary(spec, catalog_path, catalog)
    seen: list[BoxSeen] = []
    if docker_ok:
        try:
            seen = observe(spec)
        except ParityError:
            seen = []
    return box_rows(spec, seen, catalog), summary
