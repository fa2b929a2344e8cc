"""Facts of a host that matches examples/webapp exactly, built by hand for comparison tests."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from parity.facts.model import Facts
from parity.spec import Spec, load_spec

WEBAPP = Path(__file__).resolve().parents[2] / "examples" / "webapp" / "parity.yaml"


@pytest.fixture(scope="session")
def webapp() -> Spec:
    return load_spec(WEBAPP)


def _clean(spec: Spec) -> Facts:
    from parity.compare.expect import expected_facts

    exp = expected_facts(spec, "dev")
    files = {}
    for path, want in exp.files.items():
        files[path] = {"type": want["type"], "mode": want.get("mode", "0777"),
                       "owner": want.get("owner", "root"), "group": want.get("group", "root"),
                       "sha256": want.get("sha256"), "target": want.get("target")}
    return Facts(
        host="docker://clean",
        os={"distro": "debian", "release": "12", "codename": "bookworm", "arch": "x86_64",
            "kernel": "6.1.0", "family": "apt"},
        packages={
            "nginx": {"version": "1.22.1-9", "arch": "amd64"},
            "postgresql-15": {"version": "15.6-0+deb12u1", "arch": "amd64"},
            "curl": {"version": "7.88.1-10+deb12u5", "arch": "amd64"},
            "ca-certificates": {"version": "20230311", "arch": "all"},
            "git": {"version": "1:2.39.2-1.1", "arch": "amd64"},
            "less": {"version": "590-2.1~deb12u2", "arch": "amd64"},
            "libc6": {"version": "2.36-9+deb12u4", "arch": "amd64"},
            "nginx-common": {"version": "1.22.1-9", "arch": "all", "auto": True},
        },
        services={"nginx": {"running": True, "enabled": True},
                  "postgresql": {"running": True, "enabled": True}},
        users={"root": {"uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash",
                        "groups": ["root"]},
               "postgres": {"uid": 104, "gid": 106, "home": "/var/lib/postgresql",
                            "shell": "/bin/bash", "groups": ["postgres", "ssl-cert"]},
               "app": {"uid": 1001, "gid": 1001, "home": "/srv/app", "shell": "/bin/bash",
                       "groups": ["app", "deploy", "www-data"]}},
        groups={"root": {"gid": 0, "members": []}, "www-data": {"gid": 33, "members": ["app"]},
                "deploy": {"gid": 1100, "members": ["app"]}, "app": {"gid": 1001, "members": []},
                "postgres": {"gid": 106, "members": []}},
        files=files,
        ports={"tcp/8080": {"protocol": "tcp", "port": 8080, "addresses": ["0.0.0.0"]},
               "tcp/5432": {"protocol": "tcp", "port": 5432, "addresses": ["127.0.0.1"]}},
        sysctl={"net.core.somaxconn": "1024"},
    )


@pytest.fixture
def clean(webapp: Spec) -> Facts:
    """A fresh copy per test, so tests can drift it freely."""
    return copy.deepcopy(_clean(webapp))
