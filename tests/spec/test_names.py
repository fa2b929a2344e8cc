"""Names the collectors report are declarable with the same spelling (issue 7).

Package ``name:arch`` keys, account names by shadow's rule (dots, upper case, a trailing ``$``),
bare numeric owners/groups, relative link targets. The account rule is checked against the real
``useradd``/``groupadd`` of Debian 12: every name the spec accepts, shadow accepts too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.errors import SpecError
from parity.spec import load_spec_text

MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"


def load(extra: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_spec_text(MINIMAL + extra + "\n", tmp_path / "parity.yaml")


def problem(extra: str, tmp_path: Path) -> str:
    with pytest.raises(SpecError) as info:
        load(extra, tmp_path)
    return "\n".join(info.value.problems)


@pytest.mark.parametrize("name", ["zlib1g:i386", "libc6:amd64", "glibc:x86_64", "g++:arm64"])
def test_second_architecture_packages_are_declarable(name: str, tmp_path: Path) -> None:
    spec = load(f"packages: {{'{name}': '*'}}", tmp_path)
    assert list(spec.packages(dev=False)) == [name]


@pytest.mark.parametrize("name", ["zlib1g:", ":i386", "zlib1g:i386:amd64", "zlib1g:I386",
                                  "zlib1g:i 386"])
def test_malformed_architecture_suffix_is_rejected(name: str, tmp_path: Path) -> None:
    assert f"packages.{name}" in problem(f"packages: {{'{name}': '*'}}", tmp_path)


ACCEPTED = ["john.doe", "John.Doe", "ws1$", "_svc", "1abc", "a" * 32, "a-b_c.d", ".hidden",
            "m" * 31 + "$"]


@pytest.mark.parametrize("name", ACCEPTED)
def test_shadow_account_names_are_declarable(name: str, tmp_path: Path) -> None:
    spec = load(f"users: {{'{name}': {{groups: ['{name}']}}}}\ngroups: {{'{name}': {{}}}}\n"
                f"files: {{/x: {{owner: '{name}', group: '{name}'}}}}", tmp_path)
    assert list(spec.model.users) == [name] and list(spec.model.groups) == [name]
    assert (spec.model.files["/x"].owner, spec.model.files["/x"].group) == (name, name)


@pytest.mark.parametrize("name", ["-x", "a$b", "a b", "a:b", "a/b", ".", "..", "1234", "12$",
                                  "a" * 33, "m" * 32 + "$", "é", "$x"])
def test_names_shadow_refuses_or_that_are_not_shell_safe_are_rejected(name: str,
                                                                       tmp_path: Path) -> None:
    assert "users." in problem(f"users: {{'{name}': {{}}}}", tmp_path)


@pytest.mark.parametrize("value,want", [("4242", "4242"), ("0", "0"), ("'4242'", "4242"),
                                        ("4294967294", "4294967294")])
def test_owner_and_group_may_be_bare_ids(value: str, want: str, tmp_path: Path) -> None:
    entry = load(f"files: {{/srv/data: {{type: directory, owner: {value}, group: {value}}}}}",
                 tmp_path).model.files["/srv/data"]
    assert (entry.owner, entry.group) == (want, want)


@pytest.mark.parametrize("value,why", [("'04242'", "leading zeros"), ("true", "not true/false"),
                                       ("4294967295", "outside the id range"),
                                       ("-1", "outside the id range")])
def test_bad_ids_are_rejected(value: str, why: str, tmp_path: Path) -> None:
    assert why in problem(f"files: {{/x: {{owner: {value}}}}}", tmp_path)


def test_owner_and_group_are_unpinned_unless_written(tmp_path: Path) -> None:
    entry = load("files: {/etc/app.conf: {mode: '0640'}}", tmp_path).model.files["/etc/app.conf"]
    assert entry.owner is None and entry.group is None


def test_a_user_may_list_a_numeric_primary_group(tmp_path: Path) -> None:
    user = load("users: {john.doe: {groups: ['5555', 5556, adm]}}", tmp_path).model.users
    assert user["john.doe"].groups == ["5555", "5556", "adm"]


@pytest.mark.parametrize("target", ["suidtool", "../lib/x", "./a b", "/usr/bin/mawk",
                                    "../../..", "-rf"])
def test_link_targets_are_kept_as_the_link_stores_them(target: str, tmp_path: Path) -> None:
    entry = load(f"files: {{/usr/local/bin/t: {{type: link, target: '{target}'}}}}",
                 tmp_path).model.files["/usr/local/bin/t"]
    assert entry.target == target


@pytest.mark.parametrize("target", ['"a\\nb"', '"a\\tb"', '"\\x1b[1m"', "''"])
def test_link_targets_are_one_printable_line(target: str, tmp_path: Path) -> None:
    assert "target" in problem(f"files: {{/t: {{type: link, target: {target}}}}}", tmp_path)


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"\A[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}\$?\Z"))
def test_accepted_names_are_shell_words(name: str) -> None:
    """Whatever the rule lets through needs no quoting to stay one inert shell word (parity
    quotes anyway), and never starts with ``-`` (an option to useradd/chown)."""
    try:
        load_spec_text(MINIMAL + f"users: {{'{name}': {{}}}}\n", "/nonexistent/parity.yaml")
    except SpecError:
        return
    assert not name.startswith("-")
    assert all(c.isascii() and (c.isalnum() or c in "_.-$") for c in name)
    assert "$" not in name[:-1]


@pytest.mark.docker
def test_shadow_accepts_every_name_the_spec_accepts(base_image: str,
                                                    container_factory) -> None:  # type: ignore[no-untyped-def]
    """The oracle: Debian 12's useradd and groupadd create each accepted account name."""
    from tests.helpers.docker import exec_ok

    box = container_factory.start(base_image)
    for i, name in enumerate(ACCEPTED):
        exec_ok(box, ["groupadd", "-g", str(3000 + i), name])
        exec_ok(box, ["useradd", "-u", str(3000 + i), "-g", name, name])
        assert exec_ok(box, ["id", "-un", name]).strip() == name
