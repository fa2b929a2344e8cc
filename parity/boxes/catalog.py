"""The box catalog: the JSON document ``vagrant box add URL`` reads to find, version and update
a box (Vagrant calls it box metadata; Vagrant Cloud serves the same shape).

::

    {"name": "shop", "description": "...",
     "versions": [{"version": "1.0.0",
                   "parity": {"spec_sha256": "...", "parity_version": "..."},
                   "providers": [{"name": "docker", "url": "file:///.../shop-1.0.0-docker.box",
                                  "checksum_type": "sha256", "checksum": "..."}]}]}

Vagrant reads ``name``, ``description``, ``versions[].version`` and ``providers[]`` (name, url,
checksum_type, checksum) and ignores every other key (``Vagrant::BoxMetadata``; checked with a
real ``vagrant box add`` in tests/boxes), so each version also records the sha256 of the spec it
was built from: ``parity build-box`` uses it to tell a rebuild from a new build, and a developer
can see whether the newest box still matches the spec.

Rules: versions accumulate across builds; a version+provider already listed may only be
"rebuilt" with identical bytes (a no-op) unless ``force``, because Vagrant never downloads a
version it already has: replacing a published box's content would leave every developer who
added it on the old bytes under the same version. The file is written atomically, and
read-modify-write runs under an ``flock`` so two builds into one folder do not lose a version.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parity import __version__
from parity.boxes.version import GemVersion
from parity.errors import UsageError
from parity.fsutil import atomic_write, write_error

CHECKSUM_TYPE = "sha256"


@dataclass(frozen=True)
class BoxEntry:
    """One provider's box of one version, as it goes into the catalog."""

    version: str
    provider: str
    url: str
    checksum: str
    spec_sha256: str


def catalog_path(out_dir: Path, name: str) -> Path:
    """``DIR/<name>.json``: one catalog per box name (a box name may hold ``/``: ``acme/shop``
    is stored as ``acme-shop.json``)."""
    return Path(out_dir) / f"{name.replace('/', '-')}.json"


