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
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity.compare.base_system import BaseSystem, is_system_id
from parity.distros import DISTROS
from parity.errors import HostError, UsageError
from parity.facts.model import Facts
from parity.spec.model import SPEC_VERSION
from parity.textsafe import quoted

_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def spec_name(host: str) -> str:
    """A valid spec ``name`` from a host URL: ``ssh://deploy@web-1:22`` -> ``web-1``."""
    text = host.split("://", 1)[-1].split("?", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip("/") or "captured"
    text = _NAME_RE.sub("-", text).strip("-._") or "captured"
    return text[:64]


def capture_document(facts: Facts, base: BaseSystem, *, name: str | None = None,
                     pin: bool = True) -> dict[str, Any]:
    """The spec (as plain data) that describes ``facts`` beyond ``base``."""
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
    users = {n: u for n, u in sorted(facts.users.items()) if not is_system_id(u.get("uid"))
             and n not in base.users}
    own_groups = {n for n, u in users.items() if n in facts.groups
                  and facts.groups[n].get("gid") == u.get("gid")}
    groups = {n: {"gid": g["gid"]} for n, g in sorted(facts.groups.items())
              if not is_system_id(g.get("gid")) and n not in base.groups and n not in own_groups}
    gid_names = {g.get("gid"): n for n, g in facts.groups.items()}
    doc_users = {}
    for n, u in users.items():
        entry: dict[str, Any] = {"uid": u["uid"]}
        for key in ("home", "shell"):
            if u.get(key):
                entry[key] = u[key]
        # the primary group (by name, or by number when it has none) comes with useradd
        primary = {gid_names.get(u.get("gid")), str(u.get("gid")), n}
        extra = sorted(set(u.get("groups") or []) - primary)
        if extra:
            entry["groups"] = extra
        doc_users[n] = entry
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
                       ("services", services), ("ports", ports)):
        if value:
            doc[key] = value
    return doc


def capture_text(facts: Facts, base: BaseSystem, *, name: str | None = None,
                 pin: bool = True, now: datetime | None = None) -> str:
    """The spec as YAML, with a header saying where it came from and what is not in it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    doc = capture_document(facts, base, name=name, pin=pin)
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = CommentedMap(doc)
    root.yaml_set_start_comment(
        f"Captured by `parity capture` from {facts.host} at {stamp}.\n"
        f"Base system: {base.source}.\n"
        "Review before use: files and sysctl values are not captured, and versions are\n"
        "pinned to what the host runs today."
    )
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    buf = io.StringIO()
    yaml.dump(root, buf)
    return buf.getvalue()


def write_captured_spec(text: str, out: Path, *, force: bool = False) -> None:
    """Validate ``text`` as a spec at ``out``, then write it atomically (never half a file).

    Refuses to replace an existing file unless ``force``: a captured spec is a starting point,
    and silently overwriting a curated one would lose work.
    """
    from parity.fsutil import is_stdout, write_output
    from parity.spec import load_spec_text

    if is_stdout(out):
        load_spec_text(text, "parity.yaml")
        write_output(out, text)
        return
    if out.exists() and not force:
        raise UsageError(f"{out} already exists; not overwriting it",
                         hint="Pass --force to replace it, or choose another -o path.")
    load_spec_text(text, out)  # a capture that would not validate is a parity bug: fail loudly
    write_output(out, text)


def capture_host(url: str, *, base_facts: Path | None = None, name: str | None = None,
                 pin: bool = True, timeout: float = 60.0) -> str:
    """Collect ``url`` and return the captured spec text (base system per ``base_system``)."""
    from parity.compare.base_system import resolve_base_system
    from parity.facts import collect, resolve_hosts

    targets = resolve_hosts([url])
    if len(targets) != 1:
        raise UsageError(f"capture reads one host; {quoted(url)} names {len(targets)}")
    facts = collect(targets[0], None, timeout)
    distro = DISTROS.get(f"{facts.os.get('distro')}:{facts.os.get('release')}")
    image = distro.docker_image if distro is not None else ""
    base = resolve_base_system(image, base_facts, use_docker=bool(image), timeout=timeout)
    return capture_text(facts, base, name=name, pin=pin)
