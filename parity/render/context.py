"""The build context shared by Docker and Vagrant: Dockerfile, provision.sh, steps/, entrypoint.sh.

Provisioning is split into ordered steps (:data:`STEP_PLAN`), each a folder
``steps/<NN>-<kind>/`` holding ``step.sh`` (the spec's data for its phases, as calls of the
functions ``provision.sh`` defines) and ``src/`` (the spec files that step reads: repository keys,
file sources, provision scripts). ``provision.sh`` itself carries no spec data: it defines the
functions and sources every ``steps/*/step.sh`` in order, each running the phases asked for.

Why: the Dockerfile ``COPY``s one step folder and ``RUN``s its phases, step by step, so Docker's
layer cache rebuilds a step only when its own folder (or an earlier step) changed. A file-source
edit reuses every package layer; a dev package reuses the prod package layer. Every file that
reaches the image therefore carries :func:`~parity.render.base.step_header` (no spec hash), and
each step's template is rendered from that step's inputs only.

Vagrant uploads the same folder to VMs and runs ``provision.sh`` (all phases) with the shell
provisioner, or builds the Dockerfile for its docker provider, so every target installs the same
things in the same order.

Values reach the shell only as arguments to small functions, each quoted with
:func:`parity.render.lang.shell.quote`; file contents written on the host (profile.d, sysctl.d,
systemd units) are rendered here first and passed as one quoted argument.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from parity import __version__, labels
from parity.errors import UsageError
from parity.render.base import PlannedFile, encode, header_text, step_header
from parity.render.jinja import render
from parity.render.pkgmgr import SHELL_OPS
from parity.render.writer import MANIFEST, manifest_data
from parity.spec import Spec
from parity.versions import Constraint

#: where the image keeps the provisioning tree (``provision.sh`` and ``steps/``)
IMAGE_ROOT = "/opt/parity"
#: folder of the step folders, in the context and under :data:`IMAGE_ROOT`
STEPS = "steps"
#: the context's top-level names copied to :data:`IMAGE_ROOT`, byte for byte and nothing else
#: (``steps`` is absent when the spec declares nothing to provision)
IMAGE_TREE: tuple[str, ...] = ("provision.sh", STEPS)
#: where the image keeps ``entrypoint.sh``
ENTRYPOINT_PATH = "/usr/local/bin/parity-entrypoint"
#: a step's copies of the spec's files, under its folder
SRC = "src"
#: the build argument choosing the dev image (default 1) or the prod image (0)
DEV_ARG = "PARITY_DEV"


def shell_clauses(constraint: Constraint, scheme: str) -> list[str]:
    """``OP:VERSION`` words for ``parity_allows`` in provision.sh, same meaning as
    :meth:`Constraint.allows`: a comparison with a version that has no revision becomes
    ``uOP`` (``ueq:1.22.1``), comparing upstream parts only."""
    return [f"{'u' if c.upstream_only(scheme) else ''}{SHELL_OPS[c.op]}:{c.version}"
            for c in constraint.clauses]


@dataclass(frozen=True)
class Part:
    """The spec's data for some of provision.sh's phases, rendered with
    ``templates/render/provision/steps/<kind>.sh.j2`` from this data only."""

    kind: str
    phases: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict)
    #: spec-relative files it reads, copied to ``steps/<step>/src/<rel>``
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One provisioning step: a folder ``steps/<name>/`` and one cached Docker layer."""

    name: str  # "30-config": its folder under steps/, and its place in the order
    parts: tuple[Part, ...]

    @property
    def folder(self) -> str:
        return f"{STEPS}/{self.name}"

    @property
    def phases(self) -> tuple[str, ...]:
        """The provision.sh phases its RUN runs."""
        return tuple(p for part in self.parts for p in part.phases)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({rel for part in self.parts for rel in part.sources}))

    @property
    def dev(self) -> bool:
        """Runs only in the dev image (``PARITY_DEV=1``)."""
        return self.phases == ("dev-packages",)

    def src(self, rel: str) -> str:
        """Where ``step.sh`` finds a copied file, relative to provision.sh's folder."""
        return f"{self.folder}/{SRC}/{rel}"


def _packages(spec: Spec, *, dev: bool) -> list[dict[str, Any]]:
    names = spec.model.dev_packages if dev else spec.model.packages
    pkgs = {k: v for k, v in spec.packages(dev=True).items() if k in names}
    scheme = spec.distro.version_scheme
    return [{"name": n, "text": c.text, "clauses": shell_clauses(c, scheme)}
            for n, c in sorted(pkgs.items())]


