"""A spec as a SmartOS zone sees it: pkgsrc package names, the zone's image, its provisioning steps.

The zone runs the provisioning every target runs (``provision.sh`` and its steps, see
:mod:`parity.render.context`) with the pkgsrc partial. What differs is decided here, once:

* **Package names**: ``targets.smartos.packages`` first, then the spec family's
  ``pkgsrc_names`` (:mod:`parity.families`), else the name itself. A name mapped to ``""``
  (family) or ``null`` (spec) is left out: the platform has it (procps's ``ps``) or pkgsrc has no
  such package. ``name:arch`` packages are left out too (pkgsrc has no second architectures).
* **Version pins** of a Linux spec name Debian/Fedora/Alpine versions, which pkgsrc's quarterly
  branch does not carry: each is dropped (the package is installed at the version the branch
  has) and named in a comment of the user-script. A ``base: smartos:*`` spec's pins are pkgsrc
  versions and hold, checked with pkg_install's dewey rules as on any pkgsrc host.
* **Repositories** of a Linux spec are apt/dnf/apk sources: left out (named in the comment).
* **sysctl**: Linux kernel settings do not apply to illumos: left out (named in the comment).
  The spec's ``ipadm:`` section is the zone's network tunables: ``ipadm set-prop`` (persistent)
  in the config step, a property already at its value left alone.
* **Steps**: the same step folders, plus ``00-illumos`` (sourced first: illumos forms of the
  account, file and service functions) and SMF services instead of systemd/OpenRC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from parity.distros import DISTROS
from parity.errors import RenderError
from parity.render.context import (
    STEPS,
    Part,
    Step,
    _accounts_part,
    _files_part,
    _scripts_part,
    shell_clauses,
)
from parity.render.jinja import render
from parity.spec import Spec
from parity.versions import parse_constraint

#: base-64-lts, the image ``base: smartos:<release>`` names, by release: UUIDs as
#: ``imgadm avail`` lists them (see docs/spec.md, "targets.smartos", for the sources)
DEFAULT_IMAGES: dict[str, tuple[str, str]] = {
    "22.4": ("e44ed3e0-910b-11ed-a5d4-00151714048c", "base-64-lts 22.4.0"),
    "23.4": ("8adac45a-aca7-11ee-b53e-00151714048c", "base-64-lts 23.4.0"),
    "24.4": ("2f1dc911-6401-4fa4-8e9d-67ea2e39c271", "base-64-lts 24.4.1"),
}
#: the release a Linux spec's zone gets unless ``targets.smartos.image_uuid`` says otherwise
NEWEST_RELEASE = "24.4"
#: where manifests of the spec's own services go (SMF imports site manifests at boot too)
SMF_MANIFEST_DIR = "/var/svc/manifest/site"
#: the FMRI a service with ``command:`` gets (``svc:/site/<name>:default``)
SMF_PREFIX = "site/"
#: the zone's copy of the spec's environment for login shells
PROFILE = "/etc/profile.d/parity.sh"


@dataclass(frozen=True)
class ZoneView:
    """The spec as the zone gets it, and what could not come along (for the comment)."""

    release: str
    image_uuid: str
    image_name: str  # "base-64-lts 23.4.0", or "" for an image the spec names
    packages: dict[str, str]  # pkgsrc name -> constraint text
    dev_packages: dict[str, str]
    notes: list[str] = field(default_factory=list)


def pkgsrc_name(spec: Spec, package: str) -> str | None:
    """The pkgsrc package for one of the spec's packages; ``None``: left out of the zone."""
    overrides = spec.model.targets.smartos.packages
    if package in overrides:
        return overrides[package]
    if ":" in package:
        return None
    name = spec.distro.package_family.pkgsrc_names.get(package, package)
    return name or None


