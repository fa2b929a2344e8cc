"""Spec vs host: what the spec declares that the host lacks or has differently, and (strict)
what the host has that nobody declared.

Versions are checked with the spec's constraint in the ordering of the distro the HOST reports
(a spec for debian:12 checked against an rpm host still orders rpm versions the rpm way; the os
finding then says why nothing matches). Every other attribute is diffed with deepdiff on the
fields the spec pins, so unpinned fields never produce findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parity.compare.base_system import BaseSystem, is_system_id
from parity.compare.diffing import changed_fields, project
from parity.compare.expect import Expected, Role, expected_facts
from parity.compare.finding import Finding
from parity.facts.collectors.smf import find as find_service_by_fmri
from parity.facts.kinds import (
    FACT_KINDS,
    FINDING_KIND_ORDER,
    ITEM_KINDS,
    SINGULAR,
    STRICT_KINDS,
)
from parity.facts.model import Facts
from parity.families import find_family
from parity.spec import Spec
from parity.versions import UncomparableVersion


@dataclass
class Comparison:
    """Findings plus notes on what could not be compared (shown as warnings, never drift)."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: number of items checked per finding kind (reporters use it for "N checked")
    checked: dict[str, int] = field(default_factory=dict)


def compare_spec(spec: Spec, facts: Facts, role: Role = "prod", strict: bool = False,
                 base: BaseSystem | None = None) -> list[Finding]:
    """Findings for ``facts`` (one host) measured against ``spec`` for ``role``."""
    return compare_spec_full(spec, facts, role, strict, base).findings


def compare_spec_full(spec: Spec, facts: Facts, role: Role = "prod", strict: bool = False,
                      base: BaseSystem | None = None) -> Comparison:
    exp = expected_facts(spec, role)
    out = Comparison()
    host = facts.host
    add = out.findings.append
    skip = set(facts.unavailable)
    for kind in sorted(skip):
        out.notes.append(f"{host}: {kind} not compared: {facts.unavailable[kind]}")
    out.notes.extend(f"{host}: {w}" for w in facts.warnings)  # items the host could not give

    if "os" not in skip:
        for key, want in exp.os.items():
            got = facts.os.get(key)
            if got is not None and str(got) != want:
                add(Finding(host, "os", key, None, want, str(got), "changed"))
        out.checked["os"] = len(exp.os)

    host_family = find_family(facts.os.get("family"))
    scheme = (host_family or spec.distro.package_family).version_scheme
    if "packages" not in skip:
        for name, constraint in exp.packages.items():
            have = facts.packages.get(name)
            if have is None:
                add(Finding(host, "package", name, None, str(constraint), None, "missing"))
            elif not constraint.is_any:
                version = str(have.get("version"))
                try:
                    ok = constraint.check(version, scheme)
                except UncomparableVersion as exc:
                    # not provably inside the constraint: drift, with the reason as a warning
                    ok = False
                    out.notes.append(f"{host}: package {name}: version could not be compared "
                                     f"with {str(constraint)!r}: {exc}; reported as changed")
                if not ok:
                    add(Finding(host, "package", name, "version", str(constraint),
                                have.get("version"), "changed"))
        out.checked["package"] = len(exp.packages)

    for kind in ITEM_KINDS:  # packages went through their version constraints above
        if kind != "packages" and kind not in skip:
            _compare_items(host, kind, getattr(exp, kind), facts.kind(kind), out)

    if "sysctl" not in skip:
        for key, want in exp.sysctl.items():
            got = facts.sysctl.get(key)
            if got is None:
                add(Finding(host, "sysctl", key, None, want, None, "missing"))
            elif _fold(got) != _fold(want):
                add(Finding(host, "sysctl", key, None, want, got, "changed"))
        out.checked["sysctl"] = len(exp.sysctl)

    if "ipadm" not in skip:
        for key, want in exp.ipadm.items():
            got = facts.ipadm.get(key)
            if got is None:
                add(Finding(host, "ipadm", key, None, want, None, "missing"))
            elif not same_ipadm_value(got, want):
                add(Finding(host, "ipadm", key, None, want, got, "changed"))
        out.checked["ipadm"] = len(exp.ipadm)

    if strict:
        base = base or BaseSystem.empty()
        if not base.known:
            out.notes.append(f"{host}: base system unknown; --strict may report packages the "
                             "base image brings (see docs/findings.md, 'Strict mode')")
        tools = spec.distro.package_family.provisioning_packages
        for kind in STRICT_KINDS:
            if kind not in skip:
                out.findings.extend(_unexpected(host, kind, exp, facts, base, tools))
    out.findings.sort(key=_order)
    return out


