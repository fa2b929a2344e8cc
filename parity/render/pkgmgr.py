"""Package-manager layer: one shell partial per distro family, chosen from a registry.

Each partial (``templates/render/provision/pm/<family>.sh.j2``) defines the same small shell
interface, so ``provision.sh`` is written once for every family:

* ``pm_prepare`` — refresh package metadata (once per run);
* ``pm_candidates NAME`` — every installable version of NAME, one per line;
* ``pm_vercmp A OP B`` — OP in lt le eq ne ge gt, with the family's own ordering
  (``dpkg --compare-versions``, rpm's ``rpm.vercmp``, ``apk version -t``);
* ``pm_upstream VERSION`` — VERSION without its revision (deb: a neutral ``-0`` instead), so
  ``pm_vercmp`` on two of them compares epochs and upstream parts only;
* ``pm_pin NAME VERSION`` — the install argument pinning VERSION (``name=ver`` / ``name-ver``);
* ``pm_install ARG...`` — install non-interactively;
* ``pm_installed NAME`` — the installed version, or nothing;
* ``pm_add_architecture ARCH`` — let the manager install ``name:ARCH`` packages (apt:
  ``dpkg --add-architecture``; the others stop with a message);
* ``pm_clean`` — drop caches (images only, ``PARITY_CLEAN=1``).

and a jinja macro ``add_repository(repo)`` that emits the commands adding one repository with its
signing key. Adding a family is one partial plus one record in :data:`parity.families.FAMILIES`
(which names the partial and the packages providing the commands the script needs).
"""

from __future__ import annotations

#: the spec's constraint operators as the shell helpers spell them (``u`` + OP compares upstream
#: parts only, see :func:`parity.render.context.shell_clauses`)
SHELL_OPS = {"glob": "glob", "==": "eq", "!=": "ne", ">=": "ge", "<=": "le", ">": "gt", "<": "lt"}
