"""Capture: write a spec from a live host, so a team can start from production as it is.

What a host's facts can say for sure goes in; what they cannot is left for a person:

* ``base``: the host's distro and release (must be one parity knows).
* ``packages``: everything installed that the base system does not bring and the package manager
  did not pull in automatically, pinned ``=version`` (or ``"*"`` with ``pin=False``).
* ``users``: regular accounts (uid >= 1000, not ``nobody``) with uid, home, shell and their
  supplementary groups; ``groups``: regular groups that are not a captured user's own group
  (``useradd`` creates those).
* ``services``: services the base system does not have that run or are enabled (an installed
  but stopped, disabled init script such as ``procps`` says nothing about the host's purpose).
* ``ports``: listening ports the base system does not open.

Files and sysctl values are not captured: their content lives on the host, and a spec that
points at files nobody has reviewed would hide exactly the drift parity is for.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity.compare.base_system import FIRST_REGULAR_ID, BaseSystem, is_system_id
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
                if n not in base.services and (s.get("running") or s.get("enabled"))}
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
    return doc


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
      host's, and that account must move up before its id is given to the next. (Provisioning
      today pins in name order, ``parity.render.context._accounts_part``; there a clash stops
      the build with ``groupadd: GID '101' already exists``, so nothing is silently different.)
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
                 pin: bool = True, now: datetime | None = None) -> tuple[str, list[str]]:
    """The spec as YAML, and the lines naming what it leaves out (also in its header)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    captured = capture(facts, base, name=name, pin=pin)
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = CommentedMap(captured.doc)
    # host text in a comment: safe() keeps each on one line, so no line of it can become YAML
    header = [
        f"Captured by `parity capture` from {safe(facts.host)} at {stamp}.",
        f"Base system: {safe(base.source)}.",
        "Review before use: files and sysctl values are not captured, and versions are",
        "pinned to what the host runs today.",
    ]
    if captured.left_out:
        header.append("Not captured as the host has it (a spec cannot declare it):")
        header += [f"  {safe(line)}" for line in captured.left_out]
    root.yaml_set_start_comment("\n".join(header))
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    buf = io.StringIO()
    yaml.dump(root, buf)
    return buf.getvalue(), captured.left_out


def write_captured_spec(text: str, out: Path, *, force: bool = False) -> None:
    """Validate ``text`` as a spec at ``out``, then write it atomically (never half a file).

    Refuses to replace an existing file unless ``force``: a captured spec is a starting point,
    and silently overwriting a curated one would lose work.
    """
    from parity.fsutil import is_stdout, write_output

    if is_stdout(out):
        _validate_capture(text, Path("parity.yaml"))
        write_output(out, text)
        return
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; not overwriting it",
                         hint="Pass --force to replace it, or choose another -o path.")
    _validate_capture(text, out)
    write_output(out, text)


def _validate_capture(text: str, out: Path) -> None:
    """Load the captured text as the spec it will be. Items a spec cannot hold were left out
    already, so a failure here is parity's own bug: say so, and that nothing was written
    (the loader's own hint would name ``out``, which does not exist)."""
    from parity.errors import SpecError
    from parity.spec import load_spec_text

    try:
        load_spec_text(text, out)
    except SpecError as exc:
        raise SpecError(exc.problems, hint=f"parity capture made a spec it cannot read back "
                                           f"(a bug in parity); nothing was written to {out}. "
                                           "Please report the lines above.") from None


def capture_host(url: str, *, base_facts: Path | None = None, name: str | None = None,
                 pin: bool = True, timeout: float = 60.0) -> tuple[str, list[str]]:
    """Collect ``url`` (or read a ``parity snapshot`` ``.json``) and return the captured spec
    text and what it leaves out (base system per ``base_system``)."""
    from parity.compare.base_system import resolve_base_system

    if name is not None:
        _check_name(name)  # before minutes of collecting
    facts = _facts(url, timeout)
    distro = DISTROS.get(f"{facts.os.get('distro')}:{facts.os.get('release')}")
    image = distro.docker_image if distro is not None else ""
    base = resolve_base_system(image, base_facts, use_docker=bool(image), timeout=timeout)
    return capture_spec(facts, base, name=name, pin=pin)


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
