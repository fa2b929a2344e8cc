"""The build context's steps: each Docker step is keyed only by its own inputs.

Docker's classic builder reuses a ``RUN`` layer when every instruction up to it is the same and
every file ``COPY``d before it has the same bytes and mode. :func:`run_keys` computes exactly
that from a rendered plan, so these tests say, without a daemon, which steps a spec edit rebuilds:
the step holding the edit and the ones after it, never one before it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from parity.render import plan
from parity.render.context import ENTRYPOINT_PATH, IMAGE_ROOT, IMAGE_TREE, plan_steps
from parity.spec import Spec, load_spec

_RUN_STEP = re.compile(r"provision\.sh ([a-z -]+?)(?:;|$)")


def run_keys(spec: Spec) -> dict[str, str]:
    """``{step name: cache key}`` of each provisioning RUN: a digest of every Dockerfile line up
    to it and of every file (path, mode, bytes) the COPYs before it bring in."""
    files = {f.path: f for f in plan(spec, "docker")}
    lines = files["Dockerfile"].read().decode().splitlines()
    names = {" ".join(s.phases): s.name for s in plan_steps(spec)}
    digest = hashlib.sha256()
    keys = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        digest.update(line.encode() + b"\0")
        word, *args = line.split()
        if word == "COPY":
            source = args[0].rstrip("/")
            for path in sorted(p for p in files if p == source or p.startswith(source + "/")):
                digest.update(f"{path} {files[path].mode:o}\0".encode())
                digest.update(files[path].read())
        elif word == "RUN" and (m := _RUN_STEP.search(line)):
            keys[names[m.group(1).strip()]] = digest.copy().hexdigest()
    return keys


@pytest.fixture
def webapp(example_copy: Callable[[str], Path]) -> Path:
    """An editable copy of examples/webapp; returns its parity.yaml."""
    return example_copy("webapp")


def edit_spec(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "file source": (lambda p: (p.parent / "files" / "index.html").write_text("<p>sale</p>\n"),
                    "30-config"),
    "env value": (lambda p: edit_spec(p, "APP_ENV: production", "APP_ENV: staging"),
                  "30-config"),
    "dev package": (lambda p: edit_spec(p, '  less: "*"\n', '  less: "*"\n  jq: "*"\n'),
                    "20-dev-packages"),
    "user": (lambda p: edit_spec(p, "\nfiles:\n", "\n  bob: {uid: 1002}\n\nfiles:\n"),
             "30-config"),
    "group": (lambda p: edit_spec(p, "deploy: {gid: 1100}", "deploy: {gid: 1100}\n  ops: {}"),
              "30-config"),
    "provision script": (lambda p: (p.parent / "scripts" / "seed.sh").write_text(
        (p.parent / "scripts" / "seed.sh").read_text() + "true\n"), "40-scripts"),
}


def test_webapp_steps_in_provisioning_order(webapp: Path) -> None:
    steps = plan_steps(load_spec(webapp))
    assert [s.name for s in steps] == ["10-packages", "20-dev-packages", "30-config",
                                       "40-scripts"]
    assert [p for s in steps for p in s.phases] == [
        "repositories", "packages", "dev-packages", "groups", "users", "files", "env", "sysctl",
        "services", "scripts"]


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_rebuilds_from_its_own_step(webapp: Path, edit: str) -> None:
    change, first = EDITS[edit]
    before = run_keys(load_spec(webapp))
    change(webapp)
    after = run_keys(load_spec(webapp))
    assert list(before) == list(after)
    kept = [name for name in before if before[name] == after[name]]
    assert kept == list(before)[:list(before).index(first)], edit


def test_the_spec_hash_is_only_in_the_last_instruction(webapp: Path) -> None:
    """Any edit changes the spec's sha256; only the LABEL at the end carries it."""
    spec = load_spec(webapp)
    dockerfile = {f.path: f for f in plan(spec, "docker")}["Dockerfile"].read().decode()
    lines = [x for x in dockerfile.splitlines() if x and not x.startswith("#")]
    first = next(i for i, x in enumerate(lines) if spec.sha256 in x)
    assert lines[first].startswith("LABEL ")
    assert all(x.startswith((" ", "LABEL")) for x in lines[first:])


def test_image_tree_is_what_the_dockerfile_copies_to_the_image_root(webapp: Path) -> None:
    """The contract the in-place updater relies on: IMAGE_ROOT holds exactly the context's
    IMAGE_TREE, at the same relative paths, and the entrypoint sits at ENTRYPOINT_PATH."""
    spec = load_spec(webapp)
    files = {f.path: f for f in plan(spec, "docker")}
    copies = [line.split()[1:] for line in files["Dockerfile"].read().decode().splitlines()
              if line.startswith("COPY ")]
    tree = {p for p in files if p.split("/", 1)[0] in IMAGE_TREE}
    copied = set()
    for source, dest in copies:
        if dest == ENTRYPOINT_PATH:
            assert source == "entrypoint.sh"
            continue
        assert dest.rstrip("/") == f"{IMAGE_ROOT}/{source.rstrip('/')}"
        copied |= {p for p in files if p == source or p.startswith(source)}
    assert copied == tree
    assert {p.split("/", 1)[0] for p in tree} == set(IMAGE_TREE)


def test_prod_and_dev_share_the_package_step(webapp: Path) -> None:
    """One chain: the ARG choosing dev or prod comes after the packages RUN, so both images
    reuse that layer (a RUN's cache key includes the build args declared before it)."""
    spec = load_spec(webapp)
    lines = {f.path: f for f in plan(spec, "docker")}["Dockerfile"].read().decode().splitlines()
    arg = lines.index("ARG PARITY_DEV=1")
    packages = next(i for i, x in enumerate(lines) if x.endswith("provision.sh repositories "
                                                                 "packages"))
    dev = next(i for i, x in enumerate(lines) if "dev-packages" in x and x.startswith("RUN"))
    assert packages < arg < dev
    assert lines[dev].startswith('RUN if [ "$PARITY_DEV" = 1 ]; then')
