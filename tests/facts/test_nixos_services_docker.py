"""Services on a NixOS-like host without systemd running, end to end through parity's real
docker transport and the library's ``parity check`` (:func:`compare_spec_full`).

The container (tests/fixtures/nixos-etc) has NixOS's unit layout: /etc/systemd/system -> the
generation's /etc/static -> a store directory of units, ``multi-user.target.wants/web.service``
(what ``wantedBy = [ "multi-user.target" ]`` writes), ``idle.service`` wanted by nothing and
``gone.service`` masked (a link to /dev/null, also named in the .wants directory). systemd does
not run in a container here, so this is the collector's non-systemd branch; the systemd branch's
NixOS rule (``@wants`` beside ``list-unit-files``) is tested on recorded and derived outputs in
test_nixos_services.py, and what no test here covers is a live systemd on NixOS: its
``list-units`` running states and runtime enables (``enabled-runtime``).
"""

from __future__ import annotations

from typing import Any

import pytest

from parity.compare.against_spec import compare_spec_full
from parity.facts import CollectRequest, collect
from parity.spec import load_spec_text
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker


SPEC = """\
parity: 1
name: nixos-like
base: debian:12
services:
  web: {{running: true, enabled: true}}
  idle: {{running: false, enabled: {idle_enabled}}}
  gone: {{running: false, enabled: false}}
drift:
  ignore:
    - path: "os/*"
      reason: the container is debian:12 dressed as NixOS; its os facts are not the point
"""



@pytest.fixture
def host(container_factory: Any, nixos_image: str) -> Any:
    """The NixOS-like container with a process named ``web`` running (a copy of sleep)."""
    box = container_factory.start(nixos_image)
    exec_ok(box, "cp /bin/sleep /tmp/web && (/tmp/web 600 >/dev/null 2>&1 &)")
    return box


def test_enabled_comes_from_the_wants_links(host: Any) -> None:
    facts = collect(f"docker://{host.name}", CollectRequest(), timeout=60)
    got = {n: facts.services[n] for n in ("web", "idle", "gone")}
    assert got == {"web": {"running": True, "enabled": True},
                   "idle": {"running": False, "enabled": False},
                   "gone": {"running": False, "enabled": False}}
    assert [w for w in facts.warnings if "services" in w] == []


@pytest.mark.parametrize(("idle_enabled", "findings"), [
    ("false", []),
    ("true", [("service", "idle", "enabled", True, False)]),
])
def test_check_verdict(host: Any, idle_enabled: str, findings: list[tuple[Any, ...]]) -> None:
    spec = load_spec_text(SPEC.format(idle_enabled=idle_enabled))
    facts = collect(f"docker://{host.name}", CollectRequest.from_spec(spec), timeout=60)
    result = compare_spec_full(spec, facts)
    got = [(x.kind, x.name, x.field, x.expected, x.actual) for x in result.findings
           if x.kind == "service"]
    assert got == findings
    assert result.checked["service"] == 3
