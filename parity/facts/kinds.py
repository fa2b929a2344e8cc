"""The fact kinds: one registry that every stage reads, in one order.

Before this module the kind lists lived in the facts model, the spec comparison, the host
comparison and the base-system probe, each a slightly different tuple; adding a kind meant finding
all of them. Now a kind is one :class:`FactKind` here, and the facts document, ``--strict``, host
diffs, finding order and reporters derive what they need from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactKind:
    """One key of the facts document and how the comparisons treat it."""

    #: key in the facts document and :class:`~parity.facts.model.Facts` ("packages")
    name: str
    #: the finding kind, as findings, ignore rules and baselines spell it ("package")
    singular: str
    #: values are per-item objects (``packages.curl = {...}``), not plain values (os, sysctl)
    items: bool
    #: ``--strict`` reports items the host has and no spec declares
    strict: bool = False
    #: collected only for the names a run asks for (files, sysctl and ipadm keys): a name on
    #: one side only means the other side was never asked, so host diffs compare only the
    #: common names
    requested: bool = False
    #: the field shown as the value of an unexpected item (``None``: the whole summary)
    summary: str | None = None


KINDS_REGISTRY: tuple[FactKind, ...] = (
    FactKind("os", "os", items=False),
    FactKind("packages", "package", items=True, strict=True, summary="version"),
    FactKind("services", "service", items=True),
    FactKind("users", "user", items=True, strict=True, summary="uid"),
    FactKind("groups", "group", items=True, strict=True, summary="gid"),
    FactKind("files", "file", items=True, requested=True),
    FactKind("ports", "port", items=True, strict=True, summary="addresses"),
    FactKind("sysctl", "sysctl", items=False, requested=True),
    FactKind("ipadm", "ipadm", items=False, requested=True),
)

#: kind name -> record
FACT_KINDS: dict[str, FactKind] = {k.name: k for k in KINDS_REGISTRY}
#: every kind, in the order facts documents, reports and findings use
KINDS: tuple[str, ...] = tuple(k.name for k in KINDS_REGISTRY)
#: kinds whose values are per-item objects
ITEM_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS_REGISTRY if k.items)
#: kinds ``--strict`` reports undeclared items of
STRICT_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS_REGISTRY if k.strict)
#: kinds collected only for requested names
REQUESTED_KINDS: frozenset[str] = frozenset(k.name for k in KINDS_REGISTRY if k.requested)
#: fact kind (plural) -> finding kind (singular)
SINGULAR: dict[str, str] = {k.name: k.singular for k in KINDS_REGISTRY}
#: finding kinds in report order
FINDING_KIND_ORDER: tuple[str, ...] = tuple(k.singular for k in KINDS_REGISTRY)
