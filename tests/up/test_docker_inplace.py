"""In-place updates against the real Docker Engine: each edit kind is applied to a running
environment, then compared by ``parity diff`` with a clean build of the same spec (the
independent oracle: the layered build from scratch, collected by the drift checker)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parity.compare.check import run_diff
from parity.errors import EnvironmentError_
from parity.spec import Spec, load_spec
from parity.up import Decision, down, status, up
from parity.up.display import Display

from .helpers import SECRET, copy_example, infra_host, parity_cli, unique

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ENV = {"SECRET_KEY": SECRET}


class Env:
    """One environment of a spec copy, edited and brought up again and again."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name

    def edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        yaml = YAML()
        doc = yaml.load(self.path)
        change(doc)
        with self.path.open("w") as fh:
            yaml.dump(doc, fh)

    def spec(self) -> Spec:
        return load_spec(self.path)

    def up(self, **kw: Any):
        return up(self.spec(), name=self.name, network="none", environ=ENV,
                  display=Display(io.StringIO()), **kw)

    def row(self) -> dict[str, Any]:
        return next(r for r in status(self.spec(), targets=("docker",))
                    if r["name"] == self.name)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, docker_client) -> Iterator[Env]:
    from .helpers import sweep

    root = tmp_path_factory.mktemp("inplace")
    found = Env(copy_example(root), unique("inplace"))
    try:
        assert found.up().decision is Decision.ABSENT
        yield found
    finally:
        with contextlib.suppress(Exception):
            down(found.spec(), name=found.name)
        sweep(docker_client, root)


def same_as_clean_build(env: Env) -> None:
    """A clean build of the current spec, diffed with the environment: no finding at all."""
    spec = env.spec()
    clean = unique("clean")
    try:
        up(spec, name=clean, network="none", environ=ENV, rebuild=True,
           display=Display(io.StringIO()))
        report = run_diff(f"docker://{env.name}", f"docker://{clean}", spec=spec)
        assert not [r.error for r in report.results if r.error]
        findings = [f for r in report.results for f in r.findings]
        assert findings == [], "\n".join(map(str, findings))
    finally:
        down(spec, name=clean)


def test_a_file_edit_is_applied_in_place(env: Env) -> None:
    index = env.path.parent / "files" / "index.html"
    index.write_text(index.read_text() + "<p>edited in place</p>\n")
    result = env.up()
    assert (result.decision, result.how) == (Decision.STALE, "in place")
    assert result.steps == ["files", "scripts"] and not result.restarted
    assert "edited in place" in infra_host(f"docker://{env.name}").file(
        "/srv/app/index.html").content_string
    row = env.row()
    assert row["freshness"] == "up to date, changed in place" and row["in_place_updates"] == 1
    assert row["built_sha256"] != row["spec_sha256"] == env.spec().sha256
    same_as_clean_build(env)


def test_a_config_edit_restarts_the_services(env: Env) -> None:
    conf = env.path.parent / "files" / "shop.conf"
    conf.write_text(conf.read_text() + "# edited in place\n")
    result = env.up()
    assert result.how == "in place" and result.restarted
    same_as_clean_build(env)


def test_accounts_and_a_dev_package_are_added_in_place(env: Env) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["dev_packages"]["jq"] = "*"
        doc["groups"]["ops"] = {"gid": 1200}
        doc["users"]["bob"] = {"uid": 1300, "groups": ["ops"], "shell": "/bin/sh"}
        doc["users"]["app"]["groups"].append("ops")

    env.edit(change)
    result = env.up()
    assert result.how == "in place", result.not_in_place
    assert result.steps == ["dev-packages", "groups", "users", "scripts"]
    host = infra_host(f"docker://{env.name}")
    assert host.package("jq").is_installed and host.user("bob").uid == 1300
    assert "ops" in host.user("app").groups
    same_as_clean_build(env)


def test_an_env_change_rebuilds_and_the_container_has_the_new_value(env: Env) -> None:
    env.edit(lambda doc: doc["env"].__setitem__("APP_ENV", "staging"))
    result = env.up()
    assert result.how == "rebuilt" and result.not_in_place
    assert infra_host(f"docker://{env.name}").environment()["APP_ENV"] == "staging"
    assert env.row()["freshness"] == "up to date"  # a clean build again
    same_as_clean_build(env)


def test_removals_leave_nothing_behind(env: Env) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["dev_packages"]["jq"]
        del doc["users"]["bob"]
        del doc["files"]["/etc/shop/release"]
        doc["users"]["app"]["groups"].remove("ops")

    env.edit(change)
    result = env.up()
    assert result.how == "rebuilt"
    host = infra_host(f"docker://{env.name}")
    assert not host.package("jq").is_installed
    assert not host.user("bob").exists
    assert not host.file("/etc/shop/release").exists
    assert "ops" not in host.user("app").groups


def test_a_failing_in_place_step_is_reported_and_the_next_up_repairs(env: Env) -> None:
    env.edit(lambda doc: doc["dev_packages"].__setitem__("parity-no-such-package", "*"))
    with pytest.raises(EnvironmentError_, match=r"in-place update .* failed"):
        env.up()
    row = env.row()
    assert row["freshness"] == "incomplete" and row["incomplete"]
    cli = parity_cli("status", str(env.path))
    assert "did not finish" in cli.stdout
    env.edit(lambda doc: doc["dev_packages"].pop("parity-no-such-package"))
    result = env.up()
    assert result.how == "rebuilt"
    assert "an earlier in-place update did not finish" in result.not_in_place
    assert env.row()["freshness"] == "up to date"


def test_ctrl_c_during_an_in_place_update(env: Env, docker_client) -> None:
    env.edit(lambda doc: doc["dev_packages"].__setitem__("bc", "*"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "parity", "up", str(env.path), "--name", env.name,
         "--network", "none"], env={**os.environ, **ENV}, stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "in place" in line:
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    helpers = docker_client.containers.list(all=True,
                                            filters={"label": "org.parity.in-place-of"})
    assert not [c for c in helpers if env.name in (c.labels or {}).values()]
    assert env.row()["freshness"] == "incomplete"
    result = env.up()
    assert result.how == "rebuilt"
    assert infra_host(f"docker://{env.name}").package("bc").is_installed
    assert env.row()["freshness"] == "up to date"
