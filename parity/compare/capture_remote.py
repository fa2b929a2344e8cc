"""The host side of file capture: two round trips, each ONE command through the transport.

The scripts are rendered from ``templates/capture/`` and framed exactly like a collection
(:mod:`parity.facts.script`: the same preamble, random-token section markers, the same
host-side deadline wrapper and the same splitter), and run by :func:`parity.facts.transport.run`
with the collection's deadline and output bound. The pure rules live in
:mod:`parity.compare.capture_files`.
"""

from __future__ import annotations

import contextlib
import secrets
import shlex
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from parity.compare.capture_files import (
    DEFAULT_MAX_FILE,
    CapturedFiles,
    Fetched,
    build_entries,
    parse_content,
    parse_discovery,
    select,
    verified,
)
from parity.errors import HostError
from parity.facts.hosts import HostTarget
from parity.facts.request import CollectRequest
from parity.facts.script import Script, ScriptOutputError, split_output

#: one command line's limit (as :mod:`parity.facts.collection`): the fetch splits its paths into
#: as many round trips as it takes to stay under it
_MAX_SCRIPT = 120_000
#: hosts whose /etc no package database records, and where it comes from (the header says so)
_GENERATED_ETC = {"smartos": "a SmartOS zone's /etc comes with its image",
                  "nixos": "NixOS generates /etc from its system configuration (/etc/static)"}
#: fields that make a path "the same as in the base image"
_SAME = ("type", "mode", "owner", "group", "sha256", "target")


def _script(template: str, **values: Any) -> Script:
    """A capture script from ``templates/capture/``, framed as a collection script."""
    from parity.facts.script import preamble
    from parity.templating import make_environment

    token = secrets.token_hex(12)
    env = make_environment("capture", {"sh": shlex.quote})
    text = env.get_template(template).render(
        preamble=preamble(f"@@parity-{token}@@"), **values)
    return Script(text=text, token=token, request=CollectRequest(kinds=()))


def _run(target: HostTarget, script: Script, timeout: float, max_output: int) -> dict[str, str]:
    """Run ``script`` once on ``target``; its sections' text, or a HostError naming the host."""
    from parity.facts import transport

    command = script.command(deadline=max(1, int(timeout) - 1))
    if len(command) > _MAX_SCRIPT:  # the fetch splits first; a guard, not a path taken
        raise HostError(f"{target.name}: a capture script of {len(command)} bytes is over the "
                        f"{_MAX_SCRIPT}-byte limit of one command line")
    try:
        out = transport.run(target.backend(), command, timeout, max_output)
    except transport.TransportTimeout:
        raise HostError(f"{target.name}: capturing files timed out after {timeout:g}s",
                        hint="Raise --timeout, or capture fewer --path folders.") from None
    except transport.OutputTooLarge as exc:
        raise HostError(f"{target.name}: capturing files: {exc}",
                        hint="Raise PARITY_MAX_OUTPUT (docs/facts.md, Limits).") from None
    except transport.TransportFailure as exc:
        raise HostError(f"{target.name}: {exc}") from None
    try:
        return split_output(script, out.stdout.decode("utf-8", "replace")).text
    except ScriptOutputError as exc:
        raise HostError(f"{target.name}: capturing files: unusable output ({exc}; exit "
                        f"status {out.rc})") from None


def discover(target: HostTarget, roots: Sequence[str], timeout: float,
             max_output: int) -> Any:
    """Round trip 1: a :class:`~parity.compare.capture_files.Discovery` of ``roots``."""
    from parity.compare.capture_files import DEFAULT_ROOTS

    sections = _run(target, _script("discover.sh.j2", roots=list(roots),
                                    image_roots=list(DEFAULT_ROOTS)), timeout, max_output)
    return parse_discovery(sections, roots)


def _batches(paths: list[str], content: set[str]) -> list[list[str]]:
    """``paths`` cut so that each fetch script stays well under one command line's limit."""
    out: list[list[str]] = [[]]
    size = 0
    for path in paths:
        cost = (len(shlex.quote(path)) + 1) * (2 if path in content else 1)
        if out[-1] and size + cost > _MAX_SCRIPT // 3:
            out.append([])
            size = 0
        out[-1].append(path)
        size += cost
    return out


def fetch(target: HostTarget, paths: list[str], content: set[str], timeout: float,
          max_output: int, max_file: int = DEFAULT_MAX_FILE,
          unread: set[str] | frozenset[str] = frozenset()) -> Fetched:
    """Round trip 2 (one per batch of about a thousand paths): the files collector's facts
    for ``paths`` and the bytes of ``content`` (world-readable regular files only); the
    paths of ``unread`` are not hashed either (the collector's secret paths)."""
    from parity.facts.collectors import get_collector

    files = get_collector("files")
    got = Fetched()
    for batch in _batches(paths, content):
        if not batch:
            continue
        request = CollectRequest(paths=tuple(batch), kinds=("files",),
                                 secret_paths=frozenset(p for p in batch if p in unread))
        wanted = [p for p in batch if p in content]
        script = _script("fetch.sh.j2", files_snippet=files.snippet(request).rstrip(),
                         content=wanted, limit=max_file)
        sections = _run(target, script, timeout, max_output)
        facts = files.parse(sections["files"], request, [])
        got.facts.update(facts)
        got.content.update(verified(parse_content(sections.get("content", ""), wanted), facts))
    return got