def _compare_items(host: str, kind: str, expected: dict[str, dict[str, Any]],
                   actual: dict[str, dict[str, Any]], out: Comparison) -> None:
    one = SINGULAR[kind]
    out.checked[one] = len(expected)
    for name, want in expected.items():
        have = actual.get(name)
        if have is None and kind == "services":
            have = find_service_by_fmri(actual, name)  # svc:/pkgsrc/nginx:default is "nginx"
        if have is None and kind == "services" and _off(want):
            continue  # declared stopped and disabled; a host without it at all complies
        if have is None or (kind == "files" and have.get("type") == "absent"):
            out.findings.append(Finding(host, one, name, None, want or None, None, "missing"))
            continue
        if (kind == "files" and want.get("type") == "link" and have.get("type") != "link"
                and have.get("target") is not None):
            # NixOS: a link into the store is reported as what it resolves to, its own target
            # kept (docs/facts.md, "NixOS: files and services"); a spec that declares the link
            # itself is judged on that link
            have = {**have, "type": "link"}
        if kind == "files" and have.get("type") != want.get("type"):
            # a directory where a file should be: its mode or hash would only add noise
            out.findings.append(Finding(host, one, name, "type", want.get("type"),
                                        have.get("type"), "changed"))
            continue
        got = project(have, want.keys())
        if "groups" in want:
            got["groups"] = _membership(want["groups"], have.get("groups"))
        if kind == "services" and got.get("enabled") is None:
            got["enabled"] = want.get("enabled")  # unknown (no init system): not drift
        for fld in changed_fields(want, got):
            actual_value = have.get(fld) if fld == "groups" else got.get(fld)
            if isinstance(actual_value, list):
                actual_value = sorted(actual_value)
            out.findings.append(Finding(host, one, name, fld, want.get(fld), actual_value,
                                        "changed"))


def _off(want: dict[str, Any]) -> bool:
    """A service the spec wants neither running nor enabled (``telnetd: {running: false,
    enabled: false}``): what it forbids, an absent service cannot do."""
    pinned = [want[k] for k in ("running", "enabled") if k in want]
    return bool(pinned) and not any(pinned)


def _membership(want: list[str], have: Any) -> list[str]:
    """Declared groups must all be there; extra memberships are not drift."""
    have_set = set(have or [])
    return list(want) if set(want) <= have_set else sorted(have_set)


def _unexpected(host: str, kind: str, exp: Expected, facts: Facts,
                base: BaseSystem, tools: frozenset[str] = frozenset()) -> list[Finding]:
    declared = set(getattr(exp, kind)) | set(exp.tolerated.get(kind, ()))
    if kind == "packages":
        declared |= tools
    if kind == "groups":
        # a declared user's primary group and groups it joins are declared implicitly
        declared |= set(exp.users)
        for u in exp.users.values():
            declared |= set(u.get("groups", ()))
        declared |= {str(f["group"]) for f in exp.files.values() if f.get("group")}
    out = []
    for name, item in facts.kind(kind).items():
        if name in declared or name in base.names(kind):
            continue
        if kind == "packages" and item.get("auto"):
            continue
        if kind == "packages" and name.partition("@")[0] in declared:
            continue  # NixOS: a second version of a declared package (python3@3.12.4)
        if kind == "users" and is_system_id(item.get("uid")):
            continue
        if kind == "groups" and is_system_id(item.get("gid")):
            continue
        out.append(Finding(host, SINGULAR[kind], name, None, None, _summary(kind, item),
                           "unexpected"))
    return out


def _summary(kind: str, item: dict[str, Any]) -> Any:
    """The one value worth showing for an unexpected item."""
    value = item.get(FACT_KINDS[kind].summary or "")
    if isinstance(value, list):
        return sorted(value) or None
    return value


def _fold(value: Any) -> str:
    return " ".join(str(value).split())


def same_ipadm_value(got: str, want: str) -> bool:
    """Equal, or the same comma list in another order: ipadm keeps a multi-valued property as a
    set and prints it sorted (``set-prop -p extra_priv_ports=4040,2050`` reads back
    ``2050,4040``), so the order a spec writes it in is not drift."""
    if got == want:
        return True
    return "," in want and sorted(got.split(",")) == sorted(want.split(","))


CHANGE_ORDER = ("missing", "changed", "unexpected")


def _order(f: Finding) -> tuple[Any, ...]:
    order = FINDING_KIND_ORDER
    k = order.index(f.kind) if f.kind in order else len(order)
    return (f.host, k, f.name, f.field or "", CHANGE_ORDER.index(f.change))
