"""What the base image already brings, so ``--strict`` reports only what someone added.

``--strict`` flags packages, users, groups and ports present on a host but declared nowhere.
A Debian host carries some hundred packages and a dozen accounts nobody declares, so "declared
nowhere" has to exclude the base system. How parity knows the base system, in order:

1. ``--base-facts FILE``: a snapshot (``parity snapshot``) of a pristine host or container of the
   spec's ``base:``; the most faithful choice for hosts that did not start from a Docker image.
2. The spec's base image (``debian:12``) when it exists in the local Docker Engine: parity runs
   it once with ``--network none``, collects its facts (with the sysctl values ``capture``
   compares, :mod:`parity.compare.capture_sysctl`), removes the container, and caches the
   result under ``~/.cache/parity/base/<image id>.v2.json`` (the image id keys the cache, so an
   updated image is collected again). The image is never pulled.
3. Nothing: then only the always-on rules below apply, and the check warns that unexpected
   packages may include the base system.

Always-on rules, independent of the source: system accounts (uid/gid below 1000, and
``nobody``/``nogroup`` 65534) are created by packages, not by people, and are never unexpected;
packages the package manager marks as automatically installed (``auto: true`` in the facts) are
dependencies, and are never unexpected either (someone chose the package that pulled them in, and
that one is reported).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from parity.facts.model import Facts

#: uids/gids below this are system accounts (Debian, Fedora and Alpine all use 1000)
FIRST_REGULAR_ID = 1000
NOBODY_ID = 65534
#: in the cache file's name: bumped when the probe collects more (2: sysctl values, for capture),
#: so a cache file from an older probe is probed again rather than read as "no such values"
CACHE_VERSION = 2


@dataclass(frozen=True)
class BaseSystem:
    """Names per kind that the base system brings; ``source`` says where they came from.

    One field per fact kind whose names ``--strict`` (or ``capture``) measures against the base
    (:data:`parity.facts.kinds.STRICT_KINDS` plus services); each is named as the kind.
    ``sysctl`` holds values, not names: ``capture`` keeps a host's kernel settings that differ
    from the base system's (:mod:`parity.compare.capture_sysctl`).
    """

    source: str
    packages: frozenset[str] = field(default_factory=frozenset)
    users: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)
    ports: frozenset[str] = field(default_factory=frozenset)
    services: frozenset[str] = field(default_factory=frozenset)
    sysctl: Mapping[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def from_facts(cls, facts: Facts, source: str) -> BaseSystem:
        kinds = [f.name for f in fields(cls) if f.name not in ("source", "sysctl")]
        return cls(source, **{k: frozenset(facts.kind(k)) for k in kinds},
                   sysctl=dict(facts.sysctl))

    @classmethod
    def empty(cls) -> BaseSystem:
        return cls(source="none")

    @property
    def known(self) -> bool:
        return self.source != "none"

    def names(self, kind: str) -> frozenset[str]:
        return getattr(self, kind, frozenset())  # type: ignore[no-any-return]


#: illumos' (SmartOS) nobody and noaccess accounts: the platform's, like Linux's 65534
ILLUMOS_SYSTEM_IDS = frozenset({60001, 60002})


def is_system_id(value: Any) -> bool:
    """System uid/gid: below 1000, nobody/nogroup (65534), or illumos' nobody/noaccess."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return False
    return n < FIRST_REGULAR_ID or n == NOBODY_ID or n in ILLUMOS_SYSTEM_IDS


def cache_dir() -> Path:
    import os

    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "parity" / "base"


def load_base_facts(path: Path) -> BaseSystem:
    """Read a base-system snapshot given with ``--base-facts``; errors name the file."""
    from parity.errors import UsageError

    try:
        facts = Facts.load(path)
    except FileNotFoundError:
        raise UsageError(
            f"{path}: base facts file not found",
            hint="Create one with `parity snapshot docker://CONTAINER -o FILE`.",
        ) from None
    except (ValueError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a parity facts snapshot: {exc}") from None
    return BaseSystem.from_facts(facts, source=str(path))


def from_docker_image(image: str, timeout: float = 60.0) -> BaseSystem | None:
    """The base system of a local Docker image, collected once and cached by image id.

    Returns ``None`` when Docker is not reachable or the image is not present locally (it is never
    pulled: checking a host must not download anything). The probe container runs with
    ``--network none`` and is always removed.
    """
    try:
        import docker
        import docker.errors

        client = docker.from_env(timeout=int(timeout))
        image_id = client.images.get(image).id
    except Exception:  # no SDK, no daemon, no image: the base system is simply unknown
        return None
    cached = cache_dir() / f"{image_id.replace(':', '-')}.v{CACHE_VERSION}.json"
    source = f"docker image {image} ({image_id[:19]})"
    if cached.is_file():
        try:
            return BaseSystem.from_facts(Facts.load(cached), source)
        except (ValueError, OSError):
            cached.unlink(missing_ok=True)
    facts = _probe(client, image, timeout)
    if facts is None:
        return None
    facts.save(cached)
    return BaseSystem.from_facts(facts, source)


def _probe(client: object, image: str, timeout: float) -> Facts | None:
    import uuid

    from parity.compare.capture_sysctl import capture_request
    from parity.facts import collect
    from parity.labels import MANAGED

    name = f"parity-base-probe-{uuid.uuid4().hex[:12]}"
    container = client.containers.run(  # type: ignore[attr-defined]
        image, ["sleep", "3600"], detach=True, name=name, network_mode="none",
        entrypoint=[], labels={MANAGED: "base-probe"},
    )
    try:
        return collect(  # type: ignore[no-any-return]
            f"docker://{name}", capture_request(), timeout)
    except Exception:
        return None
    finally:
        container.remove(force=True)


def resolve_base_system(base_image: str | None, base_facts: Path | None = None,
                        use_docker: bool = True, timeout: float = 60.0) -> BaseSystem:
    """The base system by the documented order: ``--base-facts``, the Docker image, nothing
    (a SmartOS base has no Docker image: only ``--base-facts`` can describe it)."""
    if base_facts is not None:
        return load_base_facts(base_facts)
    if use_docker and base_image:
        found = from_docker_image(base_image, timeout)
        if found is not None:
            return found
    return BaseSystem.empty()
