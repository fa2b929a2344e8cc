"""Capture: facts in, a spec out that validates and describes the host beyond its base."""

from __future__ import annotations

import pytest

from parity.compare.against_spec import compare_spec
from parity.compare.base_system import BaseSystem
from parity.compare.capture import capture_text, spec_name, write_captured_spec
from parity.errors import HostError, UsageError
from parity.facts.model import Facts
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
    assert set(m.users) == {"app", "postgres"}  # postgres: a system account beyond the base
    assert m.users["postgres"].system and m.users["postgres"].uid == 104
    assert m.users["app"].groups == ["deploy", "www-data"]
    # "app" is app's own group (useradd's); postgres's and www-data are system groups the
    # base system (root only) does not have
    assert set(m.groups) == {"deploy", "postgres", "www-data"}
    assert m.groups["postgres"].gid == 106 and m.groups["postgres"].system
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


def _odd_host(clean):  # type: ignore[no-untyped-def]
    """``clean`` plus what a host may hold and a spec may not (Debian's useradd takes ``a$b``)."""
    clean.host = "docker://odd"
    clean.users["a$b"] = {"uid": 1600, "gid": 1600, "home": "/home/a$b", "shell": "/bin/sh",
                          "groups": ["a$b"]}
    clean.groups["a$b"] = {"gid": 1600, "members": []}
    clean.users["carol"] = {"uid": 1700, "gid": 1700, "home": "/home/carol\nx",
                            "shell": "/bin/sh", "groups": ["carol"]}
    clean.users["dave"] = {"uid": 1800, "gid": 1800, "home": "/home/dave", "shell": "/bin/sh",
                           "groups": ["dave", "a$b", "deploy"]}
    clean.packages["bad name"] = {"version": "1.0", "arch": "amd64"}
    clean.packages["odd-version"] = {"version": "1 2", "arch": "amd64"}
    clean.packages["evil\x1b[2J\nparity: 2"] = {"version": "1.0", "arch": "amd64"}
    clean.services["my svc"] = {"running": True, "enabled": True}
    return clean


def test_names_a_spec_cannot_hold_are_left_out_with_a_line_each(clean, tmp_path):
    """Like goss and InSpec: capture what can be declared, name what cannot, and still write a
    spec that loads (it used to stop with "Fix the lines above in" a file it never wrote)."""
    from parity.compare.capture import capture_spec

    text, left_out = capture_spec(_odd_host(clean), BaseSystem.empty())
    assert [line.split(": ")[0] for line in left_out] == [
        "packages.bad name", "packages.evil\x1b[2J\nparity", "packages.odd-version",
        "services.my svc", "users.a$b", "users.carol", "users.dave.groups.0",
    ]  # a$b's own group goes with the user
    assert all(line.endswith("; left out") for line in left_out if "odd-version" not in line)
    assert left_out[2] == ("packages.odd-version: '1 2' is not a version: use letters, digits "
                           'and . + ~ ^ : _ - only; captured as "*" (any version)')
    assert left_out[4].startswith("users.a$b: 'a$b' is not allowed here: account names are")
    assert left_out[5].startswith("users.carol: home: '/home/carol\nx' is not allowed here: "
                                  "paths are absolute")
    out = tmp_path / "parity.yaml"
    write_captured_spec(text, out)
    spec = load_spec(out)
    assert set(spec.model.users) == {"app", "dave"}
    assert spec.model.users["dave"].groups == ["deploy"]  # only the undeclarable one dropped
    assert "bad name" not in spec.model.packages and spec.model.packages["nginx"]
    assert spec.model.packages["odd-version"] == "*"  # the package is declared, unpinned
    assert set(spec.model.groups) == {"deploy"}
    # the header comment names each, one escaped line apiece: no host text becomes YAML
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "# Not captured as the host has it (a spec cannot declare it):" in header
    assert "#   users.a$b: 'a$b' is not allowed here: account names are letters, digits, _ . " \
           "and -, not starting with -, at most 32, optionally ending in $; an owner or group " \
           "may also be a numeric id; left out" in header
    assert "#   packages.evil\\x1b[2J\\x0aparity: 2: 'evil\\x1b[2J\\x0aparity: 2' is not " \
           "allowed here" in "\n".join(header)
    assert spec.model.parity == 1 and "\x1b" not in text


