"""``up`` / ``status`` / ``down`` against the real Docker Engine, inspected through testinfra."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from docker.errors import ImageNotFound

from parity import labels
from parity.spec import load_spec
from parity.up import Decision, dev_url, down, status, up
from parity.up.state import State, work_dir

from .helpers import SECRET, copy_example, infra_host, parity_cli, unique

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def test_environment_has_what_the_spec_says(shop) -> None:
    spec, name = shop
    host = infra_host(f"docker://{name}")
    scheme = spec.distro.version_scheme
    for package, constraint in spec.packages(dev=True).items():
        installed = host.package(package)
        assert installed.is_installed, package
        assert constraint.allows(installed.version, scheme), (package, installed.version)
    app = host.user("app")
    assert (app.uid, app.home, app.shell) == (1001, "/srv/app", "/bin/bash")
    assert {"www-data", "deploy"} <= set(app.groups)
    assert host.group("deploy").gid == 1100
    conf = host.file("/etc/nginx/conf.d/shop.conf")
    assert conf.content_string == (spec.root / "files" / "shop.conf").read_text()
    assert (conf.mode, conf.user, conf.group) == (0o644, "root", "root")
    index = host.file("/srv/app/index.html")
    assert (index.user, index.group, index.mode) == ("app", "app", 0o644)
    assert host.file("/srv/app").is_directory
    assert host.file("/etc/shop/release").content_string == "shop 1.0.0\n"
    assert host.file("/srv/app/data/.seeded").exists  # the provision script ran
    env = host.environment()
    assert env["APP_ENV"] == "production"
    assert env["DATABASE_URL"] == "postgresql://app@localhost/shop"
    assert env["SECRET_KEY"] == SECRET
    for port in spec.ports:  # services may need a moment after their pid file appears
        deadline = time.monotonic() + 60
        while not listening(host, port) and time.monotonic() < deadline:
            time.sleep(1)
        assert listening(host, port), (port.key, host.socket.get_listening_sockets())


def listening(host, port) -> bool:
    """Listening on the port on any address (postgres binds 127.0.0.1 only, nginx all)."""
    return any(s.startswith(f"{port.protocol}://") and s.rsplit(":", 1)[-1] == str(port.number)
               for s in host.socket.get_listening_sockets())


def test_status_says_running_and_up_to_date(shop) -> None:
    spec, name = shop
    row = next(r for r in status(spec, targets=("docker",)) if r["name"] == name)
    assert (row["state"], row["running"], row["freshness"]) == ("running", True, "up to date")
    assert row["url"] == f"docker://{name}"
    assert row["uptime_seconds"] is not None and row["spec_sha256"] == spec.sha256


def test_second_up_is_a_noop(shop, docker_client) -> None:
    spec, name = shop
    before = docker_client.containers.get(name)
    result = up(spec, name=name, network="none", environ={})  # no secret needed: nothing to do
    assert result.decision is Decision.UP_TO_DATE
    after = docker_client.containers.get(name)
    assert after.id == before.id and after.attrs["Image"] == before.attrs["Image"]
    proc = parity_cli("up", str(spec.path), "--name", name, "--network", "none")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"docker://{name}"
    assert "up to date" in proc.stderr and "nothing to do" in proc.stderr


def test_up_says_when_the_running_environment_has_another_network(shop) -> None:
    """``up --network host`` on an environment running with ``none`` is still a no-op (the spec
    did not change), but it must not pass in silence: the ports are not reachable."""
    import io

    from parity.up.display import Display

    spec, name = shop
    out = io.StringIO()
    result = up(spec, name=name, network="host", environ={}, display=Display(out))
    assert result.decision is Decision.UP_TO_DATE
    assert "runs with --network none" in out.getvalue() and "--rebuild" in out.getvalue()
    quiet = io.StringIO()
    up(spec, name=name, network="none", environ={}, display=Display(quiet))
    assert "--network" not in quiet.getvalue()


def test_secrets_reach_the_container_only(shop, docker_client) -> None:
    spec, name = shop
    container = docker_client.containers.get(name)
    image = docker_client.images.get(container.attrs["Image"])
    assert not any(SECRET in e for e in image.attrs["Config"].get("Env") or [])
    assert SECRET not in str(image.history())
    assert SECRET not in str(image.labels) and SECRET not in str(container.labels)
    for path in work_dir(spec.root).rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_dev_url_finds_the_running_environment(shop) -> None:
    spec, name = shop
    assert dev_url(spec) == f"docker://{name}"


def test_spec_change_replaces_and_reports(workdir: Path, docker_client) -> None:
    spec_path = copy_example(workdir)
    name = unique("stale")
    first = up(load_spec(spec_path), name=name, network="none", environ={"SECRET_KEY": "x"})
    old = docker_client.containers.get(name)
    # an env value is part of the container's configuration: never applied in place
    spec_path.write_text(spec_path.read_text().replace("APP_ENV: production",
                                                       "APP_ENV: staging"))
    edited = load_spec(spec_path)
    row = next(r for r in status(edited, targets=("docker",)) if r["name"] == name)
    assert row["freshness"] == "stale"

    result = up(edited, name=name, network="none", environ={"SECRET_KEY": "x"})
    assert result.decision is Decision.STALE and result.how == "rebuilt"
    assert result.changes == ["env: ~ APP_ENV production -> staging"]
    assert result.previous_sha256 == first.observed.spec_sha256
    assert result.steps and result.steps[0].startswith("rebuilt ")
    assert "env values are part of the container's configuration" in result.not_in_place[0]
    new = docker_client.containers.get(name)
    assert new.id != old.id and new.labels[labels.SPEC_SHA256] == edited.sha256
    assert infra_host(f"docker://{name}").environment()["APP_ENV"] == "staging"
    with pytest.raises(ImageNotFound):
        docker_client.images.get(old.attrs["Image"])  # the replaced image does not linger

    removed = down(edited, name=name)
    assert [line.split()[0] for line in removed] == ["container", "image"]
    assert not docker_client.containers.list(all=True, filters={"name": name})
    assert State.load(edited.root).get("docker", name) is None


def test_down_never_touches_what_parity_did_not_create(workdir: Path, docker_client) -> None:
    spec_path = copy_example(workdir)
    spec = load_spec(spec_path)
    name = unique("down")
    up(spec, name=name, network="none", environ={"SECRET_KEY": "x"})
    sleeper = ["sleep", "600"]
    # same name pattern, no labels
    plain = docker_client.containers.run("debian:12", sleeper, name=f"{name}-impostor",
                                         network_mode="none", detach=True)
    # parity's labels, but another spec's environment
    other = docker_client.containers.run(
        "debian:12", sleeper, name=f"{name}-other", network_mode="none", detach=True,
        labels={labels.MANAGED: "1", labels.TARGET: "docker",
                labels.SPEC_PATH: str(workdir / "elsewhere" / "parity.yaml")})
    try:
        proc = parity_cli("down", str(spec_path), "--name", name)
        assert proc.returncode == 0, proc.stderr
        assert f"removed container {name} " in proc.stdout
        survivors = {c.name for c in docker_client.containers.list(all=True)}
        assert name not in survivors
        assert {f"{name}-impostor", f"{name}-other"} <= survivors
        proc = parity_cli("down", str(spec_path), "--name", f"{name}-impostor")
        assert proc.returncode == 0 and "nothing to remove" in proc.stdout
        plain.reload()
        assert plain.status == "running"
    finally:
        plain.remove(force=True)
        other.remove(force=True)


def test_up_refuses_a_name_parity_did_not_create(workdir: Path, docker_client) -> None:
    spec_path = copy_example(workdir)
    name = unique("taken")
    stranger = docker_client.containers.create("debian:12", ["true"], name=name,
                                               network_mode="none")
    try:
        proc = parity_cli("up", str(spec_path), "--name", name, "--network", "none",
                          env={"SECRET_KEY": "x"})
        assert proc.returncode == 4, proc.stderr
        assert "parity did not create" in proc.stderr and "Traceback" not in proc.stderr
        assert "building" not in proc.stderr  # refused before any build
        stranger.reload()
        assert stranger.id == docker_client.containers.get(name).id
    finally:
        stranger.remove(force=True)
