"""Capture: facts in, a spec out that validates and describes the host beyond its base."""

from __future__ import annotations

import pytest

from parity.compare.against_spec import compare_spec
from parity.compare.base_system import BaseSystem
from parity.compare.capture import capture_text, spec_name, write_captured_spec
from parity.errors import HostError, UsageError
from parity.spec import load_spec


def test_captured_spec_validates_and_the_host_matches_it(clean, tmp_path):
    base = BaseSystem("debian:12 image", packages=frozenset({"libc6"}),
                      users=frozenset({"root"}), groups=frozenset({"root"}))
    text = capture_text(clean, base)
    assert text.startswith("# Captured by `parity capture` from docker://clean")
    out = tmp_path / "parity.yaml"
    write_captured_spec(text, out)
    spec = load_spec(out)
    m = spec.model
    assert m.base == "debian:12" and m.name == "clean"
    assert m.packages["nginx"] == "=1.22.1-9"
    assert "libc6" not in m.packages and "nginx-common" not in m.packages  # base, auto
    assert set(m.users) == {"app"}  # postgres is a system account
    assert m.users["app"].groups == ["deploy", "www-data"]
    assert set(m.groups) == {"deploy"}  # "app" is app's own group
    assert sorted(m.ports) == [5432, 8080]
    # the host checks clean against its own capture
    assert compare_spec(spec, clean, "prod", strict=True, base=base) == []


def test_refuses_to_overwrite_and_unknown_distro(clean, tmp_path):
    out = tmp_path / "parity.yaml"
    out.write_text("keep me\n")
    with pytest.raises(UsageError, match="already exists"):
        write_captured_spec(capture_text(clean, BaseSystem.empty()), out)
    assert out.read_text() == "keep me\n"
    clean.os["distro"] = "gentoo"
    with pytest.raises(HostError, match="gentoo:12"):
        capture_text(clean, BaseSystem.empty())


@pytest.mark.parametrize(("host", "name"), [
    ("ssh://deploy@web-1:2222", "web-1"), ("docker://shop_dev", "shop_dev"),
    ("local://", "captured"), ("paramiko://h?x=1", "h"),
])
def test_spec_name(host, name):
    assert spec_name(host) == name


def test_stopped_disabled_services_are_not_captured(clean):
    clean.services["procps"] = {"running": False, "enabled": False}
    clean.services["cron"] = {"running": False, "enabled": True}
    text = capture_text(clean, BaseSystem.empty())
    assert "procps" not in text and "cron:" in text


def test_host_without_os_release_says_so(clean):
    clean.os = {"distro": None, "release": None, "arch": "x86_64"}
    with pytest.raises(HostError, match=r"reports no distro \(no /etc/os-release\)") as err:
        capture_text(clean, BaseSystem.empty())
    assert "None" not in str(err.value)


def test_capture_of_odd_but_valid_names_validates_and_checks_clean(clean, tmp_path):
    """A second-arch package, a dotted user whose primary gid has no name: the capture is a
    valid spec and the host checks clean against it with --strict."""
    clean.packages["zlib1g:i386"] = {"version": "1:1.2.13.dfsg-1", "arch": "i386", "auto": False}
    clean.users["john.doe"] = {"uid": 1500, "gid": 5555, "home": "/home/john.doe",
                               "shell": "/bin/sh", "groups": ["5555", "deploy"]}
    base = BaseSystem("debian:12 image", packages=frozenset({"libc6"}),
                      users=frozenset({"root"}), groups=frozenset({"root"}))
    out = tmp_path / "parity.yaml"
    write_captured_spec(capture_text(clean, base), out)
    spec = load_spec(out)
    assert spec.model.packages["zlib1g:i386"] == "=1:1.2.13.dfsg-1"
    assert spec.model.users["john.doe"].groups == ["deploy"]  # the primary group is useradd's
    assert compare_spec(spec, clean, "prod", strict=True, base=base) == []
