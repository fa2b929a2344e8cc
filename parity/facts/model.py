"""The facts document: one host's state as plain, JSON-ready dicts.

Spec expectations and host observations share this shape, so spec-vs-host and host-vs-host are one
comparison, and a snapshot is just this document saved to disk. Keys (documented in
``docs/facts.md``; ``FACTS_FORMAT`` bumps on incompatible change):

* ``os``: ``{"distro": "debian", "release": "12", "codename": "bookworm", "arch": "x86_64",
  "kernel": "6.1.0-18-amd64", "family": "apt", "version": "12"}`` (``version``: the full
  ``VERSION_ID``, e.g. Alpine's ``3.19.1`` where ``release`` is ``3.19``)
* ``packages``: ``{name: {"version": "1.22.1-9", "arch": "amd64", "auto": False}}`` (``auto``
  only where the package manager records it)
* ``services``: ``{name: {"running": bool, "enabled": bool | None}}``
* ``users``: ``{name: {"uid": int, "gid": int, "home": str, "shell": str, "groups": [str]}}``
* ``groups``: ``{name: {"gid": int, "members": [str]}}``
* ``files``: ``{path: {"type": "file"|"directory"|"link"|"absent"|"other", "mode": "0644",
  "owner": str, "group": str, "sha256": str | None, "target": str | None}}``
* ``ports``: ``{"tcp/80": {"protocol": "tcp", "port": 80, "addresses": ["0.0.0.0"]}}``
* ``sysctl``: ``{key: value}`` (values as the kernel prints them, whitespace folded)
* ``ipadm``: ``{"tcp/smallest_anon_port": "32768"}`` (SmartOS/illumos protocol properties, the
  ``CURRENT`` value ``ipadm show-prop`` prints; only requested keys)
* ``warnings``: ``[str]``, items left out because they could not be read (added within format 1:
  older readers ignore the key, and a document without it has no warnings)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.facts.kinds import ITEM_KINDS, KINDS
from parity.textsafe import quoted

FACTS_FORMAT = 1
__all__ = ["FACTS_FORMAT", "ITEM_KINDS", "KINDS", "Facts"]


@dataclass
class Facts:
    """One host's facts, plus where and when they were collected."""

    host: str
    os: dict[str, Any] = field(default_factory=dict)
    packages: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    ports: dict[str, dict[str, Any]] = field(default_factory=dict)
    sysctl: dict[str, str] = field(default_factory=dict)
    ipadm: dict[str, str] = field(default_factory=dict)
    collected_at: str | None = None  # ISO 8601 UTC
    #: fact kinds the host could not report (tool missing), with the reason
    unavailable: dict[str, str] = field(default_factory=dict)
    #: items the host holds that could not be read and were left out ("users: skipped
    #: /etc/passwd line 'x': not 7 fields"); the rest of each kind is complete
    warnings: list[str] = field(default_factory=list)

    def kind(self, name: str) -> dict[str, Any]:
        return getattr(self, name)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FACTS_FORMAT, "host": self.host,
                               "collected_at": self.collected_at}
        for k in KINDS:
            doc[k] = self.kind(k)
        doc["unavailable"] = self.unavailable
        doc["warnings"] = self.warnings
        return doc

    @classmethod
    def from_dict(cls, doc: Any) -> Facts:
        """The facts in ``doc``; raise ``ValueError`` saying what is wrong with its shape.

        A snapshot is user input (hand-edited, truncated, another tool's JSON), and the
        comparisons index into every item, so the shape is checked here, once.
        """
        if not isinstance(doc, dict):
            raise ValueError(f"a facts document is a JSON object, not {type(doc).__name__}")
        if "format" not in doc:
            raise ValueError('no "format" key (write snapshots with `parity snapshot`)')
        fmt = doc["format"]
        if fmt != FACTS_FORMAT:
            raise ValueError(f"facts format {quoted(fmt)} is not supported "
                             f"(expected {FACTS_FORMAT})")
        kinds = {k: _mapping(doc, k) for k in KINDS}
        for kind in ITEM_KINDS:
            for name, item in kinds[kind].items():
                if not isinstance(item, dict):
                    raise ValueError(f"{kind}.{name} must be an object, not {_json_type(item)}")
        for kind in ("sysctl", "ipadm"):
            for key, value in kinds[kind].items():
                if not isinstance(value, str):
                    raise ValueError(f"{kind}.{key} must be a string, not {_json_type(value)}")
        warnings = doc.get("warnings") or []  # absent in snapshots written before it existed
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            raise ValueError('"warnings" must be an array of strings')
        return cls(
            host=str(doc.get("host", "")),
            collected_at=doc.get("collected_at"),
            unavailable=_mapping(doc, "unavailable"),
            warnings=list(warnings),
            **kinds,
        )

    def save(self, path: Path) -> None:
        from parity.fsutil import write_output

        write_output(path, json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> Facts:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _mapping(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f'"{key}" must be an object, not {_json_type(value)}')
    return dict(value)
