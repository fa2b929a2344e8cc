"""Which spec edits ``up`` applies in place, decided without Docker (parity.up.inplace)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from parity.spec import load_spec
from parity.spec.model import FileEntry
from parity.up.changes import snapshot
from parity.up.inplace import PHASE_ORDER, plan

from .helpers import EXAMPLES


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    spec = load_spec(EXAMPLES / "webapp" / "parity.yaml")
    return snapshot(spec.model.model_dump(mode="json"), spec.file_hashes)


def edited(snap: dict[str, Any], **sections: Any) -> dict[str, Any]:
    new = copy.deepcopy(snap)
    for key, value in sections.items():
        new["spec"][key] = value
    return new


def test_nothing_changed_is_nothing_to_run(base) -> None:
    result = plan(base, copy.deepcopy(base))
    assert result.possible and result.phases == ()


@pytest.mark.parametrize("section", ["description", "hosts", "drift"])
def test_sections_that_never_reach_the_environment_need_nothing(base, section) -> None:
    result = plan(base, edited(base, **{section: {"x": "y"} if section != "description"
                                        else "another"}))
    assert result.possible and result.phases == ()


def test_other_targets_settings_need_nothing_but_the_docker_target_rebuilds(base) -> None:
    targets = copy.deepcopy(base["spec"]["targets"])
    targets["vagrant"]["cpus"] = 8
    assert plan(base, edited(base, targets=targets)).phases == ()
    targets["docker"]["cmd"] = ["sleep", "1"]
    assert not plan(base, edited(base, targets=targets)).possible


def test_a_file_source_edit_runs_files_then_the_scripts(base) -> None:
    new = copy.deepcopy(base)
    new["files"]["files/index.html"] = "0" * 64
    result = plan(base, new)
    assert result.phases == ("files", "scripts")
    assert result.applied == ("files: ~ /srv/app/index.html",)


def test_file_attributes_and_new_files_are_in_place(base) -> None:
    files = copy.deepcopy(base["spec"]["files"])
    files["/srv/app/index.html"]["mode"] = "0640"
    files["/etc/shop/extra"] = {"type": "file", "content": "x\n", "source": None,
                                "target": None, "mode": None, "owner": None, "group": None}
    result = plan(base, edited(base, files=files))
    assert result.phases == ("files", "scripts")
    assert set(result.applied) == {"files: ~ /srv/app/index.html", "files: + /etc/shop/extra"}


def _secret(**attrs: Any) -> dict[str, Any]:
    """A secret file entry as ``up`` records it (the model's own dump)."""
    return FileEntry(secret=True, **attrs).model_dump(mode="json")


def test_added_or_changed_secret_files_are_in_place_like_other_files(base) -> None:
    files = copy.deepcopy(base["spec"]["files"])
    files["/etc/app/credentials"] = _secret(mode="0600", owner="root", group="root")
    added = edited(base, files=files)
    result = plan(base, added)
    assert result.phases == ("files", "scripts")
    assert result.applied == ("files: + /etc/app/credentials",)

    changed = copy.deepcopy(files)
    changed["/etc/app/credentials"]["mode"] = "0640"
    result = plan(added, edited(base, files=changed))
    assert result.applied == ("files: ~ /etc/app/credentials",)

    unset = copy.deepcopy(files)
    unset["/etc/app/credentials"]["mode"] = None
    assert not plan(added, edited(base, files=unset)).possible  # as for any file


def test_a_file_turned_secret_is_in_place(base) -> None:
    """The spec no longer pins the content, so in place it keeps what it holds (as a secret
    a package wrote does); its mode must stay pinned, as for any file."""
    files = copy.deepcopy(base["spec"]["files"])
    files["/etc/shop/release"] = _secret(mode="0644")
    result = plan(base, edited(base, files=files))
    assert result.possible and result.applied == ("files: ~ /etc/shop/release",)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.pop("/etc/shop/release"), "was removed"),
    (lambda f: f["/srv/app"].update(type="file"), "changed type"),
    (lambda f: f["/srv/app/index.html"].update(owner=None), "owner unset"),
])
def test_file_edits_a_clean_build_would_answer_differently_rebuild(base, change,
                                                                   reason) -> None:
    files = copy.deepcopy(base["spec"]["files"])
    change(files)
    result = plan(base, edited(base, files=files))
    assert not result.possible
    assert any(reason in r for r in result.reasons), result.reasons


