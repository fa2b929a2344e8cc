"""What goes into a box and into a Packer folder: pure planning, spec in, files out.

Both reuse the vagrant target's build context (:func:`parity.render.context.plan_context`,
under ``parity-context/``) byte for byte, so a box provisions exactly what ``vagrant up`` from
the rendered Vagrantfile and ``parity up`` would.

* :func:`plan_docker_box`: ``metadata.json`` (``{"provider": "docker"}``), a ``Vagrantfile``
  whose docker provider builds ``parity-context/`` from the box's own folder
  (``d.build_dir`` relative to the box's Vagrantfile, so no registry is involved), and the
  context itself.
* :func:`plan_packer`: ``packer.json`` (a docker builder from the local base image, and for
  Debian bases VirtualBox and QEMU/libvirt builders with the vagrant post-processor),
  ``http/preseed.cfg`` and ``box.Vagrantfile`` for the VMs, and the same context.
"""

from __future__ import annotations

from typing import Any

from parity import labels
from parity.boxes.installers import INSTALLERS
from parity.errors import UsageError
from parity.render.base import PlannedFile, encode, header_text
from parity.render.context import ENTRYPOINT_PATH, IMAGE_ROOT, IMAGE_TREE, plan_context
from parity.render.context import provision_context as _provision_context
from parity.render.jinja import render
from parity.render.vagrant import CONTEXT, _hostname
from parity.spec import Spec
from parity.sysctls import container_sysctls

#: the providers ``build-box`` knows: docker boxes are packaged here, VM boxes by Packer
PROVIDERS: tuple[str, ...] = ("docker", "virtualbox", "libvirt")
VM_PROVIDERS: tuple[str, ...] = ("virtualbox", "libvirt")
PACKER_TEMPLATE = "packer.json"


def box_name(spec: Spec) -> str:
    """The box's name in the catalog and in ``config.vm.box``: the spec's name."""
    return spec.name


def box_file(spec: Spec, version: str, provider: str) -> str:
    """``<name>-<version>-<provider>.box``: the name Packer's vagrant post-processor writes too
    (``packer.json``'s ``output``), so both kinds of box sit side by side."""
    return f"{box_name(spec)}-{version}-{provider}.box"


def _check_base(spec: Spec) -> None:
    if spec.distro.docker_image is None:
        raise UsageError(
            f"base {spec.distro.base} has no box form: it is {spec.distro.kind}",
            hint="Vagrant boxes are built for Linux bases (debian:12, ubuntu:24.04, ...).")


def _common(spec: Spec, version: str) -> dict[str, Any]:
    return {"header": header_text(spec), "spec": spec, "distro": spec.distro,
            "context": CONTEXT, "hostname": _hostname(spec), "box_name": box_name(spec),
            "version": version, "vagrant": spec.model.targets.vagrant, "ports": spec.ports}


def plan_docker_box(spec: Spec, version: str) -> list[PlannedFile]:
    """The files of the docker-provider ``.box``, sorted by path."""
    _check_base(spec)
    ctx = _common(spec, version)
    files = [
        PlannedFile("metadata.json", encode(render("box/metadata.json.j2", provider="docker"),
                                            "metadata.json")),
        PlannedFile("Vagrantfile", encode(render(
            "box/Vagrantfile.j2", provider="docker", catalog_name=f"{box_name(spec)}.json",
            container_sysctls=container_sysctls(spec.model.sysctl, "none"),
            box_label=labels.BOX, version_label=labels.BOX_VERSION, secret_env=spec.secret_env,
            **ctx),
            "Vagrantfile")),
        *plan_context(spec, prefix=f"{CONTEXT}/"),
    ]
    return sorted(files, key=lambda f: f.path)


def has_vm_builders(spec: Spec) -> bool:
    """True when parity can install the base unattended in a VM (Debian: preseed)."""
    return spec.distro.base in INSTALLERS


def plan_packer(spec: Spec, version: str) -> list[PlannedFile]:
    """The Packer folder: ``packer.json`` plus what it reads, sorted by path."""
    _check_base(spec)
    context_files = plan_context(spec, prefix=f"{CONTEXT}/")
    present = {f.path.removeprefix(f"{CONTEXT}/").split("/")[0] for f in context_files}
    prov = _provision_context(spec)
    vm = has_vm_builders(spec)
    ctx = _common(spec, version)
    text = render(
        "box/packer.json.j2", vm=vm, iso=INSTALLERS.get(spec.distro.base),
        env=prov["env"], labels=prov["labels"], docker=prov["docker"],
        image_root=IMAGE_ROOT, entrypoint_path=ENTRYPOINT_PATH,
        image_tree=[f"/tmp/{CONTEXT}/{name}" for name in IMAGE_TREE if name in present],
        **ctx)
    files = [PlannedFile(PACKER_TEMPLATE, encode(text, PACKER_TEMPLATE)), *context_files]
    if vm:
        files += [
            PlannedFile("http/preseed.cfg", encode(render("box/preseed.cfg.j2", **ctx),
                                                   "preseed.cfg")),
            PlannedFile("box.Vagrantfile", encode(render("box/vm.Vagrantfile.j2", **ctx),
                                                  "box.Vagrantfile")),
        ]
    return sorted(files, key=lambda f: f.path)
