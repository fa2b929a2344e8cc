"""The provisioning tree of a spec (provision.sh and steps/), for tests that run or read it.

provision.sh holds only functions; the spec's data is in ``steps/*/step.sh``, which it sources
from beside itself. Tests that used to write provision.sh alone write the whole tree instead.
"""

from __future__ import annotations

from pathlib import Path

from parity.render import plan, render_target
from parity.render.context import IMAGE_TREE
from parity.spec import Spec, load_spec_text


def write_provisioning(spec: Spec, folder: Path) -> Path:
    """Write the docker context's provisioning tree under ``folder``; return its provision.sh."""
    for f in plan(spec, "docker"):
        if f.path.split("/", 1)[0] in IMAGE_TREE:
            dest = folder / f.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.read())
            dest.chmod(f.mode)
    return folder / "provision.sh"


def provisioning_text(spec: Spec) -> str:
    """provision.sh followed by every step.sh, in order: what a full run executes."""
    files = {f.path: f for f in plan(spec, "docker")}
    names = ["provision.sh", *sorted(p for p in files if p.endswith("/step.sh"))]
    return "".join(files[n].read().decode() for n in names)


def docker_context(tmp_path: Path, name: str, body: str) -> Path:
    """Render ``parity: 1`` + ``name`` + ``base: debian:12`` + ``body`` (spec YAML) as a docker
    context under ``tmp_path/ctx``, for tests that mount it into a container and run
    provision.sh there."""
    spec = load_spec_text(f"parity: 1\nname: {name}\nbase: debian:12\n{body}",
                          tmp_path / "parity.yaml")
    out = tmp_path / "ctx"
    render_target(spec, "docker", out)
    return out
