"""Spec vs host on hand-built facts: each kind of drift gives exactly one finding."""

from __future__ import annotations

from parity.compare.against_spec import compare_spec, compare_spec_full
from parity.compare.base_system import BaseSystem
from parity.compare.finding import Finding
from parity.facts.model import Facts
from parity.spec import load_spec_text


def triples(findings: list[Finding]) -> set[tuple[str, str, str | None, str]]:
    return {f.identity for f in findings}


def test_clean_host_has_no_findings_in_either_role(webapp, clean):
    assert compare_spec(webapp, clean, "dev") == []
    assert compare_spec(webapp, clean, "prod") == []
    assert compare_spec(webapp, clean, "prod", strict=True,
                        base=BaseSystem("test", packages=frozenset({"libc6"}))) == []


def test_dev_packages_missing_matters_only_on_dev(webapp, clean):
    del clean.packages["git"]
    assert triples(compare_spec(webapp, clean, "dev")) == {("package", "git", None, "missing")}
    assert compare_spec(webapp, clean, "prod") == []


def test_version_outside_constraint_uses_distro_ordering(webapp, clean):
    clean.packages["nginx"]["version"] = "1.18.0-6.1"
    clean.packages["curl"]["version"] = "7.74.0-1.3+deb11u7"
    clean.packages["postgresql-15"]["version"] = "1:15.2-1"  # epoch still matches 15.*
    found = compare_spec(webapp, clean)
    assert triples(found) == {("package", "nginx", "version", "changed"),
                              ("package", "curl", "version", "changed")}
    curl = next(f for f in found if f.name == "curl")
    assert (curl.expected, curl.actual) == (">=7.88", "7.74.0-1.3+deb11u7")


def test_version_scheme_comes_from_the_host(webapp, clean):
    # 7.88~rc1 sorts before 7.88 in dpkg ordering; rpm has no tilde rule in old versions, but
    # what matters here is that the host's family picks the scheme
    clean.packages["curl"]["version"] = "7.88~rc1"
    assert triples(compare_spec(webapp, clean)) == {("package", "curl", "version", "changed")}


def test_file_drift_mode_owner_hash_type(webapp, clean):
    conf = clean.files["/etc/nginx/conf.d/shop.conf"]
    conf["mode"], conf["sha256"] = "0666", "0" * 64
    clean.files["/srv/app/index.html"]["owner"] = "root"
    clean.files["/srv/app"]["type"] = "file"
    clean.files["/etc/shop/release"] = {"type": "absent"}
    assert triples(compare_spec(webapp, clean)) == {
        ("file", "/etc/nginx/conf.d/shop.conf", "mode", "changed"),
        ("file", "/etc/nginx/conf.d/shop.conf", "sha256", "changed"),
        ("file", "/srv/app/index.html", "owner", "changed"),
        ("file", "/srv/app", "type", "changed"),
        ("file", "/etc/shop/release", None, "missing"),
    }


def test_user_group_service_port_sysctl_drift(webapp, clean):
    clean.users["app"].update(uid=2000, shell="/bin/sh", groups=["app", "www-data"])
    del clean.groups["deploy"]
    clean.services["nginx"]["running"] = False
    clean.services["postgresql"]["enabled"] = None  # unknown without an init system: not drift
    del clean.ports["tcp/8080"]
    clean.sysctl["net.core.somaxconn"] = "4096"
    found = compare_spec(webapp, clean)
    assert triples(found) == {
        ("user", "app", "uid", "changed"), ("user", "app", "shell", "changed"),
        ("user", "app", "groups", "changed"), ("group", "deploy", None, "missing"),
        ("service", "nginx", "running", "changed"), ("port", "tcp/8080", None, "missing"),
        ("sysctl", "net.core.somaxconn", None, "changed"),
    }
    groups = next(f for f in found if f.field == "groups")
    assert (groups.expected, groups.actual) == (["deploy", "www-data"], ["app", "www-data"])


def test_extra_group_membership_is_not_drift(webapp, clean):
    clean.users["app"]["groups"].append("adm")
    assert compare_spec(webapp, clean) == []


