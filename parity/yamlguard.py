"""YAML loading that refuses alias bombs ("billion laughs") before they expand.

A YAML alias (``*name``) repeats the node its anchor (``&name``) marks. Nine anchors of nine
aliases each fit in a dozen lines yet stand for 9**9 nodes: ruamel composes them as a small
graph, but everything that walks the loaded data (conversion to plain dicts, validation, error
messages) expands it, and ``parity validate`` would run for minutes and eat gigabytes. Every YAML
document parity reads from a user therefore goes through :func:`guarded_yaml`, whose composer
counts, while it composes, how many nodes the aliases repeat, and stops at
:data:`MAX_ALIAS_NODES` with the position of the alias that crossed the limit. Counting during
composition costs one integer per anchored node and never expands anything.

Merge keys (``<<: *defaults``) are aliases too and count the same way; ordinary specs repeat a
few dozen nodes. A document without aliases is not limited here: its size is the file's size.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent

#: how many nodes all aliases of one document may repeat, in total (each alias counts the full
#: size of what it repeats, nested aliases included); documented in docs/spec.md
MAX_ALIAS_NODES = 10_000


class AliasLimitError(MarkedYAMLError):
    """An alias that repeats too much, or that repeats a node containing itself."""


class GuardedComposer(Composer):  # type: ignore[misc]
    """ruamel's composer plus a running count of the nodes aliases repeat."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._reset()

    def _reset(self) -> None:
        self._expanded = 0  # nodes of the document so far, as aliases expand it
        self._repeated = 0  # of those, the nodes that aliases repeat
        self._sizes: dict[int, int] = {}  # id(anchored node) -> its expanded size, once complete

    def compose_document(self) -> Any:
        self._reset()
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)  # raises on an undefined alias
            size = self._sizes.get(id(node))
            if size is None:
                raise AliasLimitError(
                    None, None,
                    f"alias *{event.anchor} repeats a node that contains the alias itself",
                    event.start_mark)
            self._expanded += size
            self._repeated += size
            if self._repeated > MAX_ALIAS_NODES:
                raise AliasLimitError(
                    None, None,
                    f"alias *{event.anchor} makes the aliases of this document repeat "
                    f"{self._repeated:,} nodes, more than the limit of {MAX_ALIAS_NODES:,}",
                    event.start_mark)
            return node
        start = self._expanded
        self._expanded += 1
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self._sizes[id(node)] = self._expanded - start
        return node


def guarded_yaml(typ: str = "rt") -> YAML:
    """A ``YAML(typ=typ)`` loader whose documents may not repeat more than
    :data:`MAX_ALIAS_NODES` nodes through aliases; it raises :class:`AliasLimitError` (a
    :class:`~ruamel.yaml.error.MarkedYAMLError`, with the alias's position) instead.

    The pure-Python parser is forced: the C parser composes nodes in C, past any Python hook.
    """
    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = GuardedComposer
    return yaml
