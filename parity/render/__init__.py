"""Render a spec into each target's files: docker, vagrant, nix, aci.

Public API (used by ``parity render`` and by ``parity up``):

* :func:`plan_files` — ``{relative path: bytes}`` a target would write; pure, touches nothing.
* :func:`render_target` — write those files under ``out_dir`` atomically; refuses to overwrite
  files parity did not write unless ``force`` (:func:`render_targets`: several targets, all
  checked before any is written).
* :func:`check_target` — lines naming each missing/different/stale file (empty when in sync).

Targets are a registry (``TARGETS``: name -> "module:function" returning ``list[PlannedFile]``),
imported lazily so rendering nix never imports docker code.

Output layout, per target:

* docker: a complete build context — ``Dockerfile``, ``.dockerignore``, ``provision.sh``,
  ``steps/<NN>-<kind>/`` (each step's ``step.sh`` and the spec files it reads under ``src/``),
  ``entrypoint.sh``, ``.parity-manifest``. ``docker build --network host DIR`` builds the dev
  image, one cached layer per step; ``--build-arg PARITY_DEV=0`` leaves out dev packages.
* vagrant: ``Vagrantfile`` plus ``parity-context/`` (the docker context above, used as the docker
  provider's ``build_dir`` and uploaded to VMs for the shell provisioner).
* nix: ``flake.nix`` and ``shell.nix``, plus the nixos target's files, which the flake imports.
* nixos: ``nixos/module.nix`` (+ ``nixos/src/``, the spec files it reads), to import into an
  existing NixOS configuration.
* aci: ``manifest`` (an appc ImageManifest); :func:`parity.render.aci.build_aci` builds the
  ``.aci`` from the docker image.
* smartos: ``zone.json`` (a ``vmadm create`` manifest whose customer_metadata carries the
  user-script and the provisioning tree), ``user-script.sh`` and ``smf/<service>.xml``; see
  :mod:`parity.render.smartos`.
* devcontainer: ``devcontainer.json`` plus ``parity-context/`` (the docker context above, which
  the json's ``build`` names); rendered by default into ``.devcontainer/`` beside the spec, where
  VS Code and Codespaces look for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from parity.distros import ZONE_ONLY_TARGETS
from parity.errors import UsageError
from parity.render.base import PlannedFile
from parity.render.writer import check_plan, write_plans
from parity.spec import Spec

__all__ = ["TARGETS", "PlannedFile", "check_target", "default_out_dir", "plan", "plan_files",
           "render_target", "render_targets", "targets_for"]

TARGETS: dict[str, str] = {
    "docker": "parity.render.docker:plan",
    "vagrant": "parity.render.vagrant:plan",
    "nix": "parity.render.nix:plan",
    "nixos": "parity.render.nixos:plan",
    "aci": "parity.render.aci:plan",
    "devcontainer": "parity.render.devcontainer:plan",
    "smartos": "parity.render.smartos:plan",
}

#: targets whose files belong somewhere a tool looks for them, not under ``.parity/``
DEFAULT_DIRS: dict[str, str] = {"devcontainer": ".devcontainer"}


def _planner(target: str) -> Callable[[Spec], list[PlannedFile]]:
    try:
        module, _, attr = TARGETS[target].partition(":")
    except KeyError:
        raise UsageError(f"unknown target {target!r}",
                         hint=f"Choose one of: {', '.join(TARGETS)}, all.") from None
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


def targets_for(spec: Spec) -> list[str]:
    """What ``--target all`` renders: the targets that build the spec's own base. An image-less
    base (SmartOS, NixOS) has only its own targets (``Distro.own_targets``); a Linux base every
    target but the zone. A Linux spec's zone is a translation (pkgsrc names, its distro's version
    pins dropped), so it is asked for by name (``-t smartos``), and a ``render -t all --check``
    of renders committed before the smartos target existed stays in sync."""
    d = spec.distro
    if d.docker_image is None:
        return [t for t in TARGETS if t in d.own_targets]
    return [t for t in TARGETS if t not in ZONE_ONLY_TARGETS]


def plan(spec: Spec, target: str) -> list[PlannedFile]:
    """Every file of ``target`` with its bytes and mode, sorted by path."""
    planner = _planner(target)
    d = spec.distro
    if d.docker_image is None and target not in d.own_targets:
        raise UsageError(
            f"base {d.base} has no {target} form: it is {d.kind}; render it with "
            f"-t {' or -t '.join(d.own_targets)}",
            hint="Or give the spec a Linux base (debian:12...) to render the other targets.")
    return sorted(planner(spec), key=lambda f: f.path)


def plan_files(spec: Spec, target: str) -> dict[str, bytes]:
    """``{relative path: bytes}`` that :func:`render_target` would write."""
    return {f.path: f.read() for f in plan(spec, target)}


def render_target(spec: Spec, target: str, out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write ``target``'s files under ``out_dir``; return their paths."""
    return render_targets(spec, [(target, Path(out_dir))], force=force)[0]


def render_targets(spec: Spec, jobs: list[tuple[str, Path]], *,
                   force: bool = False) -> list[list[Path]]:
    """Write each ``(target, out_dir)``; if any file would be refused, nothing is written."""
    return write_plans([(plan(spec, t), Path(out)) for t, out in jobs], force=force)


def check_target(spec: Spec, target: str, out_dir: Path) -> list[str]:
    """One line per file under ``out_dir`` that is missing, differs or is stale."""
    return check_plan(plan(spec, target), Path(out_dir))


def default_out_dir(spec: Spec, target: str) -> Path:
    """``.parity/<target>`` beside the spec (add ``.parity/`` to your .gitignore), or the folder
    a tool expects (:data:`DEFAULT_DIRS`: ``.devcontainer/``, meant to be committed)."""
    return spec.root / DEFAULT_DIRS.get(target, f".parity/{target}")
