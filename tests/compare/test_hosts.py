"""Host vs host: every difference, with A as reference and B as the host under test."""

from __future__ import annotations

import copy

from parity.compare.hosts import compare_hosts, compare_hosts_full
from parity.facts.model import Facts


def test_twins_have_no_findings(clean):
    twin = copy.deepcopy(clean)
    twin.host = "docker://twin"
    twin.collected_at = "2024-01-01T00:00:00Z"
    twin.os["hostname"] = "other"  # volatile
    assert compare_hosts(clean, twin) == []


def test_every_kind_of_difference(clean, tmp_path):
    b = copy.deepcopy(clean)
    b.host = "docker://b"
    b.packages["nginx"]["version"] = "1.22.1-9+deb12u1"
    del b.packages["less"]
    b.packages["htop"] = {"version": "3.2.2-2", "arch": "amd64"}
    b.users["app"]["groups"] = ["app", "www-data"]
    b.files["/srv/app/index.html"]["mode"] = "0600"
    b.ports["udp/53"] = {"protocol": "udp", "port": 53, "addresses": ["127.0.0.1"]}
    b.sysctl["net.core.somaxconn"] = "4096"
    b.services["nginx"]["running"] = False
    b.os["kernel"] = "6.2.0"
    # either side may be a snapshot file
    path = tmp_path / "b.json"
    b.save(path)
    found = compare_hosts(clean, Facts.load(path))
    assert {f.identity for f in found} == {
        ("package", "nginx", "version", "changed"), ("package", "less", None, "missing"),
        ("package", "htop", None, "unexpected"), ("user", "app", "groups", "changed"),
        ("file", "/srv/app/index.html", "mode", "changed"), ("port", "udp/53", None, "unexpected"),
        ("sysctl", "net.core.somaxconn", None, "changed"),
        ("service", "nginx", "running", "changed"), ("os", "kernel", None, "changed"),
    }
    assert {f.host for f in found} == {"docker://b"}
    nginx = next(f for f in found if f.name == "nginx" and f.kind == "package")
    assert (nginx.expected, nginx.actual) == ("1.22.1-9", "1.22.1-9+deb12u1")


def test_list_order_is_not_a_difference(clean):
    b = copy.deepcopy(clean)
    b.users["app"]["groups"] = list(reversed(b.users["app"]["groups"]))
    assert compare_hosts(clean, b) == []


def test_unavailable_on_either_side_skips_the_kind(clean):
    b = copy.deepcopy(clean)
    b.packages = {}
    b.unavailable["packages"] = "no package manager database found"
    out = compare_hosts_full(clean, b)
    assert out.findings == []
    assert out.notes == ["docker://clean: packages not compared: no package manager database found"]


def test_files_and_sysctl_asked_on_one_side_only_are_notes(clean):
    b = copy.deepcopy(clean)
    b.files["/etc/extra"] = {"type": "absent"}
    del b.sysctl["net.core.somaxconn"]
    out = compare_hosts_full(clean, b)
    assert out.findings == []
    assert out.notes == ["files collected on one side only, not compared: /etc/extra",
                         "sysctl collected on one side only, not compared: net.core.somaxconn"]


def test_a_file_of_another_type_is_one_finding() -> None:
    """Absent on A, a link on B: one ``type`` finding, not one per field (as the spec check)."""
    from parity.compare.hosts import compare_hosts
    from parity.facts.model import Facts

    absent = {"type": "absent", "mode": None, "owner": None, "group": None, "sha256": None,
              "target": None}
    link = {"type": "link", "mode": "0777", "owner": "root", "group": "root", "sha256": None,
            "target": "x"}
    found = compare_hosts(Facts("a", files={"/p": absent}), Facts("b", files={"/p": link}))
    assert [(f.name, f.field, f.expected, f.actual) for f in found] == [
        ("/p", "type", "absent", "link")]
