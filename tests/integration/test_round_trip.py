"""Issue 13: a captured production host comes up as an identical dev environment.

Two realistic hosts are built here (``round_trip/web``, ``round_trip/db``): nginx with an extra
site on 8080 and a changed conffile, PostgreSQL started by ``pg_ctl`` and sshd started by hand
(their init scripts say "stopped" while both run and listen), cron, people and a team group, a
base account (www-data, postgres) added to a new group, a hand-made system account, a root-only
credentials file and a world-readable one holding a password, a fifo, a namespaced sysctl.

For each host, as a new user would run it (the real CLI, in a subprocess):
``parity capture docker://HOST -o DIR/parity.yaml``, ``parity up DIR``, then
``parity diff docker://HOST docker://DEV --spec DIR/parity.yaml`` and ``parity check DIR -H
docker://DEV`` must both exit 0; no byte of the credentials reaches DIR or the output; ``up``
waits for no service that already runs; a second capture is byte-identical to the first.
The web host also comes up through Vagrant's docker provider.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.docker import ContainerFactory, exec_ok, unique_name

pytestmark = [pytest.mark.docker, pytest.mark.slow]

HERE = Path(__file__).resolve().parent / "round_trip"

#: every secret the hosts hold (the 0600 file and the world-readable one with a password)
SECRETS = (b"hunter2-ROUND-TRIP-0600", b"hunter2-ROUND-TRIP-0644")


@dataclass
class Host:
    """A realistic host, its capture folder, and the dev environment brought up from it."""

    name: str
    container: Any
    out: Path
    capture: subprocess.CompletedProcess[str]
    up: subprocess.CompletedProcess[str] | None = None
    up_seconds: float = 0.0
    dev: str = ""

    @property
    def spec(self) -> Path:
        return self.out / "parity.yaml"


def parity(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARITY_SPEC"}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=900, check=False, cwd=cwd, env=env)


def _wait_listening(container: Any, ports: tuple[int, ...]) -> None:
    """Until every port listens inside the host (its services start in the background)."""
    want = " ".join(f":{p}" for p in ports)
    exec_ok(container, "for i in $(seq 100); do ok=1; for p in " + want
            + "; do ss -ltn | grep -q \"$p \" || ok=; done; [ -n \"$ok\" ] && exit 0; "
            "sleep 0.2; done; ss -ltn; exit 1")


def _bring(image_builder: Any, docker_client: Any, tmp: Path, kind: str,
           sysctls: dict[str, str], ports: tuple[int, ...],
           extra: tuple[str, ...] = ()) -> Iterator[Host]:
    from tests.up.helpers import sweep

    factory = ContainerFactory(docker_client, area=f"roundtrip-{kind}")
    image = str(image_builder(HERE / kind, area="roundtrip"))
    try:
        command = docker_client.images.get(image).attrs["Config"]["Cmd"]  # the host's own
        container = factory.start(image, command, sysctls=sysctls)
        _wait_listening(container, ports)
        out = tmp / kind
        captured = parity("capture", f"docker://{container.name}", "-o", str(out / "parity.yaml"),
                          *extra)
        host = Host(kind, container, out, captured)
        if captured.returncode == 0:
            host.dev = unique_name(f"roundtrip-{kind}-dev")
            started = time.monotonic()
            host.up = parity("up", str(out), "--name", host.dev)
            host.up_seconds = time.monotonic() - started
        yield host
    finally:
        with contextlib.suppress(Exception):
            parity("down", str(tmp / kind), "--name", unique_name(f"roundtrip-{kind}-dev"))
        factory.cleanup()
        sweep(docker_client, tmp)


@pytest.fixture(scope="module")
def web(image_builder: Any, docker_client: Any,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    yield from _bring(image_builder, docker_client, tmp_path_factory.mktemp("rt-web"), "web",
                      {"net.ipv4.ip_local_port_range": "20000 60000"}, (80, 8080),
                      extra=("--path", "/srv/www"))


@pytest.fixture(scope="module")
def db(image_builder: Any, docker_client: Any,
       tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    yield from _bring(image_builder, docker_client, tmp_path_factory.mktemp("rt-db"), "db",
                      {"net.core.somaxconn": "1024"}, (22, 5432))


@pytest.fixture(params=["web", "db"])
def host(request: pytest.FixtureRequest) -> Host:
    return request.getfixturevalue(request.param)


def _doc(host: Host) -> dict[str, Any]:
    return yaml.safe_load(host.spec.read_text())


# --------------------------------------------------------------------------------- capture


def test_capture_succeeds_and_the_spec_validates(host: Host) -> None:
    assert host.capture.returncode == 0, host.capture.stderr
    res = parity("validate", str(host.spec))
    assert res.returncode == 0, res.stdout + res.stderr


def test_no_secret_reaches_the_capture_folder_or_the_output(host: Host) -> None:
    """Every byte of every file under DIR, and everything capture printed."""
    assert host.capture.returncode == 0, host.capture.stderr
    printed = (host.capture.stdout + host.capture.stderr).encode()
    for secret in SECRETS:
        assert secret not in printed
        for path in host.out.rglob("*"):
            if path.is_file():
                assert secret not in path.read_bytes(), path


def test_credentials_are_declared_as_run_time_secrets(web: Host) -> None:
    files = _doc(web)["files"]
    for path in ("/etc/app/credentials", "/etc/app/db.ini"):
        assert files[path].get("secret") is True, (path, files[path])
        assert "source" not in files[path] and "content" not in files[path]
    assert files["/etc/app/credentials"]["mode"] == "0600"
    text = web.spec.read_text()
    assert "/etc/app/credentials" in text.split("parity:", 1)[0]  # named in the header, with why


def test_changed_conffiles_unowned_files_and_links_are_captured(web: Host) -> None:
    files = _doc(web)["files"]
    conf = files["/etc/nginx/nginx.conf"]
    assert b"worker_processes 2;" in (web.out / conf["source"]).read_bytes()
    site = files["/etc/nginx/sites-available/app"]
    assert (web.out / site["source"]).read_bytes() == exec_ok(
        web.container, "cat /etc/nginx/sites-available/app").encode()
    assert files["/etc/nginx/sites-enabled/app"] == {"type": "link",
                                                     "target": "../sites-available/app"}
    assert files["/etc/app/app.conf"]["owner"] == "appsvc"
    assert (web.out / files["/srv/www/index.html"]["source"]).read_text() == "<h1>shop</h1>\n"


def test_a_fifo_is_named_and_left_out(web: Host) -> None:
    head = web.spec.read_text().split("parity:", 1)[0]
    assert "/etc/app/control" in head
    assert "/etc/app/control" not in _doc(web).get("files", {})


def test_running_services_are_captured_running(host: Host) -> None:
    services = _doc(host)["services"]
    running = {"web": ("nginx", "cron"), "db": ("postgresql", "ssh", "cron")}[host.name]
    for name in running:
        assert services[name]["running"] is True, (name, services[name])


def test_accounts_and_memberships_are_captured(host: Host) -> None:
    doc = _doc(host)
    if host.name == "web":
        assert doc["users"]["appsvc"]["system"] is True
        assert doc["groups"]["appsvc"]["system"] is True
        assert doc["users"]["www-data"] == {"groups": ["devs"]}
    else:
        assert "dba" in doc["users"]["postgres"]["groups"]


def test_namespaced_sysctl_is_captured(host: Host) -> None:
    key, value = {"web": ("net.ipv4.ip_local_port_range", "20000\t60000"),
                  "db": ("net.core.somaxconn", "1024")}[host.name]
    got = str(_doc(host)["sysctl"][key])
    assert got.split() == value.split()


def test_a_second_capture_is_byte_identical(host: Host, tmp_path: Path) -> None:
    extra = ("--path", "/srv/www") if host.name == "web" else ()
    again = parity("capture", f"docker://{host.container.name}", "-o",
                   str(tmp_path / "parity.yaml"), *extra)
    assert again.returncode == 0, again.stderr
    first = {p.relative_to(host.out): p.read_bytes() for p in host.out.rglob("*")
             if p.is_file() and ".parity" not in p.parts}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file()}
    assert first == second


# ------------------------------------------------------------------------------ the round trip


def test_up_of_the_captured_spec_waits_for_nothing(host: Host) -> None:
    assert host.up is not None and host.up.returncode == 0, (host.up.stderr if host.up else
                                                               host.capture.stderr)
    assert "did not report started" not in host.up.stderr
    assert "services started" in host.up.stderr
    # the captured spec isolates the environment: prod's ports would collide with this machine's
    net = subprocess.run(["docker", "inspect", "-f", "{{.HostConfig.NetworkMode}}", host.dev],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert net == "none"


def test_diff_of_host_and_dev_finds_nothing(host: Host) -> None:
    assert host.up is not None and host.up.returncode == 0
    res = parity("diff", f"docker://{host.container.name}", f"docker://{host.dev}",
                 "--spec", str(host.spec))
    assert res.returncode == 0, res.stdout + res.stderr


def test_check_of_dev_against_the_captured_spec_passes(host: Host) -> None:
    assert host.up is not None and host.up.returncode == 0
    res = parity("check", str(host.out), "-H", f"docker://{host.dev}")
    assert res.returncode == 0, res.stdout + res.stderr
    prod = parity("check", str(host.out), "-H", f"docker://{host.container.name}",
                  "--role", "prod")
    assert prod.returncode == 0, prod.stdout + prod.stderr


def test_credentials_in_dev_are_placeholders(web: Host) -> None:
    assert web.up is not None and web.up.returncode == 0
    out = subprocess.run(["docker", "exec", web.dev, "stat", "-c", "%a %U %s",
                          "/etc/app/credentials"], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["600", "root", "0"]


@pytest.mark.vagrant
def test_the_round_trip_closes_through_vagrant_too(web: Host, docker_client: Any) -> None:
    from tests.helpers.docker import require

    require("vagrant")
    assert web.capture.returncode == 0
    up = parity("up", str(web.out), "--target", "vagrant")
    try:
        assert up.returncode == 0, up.stderr
        url = up.stdout.strip().splitlines()[-1]
        assert re.match(r"^docker://", url), url
        check = parity("check", str(web.out), "-H", url)
        assert check.returncode == 0, check.stdout + check.stderr
        diff = parity("diff", f"docker://{web.container.name}", url, "--spec", str(web.spec))
        assert diff.returncode == 0, diff.stdout + diff.stderr
    finally:
        parity("down", str(web.out), "--target", "vagrant")
