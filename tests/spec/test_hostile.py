"""Hostile strings in fields that have a safe alphabet are rejected at load time.

Free-text fields (env values, file paths) are allowed and must be rendered inert; the renderer
tests prove that. Here: names, versions and keys that would otherwise reach shell/Ruby/Nix text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity.errors import SpecError
from parity.spec import load_spec_text

MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"
PAYLOADS = ["$(touch /tmp/pwned)", "`id`", "a'b", 'a"b', "a\nb", "${HOME}", "#{`id`}", "a;b",
            "a b", "a|b", "a&&b"]

#: values that look odd but are legal in that field (and rendered quoted)
ALLOWED = {
    ("sysctl: {{vm.swappiness: {p}}}", "a b"),  # e.g. net.ipv4.tcp_rmem: "4096 87380 6291456"
    ("targets: {{nix: {{attrs: {{nginx: {p}}}}}}}", "a'b"),  # ' is legal in Nix identifiers
}


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value)  # JSON strings are valid YAML double-quoted scalars


TEMPLATES = [
    "packages: {{{p}: '*'}}",
    "packages: {{nginx: {p}}}",
    "dev_packages: {{{p}: '*'}}",
    "users: {{{p}: {{}}}}",
    "groups: {{{p}: {{}}}}",
    "services: {{{p}: {{}}}}",
    "sysctl: {{{p}: '1'}}",
    "sysctl: {{vm.swappiness: {p}}}",
    "env: {{{p}: x}}",
    "users: {{app: {{groups: [{p}]}}}}",
    "files: {{/x: {{content: y, owner: {p}}}}}",
    "targets: {{docker: {{image: {p}}}}}",
    "targets: {{nix: {{attrs: {{nginx: {p}}}}}}}",
    "targets: {{aci: {{name: {p}}}}}",
    "name: {p}",
]


@pytest.mark.parametrize(("template", "payload"), [
    (t, p) for t in TEMPLATES for p in PAYLOADS if (t, p) not in ALLOWED
])
def test_hostile_names_rejected(template: str, payload: str, tmp_path: Path) -> None:
    text = MINIMAL.replace("name: app\n", "") if template.startswith("name") else MINIMAL
    text += template.format(p=_yaml_str(payload)) + "\n"
    with pytest.raises(SpecError) as info:
        load_spec_text(text, tmp_path / "parity.yaml")
    assert all(":" in line for line in info.value.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_arbitrary_package_names_are_safe_or_rejected(name: str) -> None:
    text = MINIMAL + f"packages: {{{_yaml_str(name)}: '*'}}\n"
    try:
        spec = load_spec_text(text, "/nonexistent/parity.yaml")
    except SpecError:
        return
    (accepted,) = spec.packages(dev=False)
    assert all(c.isalnum() or c in "+._-:" for c in accepted)
    assert accepted.count(":") <= 1 and not accepted.endswith(":")
    assert accepted.isascii()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_env_values_are_single_line_or_rejected(value: str) -> None:
    text = MINIMAL + f"env: {{X: {_yaml_str(value)}}}\n"
    try:
        spec = load_spec_text(text, "/nonexistent/parity.yaml")
    except SpecError:
        return
    assert "\n" not in spec.plain_env["X"] and "\x00" not in spec.plain_env["X"]
