"""Host resolution: URLs, spec host names, dev, and ansible inventories (with and without
ansible-core; tests/facts/test_inventory*.py compare inventories with Ansible itself)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from parity.errors import UsageError
from parity.facts import CollectRequest, collect_many, resolve_hosts
from parity.facts.inventory import ansible_python, resolve_inventory
from parity.spec import load_spec_text


def _spec(tmp_path: Path) -> Any:
    return load_spec_text(
        "parity: 1\nname: shop\nbase: debian:12\n"
        "hosts:\n  web1: ssh://deploy@127.0.0.5:2200\n  bad: web1.example\n",
        tmp_path / "parity.yaml")


def test_urls_and_spec_names(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    targets = resolve_hosts(["docker://a", "web1", "local://", "docker://a"], spec=spec)
    assert [(t.name, t.url) for t in targets] == [
        ("docker://a", "docker://a"), ("web1", "ssh://deploy@127.0.0.5:2200"),
        ("local://", "local://")]
    assert targets[1].backend().NAME == "ssh"


@pytest.mark.parametrize(("arg", "message"), [
    ("nosuch", "not a URL, not in the spec's hosts"),
    ("ftp://x", "unknown transport 'ftp'"),
    ("docker://", "no host or container name"),
    ("bad", "is not a URL"),
    ("ansible://web", r"needs \?ansible_inventory"),
])
def test_bad_hosts_are_usage_errors(tmp_path: Path, arg: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_hosts([arg], spec=_spec(tmp_path))


def test_dev_uses_the_hook(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    [t] = resolve_hosts(["dev"], spec=spec, dev_url=lambda s: f"docker://{s.name}-dev")
    assert (t.name, t.url) == ("dev", "docker://shop-dev")
    with pytest.raises(UsageError, match="no dev environment"):
        resolve_hosts(["dev"], spec=spec, dev_url=lambda s: None)


INI = """\
# production
lonely ansible_host=127.0.0.9
[web]
web1 ansible_host=127.0.0.5 ansible_port=2200
web2 ansible_host=127.0.0.6 ansible_user=admin
[db]
db1 ansible_connection=docker
[prod:children]
web
db
[web:vars]
ansible_user=deploy
"""

YAML = """\
all:
  vars: {ansible_user: root}
  children:
    web:
      vars: {ansible_user: deploy}
      hosts:
        web1: {ansible_host: 127.0.0.5, ansible_port: 2200}
        web2: {ansible_host: 127.0.0.6, ansible_user: admin}
    db:
      hosts:
        db1: {ansible_connection: docker}
"""


@pytest.fixture(params=["ansible-core", "built-in"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run an inventory test with ansible-core, and again with it hidden from parity."""
    if request.param == "built-in":
        monkeypatch.setitem(sys.modules, "ansible", None)
        monkeypatch.setenv("PATH", "/usr/bin:/bin")
        assert ansible_python() is None
    elif ansible_python() is None:
        pytest.skip("ansible-core is not installed (pip install 'parity[ansible]')")
    return str(request.param)


@pytest.mark.parametrize(("name", "text"), [("hosts.ini", INI), ("hosts.yml", YAML)])
def test_inventory_groups_expand_to_backends(tmp_path: Path, name: str, text: str,
                                             reader: str) -> None:
    inv = tmp_path / name
    inv.write_text(text)
    targets = resolve_hosts([f"ansible://web?ansible_inventory={inv}", "db1"], inventory=str(inv))
    assert [t.name for t in targets] == ["web1", "web2", "db1"]
    web1, web2, db1 = (t.backend() for t in targets)
    assert (web1.NAME, web1.host.name, web1.host.port, web1.host.user) == (
        "ssh", "127.0.0.5", "2200", "deploy")
    assert web2.host.user == "admin"  # host vars beat group vars
    assert (db1.NAME, db1.name) == ("docker", "db1")


def test_inventory_errors(tmp_path: Path, reader: str) -> None:
    with pytest.raises(UsageError, match="no such file"):
        resolve_inventory(tmp_path / "missing.ini")
    inv = tmp_path / "ok.ini"
    inv.write_text(INI)
    with pytest.raises(UsageError, match="no host matches 'cache'"):
        resolve_hosts(["cache"], inventory=str(inv))


@pytest.mark.docker
def test_inventory_docker_host_is_collected(tmp_path: Path, debian_host: Any) -> None:
    inv = tmp_path / "hosts.ini"
    inv.write_text(f"[app]\n{debian_host.name} ansible_connection=docker\n")
    [res] = collect_many(resolve_hosts(["app"], inventory=str(inv)),
                         CollectRequest(kinds=("os",)), progress=False)
    assert res.ok and res.name == debian_host.name
    assert res.facts.os["distro"] == "debian"