def _architectures(packages: list[dict[str, Any]]) -> list[str]:
    """Second architectures the packages name (``zlib1g:i386``), enabled before the install."""
    return sorted({p["name"].split(":", 1)[1] for p in packages if ":" in p["name"]})


def _packages_part(spec: Spec, src: str) -> Part | None:
    """Repositories, architectures and packages, plus the commands later steps need
    (``useradd``, ``sysctl``): installing those here, in the same package transaction, spares
    every later step a package-list refresh (seconds per step, on every cold build)."""
    pm = spec.distro.package_family
    model = spec.model
    repositories = [
        {"name": r.name, "url": r.url, "suite": r.suite or spec.distro.codename
         or spec.distro.release, "components": r.components,
         "key": f"{src}/{r.key}" if r.key else None,
         "key_name": PurePosixPath(r.key).name if r.key else None}
        for r in model.repositories]
    packages = _packages(spec, dev=False)
    tools = []
    # a family whose platform has the command (pkgsrc on SmartOS: /usr/sbin/useradd) names none
    if (model.groups or model.users) and "useradd" in pm.bootstrap:
        tools.append(("useradd", pm.bootstrap["useradd"]))  # groupadd comes with it
    if model.sysctl and "sysctl" in pm.bootstrap:
        tools.append(("sysctl", pm.bootstrap["sysctl"]))
    if not (repositories or packages or tools):
        return None
    return Part("packages", ("repositories", "packages"),
                {"pm": pm, "repositories": repositories, "packages": packages, "tools": tools,
                 "architectures": _architectures(packages)},
                tuple(r.key for r in model.repositories if r.key))


def _dev_packages_part(spec: Spec, src: str) -> Part | None:
    packages = _packages(spec, dev=True)
    if not packages:
        return None
    return Part("dev-packages", ("dev-packages",),
                {"packages": packages, "architectures": _architectures(packages)})


def _accounts_part(spec: Spec, src: str) -> Part | None:
    model = spec.model
    if not (model.groups or model.users):
        return None
    # Pinned ids highest first, then the rest by name. A captured host that made an account
    # before installing packages (adduser --system counts up from 100) has the packages'
    # accounts one id higher than a fresh build gives them; moving those up first frees the ids
    # the hand-made account needs. (Ids that swap places cannot be pinned in any order.)
    groups = sorted(model.groups.items(), key=lambda kv: (kv[1].gid is None, -(kv[1].gid or 0),
                                                          kv[0]))
    users = sorted(model.users.items(), key=lambda kv: (kv[1].uid is None, -(kv[1].uid or 0),
                                                        kv[0]))
    return Part("accounts", ("groups", "users"), {
        "pm": spec.distro.package_family,
        "groups": [{"name": n, "gid": g.gid, "system": g.system} for n, g in groups],
        "users": [{"name": n, "uid": u.uid, "home": u.home, "shell": u.shell,
                   "groups": ",".join(u.groups), "system": u.system} for n, u in users],
    })


def _files_part(spec: Spec, src: str) -> Part | None:
    if not spec.model.files:
        return None
    files = [{"path": path, "type": f.type, "mode": f.mode or "", "owner": f.owner or "",
              "group": f.group or "", "target": f.target,
              "source": f"{src}/{f.source}" if f.source else None, "content": f.content,
              "secret": f.secret}
             for path, f in sorted(spec.model.files.items())]
    return Part("files", ("files",), {"files": files},
                tuple(f.source for f in spec.model.files.values() if f.source))


def _env_part(spec: Spec, src: str) -> Part | None:
    if not spec.model.env:
        return None
    return Part("env", ("env",), {"profile": render(
        "provision/profile.sh.j2", header=step_header(spec), env=spec.plain_env,
        secrets=spec.secret_env)})


def _sysctl_part(spec: Spec, src: str) -> Part | None:
    if not spec.model.sysctl:
        return None
    return Part("sysctl", ("sysctl",), {"pm": spec.distro.package_family, "sysctl": render(
        "provision/sysctl.conf.j2", header=step_header(spec), sysctl=spec.model.sysctl)})


def _services(spec: Spec) -> list[dict[str, Any]]:
    return [{"name": name, "enabled": s.enabled, "running": s.running,
             "command": list(s.command or [])}
            for name, s in sorted(spec.model.services.items())]


def _services_part(spec: Spec, src: str) -> Part | None:
    services = _services(spec)
    if not services:
        return None
    units = {s["name"]: render("provision/unit.service.j2", header=step_header(spec), service=s)
             for s in services if s["command"]}
    return Part("services", ("services",), {"services": services, "units": units})


