"""The webapp's rendered Dockerfile really builds, and the container matches the spec."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import testinfra

from parity import labels
from parity.render.aci import build_aci
from parity.render.context import DEV_ARG
from parity.spec import Spec
from parity.versions import compare

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def shop(webapp_image: str, session_container_factory, docker_client) -> Iterator:  # type: ignore[no-untyped-def]
    """One running container of the dev image (entrypoint started nginx and postgresql)."""
    container = session_container_factory.start(webapp_image, command=[], network="none")
    host = testinfra.get_host(f"docker://{container.name}")
    # the entrypoint writes pid files once both services report started
    host.run("for i in $(seq 50); do [ -s /run/parity/postgresql.pid ] && break; sleep 0.2; done")
    yield host
    container.remove(force=True)


def test_image_labels(webapp_image: str, docker_client, example_specs: dict[str, Spec]) -> None:  # type: ignore[no-untyped-def]
    config = docker_client.images.get(webapp_image).attrs["Config"]
    spec = example_specs["webapp"]
    assert config["Labels"][labels.SPEC_SHA256] == spec.sha256
    assert set(config["ExposedPorts"]) == {"8080/tcp", "5432/tcp"}
    env = dict(e.split("=", 1) for e in config["Env"])
    assert env["APP_ENV"] == "production"
    assert "SECRET_KEY" not in env


def test_pinned_packages(shop, example_specs: dict[str, Spec]) -> None:  # type: ignore[no-untyped-def]
    spec = example_specs["webapp"]
    for name, constraint in spec.packages(dev=True).items():
        pkg = shop.package(name)
        assert pkg.is_installed, name
        assert constraint.allows(pkg.version, "deb"), f"{name} {pkg.version} !~ {constraint}"
    assert shop.package("nginx").version.startswith("1.22.")
    assert compare(shop.package("curl").version, "7.88", "deb") >= 0


def test_users_groups_files(shop) -> None:  # type: ignore[no-untyped-def]
    app = shop.user("app")
    assert (app.uid, app.home, app.shell) == (1001, "/srv/app", "/bin/bash")
    assert {"www-data", "deploy"} <= set(app.groups)
    assert shop.group("deploy").gid == 1100
    conf = shop.file("/etc/nginx/conf.d/shop.conf")
    assert (conf.user, conf.group, conf.mode) == ("root", "root", 0o644)
    assert "listen 8080" in conf.content_string
    index = shop.file("/srv/app/index.html")
    assert (index.user, index.group, index.mode) == ("app", "app", 0o644)
    assert shop.file("/srv/app").is_directory
    assert shop.file("/etc/shop/release").content_string == "shop 1.0.0\n"
    assert shop.file("/srv/app/data/.seeded").exists, "the provision script ran"
    profile = shop.file("/etc/profile.d/parity.sh").content_string
    assert "APP_ENV=production" in profile and "SECRET_KEY=" not in profile
    assert shop.file("/etc/sysctl.d/99-parity.conf").contains("net.core.somaxconn = 1024")


def test_services_started_by_entrypoint(shop) -> None:  # type: ignore[no-untyped-def]
    for name in ("nginx", "postgresql"):
        assert shop.file(f"/etc/parity/services/{name}").exists
        pid = shop.file(f"/run/parity/{name}.pid").content_string.strip()
        assert shop.run(f"kill -0 {pid}").rc == 0, f"{name} pid {pid} is not running"
    assert shop.run("curl -fsS http://127.0.0.1:8080/").stdout == \
        shop.file("/srv/app/index.html").content_string


def test_prod_build_has_no_dev_packages(rendered: dict[tuple[str, str], Path],
                                        webapp_image: str, docker_client) -> None:  # type: ignore[no-untyped-def]
    """--build-arg PARITY_DEV=0 reuses the cached layers and leaves dev_packages out."""
    image, _ = docker_client.images.build(path=str(rendered[("webapp", "docker")]),
                                          buildargs={DEV_ARG: "0"}, network_mode="host",
                                          rm=True, tag="parity-test-render/shop:prod")
    result = subprocess.run(["docker", "run", "--rm", "--network", "none", "--entrypoint",
                             "dpkg-query", image.id, "-W", "-f", "${Package}\\n", "nginx", "git"],
                            capture_output=True, text=True, check=False)
    assert "nginx" in result.stdout and "git" not in result.stdout.split()


def test_docker_stop_shuts_services_down_cleanly(webapp_image: str, container_factory,  # type: ignore[no-untyped-def]
                                                 docker_client) -> None:
    """On TERM the entrypoint stops the services it started, last first, and exits 0 within
    docker's 10 s grace: PostgreSQL logs a clean shutdown instead of being killed."""
    container = container_factory.start(webapp_image, command=[], network="none")
    host = testinfra.get_host(f"docker://{container.name}")
    host.run("for i in $(seq 50); do [ -s /run/parity/postgresql.pid ] && break; sleep 0.2; done")
    assert host.file("/run/parity/postgresql.pid").exists
    started = time.monotonic()
    container.stop(timeout=10)
    elapsed = time.monotonic() - started
    container.reload()
    assert container.attrs["State"]["ExitCode"] == 0
    assert elapsed < 9, f"docker stop took {elapsed:.1f} s: killed, not stopped"
    logs = container.logs().decode()
    assert logs.index("stopped postgresql") < logs.index("stopped nginx"), logs
    container.start()  # the same filesystem: PostgreSQL says how it was shut down last time
    host.run("for i in $(seq 50); do [ -s /run/parity/postgresql.pid ] && break; sleep 0.2; done")
    log = host.run("cat /var/log/postgresql/postgresql-15-main.log").stdout
    assert "database system is shut down" in log
    assert "not properly shut down" not in log


@pytest.mark.actool
def test_build_aci_from_the_image(webapp_image: str, example_specs: dict[str, Spec],
                                  tmp_path: Path) -> None:
    out = build_aci(example_specs["webapp"], webapp_image, tmp_path / "shop.aci")
    manifest = subprocess.run(["actool", "cat-manifest", str(out)], capture_output=True,
                              text=True, check=True).stdout
    assert json.loads(manifest)["name"] == "example.com/shop"
    listing = subprocess.run(["tar", "-tf", str(out)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert "rootfs/usr/sbin/nginx" in listing