def base_file_facts(image: str, paths: Sequence[str], timeout: float) -> dict[str, Any] | None:
    """The files collector's facts for ``paths`` in the local Docker image ``image``, or
    ``None`` when there is no such image (it is never pulled).

    An image never changes under its id, so what it holds at a path is cached per image id
    (beside the base system's cache) and a path is probed once: the probe is a
    ``--network none`` container, always removed, started only for paths not cached yet.
    """
    import json

    from parity.compare.base_system import cache_dir

    if not paths:
        return {}
    try:
        import docker

        client = docker.from_env(timeout=int(timeout))
        image_id = client.images.get(image).id
    except Exception:  # no SDK, no daemon, no image: only the exclusion list applies
        return None
    cache = cache_dir() / f"files-{image_id.replace(':', '-')}.json"
    try:
        known: dict[str, Any] = json.loads(cache.read_text())
    except (OSError, ValueError):
        known = {}
    missing = [p for p in paths if p not in known]
    if missing:
        probed = _probe_files(client, image, missing, timeout)
        if probed is None:
            return None
        known.update(probed)
        from parity.fsutil import atomic_write

        with contextlib.suppress(OSError):  # a cache only
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cache, json.dumps(known, sort_keys=True))
    return {p: known[p] for p in paths if p in known}


def _probe_files(client: Any, image: str, paths: list[str],
                 timeout: float) -> dict[str, Any] | None:
    import uuid

    from parity.facts import collect
    from parity.labels import MANAGED

    name = f"parity-base-probe-{uuid.uuid4().hex[:12]}"
    container = client.containers.run(image, ["sleep", "3600"], detach=True, name=name,
                                      network_mode="none", entrypoint=[],
                                      labels={MANAGED: "base-probe"})
    try:
        facts = collect(f"docker://{name}", CollectRequest(paths=tuple(paths), kinds=("files",)),
                        timeout)
        return dict(facts.files)
    except Exception:
        return None
    finally:
        container.remove(force=True)


def capture_files(target: HostTarget, roots: Sequence[str], *,
                  base_image: str | Callable[[], str] = "", timeout: float = 60.0,
                  max_output: int | None = None,
                  max_file: int = DEFAULT_MAX_FILE) -> CapturedFiles:
    """The files that make ``target`` differ from its packages (and from ``base_image``:
    a name, or a function that returns it once known, so that the host's facts, which name
    its base, can be collected while its files are)."""
    from parity.facts import transport

    limit = max_output if max_output is not None else transport.max_output_from_env()
    found = discover(target, roots, timeout, limit)
    if found.manager in _GENERATED_ETC:  # the script read the roots asked for only (see there)
        from parity.compare.capture_files import DEFAULT_ROOTS

        roots = [r for r in roots if r not in DEFAULT_ROOTS]
    # base64 takes 4 bytes per 3; half the output bound leaves room for the metadata
    selection = select(found, roots, max_file=max_file, max_total=limit * 3 // 8)
    paths = [c.entry.path for c in selection.candidates]
    content = {c.entry.path for c in selection.candidates
               if c.entry.kind == "f" and c.entry.mode & 0o004}
    # not world-readable: a secret, whose bytes are never read, not even to hash them
    unread = {c.entry.path for c in selection.candidates
              if c.entry.kind == "f" and not c.entry.mode & 0o004}
    unowned = [c.entry.path for c in selection.candidates if c.why.startswith("no package")]
    # the base image's probe (a container start) runs while the host sends its files
    image = base_image if isinstance(base_image, str) else ""

    def probe() -> dict[str, Any] | None:
        nonlocal image
        image = image or (base_image() if callable(base_image) else "")
        return base_file_facts(image, unowned, timeout) if image else None

    with ThreadPoolExecutor(max_workers=1) as pool:
        probed = pool.submit(probe)
        fetched = fetch(target, paths, content, timeout, limit, max_file, unread=unread)
        base = probed.result()

    def same_as_base(path: str, facts: dict[str, Any]) -> bool:
        theirs = (base or {}).get(path)
        return bool(theirs) and all(theirs.get(k) == facts.get(k) for k in _SAME)

    out = build_entries(selection, fetched, max_file=max_file,
                        same_as_base=same_as_base if base is not None else None)
    if found.manager in _GENERATED_ETC:
        out.notes.append(f"Files: {_GENERATED_ETC[found.manager]}, which no package database "
                         "records, so it is not captured; "
                         + (f"roots {', '.join(roots)}, every path under them." if roots else
                            "give --path DIR for folders of your own."))
    else:
        out.notes.append(f"Files: {found.manager} records what packages shipped; roots "
                         f"{', '.join(roots)}." if found.manager != "none" else
                         f"Files: no package manager found; every path under "
                         f"{', '.join(roots)} is captured.")
    if base is None and image:
        out.notes.append(f"The base image {image} is not available here, so files it "
                         "brings itself may be captured too.")
    out.left_out += [f"(discovery) {w}" for w in found.warnings[:20]]
    return out
