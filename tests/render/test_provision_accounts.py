"""provision.sh's groups and users phases, run for real in a debian:12 container (no network:
the base image already has useradd and groupadd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.docker import exec_ok
from tests.helpers.provision import docker_context

pytestmark = pytest.mark.docker


def context(tmp_path: Path, accounts: str) -> Path:
    return docker_context(tmp_path, "acc", accounts)


def test_undeclared_missing_group_is_a_clear_error(tmp_path: Path, base_image: str,
                                                   container_factory) -> None:  # type: ignore[no-untyped-def]
    ctx = context(tmp_path, "users:\n  app: {uid: 1001, groups: [www-data, deployers]}\n")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    result = box.exec_run(["sh", "/ctx/provision.sh", "groups", "users"])
    output = result.output.decode()
    assert result.exit_code == 1, output
    assert ("parity: error: user app: group deployers does not exist; declare it under groups: "
            "in the spec") in output
    assert box.exec_run(["id", "app"]).exit_code != 0


def test_accounts_twice_and_onto_an_existing_user(tmp_path: Path, base_image: str,
                                                  container_factory) -> None:  # type: ignore[no-untyped-def]
    ctx = context(tmp_path, "groups:\n  deploy: {gid: 1100}\n  ops: {system: true}\n"
                            "users:\n  app: {uid: 1001, home: /srv/app, shell: /bin/bash,"
                            " groups: [www-data, deploy]}\n"
                            "  svc: {system: true, groups: [ops]}\n")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    exec_ok(box, "useradd -u 2000 -s /bin/sh svc")  # exists already, with other settings
    for _ in range(2):
        exec_ok(box, "sh /ctx/provision.sh groups users")
    assert exec_ok(box, "id app").strip() == (
        "uid=1001(app) gid=1001(app) groups=1001(app),33(www-data),1100(deploy)")
    assert exec_ok(box, "getent passwd app").strip() == "app:x:1001:1001::/srv/app:/bin/bash"
    assert "(ops)" in exec_ok(box, "id svc")
    assert exec_ok(box, "getent group deploy").startswith("deploy:x:1100:")


def test_shadow_style_names_and_numeric_groups(tmp_path: Path, base_image: str,
                                               container_factory) -> None:  # type: ignore[no-untyped-def]
    """john.doe, an upper-case name and a Samba-style ``$`` name are created as written; a
    user's group given by number works when a group has that gid."""
    ctx = context(tmp_path, "groups:\n  Ops.Team: {gid: 5555}\n"
                            "users:\n  john.doe: {uid: 1500, groups: ['5555']}\n"
                            "  Ws1$: {uid: 1501, system: true}\n")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    for _ in range(2):
        exec_ok(box, "sh /ctx/provision.sh groups users")
    assert exec_ok(box, "id john.doe").strip() == (
        "uid=1500(john.doe) gid=1500(john.doe) groups=1500(john.doe),5555(Ops.Team)")
    assert exec_ok(box, ["id", "-un", "Ws1$"]).strip() == "Ws1$"


def test_numeric_group_without_an_entry_is_a_clear_error(tmp_path: Path, base_image: str,
                                                         container_factory) -> None:  # type: ignore[no-untyped-def]
    ctx = context(tmp_path, "users:\n  john.doe: {groups: ['5555']}\n")
    box = container_factory.start(base_image, volumes={str(ctx): {"bind": "/ctx", "mode": "ro"}})
    result = box.exec_run(["sh", "/ctx/provision.sh", "users"])
    output = result.output.decode()
    assert result.exit_code == 1, output
    assert "user john.doe: no group has gid 5555" in output
    assert box.exec_run(["id", "john.doe"]).exit_code != 0
