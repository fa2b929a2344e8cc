"""Is a tool usable on this machine? One cached probe per pytest marker.

Each probe runs the cheapest command that proves the tool *works* (not merely that a binary is on
PATH): ``docker info`` needs a reachable daemon, ``podman run`` needs a runtime that can start a
container. Probes run lazily, at most once per process, so ``pytest tests/spec`` never touches
docker.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BASE_IMAGE = "debian:12"


@dataclass(frozen=True)
class Probe:
    """The outcome of probing one tool: usable or not, and why not."""

    ok: bool
    reason: str = ""


def _run(argv: Sequence[str], timeout: float = 60) -> Probe:
    """Probe by running ``argv``: usable when it exits 0."""
    if shutil.which(argv[0]) is None:
        return Probe(False, f"{argv[0]} is not installed (run scripts/bootstrap.sh)")
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Probe(False, f"`{' '.join(argv)}` timed out after {timeout:.0f} s")
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        last = detail[-1] if detail else f"exit {proc.returncode}"
        return Probe(False, f"`{' '.join(argv)}` failed: {last} (run scripts/bootstrap.sh)")
    return Probe(True)


def _all(*probes: Callable[[], Probe]) -> Probe:
    for probe in probes:
        result = probe()
        if not result.ok:
            return result
    return Probe(True)


@functools.cache
def docker() -> Probe:
    return _run(["docker", "info", "--format", "{{.ServerVersion}}"])


@functools.cache
def vagrant() -> Probe:
    # the docker provider is the only one available here, so vagrant needs docker too
    return _all(lambda: _run(["vagrant", "--version"]), docker)


@functools.cache
def vagrant_cli() -> Probe:
    """Vagrant's own commands that need no provider (box add/outdated/update of a local
    catalog, validate), and the ruby it runs on (Gem::Version is the box versions' oracle)."""
    return _all(lambda: _run(["vagrant", "--version"]), lambda: _run(["ruby", "--version"]))


@functools.cache
def packer() -> Probe:
    return _run(["packer", "version"])


@functools.cache
def nix() -> Probe:
    return _run(["nix-instantiate", "--version"])


@functools.cache
def actool() -> Probe:
    return _run(["actool", "version"])


@functools.cache
def podman() -> Probe:
    return _run(["podman", "run", "--rm", "--network", "none", BASE_IMAGE, "true"], timeout=120)


@functools.cache
def ssh() -> Probe:
    # sshd test hosts are docker containers; testinfra's ssh backend shells out to `ssh`
    return _all(lambda: _run(["ssh", "-V"]), docker)


@functools.cache
def mount() -> Probe:
    """Mounting a tmpfs needs root (or CAP_SYS_ADMIN); some container runtimes refuse it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="parity-probe-mount-") as folder:
        probe = _run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder])
        if probe.ok:
            subprocess.run(["umount", folder], check=True, capture_output=True)
        return probe


@functools.cache
def xmllint() -> Probe:
    return _run(["xmllint", "--version"])


@functools.cache
def chromium() -> Probe:
    """Debian's chromium, driven headless by Playwright (the HTML report tests)."""
    def playwright() -> Probe:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return Probe(False, "the playwright package is missing (pip install -e '.[test]')")
        # `playwright --version` runs its own node driver, which needs libatomic1 (a machine
        # that had it from elsewhere once hid that the repo's spec did not list it)
        return _run([sys.executable, "-m", "playwright", "--version"])
    return _all(lambda: _run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                              "--dump-dom", "about:blank"]), playwright)


CHROMIUM = "/usr/bin/chromium"


#: where Debian's postgresql package puts the server binaries (initdb, pg_ctl)
POSTGRES_BIN = "/usr/lib/postgresql/15/bin"


@functools.cache
def postgres() -> Probe:
    """The server binaries the history tests start a throwaway cluster with, and the driver."""
    probe = _run([f"{POSTGRES_BIN}/pg_ctl", "--version"])
    if not probe.ok:
        return probe
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return Probe(False, "psycopg is not installed (pip install -e '.[postgres]')")
    return Probe(True)


