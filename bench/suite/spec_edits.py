"""The edits the ``edit_up`` area makes to its copy of ``examples/webapp``, as pure functions of
text: each returns the new spec (or file) text, so a test can check that every edit is a spec
``parity.spec.load_spec`` accepts and changes exactly what it says.

Why ruamel's round trip and not ``yaml.safe_dump``: the spec copy keeps its comments, key order
and quoting, so the only difference between two rounds is the edit itself (a reformatted spec
would change lines the edit did not touch, which is not what a developer's edit looks like).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

#: small Debian 12 packages that the webapp image does not have (checked with apt-cache policy
#: and dpkg -l in the built image): one more per add_package round
DEV_PACKAGES = ("jq", "tree", "file", "bc", "zip", "unzip", "lsof", "psmisc", "strace")
#: fixed ids for the accounts the area adds, clear of the example's 1001 / 1100
GROUP_GID_BASE = 1200
USER_UID_BASE = 1300
SHELLS = ("/bin/sh", "/bin/bash")


def _yaml() -> YAML:
    y = YAML()  # round-trip: comments, order and quotes survive
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)  # the examples' style: `    - item`
    return y


def edit_yaml(text: str, change: Callable[[CommentedMap], None]) -> str:
    """``text`` loaded round-trip, changed in place by ``change``, dumped again."""
    y = _yaml()
    doc = y.load(text)
    change(doc)
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()


def _section(doc: CommentedMap, key: str) -> Any:
    if doc.get(key) is None:
        doc[key] = CommentedMap()
    return doc[key]


def set_name(text: str, name: str) -> str:
    """The spec's ``name:`` (a unique one gives a spec hash no earlier build has)."""
    def change(doc: CommentedMap) -> None:
        doc["name"] = name
    return edit_yaml(text, change)


def add_dev_package(text: str, package: str, version: str = "*") -> str:
    def change(doc: CommentedMap) -> None:
        _section(doc, "dev_packages")[package] = version
    return edit_yaml(text, change)


def remove_dev_package(text: str, package: str) -> str:
    def change(doc: CommentedMap) -> None:
        del doc["dev_packages"][package]
    return edit_yaml(text, change)


def set_env(text: str, key: str, value: str) -> str:
    def change(doc: CommentedMap) -> None:
        _section(doc, "env")[key] = value
    return edit_yaml(text, change)


def add_group(text: str, name: str, gid: int) -> str:
    def change(doc: CommentedMap) -> None:
        _section(doc, "groups")[name] = CommentedMap(gid=gid)
    return edit_yaml(text, change)


def add_user(text: str, name: str, uid: int, shell: str = "/bin/bash") -> str:
    def change(doc: CommentedMap) -> None:
        _section(doc, "users")[name] = CommentedMap(uid=uid, home=f"/home/{name}", shell=shell)
    return edit_yaml(text, change)


def set_user_shell(text: str, name: str, shell: str) -> str:
    def change(doc: CommentedMap) -> None:
        doc["users"][name]["shell"] = shell
    return edit_yaml(text, change)


def user_edit(text: str, n: int) -> tuple[str, str]:
    """Round ``n`` (0-based) of the ``user`` kind: even rounds add user ``benchu<n>`` with a
    fixed uid, odd rounds flip the shell of the example's user ``app``. Returns the new text
    and a description of the edit."""
    if n % 2 == 0:
        name = f"benchu{n}"
        return add_user(text, name, USER_UID_BASE + n), f"add user {name}"
    doc = _yaml().load(text)
    current = str(doc["users"]["app"].get("shell") or "/bin/bash")
    shell = SHELLS[0] if current != SHELLS[0] else SHELLS[1]
    return set_user_shell(text, "app", shell), f"app's shell -> {shell}"


def edit_line(text: str, n: int) -> str:
    """Line ``n mod len(lines)`` of a text file with ``<!-- bench edit n -->`` appended: a
    different line each round, and different content every round."""
    lines = text.split("\n")
    body = len(lines) - 1 if text.endswith("\n") else len(lines)  # the last "" is no line
    i = n % max(body, 1)
    lines[i] = f"{lines[i]}<!-- bench edit {n} -->"
    return "\n".join(lines)


def append_comment(text: str, n: int) -> str:
    """A config file with a unique comment line appended (nginx and sh read ``#`` comments)."""
    sep = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{sep}# bench edit {n}\n"