def test_added_packages_are_in_place_changed_or_removed_ones_rebuild(base) -> None:
    dev = {**base["spec"]["dev_packages"], "jq": "*"}
    result = plan(base, edited(base, dev_packages=dev))
    assert result.phases == ("dev-packages", "scripts")
    prod = {**base["spec"]["packages"], "jq": "*"}
    assert plan(base, edited(base, packages=prod)).phases == ("packages", "scripts")
    changed = {**base["spec"]["packages"], "nginx": "1.24.*"}
    assert not plan(base, edited(base, packages=changed)).possible
    removed = {k: v for k, v in base["spec"]["dev_packages"].items() if k != "less"}
    result = plan(base, edited(base, dev_packages=removed))
    assert not result.possible and "less was removed" in result.reasons[0]


def test_accounts_added_with_fixed_ids_are_in_place(base) -> None:
    groups = {**base["spec"]["groups"], "ops": {"gid": 1200, "system": False}}
    users = {**base["spec"]["users"], "bob": {"uid": 1300, "home": None, "shell": None,
                                             "groups": ["ops"], "system": False}}
    result = plan(base, edited(base, groups=groups, users=users))
    assert result.phases == ("groups", "users", "scripts")


def test_accounts_without_fixed_ids_rebuild(base) -> None:
    groups = {**base["spec"]["groups"], "ops": {"gid": None, "system": False}}
    result = plan(base, edited(base, groups=groups))
    assert not result.possible and "no fixed gid" in result.reasons[0]


def test_user_gains_a_group_or_a_shell_in_place_other_changes_rebuild(base) -> None:
    users = copy.deepcopy(base["spec"]["users"])
    users["app"]["groups"] = [*users["app"]["groups"], "users"]
    users["app"]["shell"] = "/bin/sh"
    assert plan(base, edited(base, users=users)).phases == ("users", "scripts")
    for field, value in (("uid", 1002), ("home", "/home/app"), ("groups", ["deploy"]),
                         ("shell", None)):
        users = copy.deepcopy(base["spec"]["users"])
        users["app"][field] = value
        assert not plan(base, edited(base, users=users)).possible, field
    assert not plan(base, edited(base, users={})).possible


@pytest.mark.parametrize(("section", "value"), [
    ("env", {"APP_ENV": "staging"}),
    ("sysctl", {"net.core.somaxconn": "2048"}),
    ("services", {}),
    ("ports", [8080]),
    ("provision", []),
    ("repositories", [{"name": "x", "url": "http://example.invalid/"}]),
    ("base", "debian:11"),
])
def test_container_configuration_and_earlier_steps_rebuild(base, section, value) -> None:
    result = plan(base, edited(base, **{section: value}))
    assert not result.possible and result.reasons


def test_a_changed_provision_script_rebuilds(base) -> None:
    new = copy.deepcopy(base)
    new["files"]["scripts/seed.sh"] = "1" * 64
    result = plan(base, new)
    assert not result.possible and "scripts/seed.sh" in result.reasons[0]


def test_phases_keep_the_clean_build_order(base) -> None:
    files = copy.deepcopy(base["spec"]["files"])
    files["/srv/app/index.html"]["mode"] = "0600"
    result = plan(base, edited(
        base, files=files, groups={**base["spec"]["groups"], "z": {"gid": 4000, "system": False}},
        dev_packages={**base["spec"]["dev_packages"], "jq": "*"}))
    assert list(result.phases) == sorted(result.phases, key=PHASE_ORDER.index)
    assert result.phases == ("dev-packages", "groups", "files", "scripts")


def test_without_provision_scripts_no_scripts_phase(base) -> None:
    old = edited(base, provision=[])
    new = copy.deepcopy(old)
    new["files"]["files/index.html"] = "0" * 64
    assert plan(old, new).phases == ("files",)


def test_every_rebuild_reason_is_said(base) -> None:
    result = plan(base, edited(base, env={}, sysctl={}))
    assert len(result.reasons) == 2


def test_snapshot_of_a_spec_path(tmp_path: Path) -> None:
    """The snapshot the plan reads is the one ``up`` records (spec dump and source hashes)."""
    spec = load_spec(EXAMPLES / "webapp" / "parity.yaml")
    snap = snapshot(spec.model.model_dump(mode="json"), spec.file_hashes)
    assert set(snap) == {"spec", "files"} and "files/index.html" in snap["files"]
