"""``build-box``: from a spec to a box in a folder and its entry in the folder's catalog.

The steps, each one function so the daemon-bound one can be swapped or skipped:

1. choose the version (:func:`choose_version`): the one given, else the version the catalog
   already lists for this very spec (a rebuild), else the next after the newest;
2. produce the box: :func:`package_docker_box` (no daemon: the box carries the build context
   and ``vagrant up`` builds it) or :func:`parity.boxes.packer.run_packer` (VMs, where
   VirtualBox or KVM exist);
3. record it in the catalog (:mod:`parity.boxes.catalog`) and only then publish the box under
   its name, so the catalog never lists a box that is not there, and a refused rebuild changes
   nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from parity.boxes import catalog as cat
from parity.boxes.plans import (
    PACKER_TEMPLATE,
    PROVIDERS,
    VM_PROVIDERS,
    box_file,
    box_name,
    has_vm_builders,
    plan_docker_box,
    plan_packer,
)
from parity.boxes.version import check_version, next_version
from parity.errors import UsageError
from parity.render.writer import write_plan
from parity.spec import Spec

#: the folder under ``-o DIR`` that holds the rendered Packer template
PACKER_DIR = "packer"


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the CLI to report."""

    provider: str
    version: str
    catalog: Path
    #: the ``.box`` written or already listed; None when only the Packer template was written
    box: Path | None = None
    #: "added", "unchanged" or "replaced" (catalog), or "template" (Packer folder only)
    status: str = "added"
    packer_dir: Path | None = None
    notes: list[str] = field(default_factory=list)


def box_url(out_dir: Path, filename: str, base_url: str | None) -> str:
    """The URL the catalog gives for a box: ``base_url/filename``, or the box's absolute
    ``file://`` URL. Always absolute: Vagrant resolves a relative box URL against its own
    working directory, not against the catalog's URL (checked with vagrant 2.3.4)."""
    if base_url:
        return f"{base_url.rstrip('/')}/{quote(filename)}"
    return (Path(out_dir).resolve() / filename).as_uri()


def choose_version(spec: Spec, catalog: dict, given: str | None) -> str:  # type: ignore[type-arg]
    """The version to build: ``given`` (checked), else this spec's version in the catalog,
    else the next one (see :func:`parity.boxes.version.next_version`)."""
    if given is not None:
        return check_version(given).text
    return cat.version_of_spec(catalog, spec.sha256) or next_version(cat.versions(catalog))


def build_box(spec: Spec, out_dir: Path, *, provider: str = "docker", version: str | None = None,
              force: bool = False, base_url: str | None = None,
              run_packer: bool = False) -> BuildResult:
    """Build ``spec``'s box for ``provider`` into ``out_dir`` and record it in
    ``out_dir/<name>.json``. VM providers render the Packer folder; with ``run_packer`` Packer
    builds the box (VirtualBox or KVM needed) and it is recorded like a docker box."""
    if provider not in PROVIDERS:
        raise UsageError(f"unknown box provider {provider!r}",
                         hint=f"Choose one of: {', '.join(PROVIDERS)}.")
    out_dir = Path(out_dir)
    if provider in VM_PROVIDERS and not has_vm_builders(spec):
        raise UsageError(
            f"{spec.path}: base {spec.distro.base} has no {provider} box: parity installs VMs "
            "unattended for Debian bases only (a preseeded netinst)",
            hint="Build a docker box (--provider docker), or use a debian: base.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from parity.fsutil import write_error

        raise write_error(exc, out_dir, hint="Choose an -o folder you can write to.") from None
    path = cat.catalog_path(out_dir, box_name(spec))
    with cat.locked(path):
        catalog = cat.load_catalog(path, box_name(spec), spec.model.description)
        chosen = choose_version(spec, catalog, version)
        if provider == "docker":
            staged = package_docker_box(spec, chosen, out_dir)
            return _record(spec, out_dir, path, catalog, chosen, provider, staged, force,
                           base_url)
        packer_dir = write_packer(spec, chosen, out_dir / PACKER_DIR, force=force)
        if not run_packer:
            return BuildResult(provider, chosen, path, status="template", packer_dir=packer_dir,
                               notes=[_vm_note(spec, out_dir, provider, chosen)])
        from parity.boxes.packer import run_packer as packer_build

        built = packer_build(packer_dir, provider, chosen, out_dir, box_name(spec))
        assert built is not None  # VM builders always write a box
        staged = built.with_name(f".{built.name}.staged")
        built.replace(staged)
        result = _record(spec, out_dir, path, catalog, chosen, provider, staged, force, base_url)
        return replace(result, packer_dir=packer_dir)


def _vm_note(spec: Spec, out_dir: Path, provider: str, version: str) -> str:
    hypervisor = "VirtualBox" if provider == "virtualbox" else "QEMU/KVM"
    return (f"{provider} boxes are built by Packer booting a VM ({hypervisor}), which this "
            "command does not do unless asked (--packer): on a machine that has it, run "
            f"`parity build-box {spec.path} -o {out_dir} --provider {provider} "
            f"--version {version} --packer` (it adds the box to the catalog), or Packer "
            f"yourself: cd {out_dir / PACKER_DIR} && packer build -only={provider} "
            f"-var version={version} -var output_dir=.. {PACKER_TEMPLATE}")


def package_docker_box(spec: Spec, version: str, out_dir: Path) -> Path:
    """Write the docker box under a staging name in ``out_dir``; return its path. Needs no
    daemon: the image is built by ``vagrant up`` from the box's own build context."""
    from parity.boxes.package import write_box

    staged = out_dir / f".{box_file(spec, version, 'docker')}.staged"
    write_box(plan_docker_box(spec, version), staged)
    return staged


def write_packer(spec: Spec, version: str, folder: Path, *, force: bool = False) -> Path:
    """Render the Packer folder (``packer.json``, ``parity-context/``, the VMs' preseed and
    box Vagrantfile) with the render writer: all or nothing, never over hand-written files."""
    write_plan(plan_packer(spec, version), folder, force=force)
    return folder


def _record(spec: Spec, out_dir: Path, path: Path, catalog: dict,  # type: ignore[type-arg]
            version: str, provider: str, staged: Path, force: bool,
            base_url: str | None) -> BuildResult:
    """Add the staged box to the catalog, then publish both; a refusal removes the staged
    box and leaves the folder as it was."""
    from parity.fsutil import sha256_file, write_error

    name = box_file(spec, version, provider)
    final = out_dir / name
    try:
        checksum = sha256_file(staged)
        entry = cat.BoxEntry(version, provider, box_url(out_dir, name, base_url), checksum,
                             spec.sha256)
        status = cat.add(catalog, entry, force=force, where=path)
        if (status == "added" and final.exists() and not force
                and sha256_file(final) != checksum):
            raise UsageError(
                f"{final} exists, but {path.name} does not list it: it is not parity's to "
                "replace",
                hint="Move it away, or give --force to overwrite it.")
        try:
            staged.replace(final)
        except OSError as exc:
            raise write_error(exc, final) from None
        cat.write_catalog(path, catalog)
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    return BuildResult(provider, version, path, box=final, status=status)
