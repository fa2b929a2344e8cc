"""vagrant target: ``Vagrantfile`` plus ``parity-context/`` (the docker build context).

VM providers (virtualbox, libvirt) upload ``parity-context/`` with the file provisioner and run
its ``provision.sh`` with ``PARITY_DEV=1``; the docker provider builds the same folder's
Dockerfile (a plain build is the dev image). Ports are forwarded on VMs only: the docker
provider's container runs with ``--network none`` by default, where publishing ports is
meaningless.
"""

from __future__ import annotations

import re

from parity.render.base import PlannedFile, encode, header_text
from parity.render.context import plan_context
from parity.render.jinja import render
from parity.spec import Spec
from parity.sysctls import container_sysctls

CONTEXT = "parity-context"


def _hostname(spec: Spec) -> str:
    """A valid hostname: Vagrant rejects underscores and dots in ``vm.hostname`` labels."""
    name = spec.model.targets.vagrant.hostname or spec.name
    return re.sub(r"[^A-Za-z0-9-]", "-", name).strip("-")[:63] or "parity"


def plan(spec: Spec) -> list[PlannedFile]:
    vagrant = spec.model.targets.vagrant
    text = render(
        "vagrant/Vagrantfile.j2",
        header=header_text(spec), spec=spec, distro=spec.distro, context=CONTEXT,
        hostname=_hostname(spec), box=vagrant.box or spec.distro.vagrant_box or "",
        vagrant=vagrant, ports=spec.ports,
        container_sysctls=container_sysctls(spec.model.sysctl, "none"),
    )
    return [PlannedFile("Vagrantfile", encode(text, "Vagrantfile")),
            *plan_context(spec, prefix=f"{CONTEXT}/")]
