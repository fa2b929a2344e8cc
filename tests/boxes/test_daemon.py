"""The daemon half of issue 17: boxes brought up and images built for real.

These need a Docker Engine (and Vagrant's docker provider) and were written without one
running: ``-m "docker or vagrant"`` runs them. The daemon-free half (catalog, packaging, Packer
template, Vagrant's catalog commands) is tested beside this file.

1. A new user's path: ``build-box --version 1.0.0``, then a three-line Vagrantfile in an empty
   folder, ``vagrant up --provider=docker`` offline, and ``parity check`` of that machine
   against the spec exits 0.
2. Packer's docker build from the local base image gives what the docker target gives:
   ``parity diff`` of the two finds nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.boxes import build_box
from parity.boxes.build import write_packer
from parity.boxes.packer import packer_env, run_packer
from parity.render import render_target
from parity.spec import load_spec
from parity.sysctls import container_sysctls
from tests.boxes.conftest import copy_spec, run

PROJECT = """\
Vagrant.configure("2") do |config|
  config.vm.box = "shop"
  config.vm.box_url = "{url}"
end
"""


def parity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=900, check=False)


@pytest.mark.docker
@pytest.mark.vagrant
@pytest.mark.slow
def test_vagrant_up_of_the_box_passes_parity_check(tmp_path: Path) -> None:
    spec_path = copy_spec("webapp", tmp_path / "webapp")
    result = build_box(load_spec(spec_path), tmp_path / "boxes", version="1.0.0")
    env = {"VAGRANT_HOME": str(tmp_path / "vagrant.d"), "VAGRANT_CHECKPOINT_DISABLE": "1",
           "VAGRANT_DEFAULT_PROVIDER": "docker",
           # no bridge network on the test machines: the build reaches the mirror this way
           "PARITY_BUILD_NETWORK": "host",
           # the spec's secret env, read by the box's Vagrantfile at `vagrant up`
           "SECRET_KEY": "s3cret-for-the-box-test"}
    project = tmp_path / "project"
    project.mkdir()
    (project / "Vagrantfile").write_text(PROJECT.format(url=result.catalog.as_uri()))
    # no `unshare -n` here: the docker build needs the Debian mirror (host network)
    full_env = {**os.environ, **env}
    try:
        up = subprocess.run(["vagrant", "up", "--provider=docker"], cwd=project, env=full_env,
                            capture_output=True, text=True, timeout=1800, check=False)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        machine = (project / ".vagrant" / "machines" / "default" / "docker" / "id").read_text()
        check = parity("check", str(spec_path), "-H", f"docker://{machine.strip()}")
        assert check.returncode == 0, check.stdout + check.stderr
        inspect = subprocess.run(["docker", "inspect", "-f", "{{json .Config.Env}}",
                                  machine.strip()], capture_output=True, text=True, check=True)
        assert "SECRET_KEY=s3cret-for-the-box-test" in inspect.stdout
        # status names the box version the environment runs, and sees a spec edit
        status = parity("status", str(spec_path), "--catalog", str(result.catalog))
        assert "up to date (box 1.0.0)" in status.stdout, status.stdout + status.stderr
        assert "newest box 1.0.0, built from the spec as it is now" in status.stdout
        spec_path.write_text(spec_path.read_text().replace("shop 1.0.0", "shop 1.0.1"))
        status = parity("status", str(spec_path), "--catalog", str(result.catalog))
        assert "stale (box 1.0.0)" in status.stdout, status.stdout + status.stderr
        assert "the spec changed since box 1.0.0 was built" in status.stdout
    finally:
        subprocess.run(["vagrant", "destroy", "-f"], cwd=project, env=full_env,
                       capture_output=True, timeout=300, check=False)


@pytest.mark.docker
@pytest.mark.packer
@pytest.mark.slow
def test_packers_docker_build_matches_the_docker_target(
        tmp_path: Path, image_builder: Any, container_factory: Any, docker_client: Any) -> None:
    spec = load_spec(copy_spec("webapp", tmp_path / "webapp"))
    folder = write_packer(spec, "1.0.0", tmp_path / "packer")
    # the validate half runs offline; the build needs the mirror
    run(["packer", "validate", "-only=docker", "packer.json"], cwd=folder, env=packer_env())
    assert run_packer(folder, "docker", "1.0.0", tmp_path / "boxes", "shop") is None
    packer_image = "shop:box-1.0.0"
    try:
        render_target(spec, "docker", tmp_path / "docker")
        target_image = image_builder(tmp_path / "docker", area="boxes")
        # both run as a developer runs them: the image's own entrypoint (which starts nginx and
        # PostgreSQL) and the spec's per-container sysctls, so services and sysctls are compared
        # too, not two idle containers
        sysctls = container_sysctls(spec.model.sysctl, "none")
        a = container_factory.start(packer_image, command=[], network="none", sysctls=sysctls)
        b = container_factory.start(target_image, command=[], network="none", sysctls=sysctls)
        for c in (a, b):
            c.exec_run(["sh", "-c", "for i in $(seq 100); do [ -s /run/parity/postgresql.pid ] "
                        "&& [ -s /run/parity/nginx.pid ] && break; sleep 0.2; done"])
        diff = parity("diff", f"docker://{a.name}", f"docker://{b.name}", "--spec",
                      str(spec.path))
        assert diff.returncode == 0, diff.stdout + diff.stderr
        # and each is what the spec says, services running included
        for c in (a, b):
            check = parity("check", str(spec.path), "-H", f"docker://{c.name}")
            assert check.returncode == 0, check.stdout + check.stderr
    finally:
        # the containers first: `rmi -f` of an image a container still uses only untags it,
        # which left Packer's image behind, dangling, after every run
        container_factory.cleanup()
        docker_client.images.remove(packer_image, force=True)
