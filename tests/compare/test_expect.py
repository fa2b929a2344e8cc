from __future__ import annotations

import hashlib

from parity.compare.expect import collect_paths, expected_facts
from parity.spec import load_spec_text


def test_dev_role_requires_dev_packages_prod_tolerates_them(webapp):
    dev, prod = expected_facts(webapp, "dev"), expected_facts(webapp, "prod")
    assert {"git", "less"} <= set(dev.packages)
    assert not {"git", "less"} & set(prod.packages)
    assert prod.tolerated["packages"] == frozenset({"git", "less"})
    assert dev.tolerated == {}


def test_files_carry_only_what_the_spec_pins(tmp_path):
    (tmp_path / "a.conf").write_text("hello\n")
    spec = load_spec_text(
        "parity: 1\nname: x\nbase: debian:12\nfiles:\n"
        "  /etc/a.conf: {source: a.conf, mode: '0600', owner: root, group: adm}\n"
        "  /etc/b: {content: \"b\\n\"}\n"
        "  /srv/d: {type: directory, mode: '0750'}\n"
        "  /srv/e: {type: directory, group: 5555}\n"
        "  /usr/bin/l: {type: link, target: /bin/true}\n"
        "  /usr/bin/r: {type: link, target: ../lib/x, owner: app, mode: '0644'}\n",
        tmp_path / "parity.yaml",
    )
    files = expected_facts(spec).files
    assert files["/etc/a.conf"] == {"type": "file", "mode": "0600", "owner": "root", "group": "adm",
                                    "sha256": hashlib.sha256(b"hello\n").hexdigest()}
    assert files["/etc/b"]["sha256"] == hashlib.sha256(b"b\n").hexdigest()
    assert "mode" not in files["/etc/b"]  # unpinned: not checked
    assert "owner" not in files["/etc/b"] and "group" not in files["/etc/b"]  # not "root"
    assert files["/srv/d"] == {"type": "directory", "mode": "0750"}
    assert files["/srv/e"] == {"type": "directory", "group": "5555"}  # an id, as facts print it
    assert files["/usr/bin/l"] == {"type": "link", "target": "/bin/true"}
    # a link's target as the link stores it; its mode is always 0777, so never compared
    assert files["/usr/bin/r"] == {"type": "link", "target": "../lib/x", "owner": "app"}
    assert collect_paths(spec, ["/etc/extra"]) == ["/etc/a.conf", "/etc/b", "/etc/extra",
                                                   "/srv/d", "/srv/e", "/usr/bin/l",
                                                   "/usr/bin/r"]


def test_users_only_pin_what_the_spec_says(webapp):
    exp = expected_facts(webapp)
    assert exp.users["app"] == {"uid": 1001, "home": "/srv/app", "shell": "/bin/bash",
                                "groups": ["deploy", "www-data"]}
    assert exp.ports == {"tcp/5432": {"protocol": "tcp", "port": 5432},
                         "tcp/8080": {"protocol": "tcp", "port": 8080}}
    assert exp.to_dict()["packages"]["nginx"] == {"version": "1.22.*"}
