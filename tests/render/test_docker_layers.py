"""The rendered Dockerfile's steps really are cached separately by the docker daemon.

The webapp context is built, a file source is edited, the context re-rendered and rebuilt: every
step before the config step (the one holding files) must come from the cache, and the image
still has its packages and the new file. The prod build (``PARITY_DEV=0``) reuses the package
layer and has no dev packages. Images built here are removed at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from parity.render import render_target
from parity.render.context import DEV_ARG, ENTRYPOINT_PATH, IMAGE_ROOT, IMAGE_TREE
from parity.spec import load_spec
from tests.helpers.docker import TEST_LABEL, unique_name

pytestmark = [pytest.mark.docker, pytest.mark.slow]

_STEP = re.compile(r"^Step \d+/\d+ : (.*)$")


def build(client: Any, context: Path, tag: str, **buildargs: str) -> list[tuple[str, bool]]:
    """``docker build`` (classic builder, as ``parity up`` uses it); returns each step's
    instruction and whether the daemon took it from the cache."""
    steps: list[tuple[str, bool]] = []
    for chunk in client.api.build(path=str(context), tag=tag, network_mode="host", rm=True,
                                  forcerm=True, decode=True, labels={TEST_LABEL: "1"},
                                  buildargs=buildargs):
        if "error" in chunk:
            pytest.fail(f"docker build of {context} failed: {chunk['error']}", pytrace=False)
        for line in str(chunk.get("stream", "")).splitlines():
            if m := _STEP.match(line.strip()):
                steps.append((m.group(1), False))
            elif "Using cache" in line and steps:
                steps[-1] = (steps[-1][0], True)
    return steps


def dpkg_installed(image: str, *names: str) -> set[str]:
    out = subprocess.run(["docker", "run", "--rm", "--network", "none", "--label",
                          f"{TEST_LABEL}=1", "--entrypoint", "dpkg-query", image, "-W", "-f",
                          "${db:Status-Status} ${Package}\\n", *names],
                         capture_output=True, text=True, check=False).stdout
    return {line.split()[1] for line in out.splitlines() if line.startswith("installed ")}


@pytest.fixture
def tags(docker_client: Any) -> Iterator[list[str]]:
    """Tags a test builds; removed afterwards (their layers stay as the daemon's cache)."""
    import docker.errors

    made: list[str] = []
    yield made
    for tag in made:
        with contextlib.suppress(docker.errors.APIError):  # a build that failed made none
            docker_client.images.remove(tag, noprune=False)


def test_editing_a_file_reuses_every_step_before_files(
        docker_client: Any, base_image: str, example_copy: Callable[[str], Path],
        tmp_path: Path, tags: list[str]) -> None:
    spec_path = example_copy("webapp")
    context = tmp_path / "ctx"
    render_target(load_spec(spec_path), "docker", context)
    name = unique_name("render")
    tags += [f"{name}:1", f"{name}:2", f"{name}:prod"]
    build(docker_client, context, tags[0])

    page_text = f"<h1>summer sale {name}</h1>\n"  # new to the daemon's cache on every run
    (spec_path.parent / "files" / "index.html").write_text(page_text)
    render_target(load_spec(spec_path), "docker", context)
    steps = build(docker_client, context, tags[1])

    config = next(i for i, (text, _) in enumerate(steps) if text.startswith(
        "COPY steps/30-config/"))
    before = steps[1:config]  # after FROM, which is never "Using cache"
    assert any(text.startswith("RUN PARITY_CLEAN=1 sh /opt/parity/provision.sh repositories")
               for text, _ in before)
    assert [text for text, cached in before if not cached] == [], steps
    assert not steps[config][1], "the edited file's step was not rebuilt"
    assert dpkg_installed(tags[1], "nginx", "postgresql-15", "git", "less") == {
        "nginx", "postgresql-15", "git", "less"}
    page = subprocess.run(["docker", "run", "--rm", "--network", "none", "--label",
                           f"{TEST_LABEL}=1", "--entrypoint", "cat", tags[1],
                           "/srv/app/index.html"], capture_output=True, text=True, check=True)
    assert page.stdout == page_text
    # the in-place updater's contract: IMAGE_ROOT is the context's IMAGE_TREE, byte for byte
    listing = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "--label", f"{TEST_LABEL}=1",
         "--entrypoint", "sh", tags[1], "-c",
         f"cd {IMAGE_ROOT} && find . -type f -exec sha256sum {{}} + && "
         f"sha256sum {ENTRYPOINT_PATH}"], capture_output=True, text=True, check=True).stdout
    in_image = {path.removeprefix("./"): sha for sha, path in
                (line.split(None, 1) for line in listing.splitlines())}
    want = {p.relative_to(context).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for top in IMAGE_TREE for p in [context / top, *(context / top).rglob("*")]
            if p.is_file()}
    want[ENTRYPOINT_PATH] = hashlib.sha256((context / "entrypoint.sh").read_bytes()).hexdigest()
    assert in_image == want

    prod = build(docker_client, context, tags[2], **{DEV_ARG: "0"})
    packages = next(cached for text, cached in prod if "provision.sh repositories" in text)
    assert packages, "the prod build did not reuse the package layer of the dev build"
    installed = dpkg_installed(tags[2], "nginx", "postgresql-15", "git", "less")
    assert installed == {"nginx", "postgresql-15"}, installed
