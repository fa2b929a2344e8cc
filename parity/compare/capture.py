"""Capture: write a spec from a live host, so a team can start from production as it is.

What a host's facts can say for sure goes in; what they cannot is left for a person:

* ``base``: the host's distro and release (must be one parity knows).
* ``packages``: everything installed that the base system does not bring and the package manager
  did not pull in automatically, pinned ``=version`` (or ``"*"`` with ``pin=False``).
* ``users``: regular accounts (uid >= 1000, not ``nobody``) with uid, home, shell and their
  supplementary groups; ``groups``: regular groups that are not a captured user's own group
  (``useradd`` creates those).
* ``services``: services the base system does not have that run or are enabled (an installed
  but stopped, disabled init script such as ``procps`` says nothing about the host's purpose);
  on SmartOS only pkgsrc's and the site's SMF services (the others come with the zone's image).
* ``ports``: listening ports the base system does not open.
* ``sysctl``: namespaced kernel settings that differ from the base system's
  (:mod:`parity.compare.capture_sysctl`).
* ``files`` (:mod:`parity.compare.capture_files`, live hosts written to a folder only): what
  makes the host differ from its packages: configuration files whose content differs from what
  the package shipped, paths under ``/etc`` (and ``--path`` folders) that no package owns, minus
  an exclusion list of generated per-host and tool-managed paths, and minus what the base image
  has exactly so. Contents go beside the spec (``files/etc/...``); secrets (a file not readable
  by everyone, or content that looks like a credential) become ``secret: true`` entries and
  their content is never written.

A host may hold names a spec cannot (Debian's ``useradd`` accepts ``a$b``; a package database
can hold anything). Like goss and InSpec, capture still writes what can be declared: each item
the spec's own validation refuses is left out (a package whose version cannot be pinned is kept
unpinned, ``"*"``), named in a comment at the top of the spec and in a warning, so the captured
spec always loads.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from parity.compare.base_system import FIRST_REGULAR_ID, BaseSystem, is_system_id
from parity.compare.capture_files import CapturedFiles
from parity.distros import DISTROS
from parity.errors import HostError, UsageError
from parity.facts.model import Facts
from parity.spec.model import SPEC_VERSION
from parity.textsafe import quoted, safe

_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def spec_name(host: str) -> str:
    """A valid spec ``name`` from a host URL: ``ssh://deploy@web-1:22`` -> ``web-1``."""
    text = host.split("://", 1)[-1].split("?", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip("/") or "captured"
    text = _NAME_RE.sub("-", text).strip("-._") or "captured"
    return text[:64]


@dataclass(frozen=True)
class Captured:
    """A captured spec as plain data, and what of the host it had to leave out."""

    doc: dict[str, Any]
    #: per item a spec cannot declare as the host has it: key path, why, and what capture did:
    #: ``users.a$b: 'a$b' is not allowed here: ...; left out``, ``users.bob: home: '/x\\ny' is
    #: not allowed here: ...; left out``, ``packages.x: '1 2' is not a version: ...; captured
    #: as "*" (any version)`` (raw host text: sanitise it to show it)
    left_out: list[str] = field(default_factory=list)


def capture_document(facts: Facts, base: BaseSystem, *, name: str | None = None,
                     pin: bool = True) -> dict[str, Any]:
    """The spec (as plain data) that describes ``facts`` beyond ``base``."""
    return capture(facts, base, name=name, pin=pin).doc


def capture(facts: Facts, base: BaseSystem, *, name: str | None = None,
            pin: bool = True) -> Captured:
    """What ``facts`` hold beyond ``base`` that a spec can declare, and what it cannot."""
    if name is not None:
        _check_name(name)
    return _holdable(_document(facts, base, name=name, pin=pin))


def _check_name(name: str) -> None:
    """``--name`` is the user's own input: a bad one is a usage error, not an item to drop."""
    from pydantic import TypeAdapter, ValidationError

    from parity.spec.model import HostName

    try:
        TypeAdapter(HostName).validate_python(name)
    except ValidationError:
        raise UsageError(f"--name {quoted(name)} is not a valid spec name",
                         hint="Names use letters, digits, _ . - and start with a letter or "
                              "digit (at most 64).") from None


#: sections whose items capture may leave out, keyed by name (or index, for ports)
_ITEM_SECTIONS = frozenset({"packages", "groups", "users", "services", "ports"})


def _holdable(doc: dict[str, Any]) -> Captured:
    """Drop each item the spec model refuses, by the model's own rules (one source of truth:
    a name is holdable exactly when ``parity validate`` would accept it)."""
    from pydantic import ValidationError

    from parity.spec.errors import explain
    from parity.spec.model import SpecModel

    left_out: list[str] = []
    for _ in range(len(_ITEM_SECTIONS) + 2):  # dropping can only remove problems
        try:
            SpecModel.model_validate(doc)
        except ValidationError as exc:
            problems = explain(exc, SpecModel)
        else:
            return Captured(doc, _in_spec_order(left_out))
        unpinned = [(loc, msg) for loc, msg in problems if _unpinnable(doc, loc)]
        for loc, message in unpinned:  # a name a spec can hold, a version it cannot pin
            doc["packages"][loc[1]] = "*"
            left_out.append(f"packages.{loc[1]}: {message}; captured as \"*\" (any version)")
        if unpinned:
            continue
        drops = {_item(loc) for loc, _ in problems}
        if None in drops:  # not an item: capture built something the model refuses, which
            break  # is parity's bug: write_captured_spec's check reports it
        for loc, message in problems:
            item = _item(loc) or loc
            inside = ".".join(map(str, loc[len(item):]))
            line = (".".join(map(str, item)) + ": " + (f"{inside}: " if inside else "")
                    + message + "; left out")
            if line not in left_out:
                left_out.append(line)
        for item in sorted(drops, key=_drop_order, reverse=True):  # type: ignore[arg-type]
            _drop(doc, item)  # type: ignore[arg-type]
    return Captured(doc, _in_spec_order(left_out))


def _in_spec_order(lines: list[str]) -> list[str]:
    """Section by section as a spec lists them (packages before users), then by name."""
    from parity.spec.model import SpecModel

    order = list(SpecModel.model_fields)
    return sorted(lines, key=lambda line: (order.index(line.split(".", 1)[0])
                                           if line.split(".", 1)[0] in order else len(order),
                                           line))


def _unpinnable(doc: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """A package whose name is fine but whose pin is not (a version ``1 2``): keep the package,
    unpinned, rather than leave it out."""
    from pydantic import TypeAdapter, ValidationError

    from parity.spec.model import PackageName

    if len(loc) != 2 or loc[0] != "packages" or doc["packages"].get(loc[1]) in (None, "*"):
        return False
    try:
        TypeAdapter(PackageName).validate_python(loc[1])
    except ValidationError:
        return False
    return True


def _item(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The smallest thing to leave out for a problem at ``loc``: one of a user's groups, or a
    whole package, user, group, service or port."""
    if len(loc) < 2 or loc[0] not in _ITEM_SECTIONS:
        return None
    if loc[0] == "users" and len(loc) >= 4 and loc[2] == "groups" and isinstance(loc[3], int):
        return loc[:4]
    return loc[:2]


def _drop_order(item: tuple[Any, ...]) -> tuple[Any, ...]:
    """Deepest first, and a list's higher indexes before its lower ones."""
    last = item[-1]
    return (len(item), tuple(map(str, item[:-1])), last if isinstance(last, int) else -1,
            str(last))


def _drop(doc: dict[str, Any], item: tuple[Any, ...]) -> None:
    """Remove ``item``; indexes are dropped highest first by the caller, so others stay put."""
    *parents, last = item
    node: Any = doc
    for part in parents:
        node = node[part]
    del node[last]
    if not node and len(parents) == 3:  # a user left with no groups: say nothing about them
        del doc[parents[0]][parents[1]][parents[2]]
    for section in _ITEM_SECTIONS:
        if section in doc and not doc[section]:
            del doc[section]


def _document(facts: Facts, base: BaseSystem, *, name: str | None,
              pin: bool) -> dict[str, Any]:
    """Everything the facts say beyond ``base``, before checking that a spec can hold it."""
    if not facts.os.get("distro"):
        raise HostError(f"{facts.host}: reports no distro (no /etc/os-release), so a spec's "
                        "base: cannot be chosen",
                        hint=f"Known bases: {', '.join(sorted(DISTROS))}.")
    base_key = f"{facts.os.get('distro')}:{facts.os.get('release')}"
    if base_key not in DISTROS:
        raise HostError(f"{facts.host}: runs {base_key}, which parity has no base for",
                        hint=f"Known bases: {', '.join(sorted(DISTROS))}.")
    doc: dict[str, Any] = {"parity": SPEC_VERSION, "name": name or spec_name(facts.host),
                           "base": base_key}
    packages = {
        n: (f"={p.get('version')}" if pin and p.get("version") else "*")
        for n, p in sorted(facts.packages.items())
        if n not in base.packages and not p.get("auto")
    }
    doc_users, groups = _accounts(facts, base)
    services = {n: {"running": bool(s.get("running")),
                    "enabled": bool(s["enabled"]) if s.get("enabled") is not None
                    else bool(s.get("running"))}
                for n, s in sorted(facts.services.items())
                if n not in base.services and (s.get("running") or s.get("enabled"))
                and _chosen_service(s)}
    ports: list[Any] = []
    for key, p in sorted(facts.ports.items(), key=lambda kv: (kv[1].get("protocol"),
                                                              kv[1].get("port"))):
        if key not in base.ports:
            ports.append(p["port"] if p.get("protocol") == "tcp" else f"{p['port']}/udp")
    for key, value in (("packages", packages), ("groups", groups), ("users", doc_users),
                       ("services", services), ("ports", ports),
                       ("sysctl", _sysctl(facts, base))):
        if value:
            doc[key] = value
    doc["targets"] = _targets()
    return doc


#: SMF services someone added to a SmartOS zone: pkgsrc packages' (``svc:/pkgsrc/nginx``) and
#: the site's own manifests; the rest (``svc:/system``, ``svc:/network``...) and legacy ``lrc:``
#: scripts come with the zone's image, which has no base system to subtract
_CHOSEN_FMRIS = ("svc:/pkgsrc/", "svc:/site/")


def _chosen_service(service: dict[str, Any]) -> bool:
    """Whether a running or enabled service is one to capture (always, without SMF)."""
    fmri = service.get("fmri")
    return fmri is None or str(fmri).startswith(_CHOSEN_FMRIS)


def _spec_order(root: Any) -> None:
    """Sections in the order the spec reference lists them (files before ports and targets),
    each keeping its comments (ruamel keeps them by key)."""
    from parity.spec.model import SpecModel

    order = list(SpecModel.model_fields)
    for key in sorted(root, key=lambda k: order.index(k) if k in order else len(order)):
        root.move_to_end(key)


def _targets() -> Any:
    """``parity up`` of a captured host runs isolated: the host's ports (22, 80, 5432) would
    collide with the developer's own on host networking, and a drift check of the environment
    would see this machine's listening ports as the environment's."""
    from ruamel.yaml.comments import CommentedMap

    docker = CommentedMap(network="none")
    docker.yaml_set_comment_before_after_key(
        "network", before="the host's ports stay inside the environment (they would collide "
        "with this machine's);\nhost makes them reachable here (or: parity up --network host)",
        indent=4)
    return CommentedMap(docker=docker)


#: comments the users and groups sections carry before each part (regular accounts come first,
#: uncommented, as a spec written by hand lists them)
_SYSTEM_USERS = ("system accounts (uid < 1000) beyond the base system, also those a package "
                 "made:\nuids pinned, highest first")
_SYSTEM_GROUPS = ("system groups (gid < 1000) beyond the base system, also those a package "
                  "made:\ngids pinned, highest first")
_BASE_USERS = ("accounts of the base system: only their memberships in groups the base system "
               "does not have\n(nothing else of them is declared)")


def _accounts(facts: Facts, base: BaseSystem) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``users`` and ``groups`` sections, each regular accounts first (by name), then system
    ones (highest id first), then, for users, base accounts' new memberships (by name); each part
    after the first under a comment.

    * Regular accounts (uid/gid >= 1000, not ``nobody``) the base system does not have.
    * System accounts (uid/gid < 1000) the base system does not have, ``system: true`` with
      their ids pinned, also those a package created (``postgres``, ``sshd``): ``parity up``
      installs packages first and changes an existing account only where it differs. Only with
      a known base system: without one, ``root`` and ``daemon`` would be captured too.
      Highest id first: the order they can be pinned in. Debian's packages number their
      accounts upwards from 100, so where the host made an account before installing a
      package, ``parity up`` (packages first) gives the package's account a lower id than the
      host's, and that account must move up before its id is given to the next; provisioning
      pins in that order too (``parity.render.context._accounts_part``). Ids that swap places
      cannot be pinned in any order: the build stops (``groupadd: GID '101' already exists``),
      so nothing is silently different.
    * A user's own group (same name, its primary group) is ``useradd``'s, and is left to it when
      ``useradd`` would give it the same gid (the user's uid, as it does when free); otherwise,
      and always for system accounts (a package may have made the group already, with another
      gid), it is declared with its gid.
    * Base accounts (``www-data``) in groups the base system does not have: ``{groups: [...]}``
      naming only those groups (a declared group must be there, extra ones are not drift).
    """
    from ruamel.yaml.comments import CommentedMap

    known = base.known
    gid_names = {g.get("gid"): n for n, g in facts.groups.items()}

    def new(name: str, ident: Any, names: frozenset[str]) -> str | None:
        """"regular" or "system" for an account the base system lacks, else None."""
        if name in names:
            return None
        if not is_system_id(ident):
            return "regular"
        try:
            system = int(ident) < FIRST_REGULAR_ID
        except (TypeError, ValueError):
            return None
        return "system" if system and known else None

    parts: dict[str, dict[str, Any]] = {"regular": {}, "system": {}, "base": {}}
    for n, u in sorted(facts.users.items()):
        part = new(n, u.get("uid"), base.users)
        if part is None:
            continue
        entry: dict[str, Any] = {"uid": u["uid"]}
        for key in ("home", "shell"):
            if u.get(key):
                entry[key] = u[key]
        # the primary group (by name, or by number when it has none) comes with useradd
        primary = {gid_names.get(u.get("gid")), str(u.get("gid")), n}
        extra = sorted(set(u.get("groups") or []) - primary)
        if extra:
            entry["groups"] = extra
        if part == "system":
            entry["system"] = True
        parts[part][n] = entry
    gparts: dict[str, dict[str, Any]] = {"regular": {}, "system": {}}
    for n, g in sorted(facts.groups.items()):
        part = new(n, g.get("gid"), base.groups)
        if part is None:
            continue
        owner = parts[part].get(n) if part == "regular" else None
        if owner is not None and facts.users[n].get("gid") == g.get("gid") == owner["uid"]:
            continue  # useradd makes it, with this gid
        gparts[part][n] = {"gid": g["gid"], **({"system": True} if part == "system" else {})}
    if known:
        new_groups = set(facts.groups) - base.groups
        for n, u in sorted(facts.users.items()):
            joined = sorted(set(u.get("groups") or []) & new_groups) if n in base.users else []
            if joined:
                parts["base"][n] = {"groups": joined}
    users = _commented(CommentedMap(), (parts["regular"], None),
                       (_highest_first(parts["system"], "uid"), _SYSTEM_USERS),
                       (parts["base"], _BASE_USERS))
    groups = _commented(CommentedMap(), (gparts["regular"], None),
                        (_highest_first(gparts["system"], "gid"), _SYSTEM_GROUPS))
    return users, groups


def _highest_first(items: dict[str, Any], key: str) -> dict[str, Any]:
    """``items`` by ``key`` (uid/gid), highest first, then by name (stable, deterministic)."""
    return dict(sorted(items.items(), key=lambda kv: (-int(kv[1][key]), kv[0])))


def _commented(out: Any, *sections: tuple[dict[str, Any], str | None]) -> Any:
    """``sections`` one after the other in ``out`` (a ruamel CommentedMap), each with its comment
    above its first key, at the keys' indentation; an empty section adds neither."""
    for items, comment in sections:
        if not items:
            continue
        first = next(iter(items))
        out.update(items)
        if comment:
            out.yaml_set_comment_before_after_key(first, before=comment, indent=2)
    return out


def _sysctl(facts: Facts, base: BaseSystem) -> Any:
    """Namespaced kernel settings that differ from the base system's, with a comment saying
    which keys are not captured (:mod:`parity.compare.capture_sysctl`)."""
    from ruamel.yaml.comments import CommentedMap

    from parity.compare.capture_sysctl import COMMENT, captured_sysctl

    found = captured_sysctl(facts.sysctl, base.sysctl)
    return _commented(CommentedMap(), (found, COMMENT)) if found else {}


def capture_text(facts: Facts, base: BaseSystem, *, name: str | None = None,
                 pin: bool = True, now: datetime | None = None) -> str:
    """The spec as YAML, with a header saying where it came from and what is not in it."""
    return capture_spec(facts, base, name=name, pin=pin, now=now)[0]


def capture_spec(facts: Facts, base: BaseSystem, *, name: str | None = None,
                 pin: bool = True, now: datetime | None = None,
                 files: CapturedFiles | None = None,
                 files_note: str | None = None) -> tuple[str, list[str]]:
    """The spec as YAML, and the lines naming what it leaves out (also in its header).

    ``files`` (from :func:`parity.compare.capture_remote.capture_files`) adds a ``files:``
    section, grouped by why each path is there, each entry with that reason beside it; the
    header lists the secrets and why (never content). ``files_note`` says why files were not
    captured, when they were not.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    captured = capture(facts, base, name=name, pin=pin)
    # no clock time unless asked: two captures of the same host state are byte-identical
    stamp = f" at {now.strftime('%Y-%m-%dT%H:%M:%SZ')}" if now is not None else ""
    root = CommentedMap(captured.doc)
    # host text in a comment: safe() keeps each on one line, so no line of it can become YAML
    header = [
        f"Captured by `parity capture` from {safe(facts.host)}{stamp}.",
        f"Base system: {safe(base.source)}.",
        "Review before use: versions are pinned to what the host runs today.",
    ]
    left_out = list(captured.left_out)
    if files is not None:
        header += [safe(n) for n in files.notes]
        if files.entries:
            root["files"] = _files_map(files)
            _spec_order(root)
        if files.secrets:
            header.append("Files captured as secrets (mode, owner and group only; the content "
                          "is supplied at run time and never copied):")
            header += [f"  {safe(line)}" for line in files.secrets]
        left_out += [f"files.{line}" for line in files.left_out]
    elif files_note:
        header.append(safe(files_note))
    if left_out:
        header.append("Not captured as the host has it (a spec cannot declare it):")
        header += [f"  {safe(line)}" for line in left_out]
    root.yaml_set_start_comment("\n".join(header))
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    buf = io.StringIO()
    yaml.dump(root, buf)
    return buf.getvalue(), left_out


def _files_map(files: CapturedFiles) -> Any:
    """``files:`` grouped by origin (changed package files, then unowned, each by path), with
    a comment line before each group."""
    from ruamel.yaml.comments import CommentedMap

    def group(path: str) -> tuple[int, str, str]:
        why = files.origin[path]
        return (0 if why.startswith("changed") else 1, why if why.startswith("changed") else "",
                path)

    out = CommentedMap()
    last: tuple[int, str] | None = None
    for path in sorted(files.entries, key=group):
        entry = CommentedMap(files.entries[path])
        out[path] = entry
        key = group(path)[:2]
        if key != last:
            out.yaml_set_comment_before_after_key(path, before=safe(files.origin[path]),
                                                  indent=2)
            last = key
    return out


def write_captured_spec(text: str, out: Path, *, force: bool = False,
                        sources: dict[str, bytes] | None = None) -> None:
    """Validate ``text`` as a spec at ``out``, then write it atomically (never half a file).

    ``sources`` (relative path -> bytes) are the captured files' contents, written beside the
    spec: then the whole folder's new part (the spec and ``files/``) is staged in a temporary
    folder beside ``out``, validated there (every ``source:`` must exist), and moved into
    place; a failure leaves nothing behind. Refuses to replace an existing file unless
    ``force``: a captured spec is a starting point, and silently overwriting a curated one
    would lose work.
    """
    from parity.fsutil import is_stdout, write_output

    if is_stdout(out):
        if sources:
            raise UsageError("-o - prints the spec only, and this capture has file contents "
                             "that go beside it",
                             hint="Write it to a folder: -o DIR/parity.yaml.")
        _validate_capture(text, Path("parity.yaml"))
        write_output(out, text)
        return
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; not overwriting it",
                         hint="Pass --force to replace it, or choose another -o path.")
    if not sources:
        _validate_capture(text, out)
        write_output(out, text)
        return
    files = (out.parent if str(out.parent) else Path()) / "files"
    if (files.exists() or files.is_symlink()) and not force:
        raise UsageError(f"{files} already exists; not replacing it",
                         hint="Pass --force to replace it (and the spec), or choose another "
                              "-o folder.")
    _write_folder(text, out, sources)


def _write_folder(text: str, out: Path, sources: dict[str, bytes]) -> None:
    """Stage the spec and ``files/`` beside ``out``, validate, then move both into place.

    ``files/`` is replaced whole (an older capture's files would otherwise linger); the spec
    moves last, so a spec never names files that are not there.
    """
    import shutil
    import tempfile

    folder = out.parent if str(out.parent) else Path()
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".parity-capture-", dir=folder))
    try:
        for rel, data in sorted(sources.items()):
            dest = stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            dest.chmod(0o644)
        (stage / out.name).write_text(text, encoding="utf-8")
        _validate_capture(text, stage / out.name, shown=out.parent)
        old = folder / "files"
        if old.exists() or old.is_symlink():
            trash = stage / ".old-files"
            old.replace(trash)
        (stage / "files").replace(old)
        (stage / out.name).replace(out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _validate_capture(text: str, out: Path, shown: Path | None = None) -> None:
    """Load the captured text as the spec it will be. Items a spec cannot hold were left out
    already, so a failure here is parity's own bug: say so, and that nothing was written
    (the loader's own hint would name ``out``, which does not exist)."""
    from parity.errors import SpecError
    from parity.spec import load_spec_text

    try:
        load_spec_text(text, out)
    except SpecError as exc:
        raise SpecError(exc.problems, hint=f"parity capture made a spec it cannot read back "
                                           f"(a bug in parity); nothing was written to "
                                           f"{shown or out}. "
                                           "Please report the lines above.") from None


def capture_host(url: str, *, base_facts: Path | None = None, name: str | None = None,
                 pin: bool = True, timeout: float = 60.0) -> tuple[str, list[str]]:
    """Collect ``url`` (or read a ``parity snapshot`` ``.json``) and return the captured spec
    text and what it leaves out (base system per ``base_system``); no files."""
    text, left_out, _ = capture_host_files(url, base_facts=base_facts, name=name, pin=pin,
                                           timeout=timeout, files=False)
    return text, left_out


def capture_host_files(url: str, *, base_facts: Path | None = None, name: str | None = None,
                       pin: bool = True, timeout: float = 60.0, files: bool = True,
                       roots: tuple[str, ...] = (), no_files_why: str | None = None,
                       ) -> tuple[str, list[str], dict[str, bytes]]:
    """:func:`capture_host`, plus the host's files (``files``: a live host only) under
    ``/etc`` and ``roots``: the spec text, what it leaves out, and the captured files' bytes
    (spec-relative path -> bytes) to write beside it."""
    from parity.compare.base_system import resolve_base_system
    from parity.compare.capture_files import DEFAULT_ROOTS

    if name is not None:
        _check_name(name)  # before minutes of collecting

    def facts_and_base() -> tuple[Facts, BaseSystem, str]:
        facts = _facts(url, timeout)
        distro = DISTROS.get(f"{facts.os.get('distro')}:{facts.os.get('release')}")
        image = (distro.docker_image if distro is not None else None) or ""
        return facts, resolve_base_system(image, base_facts, use_docker=bool(image),
                                          timeout=timeout), image

    from concurrent.futures import ThreadPoolExecutor

    from parity.compare.check import _is_snapshot

    captured_files = None
    if _is_snapshot(url):
        no_files_why = ("Files are not captured: a snapshot holds no file contents; capture "
                        "the live host to include them.")
        files = False
    elif not files:
        no_files_why = no_files_why or ("Files are not captured here; `parity capture URL -o "
                                        "DIR/parity.yaml` captures them.")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the facts' round trip and the files' round trips are independent: run them together
        collecting = pool.submit(facts_and_base)
        if files:
            from parity.compare.capture_remote import capture_files
            from parity.facts import resolve_hosts

            all_roots = tuple(dict.fromkeys((*DEFAULT_ROOTS, *roots)))
            captured_files = capture_files(
                resolve_hosts([url])[0], all_roots, timeout=timeout,
                base_image="" if base_facts is not None else lambda: collecting.result()[2])
        facts, base, _ = collecting.result()
    text, left_out = capture_spec(facts, base, name=name, pin=pin, files=captured_files,
                                  files_note=no_files_why)
    return text, left_out, (captured_files.sources if captured_files else {})


def _facts(url: str, timeout: float) -> Facts:
    """A live host's facts, or a snapshot's (``parity snapshot URL -o FILE.json``), so a host
    can be captured later, elsewhere, or from a snapshot taken for ``parity diff``."""
    from parity.compare.capture_sysctl import capture_request
    from parity.compare.check import _is_snapshot, _load_snapshot
    from parity.facts import collect, resolve_hosts

    if _is_snapshot(url):
        return _load_snapshot(url)
    targets = resolve_hosts([url])
    if len(targets) != 1:
        raise UsageError(f"capture reads one host; {quoted(url)} names {len(targets)}")
    return collect(targets[0], capture_request(), timeout)