def _map(spec: Spec, packages: dict[str, str], native: bool,
         notes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, text in sorted(packages.items()):
        target = pkgsrc_name(spec, name)
        if target is None:
            notes.append(f"package {name}: left out (no pkgsrc package; "
                         "targets.smartos.packages can name one)")
            continue
        if not native and parse_constraint(text).clauses:
            notes.append(f"package {name} {text}: pin dropped (a {spec.distro.name} version; "
                         f"{target} comes at the version pkgsrc's branch has)")
            text = "*"
        if target in out and out[target] != text:
            raise RenderError(f"smartos: two packages of the spec become pkgsrc's {target} "
                              f"with different versions ({out[target]} and {text})",
                              hint="Map one of them elsewhere in targets.smartos.packages.")
        out[target] = text
    return out


def zone_view(spec: Spec) -> ZoneView:
    """Image, release and pkgsrc packages of the spec's zone, with notes on what was left out."""
    smartos = spec.model.targets.smartos
    native = spec.distro.family == "pkgsrc"
    release = spec.distro.release if native else NEWEST_RELEASE
    uuid, image_name = DEFAULT_IMAGES[release]
    if smartos.image_uuid:
        uuid, image_name = smartos.image_uuid, ""
    notes: list[str] = []
    packages = _map(spec, spec.model.packages, native, notes)
    dev = {n: t for n, t in _map(spec, spec.model.dev_packages, native, notes).items()
           if n not in packages}
    if not native:
        notes += [f"repository {r.name}: left out (a {spec.distro.family} source)"
                  for r in spec.model.repositories]
    notes += [f"sysctl {key}: left out (a Linux kernel setting; illumos tunes its network "
              "stack with ipadm: declare it under ipadm:)" for key in spec.model.sysctl]
    return ZoneView(release, uuid, image_name, packages, dev, notes)


def _rows(packages: dict[str, str]) -> list[dict[str, Any]]:
    """parity_want/parity_verify arguments, compared by pkgsrc's dewey rules."""
    return [{"name": n, "text": t, "clauses": shell_clauses(parse_constraint(t), "pkgsrc")}
            for n, t in sorted(packages.items())]


def smf_fmri(name: str) -> str:
    return f"svc:/{SMF_PREFIX}{name}:default"


def _services(spec: Spec) -> list[dict[str, Any]]:
    return [{"name": name, "enabled": s.enabled, "running": s.running,
             "command": list(s.command or []), "fmri": smf_fmri(name) if s.command else name}
            for name, s in sorted(spec.model.services.items())]


def zone_steps(spec: Spec, view: ZoneView, manifests: dict[str, str],
               profile: str) -> list[Step]:
    """The zone's steps: the folders every target has (same names, same order) plus
    ``00-illumos``; ``manifests`` are the SMF manifests by service, ``profile`` the env file."""
    pm = DISTROS[f"smartos:{view.release}"].package_family
    repositories = []
    if spec.distro.family == "pkgsrc":
        src = f"{STEPS}/10-packages/src"
        repositories = [{"name": r.name, "url": r.url, "key": f"{src}/{r.key}" if r.key else None,
                         "key_name": PurePosixPath(r.key).name if r.key else None}
                        for r in spec.model.repositories]
    steps = [Step("00-illumos", (Part("illumos", ()),))]
    if view.packages or repositories:
        steps.append(Step("10-packages", (Part(
            "packages", ("repositories", "packages"),
            {"pm": pm, "repositories": repositories, "packages": _rows(view.packages),
             "tools": [], "architectures": []},
            tuple(r.key for r in spec.model.repositories
                  if r.key and repositories)),)))
    if view.dev_packages:
        steps.append(Step("20-dev-packages", (Part(
            "dev-packages", ("dev-packages",),
            {"packages": _rows(view.dev_packages), "architectures": []}),)))
    src = f"{STEPS}/30-config/src"
    config = [p for p in (_accounts_part(spec, src), _files_part(spec, src)) if p is not None]
    if spec.model.env:
        config.append(Part("env", ("env",), {"profile": profile,
                                             "source_line": f". {PROFILE}"}))
    if spec.model.ipadm:
        config.append(Part("ipadm", ("ipadm",), {"tunables": [
            (proto, prop, value) for proto, props in spec.model.ipadm.items()
            for prop, value in props.items()]}))
    services = _services(spec)
    if services:
        config.append(Part("services", ("services",), {
            "services": services, "manifests": manifests, "manifest_dir": SMF_MANIFEST_DIR}))
    if config:
        steps.append(Step("30-config", tuple(config)))
    scripts = _scripts_part(spec, f"{STEPS}/40-scripts/src")
    if scripts is not None:
        steps.append(Step("40-scripts", (scripts,)))
    return steps


def render_zone_step(step: Step, header: str) -> str:
    """``step.sh``: the zone's own forms of a part's template where it has one
    (``templates/render/smartos/steps/``), else the template every target uses."""
    own = {"illumos", "accounts", "env", "ipadm", "services"}
    head = render("smartos/steps/_head.j2", header=header, step=step)
    return head + "\n".join(
        render(f"smartos/steps/{part.kind}.sh.j2" if part.kind in own
               else f"provision/steps/{part.kind}.sh.j2", **part.data)
        for part in step.parts)
