"""nix target: ``flake.nix`` (dev shell + layered image + NixOS module and configuration) and
``shell.nix`` for non-flake users, plus the nixos target's files (``nixos/module.nix``), which
the flake imports: rendering the flake alone always gives a flake whose module exists and is
checked by ``render --check`` with it.

Distro package names are mapped to nixpkgs attribute paths: the spec's ``targets.nix.attrs``
first, then the spec's package family's ``nixpkgs_names`` (:mod:`parity.families`: common
names whose attribute differs), else the name itself. Version constraints are not expressed in
Nix (the pinned nixpkgs decides versions); the ``nixpkgs`` input is the pin.
"""

from __future__ import annotations

from parity import labels
from parity.render.base import PlannedFile, encode, header_text
from parity.render.jinja import render
from parity.render.lang import shell
from parity.spec import Spec


def nix_attr(spec: Spec, package: str) -> str | None:
    """The package's nixpkgs attribute path, or None when ``targets.nix.attrs`` maps it to null
    (nixpkgs has no such package: the Nix renders leave it out)."""
    attrs = spec.model.targets.nix.attrs
    if package in attrs:
        return attrs[package]
    return spec.distro.package_family.nixpkgs_names.get(package, package)


def left_out(spec: Spec, *, dev: bool = True) -> list[str]:
    """The spec's packages the Nix renders leave out (mapped to null), named in their header so a
    reader of flake.nix sees the dev shell lacks them."""
    return sorted(n for n in spec.packages(dev=dev) if nix_attr(spec, n) is None)


def _attrs(spec: Spec, names: dict[str, str]) -> list[str]:
    """Attribute paths, de-duplicated (python3-venv and python3 both map to python3).

    A package of a second architecture (``zlib1g:i386``) is a multiarch install of a distro
    package; nixpkgs has no such attribute (its cross packages are a different build, e.g.
    ``pkgsi686Linux.zlib``), so it is left out unless ``targets.nix.attrs`` maps it. A package
    mapped to null is left out too.
    """
    found = {nix_attr(spec, n) for n in names
             if ":" not in n or n in spec.model.targets.nix.attrs}
    return sorted(a for a in found if a is not None)


def _shell_hook(spec: Spec) -> str:
    """Shell text run on entering the dev shell: exports, and a reminder for each secret."""
    lines = [f"export {k}={shell.quote(v)}" for k, v in spec.plain_env.items()]
    for name in spec.secret_env:
        lines.append(f'[ -n "${{{name}:-}}" ] || echo "parity: export {name} (a secret) '
                     f'before running the app" >&2')
    lines.append(f"echo {shell.quote(f'parity dev shell for {spec.name}')} >&2")
    return "\n".join(lines) + "\n"


def context(spec: Spec) -> dict[str, object]:
    docker = spec.model.targets.docker
    image = docker.image or f"{spec.name}:dev"
    name, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    return {
        "header": header_text(spec),
        "spec": spec,
        "nix": spec.model.targets.nix,
        "packages": _attrs(spec, spec.model.packages),
        "dev_packages": [a for a in _attrs(spec, spec.model.dev_packages)
                         if a not in _attrs(spec, spec.model.packages)],
        "left_out": left_out(spec),
        "shell_hook": _shell_hook(spec),
        "env": spec.plain_env,
        "ports": spec.ports,
        "image_name": name,
        "image_tag": tag or "latest",
        "cmd": list(docker.cmd or []),
        "labels": {labels.SPEC_SHA256: spec.sha256, labels.SPEC_NAME: spec.name},
    }


def plan(spec: Spec) -> list[PlannedFile]:
    from parity.render import nixos  # it imports nix_attr from here

    ctx = context(spec)
    return [
        PlannedFile("flake.nix", encode(render("nix/flake.nix.j2", **ctx), "nix/flake.nix.j2")),
        PlannedFile("shell.nix", encode(render("nix/shell.nix.j2", **ctx), "nix/shell.nix.j2")),
        *nixos.plan(spec),
    ]