def test_capture_without_anything_to_leave_out_has_no_such_section(clean):
    from parity.compare.capture import capture_spec

    text, left_out = capture_spec(clean, BaseSystem.empty())
    assert left_out == [] and "Left out" not in text


def test_bad_name_option_is_a_usage_error(clean):
    with pytest.raises(UsageError, match=r"--name 'a b' is not a valid spec name"):
        capture_text(clean, BaseSystem.empty(), name="a b")


def _cli(*args: str, cwd):  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run([sys.executable, "-m", "parity", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_cli_captures_from_a_snapshot_and_warns_per_item(clean, tmp_path):
    snap = tmp_path / "odd.json"
    _odd_host(clean).save(snap)
    base = tmp_path / "base.json"
    Facts(host="docker://base", os=dict(clean.os),
          packages={"libc6": {"version": "2.36-9"}}).save(base)
    proc = _cli("capture", str(snap), "-o", "cap.yaml", "--base-facts", str(base),
                cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 7
    assert "warning: capture: users.a$b: 'a$b' is not allowed here" in proc.stderr
    # host text is escaped on stderr too: the newline in a package name does not start a line
    assert "packages.evil\\x1b[2J\\x0aparity: 2:" in proc.stderr and "\x1b" not in proc.stderr
    assert "Fix the lines above" not in proc.stderr + proc.stdout
    spec = load_spec(tmp_path / "cap.yaml")
    assert "a$b" not in spec.model.users and "libc6" not in spec.model.packages
    assert _cli("validate", "cap.yaml", cwd=tmp_path).returncode == 0


def test_cli_snapshot_that_does_not_exist(tmp_path):
    proc = _cli("capture", "nosuch.json", "-o", "cap.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "nosuch.json: snapshot file not found" in proc.stderr
    assert not (tmp_path / "cap.yaml").exists()


def test_capture_of_a_real_host_with_a_dollar_user(container_factory, base_image, tmp_path):
    """A real Debian container where ``useradd`` made ``a$b`` (a name shadow's upstream rule
    refuses and parity's spec cannot hold): capture writes the rest and names it."""
    from tests.helpers.docker import exec_ok

    box = container_factory.start(base_image)
    exec_ok(box, ["useradd", "-m", "-u", "1600", "-s", "/bin/sh", "a$b"])
    exec_ok(box, ["useradd", "-m", "-u", "1700", "-s", "/bin/sh", "-G", "a$b", "carol"])
    assert exec_ok(box, ["getent", "passwd", "a$b"]).startswith("a$b:x:1600:")  # the oracle
    proc = _cli("capture", f"docker://{box.name}", "-o", "cap.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "warning: capture: users.a$b: 'a$b'" in proc.stderr
    assert "users.carol.groups.0: 'a$b'" in proc.stderr
    assert "groups.a$b" not in proc.stderr  # a$b's own group goes with the user, not listed
    spec = load_spec(tmp_path / "cap.yaml")
    assert set(spec.model.users) == {"carol"} and spec.model.users["carol"].uid == 1700
    assert spec.model.users["carol"].groups == []
    text = (tmp_path / "cap.yaml").read_text()
    assert "#   users.a$b: 'a$b' is not allowed here" in text


def test_a_capture_that_does_not_load_writes_nothing_and_names_no_unwritten_file(tmp_path):
    """Only a parity bug can get here now; the message must not send the user to a file that
    was never written (the loader's own hint says "Fix the lines above in cap.yaml")."""
    from parity.errors import SpecError

    out = tmp_path / "cap.yaml"
    with pytest.raises(SpecError) as err:
        write_captured_spec("parity: 1\nname: x\nbase: debian:12\nports: [0]\n", out)
    assert err.value.problems == [f"{out}:4:9: ports.0: port 0 is outside 1-65535"]
    assert "Fix the lines above" not in (err.value.hint or "")
    assert f"nothing was written to {out}" in (err.value.hint or "")
    assert not out.exists()
