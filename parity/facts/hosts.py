"""Which hosts to collect: testinfra URLs, names from the spec's ``hosts:``, ``dev``, inventories.

A :class:`HostTarget` is a display name plus how to reach it. Resolution happens before any host
is contacted, so a typo fails fast with a usage error instead of one host error per typo.

A URL may carry a password (``paramiko://u:pw@h``): the display name never does
(:mod:`parity.redact`), so no error, report, snapshot or baseline can show it; only the backend
gets the raw URL. Backends come from :func:`parity.facts.backends.make_backend`, which checks ssh
host keys (testinfra's paramiko backend alone accepts any).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parity.errors import UsageError
from parity.redact import redact_text, redact_url

if TYPE_CHECKING:
    from parity.spec import Spec

#: a hook returning the URL of the dev environment ``parity up`` made for a spec (or None)
DevUrlHook = Callable[["Spec | None"], "str | None"]


@dataclass(frozen=True)
class HostTarget:
    """One host to collect. ``name`` labels facts and findings; ``url`` is a testinfra URL.

    ``name`` is redacted when the target is made (a URL's password becomes ``***``), since it is
    what every output shows; ``url`` keeps the secret for the backend and stays out of ``repr``.
    """

    name: str
    url: str = field(repr=False)
    #: builds the testinfra backend when ``url`` alone cannot (ansible inventory hosts)
    factory: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    #: the inventory groups the host is in (empty for a URL), for ``parity report --map``
    groups: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", redact_text(self.name))

    def backend(self) -> Any:
        """A fresh testinfra backend for this host (no cache: each run gets its own)."""
        if self.factory is not None:
            return self.factory()
        from parity.facts.backends import make_backend

        kind = urllib.parse.urlparse(self.url).scheme
        if kind == "local":
            # testinfra's local URL carries no host part; it takes no positional name
            return make_backend("local://")
        return make_backend(self.url)


def _schemes() -> list[str]:
    from testinfra.backend import BACKENDS

    # asyncssh:// is parity's own in-process ssh client (parity.facts.ssh_async)
    return sorted({*BACKENDS, "asyncssh"})


def _from_url(url: str, name: str | None = None, inventory: str | None = None) -> list[HostTarget]:
    from parity.facts.backends import SSH_PASSWORD_HINT, strict_mode

    parsed = urllib.parse.urlparse(url)
    shown = redact_url(url)
    if parsed.scheme not in _schemes():
        raise UsageError(f"host {shown!r}: unknown transport {parsed.scheme!r}",
                         hint=f"Known: {', '.join(s + '://' for s in _schemes())}.")
    if parsed.scheme == "ansible":
        query = urllib.parse.parse_qs(parsed.query)
        inv = (query.get("ansible_inventory") or [inventory])[0]
        if not inv:
            raise UsageError(f"host {shown!r}: ansible:// needs ?ansible_inventory=FILE "
                             "or --inventory FILE")
        return _from_inventory(parsed.netloc or "all", inv)
    if parsed.scheme != "local" and not parsed.netloc:
        raise UsageError(f"host {shown!r}: no host or container name after {parsed.scheme}://")
    if parsed.scheme in ("ssh", "safe-ssh", "asyncssh") \
            and ":" in parsed.netloc.rpartition("@")[0]:
        raise UsageError(f"host {shown!r}: {parsed.scheme}:// cannot use a password",
                         hint=SSH_PASSWORD_HINT)
    strict_mode(url)  # a bad strict_host_key_checking value is a usage error, found now
    return [HostTarget(name or url, url)]


def _from_inventory(pattern: str, path: str) -> list[HostTarget]:
    """The hosts ``pattern`` selects in the inventory, exactly as Ansible would pick and reach
    them (parity.facts.inventory); every one is checked before any host is contacted."""
    import os

    from parity.facts.inventory import resolve_inventory

    hosts = resolve_inventory(path, pattern)
    if not hosts:
        raise UsageError(f"inventory {path}: no host matches {pattern!r}",
                         hint="Check with: ansible-inventory -i INVENTORY --graph")
    out = []
    for host in hosts:
        spec, kwargs = host.testinfra_spec(os.fspath(path))

        def factory(spec: str = spec, kwargs: dict[str, Any] = kwargs) -> Any:
            from parity.facts.backends import make_backend  # host keys checked, like ssh://

            return make_backend(spec, **kwargs)

        out.append(HostTarget(host.name, f"ansible://{host.name}?ansible_inventory="
                              f"{os.fspath(path)}", factory, groups=host.groups))
    return out


def _default_dev_hook(spec: Spec | None) -> str | None:
    """``parity.up.dev_url``: None when no environment runs; it raises (exit 4) when it cannot
    tell, because the Docker daemon does not answer -- that is not "nothing is running"."""
    try:
        from parity.up import dev_url
    except ImportError:
        return None
    return dev_url(spec)  # type: ignore[arg-type]


def resolve_hosts(
    names_or_urls: Iterable[str],
    spec: Spec | None = None,
    inventory: str | None = None,
    dev_url: DevUrlHook | None = None,
) -> list[HostTarget]:
    """Turn CLI host arguments into targets, in order, without duplicates.

    Each argument is one of: a testinfra URL (``local://``, ``docker://NAME``, ``podman://NAME``,
    ``ssh://user@host:port?ssh_identity_file=…&ssh_config=…``, ``paramiko://…``, ``kubectl://…``,
    ``ansible://GROUP?ansible_inventory=FILE`` which expands to the group's hosts); a name from the
    spec's ``hosts:`` map; ``dev``, the environment ``parity up`` made (``dev_url`` hook, by default
    ``parity.up.dev_url``); or, with ``inventory``, a group or host pattern of that inventory.
    Raises :class:`~parity.errors.UsageError` for anything else.
    """
    hosts_map = dict(spec.model.hosts) if spec is not None else {}
    out: dict[str, HostTarget] = {}
    for arg in names_or_urls:
        if "://" in arg:
            targets = _from_url(arg, inventory=inventory)
        elif arg in hosts_map:
            url = hosts_map[arg]
            if "://" not in url:
                raise UsageError(f"{spec.path if spec else 'spec'}: hosts.{arg}: "
                                 f"{redact_url(url)!r} is not a "
                                 "URL such as ssh://root@web1 or docker://web1")
            targets = _from_url(url, name=arg, inventory=inventory)
        elif arg == "dev":
            url = (dev_url or _default_dev_hook)(spec)
            if not url:
                raise UsageError("host 'dev': no dev environment is running for this spec",
                                 hint="Start it with `parity up`, or name a host URL.")
            targets = _from_url(url, name="dev")
        elif inventory:
            targets = _from_inventory(arg, inventory)
        else:
            known = ", ".join(sorted(hosts_map)) or "none"
            raise UsageError(
                f"host {arg!r} is not a URL, not in the spec's hosts: ({known}), and no "
                "--inventory was given",
                hint="Use a URL such as docker://NAME, ssh://user@host:22 or local://.")
        for t in targets:
            out.setdefault(t.name, t)
    return list(out.values())