@functools.cache
def netns() -> Probe:
    """A private network namespace (``unshare -n``): root with CAP_SYS_ADMIN, which an
    unprivileged container lacks."""
    probe = _run(["unshare", "-n", "true"])
    if not probe.ok and shutil.which("unshare"):
        return Probe(False, "`unshare -n true` is not permitted here: it needs CAP_SYS_ADMIN "
                            "(a VM, or a privileged container; not an ordinary one)")
    return _all(lambda: probe, lambda: _run(["ss", "-V"]))


@functools.cache
def rpm() -> Probe:
    """rpm's own ``rpm.vercmp``: the oracle for rpm version ordering."""
    return _run(["rpm", "--version"])


@functools.cache
def ksh93() -> Probe:
    """illumos' ``/bin/sh`` is ksh93: the collectors' SmartOS branches must run under it."""
    return _run(["ksh93", "-c", "echo ok"])


#: pytest marker name -> probe; markers not listed here (``slow``) need no tool
PROBES: dict[str, Callable[[], Probe]] = {
    "docker": docker,
    "vagrant": vagrant,
    "vagrant_cli": vagrant_cli,
    "packer": packer,
    "nix": nix,
    "actool": actool,
    "podman": podman,
    "ssh": ssh,
    "mount": mount,
    "xmllint": xmllint,
    "chromium": chromium,
    "postgres": postgres,
    "ksh93": ksh93,
    "rpm": rpm,
    "netns": netns,
}

#: pytest marker -> the Debian packages its tests drive. The repo's parity.yaml, which
#: scripts/bootstrap.sh provisions every CI machine from, must list each (the suite stops at its
#: start under CI=true, and tests/test_infra.py fails, naming the package), or a fresh CI
#: machine fails where a used one passes.
PACKAGES: dict[str, tuple[str, ...]] = {
    "docker": ("docker.io",),
    # the libvirt provider's Vagrantfiles are validated too, which needs the plugin
    "vagrant": ("vagrant", "vagrant-libvirt", "ruby"),
    "vagrant_cli": ("vagrant", "ruby"),
    "packer": ("packer",),
    "nix": ("nix-bin",),
    "actool": ("appc-spec",),
    "podman": ("podman",),
    "ssh": ("openssh-client",),
    "mount": ("mount",),
    "xmllint": ("libxml2-utils",),
    # playwright's own node driver needs libatomic1
    "chromium": ("chromium", "libatomic1"),
    "postgres": ("postgresql",),
    "ksh93": ("ksh",),
    "rpm": ("rpm",),
    "netns": ("util-linux", "iproute2"),
}

#: Debian packages needed outside the tool markers, by whom: checked against parity.yaml like
#: :data:`PACKAGES`
OTHER_NEEDS: dict[str, tuple[str, ...]] = {
    "scripts/bootstrap.sh (the .venv)": ("python3", "python3-venv"),
    "scripts/bootstrap.sh (the debian:12 base image, built without a registry)": (
        "debootstrap", "debian-archive-keyring"),
    "the tests' sshd hosts (ssh, ssh-keygen, ssh-keyscan)": ("openssh-client",),
    "bench/suite/host_cost.py (peak memory with GNU time)": ("time",),
}

REPO_SPEC = Path(__file__).resolve().parents[2] / "parity.yaml"


def needs() -> dict[str, set[str]]:
    """Every Debian package the suite, bootstrap and the benchmarks need -> who needs it."""
    out: dict[str, set[str]] = {}
    for marker, pkgs in PACKAGES.items():
        for pkg in pkgs:
            out.setdefault(pkg, set()).add(f"tests marked @pytest.mark.{marker}")
    for who, pkgs in OTHER_NEEDS.items():
        for pkg in pkgs:
            out.setdefault(pkg, set()).add(who)
    return out


def missing_from_spec(spec_path: Path = REPO_SPEC) -> list[tuple[str, str]]:
    """(package, who needs it) for each needed package the repo's spec does not list (packages
    or dev_packages): empty when the spec has them all."""
    from parity.spec import load_spec

    spec = load_spec(spec_path)
    listed = set(spec.model.packages) | set(spec.model.dev_packages)
    return [(pkg, ", ".join(sorted(who))) for pkg, who in sorted(needs().items())
            if pkg not in listed]


def in_ci() -> bool:
    """True under ``CI=true``, where a missing tool must fail tests instead of skipping them."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
