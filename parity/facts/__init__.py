"""Facts: a host's observed state, in the same shape the spec's expectations take.

The public surface of the collection half of the drift checker (the comparison imports only these):

* :class:`CollectRequest` -- what to look at beyond the always-collected kinds (file paths, sysctl
  keys, service names); ``CollectRequest.from_spec(spec, extra_paths)`` builds it from a spec.
* :func:`resolve_hosts` -- turn CLI host arguments (testinfra URLs, names from the spec's
  ``hosts:``, ``dev``, ansible groups) into :class:`HostTarget` records.
* :func:`collect` -- one host, one round trip, :class:`Facts` back (raises
  :class:`~parity.errors.HostError` naming the host when it cannot be collected).
* :func:`collect_many` -- many hosts on a bounded thread pool; never raises for a host, returns one
  :class:`HostResult` (facts or error) per target, in the order given.

Everything is re-exported lazily so ``import parity.facts`` stays cheap (no testinfra import until
a host is actually contacted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parity.facts.model import FACTS_FORMAT, KINDS, Facts

if TYPE_CHECKING:
    from parity.facts.collection import HostResult, collect, collect_many
    from parity.facts.hosts import HostTarget, resolve_hosts
    from parity.facts.request import CollectRequest

__all__ = [
    "FACTS_FORMAT",
    "KINDS",
    "CollectRequest",
    "Facts",
    "HostResult",
    "HostTarget",
    "collect",
    "collect_many",
    "resolve_hosts",
]

_LAZY = {
    "CollectRequest": "parity.facts.request",
    "HostTarget": "parity.facts.hosts",
    "resolve_hosts": "parity.facts.hosts",
    "HostResult": "parity.facts.collection",
    "collect": "parity.facts.collection",
    "collect_many": "parity.facts.collection",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'parity.facts' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
