"""Two ``parity up`` (and ``down``) of one environment at once, against the real Docker Engine.

Before the lock, both built, the second moved the image tag away from the first one's image, its
container create failed ("parity did not create" it: false) and its clean-up removed the image
holding the tag, so the first environment ran from a dangling image ``down`` never found. The
``docker`` CLI is asked too (an independent oracle for tags and dangling images).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from parity import labels
from parity.spec import load_spec
from parity.up import down, up
from parity.up.display import Display
from parity.up.docker_driver import DockerDriver, image_tag

from .helpers import parity_cli, unique
from .test_docker_failures import ours, write_spec

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def docker_cli(*args: str) -> list[str]:
    """Lines of a ``docker`` CLI command's output (the oracle next to the SDK)."""
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=120,
                          check=True)
    return proc.stdout.split()


def dangling(spec_path: Path) -> list[str]:
    """Dangling images carrying this spec's path label, as ``docker images`` lists them."""
    return docker_cli("images", "-q", "--no-trunc", "-f", "dangling=true", "-f",
                      f"label={labels.SPEC_PATH}={spec_path.resolve()}")


def tagged_id(tag: str) -> str | None:
    proc = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", tag],
                          capture_output=True, text=True, timeout=60, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def container_image(name: str) -> tuple[str, str]:
    """``(status, image id)`` of a container, from ``docker inspect``."""
    status, image = docker_cli("inspect", "-f", "{{.State.Status}} {{.Image}}", name)
    return status, image


def popen_up(spec_path: Path, name: str, log: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "parity", "up", str(spec_path), "--name", name,
         "--network", "none", *extra],
        stdout=subprocess.PIPE, stderr=log.open("w"), text=True)


