"""The build context shared by Docker and Vagrant: provision.sh, entrypoint.sh, Dockerfile, src/.

``provision.sh`` is the one provisioning script (repositories, pinned packages, groups, users,
files, env, sysctl, services, extra scripts). Docker runs it in ``RUN``; Vagrant uploads the same
folder to VMs and runs it with the shell provisioner, or builds the Dockerfile for its docker
provider, so every target installs the same things the same way.

Values reach the shell only as arguments to small functions defined at the top of the script,
each quoted with :func:`parity.render.lang.shell.quote`; file contents written on the host
(profile.d, sysctl.d, systemd units) are rendered here first and passed as one quoted argument.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import Any

from parity import __version__, labels
from parity.render.base import PlannedFile, encode, header_text
from parity.render.jinja import render
from parity.render.pkgmgr import SHELL_OPS
from parity.render.writer import MANIFEST, manifest_data
from parity.spec import Spec
from parity.versions import Constraint

SRC = "src"


def shell_clauses(constraint: Constraint, scheme: str) -> list[str]:
    """``OP:VERSION`` words for ``parity_allows`` in provision.sh, same meaning as
    :meth:`Constraint.allows`: a comparison with a version that has no revision becomes
    ``uOP`` (``ueq:1.22.1``), comparing upstream parts only."""
    return [f"{'u' if c.upstream_only(scheme) else ''}{SHELL_OPS[c.op]}:{c.version}"
            for c in constraint.clauses]


def _packages(spec: Spec, *, dev: bool) -> list[dict[str, Any]]:
    names = spec.model.dev_packages if dev else spec.model.packages
    pkgs = {k: v for k, v in spec.packages(dev=True).items() if k in names}
    scheme = spec.distro.version_scheme
    return [{"name": n, "text": c.text, "clauses": shell_clauses(c, scheme)}
            for n, c in sorted(pkgs.items())]


def _files(spec: Spec) -> list[dict[str, Any]]:
    out = []
    for path, f in sorted(spec.model.files.items()):
        out.append({
            "path": path, "type": f.type, "mode": f.mode or "",
            "owner": f.owner or "", "group": f.group or "", "target": f.target,
            "source": f"{SRC}/{f.source}" if f.source else None,
            "content": f.content,
        })
    return out


def _services(spec: Spec) -> list[dict[str, Any]]:
    return [{"name": name, "enabled": s.enabled, "running": s.running,
             "command": list(s.command or [])}
            for name, s in sorted(spec.model.services.items())]


def provision_context(spec: Spec) -> dict[str, Any]:
    """Everything ``provision.sh.j2`` and ``entrypoint.sh.j2`` need, already normalised."""
    d = spec.distro
    header = header_text(spec)
    services = _services(spec)
    units = {
        s["name"]: render("provision/unit.service.j2", header=header, service=s)
        for s in services if s["command"]
    }
    return {
        "header": header,
        "spec": spec,
        "distro": d,
        "pm": d.package_family,
        "repositories": [
            {"name": r.name, "url": r.url, "suite": r.suite or d.codename or d.release,
             "components": r.components, "key": f"{SRC}/{r.key}" if r.key else None,
             "key_name": PurePosixPath(r.key).name if r.key else None}
            for r in spec.model.repositories
        ],
        # second architectures the packages name (zlib1g:i386), enabled before any install
        "architectures": sorted({n.split(":", 1)[1] for n in spec.packages(dev=True)
                                 if ":" in n}),
        "packages": _packages(spec, dev=False),
        "dev_packages": _packages(spec, dev=True),
        "groups": [{"name": n, "gid": g.gid, "system": g.system}
                   for n, g in sorted(spec.model.groups.items())],
        "users": [{"name": n, "uid": u.uid, "home": u.home, "shell": u.shell,
                   "groups": ",".join(u.groups), "system": u.system}
                  for n, u in sorted(spec.model.users.items())],
        "files": _files(spec),
        "profile": render("provision/profile.sh.j2", header=header, env=spec.plain_env,
                          secrets=spec.secret_env) if spec.model.env else None,
        "sysctl": render("provision/sysctl.conf.j2", header=header, sysctl=spec.model.sysctl)
        if spec.model.sysctl else None,
        "services": services,
        "units": units,
        "scripts": [f"{SRC}/{p}" for p in spec.model.provision],
        "services_dir": labels.SERVICES_DIR,
        "pid_dir": labels.PID_DIR,
        "labels": {labels.SPEC_SHA256: spec.sha256, labels.SPEC_NAME: spec.name,
                   labels.VERSION: __version__},
        "ports": spec.ports,
        "env": spec.plain_env,
        "docker": spec.model.targets.docker,
        "has_src": bool(spec.file_hashes),
    }


def _copies(spec: Spec, prefix: str) -> list[PlannedFile]:
    """The spec's referenced files, verbatim, under ``src/`` (executable bit kept); the writer
    streams them from their source, so their size costs no memory."""
    out = []
    for rel, sha in sorted(spec.file_hashes.items()):
        path = spec.resolve(rel)
        mode = 0o755 if os.access(path, os.X_OK) else 0o644
        out.append(PlannedFile(f"{prefix}{SRC}/{rel}", mode=mode, generated=False, source=path,
                               sha256=sha))
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
    copies = _copies(spec, prefix)
    files += copies
    files.append(PlannedFile(prefix + MANIFEST, manifest_data(
        ctx["header"], {f.path.removeprefix(prefix): f.digest() for f in copies})))
    return files
