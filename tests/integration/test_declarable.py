"""Issue 7 end to end: what ``parity check --strict`` reports on a real host, a spec can declare.

A debian:12 host is made odd on purpose: a user ``john.doe`` whose primary gid 5555 has no
``/etc/group`` entry, a config file owned by ``www-data:adm``. Then parity's own rendered
``provision.sh`` enables the i386 architecture and installs ``zlib1g:i386`` (a second
architecture of a package the base already has; the image build downloads with ``--network
host``) and writes the files: relative symlinks, a directory owned by the nameless id 4242, new
content for the config file whose owner the spec leaves open. A spec declaring all of that
checks clean with ``--strict`` against a snapshot of a pristine debian:12 as the base system,
and the real tools (``readlink``, ``stat``, ``id``, ``dpkg-query``) agree with the facts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.docker import exec_ok

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

HOST_DOCKERFILE = """\
FROM debian:12
RUN groupadd -g 5555 gone && useradd -u 1500 -g 5555 -m -s /bin/sh john.doe \\
 && sed -i '/^gone:/d' /etc/group /etc/gshadow
RUN printf 'old\\n' > /etc/app.conf && chown www-data:adm /etc/app.conf && chmod 0600 /etc/app.conf
COPY ctx /ctx
RUN sh /ctx/provision.sh packages users files > /provision.log 2>&1 \\
 || { cat /provision.log; exit 1; }
"""

SPEC = """\
parity: 1
name: odd
base: debian:12
packages:
  zlib1g:i386: ">=1:1.2"
users:
  john.doe: {uid: 1500, groups: ["5555"]}
files:
  /usr/local/lib/x: {content: "x\\n", mode: "0755"}
  /usr/local/bin/x: {type: link, target: ../lib/x}
  /usr/local/bin/tool: {type: link, target: suidtool}
  /srv/data: {type: directory, owner: 4242, group: 4242, mode: "0750"}
  /etc/app.conf: {content: "listen 80\\n", mode: "0640"}
"""


def parity(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env=env)


def findings(doc: dict[str, Any]) -> list[tuple[str, str, str | None, str]]:
    return [(f["kind"], f["name"], f["field"], f["change"])
            for h in doc["hosts"] for f in h["findings"]]


def test_a_spec_declaring_odd_names_checks_clean_strict(tmp_path: Path, image_builder,  # type: ignore[no-untyped-def]
                                                        container_factory,
                                                        base_image: str) -> None:
    from parity.render import render_target
    from parity.spec import load_spec

    spec_path = tmp_path / "spec" / "parity.yaml"
    spec_path.parent.mkdir()
    spec_path.write_text(SPEC)
    ctx = tmp_path / "host" / "ctx"
    render_target(load_spec(spec_path), "docker", ctx)
    script = (ctx / "steps" / "10-packages" / "step.sh").read_text()
    assert script.index("pm_add_architecture i386") < script.index("parity_want zlib1g:i386")
    (tmp_path / "host" / "Dockerfile").write_text(HOST_DOCKERFILE)
    # the build runs parity's provisioning (with --network host, for apt); the host then runs
    # with --network none, so only its own listeners are in its facts
    image = image_builder(tmp_path / "host", area="names")
    host = container_factory.start(image)
    version = exec_ok(host, ["dpkg-query", "-W", "-f", "${Version}", "zlib1g:i386"]).strip()
    # provisioning picked the best candidate and installed exactly it: apt got zlib1g:i386=VERSION
    assert f"zlib1g:i386: {version} satisfies >=1:1.2" in exec_ok(host, "cat /provision.log")
    # provisioning enabled the architecture itself: the spec needs nothing from the base image
    assert exec_ok(host, ["dpkg", "--print-foreign-architectures"]).split() == ["i386"]
    assert exec_ok(host, ["readlink", "/usr/local/bin/x"]).strip() == "../lib/x"
    assert exec_ok(host, ["readlink", "/usr/local/bin/tool"]).strip() == "suidtool"
    assert exec_ok(host, ["stat", "-c", "%u:%g %U:%G", "/srv/data"]).split() == [
        "4242:4242", "UNKNOWN:UNKNOWN"]
    # the spec leaves the owner open: provisioning replaced the content and kept www-data:adm
    assert exec_ok(host, ["stat", "-c", "%U:%G %a", "/etc/app.conf"]).split() == [
        "www-data:adm", "640"]
    assert exec_ok(host, ["id", "john.doe"]).strip() == (
        "uid=1500(john.doe) gid=5555 groups=5555")

    pristine = container_factory.start(base_image)
    base = tmp_path / "base.json"
    snap = parity("snapshot", f"docker://{pristine.name}", "-o", str(base))
    assert snap.returncode == 0, snap.stderr
    facts_out = tmp_path / "host.json"
    snap = parity("snapshot", f"docker://{host.name}", "--spec", str(spec_path), "-o",
                  str(facts_out))
    assert snap.returncode == 0, snap.stderr
    facts = json.loads(facts_out.read_text())
    assert facts["packages"]["zlib1g:i386"] == {"version": version, "arch": "i386",
                                                "auto": False}
    assert facts["users"]["john.doe"]["groups"] == ["5555"]
    assert facts["files"]["/srv/data"]["owner"] == "4242"
    assert facts["files"]["/usr/local/bin/x"]["target"] == "../lib/x"

    res = parity("check", str(spec_path), "--host", f"docker://{host.name}", "--strict",
                 "--base-facts", str(base), "--format", "json")
    doc = json.loads(res.stdout)
    assert findings(doc) == [], res.stdout
    assert res.returncode == 0, res.stderr

    # and the same check still sees drift in each of those declarations
    exec_ok(host, "ln -sfn /usr/local/bin/suidtool /usr/local/bin/tool && chown 4243 /srv/data"
                  " && apt-get remove -y -q zlib1g:i386 >/dev/null")
    res = parity("check", str(spec_path), "--host", f"docker://{host.name}", "--strict",
                 "--base-facts", str(base), "--format", "json")
    assert res.returncode == 1, res.stderr
    assert set(findings(json.loads(res.stdout))) == {
        ("file", "/usr/local/bin/tool", "target", "changed"),
        ("file", "/srv/data", "owner", "changed"),
        ("package", "zlib1g:i386", None, "missing"),
    }