def new_catalog(name: str, description: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if description:
        out["description"] = description
    out["versions"] = []
    return out


def load_catalog(path: Path, name: str, description: str | None = None) -> dict[str, Any]:
    """The catalog at ``path``, or a new empty one when there is no file yet.

    A file that is not a catalog, or the catalog of another box, is refused rather than
    overwritten: it may be someone's published catalog."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return new_catalog(name, description)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the box catalog {path}: {exc}",
                         hint="Fix the file's permissions, or choose another -o folder.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: the box catalog is not valid JSON "
                         f"({exc.msg})",
                         hint="Restore it from version control, or move it away to start a new "
                              "catalog (every version it listed is then forgotten).") from None
    problem = _shape_problem(data)
    if problem:
        raise UsageError(f"{path} is not a Vagrant box catalog: {problem}",
                         hint="Choose another -o folder, or move the file away.")
    if data["name"] != name:
        raise UsageError(f"{path} is the catalog of box {data['name']!r}, not {name!r}",
                         hint="Choose another -o folder for this spec's boxes.")
    if description and data.get("description") != description:
        data["description"] = description
    return data  # type: ignore[no-any-return]


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "its top level is not an object"
    if not isinstance(data.get("name"), str):
        return "it has no \"name\""
    versions = data.get("versions", [])
    if not isinstance(versions, list):
        return "\"versions\" is not a list"
    for i, v in enumerate(versions):
        if not isinstance(v, dict) or not isinstance(v.get("version"), str):
            return f"versions[{i}] has no \"version\""
        try:
            GemVersion(v["version"])
        except ValueError:
            return f"versions[{i}].version {v['version']!r} is not a version Vagrant reads"
        if not isinstance(v.get("providers", []), list):
            return f"versions[{i}].providers is not a list"
    data.setdefault("versions", versions)
    return None


def versions(catalog: dict[str, Any]) -> list[str]:
    """Every version listed, oldest first (Gem ordering)."""
    return sorted((v["version"] for v in catalog["versions"]), key=GemVersion)


def spec_sha256(entry: dict[str, Any]) -> str | None:
    meta = entry.get("parity")
    return meta.get("spec_sha256") if isinstance(meta, dict) else None


def version_of_spec(catalog: dict[str, Any], sha: str) -> str | None:
    """The newest version built from the spec with hash ``sha``, if any."""
    built = [v["version"] for v in catalog["versions"] if spec_sha256(v) == sha]
    return max(built, key=GemVersion) if built else None


def find(catalog: dict[str, Any], version: str) -> dict[str, Any] | None:
    """The entry of ``version`` (Gem-equal: ``1.0`` finds ``1.0.0``)."""
    wanted = GemVersion(version)
    return next((v for v in catalog["versions"] if GemVersion(v["version"]) == wanted), None)


def add(catalog: dict[str, Any], box: BoxEntry, *, force: bool = False,
        where: Path | None = None) -> str:
    """Record ``box`` in ``catalog`` (in place); return ``"added"``, ``"unchanged"`` (the same
    bytes are listed already) or ``"replaced"`` (``force``).

    Refuses, without ``force``, a version whose provider is listed with other bytes, and a
    version built from another spec: either would give two different boxes one version."""
    label = f"{where}: " if where else ""
    entry = find(catalog, box.version)
    if entry is None:
        catalog["versions"].append({
            "version": box.version,
            "parity": {"spec_sha256": box.spec_sha256, "parity_version": __version__},
            "providers": [_provider(box)],
        })
        catalog["versions"].sort(key=lambda v: GemVersion(v["version"]))
        return "added"
    providers = entry.setdefault("providers", [])
    listed = next((p for p in providers if isinstance(p, dict) and p.get("name") == box.provider),
                  None)
    other_spec = spec_sha256(entry) not in (None, box.spec_sha256)
    if not other_spec and listed is None:
        providers.append(_provider(box))  # another provider of the same spec's version
        providers.sort(key=lambda p: str(p.get("name")))
        return "added"
    if not other_spec and listed is not None and listed.get("checksum") == box.checksum:
        listed.update(_provider(box))  # the same bytes: only the url may move
        return "unchanged"
    if not force:
        what = (f"was built from another spec (sha256 {spec_sha256(entry)})" if other_spec
                else f"lists a {box.provider} box with other content "
                     f"(sha256 {listed.get('checksum') if listed else None})")
        raise UsageError(
            f"{label}version {entry['version']} {what}; this build (spec sha256 "
            f"{box.spec_sha256[:12]}…) would give one version two different boxes",
            hint=f"Give a new --version (the next is {_next(catalog)}), or --force to replace "
                 "it (developers who already added it keep the old box: Vagrant never "
                 "downloads a version it has).")
    entry["parity"] = {"spec_sha256": box.spec_sha256, "parity_version": __version__}
    if listed is not None:
        providers.remove(listed)
    if other_spec:
        # the other providers' boxes were built from the old spec: they no longer match
        providers.clear()
    providers.append(_provider(box))
    providers.sort(key=lambda p: str(p.get("name")))
    return "replaced"


def _next(catalog: dict[str, Any]) -> str:
    from parity.boxes.version import next_version

    return next_version(versions(catalog))


def _provider(box: BoxEntry) -> dict[str, str]:
    return {"name": box.provider, "url": box.url, "checksum_type": CHECKSUM_TYPE,
            "checksum": box.checksum}


def dump(catalog: dict[str, Any]) -> str:
    return json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"


def write_catalog(path: Path, catalog: dict[str, Any]) -> None:
    """Replace the catalog in one step (temp file and rename): readers see the old or the new
    document, never half of one."""
    atomic_write(path, dump(catalog))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<catalog>.lock`` while reading and writing the catalog
    (the kernel drops it if the process dies)."""
    lock = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise write_error(exc, lock, hint="Choose an -o folder you can write to.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