def test_strict_reports_undeclared_regular_items_only(webapp, clean):
    clean.packages["htop"] = {"version": "3.2.2-2", "arch": "amd64"}
    clean.packages["libnl-3-200"] = {"version": "3.7.0-0.2", "arch": "amd64", "auto": True}
    clean.users["mallory"] = {"uid": 1002, "gid": 1002, "home": "/home/mallory",
                              "shell": "/bin/bash", "groups": []}
    clean.users["_apt"] = {"uid": 42, "gid": 65534, "home": "/nonexistent",
                           "shell": "/usr/sbin/nologin", "groups": []}
    clean.groups["mallory"] = {"gid": 1002, "members": []}
    clean.ports["tcp/9999"] = {"protocol": "tcp", "port": 9999, "addresses": ["127.0.0.1"]}
    base = BaseSystem("test", packages=frozenset({"libc6"}))
    assert compare_spec(webapp, clean, strict=False) == []
    found = compare_spec(webapp, clean, strict=True, base=base)
    assert triples(found) == {
        ("package", "htop", None, "unexpected"), ("user", "mallory", None, "unexpected"),
        ("group", "mallory", None, "unexpected"), ("port", "tcp/9999", None, "unexpected"),
    }
    assert next(f for f in found if f.kind == "port").actual == ["127.0.0.1"]


def test_strict_without_base_warns_and_base_names_are_excused(webapp, clean):
    out = compare_spec_full(webapp, clean, strict=True)
    assert triples(out.findings) == {("package", "libc6", None, "unexpected")}
    assert any("base system unknown" in n for n in out.notes)


def test_unavailable_kinds_are_notes_not_findings(webapp, clean):
    clean.ports = {}
    clean.unavailable["ports"] = "no /proc/net"
    out = compare_spec_full(webapp, clean)
    assert out.findings == []
    assert out.notes == ["docker://clean: ports not compared: no /proc/net"]
    assert "port" not in out.checked


def test_wrong_distro_release_is_an_os_finding(webapp, clean):
    clean.os["release"] = "11"
    assert triples(compare_spec(webapp, clean)) == {("os", "release", None, "changed")}


def test_strict_excuses_the_tools_provisioning_installs(webapp, clean):
    """provision.sh installs procps for `sysctl` (apt marks it manual): not someone's addition."""
    clean.packages["procps"] = {"version": "2:4.0.2-3", "arch": "amd64", "auto": False}
    clean.packages["passwd"] = {"version": "1:4.13+dfsg1-1", "arch": "amd64", "auto": False}
    base = BaseSystem("test", packages=frozenset({"libc6"}))
    assert compare_spec(webapp, clean, strict=True, base=base) == []


def test_what_strict_reports_a_spec_can_declare(tmp_path):
    """Every name --strict can report is declarable with the spelling the facts use, and a
    spec declaring them all checks clean (issue 7)."""
    facts = Facts(
        host="docker://odd",
        os={"distro": "debian", "release": "12", "family": "apt"},
        packages={"zlib1g": {"version": "1:1.2.13.dfsg-1", "arch": "amd64"},
                  "zlib1g:i386": {"version": "1:1.2.13.dfsg-1", "arch": "i386"}},
        users={"john.doe": {"uid": 1500, "gid": 5555, "home": "/home/john.doe",
                            "shell": "/bin/sh", "groups": ["5555"]},
               "Ws1$": {"uid": 1501, "gid": 1501, "home": "/nonexistent", "shell": "/bin/false",
                        "groups": ["Ws1$"]}},
        groups={"Ws1$": {"gid": 1501, "members": []}},
        files={"/usr/local/bin/tool": {"type": "link", "mode": "0777", "owner": "root",
                                       "group": "root", "sha256": None, "target": "suidtool"},
               "/srv/data": {"type": "directory", "mode": "0750", "owner": "4242",
                             "group": "4242", "sha256": None, "target": None},
               "/etc/app.conf": {"type": "file", "mode": "0640", "owner": "www-data",
                                 "group": "adm", "sha256": "0" * 64, "target": None}},
    )
    spec = load_spec_text(
        "parity: 1\nname: odd\nbase: debian:12\n"
        "packages: {zlib1g: '*', 'zlib1g:i386': '*'}\n"
        "users:\n  john.doe: {uid: 1500, groups: ['5555']}\n  Ws1$: {uid: 1501}\n"
        "files:\n"
        "  /usr/local/bin/tool: {type: link, target: suidtool}\n"
        "  /srv/data: {type: directory, owner: 4242, group: '4242'}\n"
        "  /etc/app.conf: {mode: '0640'}\n",  # owner unpinned: www-data is not drift
        tmp_path / "parity.yaml")
    assert compare_spec(spec, facts, strict=True, base=BaseSystem("test")) == []
    facts.files["/usr/local/bin/tool"]["target"] = "/usr/local/bin/suidtool"
    facts.files["/srv/data"]["owner"] = "app"
    facts.users["john.doe"]["groups"] = ["john.doe"]
    assert triples(compare_spec(spec, facts)) == {
        ("file", "/usr/local/bin/tool", "target", "changed"),
        ("file", "/srv/data", "owner", "changed"),
        ("user", "john.doe", "groups", "changed"),
    }


