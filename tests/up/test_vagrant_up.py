"""``up --target vagrant`` through Vagrant's docker provider: the same environment as docker."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.spec import Spec, load_spec
from parity.up import Decision, down, status, up
from parity.up.vagrant_driver import VagrantDriver

from .helpers import SECRET, copy_example, infra_host, sweep

pytestmark = [pytest.mark.vagrant, pytest.mark.docker, pytest.mark.slow]

USERS = ("app", "root", "www-data", "postgres")


@pytest.fixture(scope="module")
def vagrant_env(tmp_path_factory: pytest.TempPathFactory, docker_client,
                ) -> Iterator[tuple[Spec, str]]:
    root = tmp_path_factory.mktemp("vagrant")
    spec = load_spec(copy_example(root))
    try:
        result = up(spec, target="vagrant", provider="docker", environ={"SECRET_KEY": SECRET})
        assert result.decision is Decision.ABSENT and result.url
        yield spec, result.url
    finally:
        with contextlib.suppress(Exception):
            down(spec, target="vagrant")
        sweep(docker_client, root)


def test_vagrant_and_docker_environments_are_identical(vagrant_env, shop) -> None:
    spec, url = vagrant_env
    docker_spec, docker_name = shop
    assert spec.sha256 == docker_spec.sha256
    via_vagrant, via_docker = infra_host(url), infra_host(f"docker://{docker_name}")
    for package in spec.packages(dev=True):
        a, b = via_vagrant.package(package), via_docker.package(package)
        assert a.is_installed and b.is_installed, package
        assert a.version == b.version, package
    for user in USERS:
        a, b = via_vagrant.user(user), via_docker.user(user)
        assert (a.uid, a.gid, sorted(a.groups), a.home, a.shell) == (
            b.uid, b.gid, sorted(b.groups), b.home, b.shell), user
    for path in spec.model.files:
        a, b = via_vagrant.file(path), via_docker.file(path)
        assert (a.exists, a.mode, a.user, a.group) == (b.exists, b.mode, b.user, b.group), path
        if a.is_file:
            assert a.sha256sum == b.sha256sum, path
    assert via_vagrant.environment()["SECRET_KEY"] == SECRET
    assert via_vagrant.environment()["APP_ENV"] == "production"


def test_status_and_noop(vagrant_env) -> None:
    spec, url = vagrant_env
    row = next(r for r in status(spec) if r["target"] == "vagrant")
    assert (row["state"], row["freshness"], row["url"]) == ("running", "up to date", url)
    again = up(spec, target="vagrant", environ={})
    assert again.decision is Decision.UP_TO_DATE and again.url == url


def test_down_destroys_the_machine_and_its_image(tmp_path: Path, docker_client) -> None:
    import docker.errors

    spec = load_spec(copy_example(tmp_path))
    result = up(spec, target="vagrant", environ={"SECRET_KEY": "x"})
    container = docker_client.containers.get(result.url.removeprefix("docker://"))
    image = container.attrs["Image"]
    try:
        # another image builds on this one (the docker target's image of the same spec,
        # session fixture `shop`, may exist): then the image stays, as shared layers
        children = [i for i in docker_client.images.list(all=True)
                    if i.attrs.get("Parent") == image]
        removed = down(spec, target="vagrant")
        assert removed[0].startswith("vagrant machine default (docker ")
        with pytest.raises(docker.errors.NotFound):
            docker_client.containers.get(container.id)
        if not children:
            assert removed[1].startswith("image ")
            with pytest.raises(docker.errors.ImageNotFound):
                docker_client.images.get(image)
        assert VagrantDriver.machine(VagrantDriver.__new__(VagrantDriver), spec) is None
        assert down(spec, target="vagrant") == []
    finally:
        with contextlib.suppress(docker.errors.APIError):
            docker_client.containers.get(container.id).remove(force=True)


def test_missing_base_image_is_reported_before_vagrant_runs(tmp_path: Path,
                                                             docker_client) -> None:
    """The docker provider would try to pull (and fail deep in Vagrant's output); parity says
    which image is missing and how to get it, as for the docker target, and leaves no machine."""
    import docker.errors

    from .helpers import parity_cli

    try:
        docker_client.images.get("debian:11")
        pytest.skip("debian:11 exists on this daemon; the test needs a base image that does not")
    except docker.errors.ImageNotFound:
        pass
    spec_path = tmp_path / "old" / "parity.yaml"
    spec_path.parent.mkdir()
    spec_path.write_text("parity: 1\nname: old\nbase: debian:11\n")
    proc = parity_cli("up", str(spec_path), "--target", "vagrant")
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    message = proc.stderr[proc.stderr.index("error: "):]
    assert "The base image debian:11 is not in the local Docker Engine" in message
    assert "debootstrap" in message and "bullseye" in message
    assert "vagrant up" not in proc.stderr  # Vagrant never ran
    assert VagrantDriver.machine(VagrantDriver.__new__(VagrantDriver),
                                 load_spec(spec_path)) is None


def test_up_after_the_machines_container_was_removed_by_hand(tmp_path: Path,
                                                              docker_client) -> None:
    """Vagrant's machine id outlives a container removed with ``docker rm``: ``up`` brings the
    environment up again with the docker provider and the secrets (it used to run a bare
    ``vagrant up``, which picked another provider and failed)."""
    spec_path = tmp_path / "gone" / "parity.yaml"
    spec_path.parent.mkdir()
    spec_path.write_text("parity: 1\nname: gone\nbase: debian:12\n"
                         "env:\n  TOKEN: {secret: true}\n")
    spec = load_spec(spec_path)
    try:
        first = up(spec, target="vagrant", environ={"TOKEN": SECRET})
        docker_client.containers.get(first.url.removeprefix("docker://")).remove(force=True)
        row = next(r for r in status(spec) if r["target"] == "vagrant")
        assert not row["running"]
        again = up(spec, target="vagrant", environ={"TOKEN": SECRET})
        assert again.decision is Decision.ABSENT and again.url
        container = docker_client.containers.get(again.url.removeprefix("docker://"))
        assert container.status == "running"
        assert f"TOKEN={SECRET}" in container.attrs["Config"]["Env"]
    finally:
        with contextlib.suppress(Exception):
            down(spec, target="vagrant")
        sweep(docker_client, tmp_path)
