"""Run Packer on the rendered folder: the one step of a VM box (or of the Packer docker image)
that needs a hypervisor or a Docker daemon.

Kept to one function so tests and callers can tell the daemon-free steps (render, package,
catalog) from this one, which cannot run on machines without VirtualBox, KVM or dockerd.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from parity.boxes.plans import PACKER_TEMPLATE
from parity.errors import EnvironmentError_


def packer_env() -> dict[str, str]:
    """Packer's environment without its update check (checkpoint), which would reach the
    network on every run."""
    return {**os.environ, "CHECKPOINT_DISABLE": "1"}


def run_packer(folder: Path, builder: str, version: str, out_dir: Path,
               box_name: str) -> Path | None:
    """``packer build -only=BUILDER`` in ``folder``; return the ``.box`` the vagrant
    post-processor wrote (VM builders), or None for the docker builder, whose result is the
    image ``<name>:box-<version>``. Output streams to the terminal: an install takes
    minutes, and its progress is the only sign of life."""
    packer = shutil.which("packer")
    if packer is None:
        raise EnvironmentError_("packer is not installed, so the box cannot be built here",
                                 hint="Install Packer (Debian: apt-get install packer), or "
                                      "leave out --packer to write the template only.")
    out_dir = Path(out_dir).resolve()
    argv = [packer, "build", f"-only={builder}", "-var", f"version={version}",
            "-var", f"output_dir={out_dir}", PACKER_TEMPLATE]
    proc = subprocess.run(argv, cwd=folder, env=packer_env(), check=False)
    if proc.returncode != 0:
        raise EnvironmentError_(
            f"packer build -only={builder} failed in {folder} (exit {proc.returncode})",
            hint="Its output above says why; a VM build needs VirtualBox (virtualbox) or "
                 "KVM (libvirt) on this machine.")
    if builder == "docker":
        return None
    box = out_dir / f"{box_name}-{version}-{builder}.box"  # packer.json's vagrant "output"
    if not box.is_file():
        raise EnvironmentError_(f"packer build succeeded but wrote no {box}",
                                hint="Check the vagrant post-processor's output in packer.json.")
    return box