def wait_for(path: Path, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text():
        assert time.monotonic() < deadline, f"never saw {text!r}:\n{path.read_text()[-2000:]}"
        time.sleep(0.1)


def test_two_ups_at_once_one_builds_the_other_waits(workdir: Path, docker_client) -> None:
    spec_path = write_spec(workdir / "twice", "name: twice\nprovision: [slow.sh]\n",
                           {"slow.sh": "sleep 8\n"})
    name = unique("twice")
    logs = [workdir / "first.log", workdir / "second.log"]
    procs = [popen_up(spec_path, name, log) for log in logs]
    try:
        # while one builds: --no-wait of up and down give up at once, with code 75
        deadline = time.monotonic() + 120
        while not any("building image" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            assert all(p.poll() is None for p in procs), [log.read_text() for log in logs]
            time.sleep(0.1)
        busy = parity_cli("up", str(spec_path), "--name", name, "--network", "none",
                          "--no-wait")
        assert busy.returncode == 75, busy.stderr
        assert "another `parity up` of docker environment" in busy.stderr
        assert "pid " in busy.stderr and "Traceback" not in busy.stderr
        busy_down = parity_cli("down", str(spec_path), "--name", name, "--no-wait")
        assert busy_down.returncode == 75, busy_down.stderr
        outs = [p.communicate(timeout=600)[0] for p in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    errs = [log.read_text() for log in logs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert outs == [f"docker://{name}\n"] * 2
    builder, waiter = (errs if "building image" in errs[0] else errs[::-1])
    assert "building image" not in waiter, waiter
    assert "waiting for another `parity up` of docker environment " + name in waiter
    assert "is up to date" in waiter and "nothing to do" in waiter
    assert "created from spec" in builder
    assert "did not create" not in builder + waiter
    # one environment, running from the image the tag names; nothing dangling
    spec = load_spec(spec_path)
    tag = image_tag(spec, name)
    status, image = container_image(name)
    assert status == "running" and tagged_id(tag) == image
    assert dangling(spec_path) == []
    removed = parity_cli("down", str(spec_path), "--name", name)
    assert removed.returncode == 0, removed.stderr
    assert f"removed image {tag}" in removed.stdout
    assert dangling(spec_path) == [] and tagged_id(tag) is None
    assert ours(docker_client, spec_path) == []


def test_failed_second_build_leaves_the_first_environment_alone(workdir: Path,
                                                               docker_client) -> None:
    """A rebuild that fails (spec edited to a failing step) cleans up its own leftovers only:
    the running environment keeps its container and its tagged image."""
    spec_path = write_spec(workdir / "keep", "name: keep\n")
    name = unique("keep")
    first = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert first.returncode == 0, first.stderr
    tag = image_tag(load_spec(spec_path), name)
    status, image = container_image(name)
    assert status == "running" and tagged_id(tag) == image
    write_spec(workdir / "keep", "name: keep\nprovision: [boom.sh]\n",
               {"boom.sh": "echo parity-test-second-build-fails\nexit 3\n"})
    second = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert second.returncode == 4, second.stderr
    assert "docker build of" in second.stderr and "Traceback" not in second.stderr
    assert container_image(name) == ("running", image)
    assert tagged_id(tag) == image
    assert dangling(spec_path) == []
    failed = f"{labels.SPEC_SHA256}={load_spec(spec_path).sha256}"  # the failed build's leftovers
    assert docker_client.images.list(filters={"label": failed}) == []
    assert docker_client.containers.list(all=True, filters={"label": failed}) == []


def test_clean_up_never_removes_an_image_a_container_runs_from(workdir: Path,
                                                              docker_client) -> None:
    """The aftermath of the old race: the tag moved away, the environment runs from a dangling
    image carrying the spec's hash. Neither clean-up path (a failed build of the same spec,
    a failed start whose build was a cache hit) removes it; ``down`` does, once its container
    is gone, instead of leaving it dangling."""
    # (the tag is moved onto debian:12, whose own tag keeps it; the finally block undoes it)
    spec_path = write_spec(workdir / "moved", "name: moved\n")
    name = unique("moved")
    spec = load_spec(spec_path)
    up(spec, name=name, network="none", environ={})
    tag = image_tag(spec, name)
    _status, image = container_image(name)
    docker_cli("tag", "debian:12", tag)  # what the second build of the race did to the tag
    try:
        assert dangling(spec_path) == [image]
        driver = DockerDriver(Display(quiet=True))
        driver._remove_partial_build(spec, since=driver_epoch())
        driver._cleanup(None, image, tag)
        assert container_image(name) == ("running", image)
        assert dangling(spec_path) == [image]
    finally:
        removed = down(spec, name=name)
        if tagged_id(tag) == tagged_id("debian:12"):
            docker_cli("rmi", tag)  # our extra tag on debian:12; debian:12 itself stays
    assert any(line.startswith("image untagged") for line in removed), removed
    assert dangling(spec_path) == [] and ours(docker_client, spec_path) == []
    assert tagged_id("debian:12") is not None


def test_up_refuses_to_take_the_tag_of_a_running_environment(workdir: Path,
                                                             docker_client) -> None:
    """``--name N`` next to a spec called N maps to the same tag ``n:dev``: building it would
    move the tag away from the running environment's image (the clean-up of a failure after
    that used to untag it for good). Refused before anything is built."""
    first = write_spec(workdir / "first", f"name: {unique('tagged')}\n")
    spec = load_spec(first)
    assert parity_cli("up", str(first), "--network", "none").returncode == 0
    name = f"{spec.name}-dev"
    tag = image_tag(spec, name)
    status, image = container_image(name)
    assert status == "running" and tagged_id(tag) == image
    second = write_spec(workdir / "second", "name: second\n")
    assert image_tag(load_spec(second), spec.name) == tag
    proc = parity_cli("up", str(second), "--name", spec.name, "--network", "none")
    assert proc.returncode == 4, proc.stderr
    assert f"The image tag {tag} names the image container {name} runs from" in proc.stderr
    assert f"the parity environment of {first.resolve()}" in proc.stderr
    assert "building image" not in proc.stderr and "Traceback" not in proc.stderr
    assert container_image(name) == ("running", image) and tagged_id(tag) == image
    assert ours(docker_client, second) == []
    assert parity_cli("down", str(first)).returncode == 0
    assert tagged_id(tag) is None and dangling(first) == []


def driver_epoch():
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


def test_rebuild_after_keep_image_leaves_no_dangling_image(workdir: Path, docker_client) -> None:
    """``down --keep-image``, a spec change, ``up``: the build moves the tag off the kept image,
    which is then removed (no container uses it) instead of staying behind dangling."""
    spec_path = write_spec(workdir / "kept", "name: kept\n")
    name = unique("kept")
    assert parity_cli("up", str(spec_path), "--name", name, "--network", "none").returncode == 0
    tag = image_tag(load_spec(spec_path), name)
    old = tagged_id(tag)
    kept = parity_cli("down", str(spec_path), "--name", name, "--keep-image")
    assert kept.returncode == 0 and tagged_id(tag) == old
    write_spec(workdir / "kept", "name: kept\nenv:\n  PARITY_TEST_CHANGED: 'yes'\n")
    again = parity_cli("up", str(spec_path), "--name", name, "--network", "none")
    assert again.returncode == 0, again.stderr
    status, image = container_image(name)
    assert status == "running" and tagged_id(tag) == image != old
    assert old not in docker_cli("images", "-q", "--no-trunc", "-a")
    assert dangling(spec_path) == []
    assert parity_cli("down", str(spec_path), "--name", name).returncode == 0
    assert dangling(spec_path) == [] and ours(docker_client, spec_path) == []