def _scripts_part(spec: Spec, src: str) -> Part | None:
    scripts = list(spec.model.provision)
    if not scripts:
        return None
    return Part("scripts", ("scripts",), {"scripts": [f"{src}/{p}" for p in scripts]},
                tuple(scripts))


PartBuilder = Callable[[Spec, str], "Part | None"]

#: the steps in the order they run (provision.sh's phase order, which is also a VM's), each a
#: folder name and its parts. Accounts, files, env, sysctl and services share one step: each
#: takes well under a second, while a RUN layer of its own costs 0.3-0.6 s to create and commit
#: (measured on examples/webapp), on every cold build and on every rebuild of an earlier step.
STEP_PLAN: tuple[tuple[str, tuple[PartBuilder, ...]], ...] = (
    ("10-packages", (_packages_part,)),
    ("20-dev-packages", (_dev_packages_part,)),
    ("30-config", (_accounts_part, _files_part, _env_part, _sysctl_part, _services_part)),
    ("40-scripts", (_scripts_part,)),
)


def plan_steps(spec: Spec) -> list[Step]:
    """The spec's steps, in order; steps the spec declares nothing for are left out."""
    steps = []
    for name, builders in STEP_PLAN:
        src = f"{STEPS}/{name}/{SRC}"
        parts = tuple(p for build in builders if (p := build(spec, src)) is not None)
        if parts:
            steps.append(Step(name, parts))
    return steps


def render_step(step: Step, header: str) -> str:
    """``step.sh``: a short header, then each part's phases."""
    head = render("provision/steps/_head.j2", header=header, step=step)
    return head + "\n".join(render(f"provision/steps/{part.kind}.sh.j2", **part.data)
                             for part in step.parts)


def provision_context(spec: Spec) -> dict[str, Any]:
    """Everything ``provision.sh.j2``, ``entrypoint.sh.j2`` and ``Dockerfile.j2`` need.

    A family without a provisioning partial (Nix) has no provision.sh: refused here, where the
    partial would be read, rather than as a template error."""
    d = spec.distro
    if d.package_family.partial is None:
        raise UsageError(
            f"base {d.base}: the {d.family} package family has no provisioning script "
            "(provision.sh)",
            hint=f"Render it with -t {' or -t '.join(d.own_targets) or 'nix'}.")
    return {
        "header": header_text(spec),
        "step_header": step_header(spec),
        "spec": spec,
        "distro": d,
        "pm": d.package_family,
        "steps": plan_steps(spec),
        "services": _services(spec),
        "services_dir": labels.SERVICES_DIR,
        "pid_dir": labels.PID_DIR,
        "labels": {labels.SPEC_SHA256: spec.sha256, labels.SPEC_NAME: spec.name,
                   labels.VERSION: __version__},
        "ports": spec.ports,
        "env": spec.plain_env,
        "docker": spec.model.targets.docker,
        "image_root": IMAGE_ROOT,
        "entrypoint_path": ENTRYPOINT_PATH,
        "dev_arg": DEV_ARG,
        "steps_dir": STEPS,
    }


def _copies(spec: Spec, step: Step, prefix: str) -> list[PlannedFile]:
    """The step's files of the spec, verbatim (executable bit kept); the writer streams them
    from their source, so their size costs no memory."""
    out = []
    for rel in step.sources:
        path = spec.resolve(rel)
        mode = 0o755 if os.access(path, os.X_OK) else 0o644
        out.append(PlannedFile(prefix + step.src(rel), mode=mode, generated=False, source=path,
                               sha256=spec.file_hashes[rel]))
    return out


def plan_context(spec: Spec, prefix: str = "") -> list[PlannedFile]:
    """The docker build context, each path under ``prefix`` (``""`` or ``"parity-context/"``)."""
    ctx = provision_context(spec)
    templates = {"Dockerfile": ("docker/Dockerfile.j2", 0o644),
                 ".dockerignore": ("docker/dockerignore.j2", 0o644),
                 "provision.sh": ("provision/provision.sh.j2", 0o755),
                 "entrypoint.sh": ("provision/entrypoint.sh.j2", 0o755)}
    files = [PlannedFile(prefix + name, encode(render(template, **ctx), name), mode)
             for name, (template, mode) in templates.items()]
    copies: list[PlannedFile] = []
    for step in ctx["steps"]:
        path = f"{step.folder}/step.sh"
        files.append(PlannedFile(prefix + path, encode(render_step(step, ctx["step_header"]),
                                                       path), 0o644))
        copies += _copies(spec, step, prefix)
    files += copies
    files.append(PlannedFile(prefix + MANIFEST, manifest_data(
        ctx["header"], {f.path.removeprefix(prefix): f.digest() for f in copies})))
    return files