def _pins(tmp_path, base: str, pins: dict[str, str]):
    from parity.spec import load_spec_text

    lines = "".join(f"  {name}: \"{c}\"\n" for name, c in pins.items())
    return load_spec_text(f"parity: 1\nname: v\nbase: {base}\npackages:\n{lines}",
                          tmp_path / "parity.yaml")


def _host(clean, family: str, versions: dict[str, str]):
    clean.os["family"] = family
    clean.packages = {n: {"version": v, "arch": "x86_64"} for n, v in versions.items()}
    return clean


def _version_findings(spec, facts) -> dict[str, tuple[str, str]]:
    return {f.name: (f.expected, f.actual) for f in compare_spec(spec, facts)
            if f.kind == "package"}


def test_issue_7_upstream_pins_and_epochs_deb(tmp_path, clean):
    """=, != and > agree on an upstream version; an epoch written in the pin is compared."""
    spec = _pins(tmp_path, "debian:12", {
        "nginx": "=1.22.1", "openssh-server": "=1:9.2p1", "procps": "=2:4.0.2",
        "curl": "!=7.88.1", "less": ">590", "git": "<=2.39.2", "ssh": "=9.2p1"})
    facts = _host(clean, "apt", {
        "nginx": "1.22.1-9", "openssh-server": "1:9.2p1-2+deb12u10", "procps": "2:4.0.2-3",
        "curl": "7.88.1-10+deb12u5", "less": "590-2.1~deb12u2", "git": "1:2.39.2-1.1",
        "ssh": "1:9.2p1-2+deb12u10"})
    assert _version_findings(spec, facts) == {
        "curl": ("!=7.88.1", "7.88.1-10+deb12u5"),   # it IS upstream 7.88.1
        "less": (">590", "590-2.1~deb12u2"),         # upstream 590 is not newer than 590
    }


def test_issue_7_rpm_and_apk_pins_match_any_release(tmp_path, clean):
    spec = _pins(tmp_path, "fedora:40", {"nginx": "=1.22.1", "procps-ng": "=4.0.2",
                                          "curl": "=8.6.0-7.fc40"})
    facts = _host(clean, "dnf", {"nginx": "1.22.1-3.el9", "procps-ng": "2:4.0.2-1.fc40",
                                 "curl": "8.6.0-8.fc40"})
    assert _version_findings(spec, facts) == {"curl": ("=8.6.0-7.fc40", "8.6.0-8.fc40")}

    spec = _pins(tmp_path, "alpine:3.20", {"busybox": "=1.36.1", "musl": "=1.2.5-r0"})
    facts = _host(clean, "apk", {"busybox": "1.36.1-r2", "musl": "1.2.5-r1"})
    assert _version_findings(spec, facts) == {"musl": ("=1.2.5-r0", "1.2.5-r1")}


def test_a_version_that_cannot_be_compared_is_drift_with_a_reason(tmp_path, clean):
    spec = _pins(tmp_path, "alpine:3.20", {"busybox": ">=1.36", "musl": "*"})
    facts = _host(clean, "apk", {"busybox": "1.36.1bc-r2", "musl": "not a version"})
    out = compare_spec_full(spec, facts)
    found = [f for f in out.findings if f.kind == "package"]
    assert [(f.name, f.field, f.change, f.expected, f.actual) for f in found] == [
        ("busybox", "version", "changed", ">=1.36", "1.36.1bc-r2")]
    note = next(n for n in out.notes if "busybox" in n)
    assert "could not be compared" in note and "'1.36.1bc-r2' is not a valid apk version" in note
