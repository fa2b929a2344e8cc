"""The wheel a user installs: built from this checkout, installed into a fresh venv, run there.

What a source checkout hides: templates that live outside the package (``templates/`` is
force-included as ``parity/templates``), data files beside the modules (``parity/up``'s shell
script and Vagrantfile), the console script, the version, and dependencies that the contributor
venv happens to have. So the wheel is built with pip (hatchling from PyPI, as a user's pip would
fetch it), installed with its dependencies from PyPI into a new venv per supported Python found
on this machine, and ``parity --version``, ``validate`` and ``render`` run there from a folder
outside the checkout, with no PYTHONPATH. The render output must match the checkout's byte for
byte: a template missing from the wheel, or a stale one, shows up as a difference.

Needs PyPI: skipped when https://pypi.org/simple/ does not answer within 5 s (failed under
CI=true, like every other missing tool). About 20 s per interpreter with a warm pip cache.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import tools

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = REPO_ROOT / "examples" / "webapp"
#: the interpreters parity supports (pyproject classifiers); the running one is always tried
PYTHONS = ("3.11", "3.12", "3.13")
#: data files the package reads at run time, beside its modules
PACKAGE_DATA = ("parity/up/apply-in-place.sh", "parity/up/Vagrantfile.up", "parity/py.typed",
                "parity/facts/ansible_resolver.py")


def source_version() -> str:
    """``__version__`` as written in parity/__init__.py (the one place it is set)."""
    text = (REPO_ROOT / "parity" / "__init__.py").read_text()
    m = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    assert m, "parity/__init__.py sets no __version__"
    return m.group(1)


def pypi_reachable() -> str | None:
    """None when PyPI answers a HEAD request within 5 s, else why not."""
    request = urllib.request.Request("https://pypi.org/simple/", method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read(0)
    except OSError as exc:  # URLError, timeouts, refused connections
        return f"PyPI is unreachable ({exc}); the wheel needs hatchling and its dependencies"
    return None


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let the checkout leak into the venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PARITY_SPEC")}
    return {**env, **extra}


def run(argv: list[str | Path], cwd: Path,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, env=clean_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, (argv, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` on this machine: the running one, PATH, or pyenv's."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{version}.*/bin/python{version}"))
    for exe in filter(None, candidates):
        probe = subprocess.run([exe, "-c", "import venv, ensurepip"], capture_output=True,
                               timeout=30, check=False)
        if probe.returncode == 0:  # a pyenv shim without that version set exits 127
            return exe
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = pypi_reachable()
    if reason:
        if tools.in_ci():
            pytest.fail(f"PyPI is required under CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", REPO_ROOT, "--no-deps", "-w", out], cwd=out)
    (built,) = out.glob("parity-*.whl")
    return built


def test_wheel_holds_templates_and_data_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta_name).decode()
    templates = {f"parity/templates/{p.relative_to(REPO_ROOT / 'templates').as_posix()}"
                 for p in (REPO_ROOT / "templates").rglob("*") if p.is_file()}
    assert templates, "no templates in the checkout?"
    assert templates <= names, sorted(templates - names)
    assert set(PACKAGE_DATA) <= names, sorted(set(PACKAGE_DATA) - names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "templates/", "examples/")) for n in names)
    version = source_version()
    assert wheel.name == f"parity-{version}-py3-none-any.whl"
    assert f"\nVersion: {version}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert "\nRequires-Python: >=3.11\n" in metadata
    for minor in PYTHONS:
        assert f"Classifier: Programming Language :: Python :: {minor}\n" in metadata


@pytest.fixture(scope="module")
def reference_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the checkout itself renders for the example (docker target)."""
    work = tmp_path_factory.mktemp("reference")
    shutil.copytree(EXAMPLE, work / "webapp")
    out = work / "out"
    subprocess.run([sys.executable, "-m", "parity", "render", work / "webapp" / "parity.yaml",
                    "-t", "docker", "-o", out], cwd=REPO_ROOT, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=120)
    return out


@pytest.fixture(params=PYTHONS, ids=[f"py{v}" for v in PYTHONS])
def venv(request: pytest.FixtureRequest, wheel: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    python = find_python(request.param)
    if python is None:
        pytest.skip(f"no Python {request.param} on this machine")
    folder = tmp_path_factory.mktemp(f"venv{request.param}")
    run([python, "-m", "venv", folder / "venv"], cwd=folder)
    run([folder / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel],
        cwd=folder)
    yield folder / "venv"


def test_installed_wheel_runs(venv: Path, reference_render: Path, tmp_path: Path) -> None:
    parity = venv / "bin" / "parity"
    work = tmp_path / "project"
    shutil.copytree(EXAMPLE, work)

    where = run([venv / "bin" / "python", "-c", "import parity; print(parity.__file__)"],
                cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout

    version = run([parity, "--version"], cwd=work)
    assert version.stdout.strip() == f"parity, version {source_version()}"

    valid = run([parity, "validate", "parity.yaml"], cwd=work)
    assert "valid" in valid.stdout

    out = tmp_path / "OUT"
    run([parity, "render", "parity.yaml", "-t", "docker", "-d", out], cwd=work)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(reference_render).as_posix()
                      for p in reference_render.rglob("*") if p.is_file())
    assert "Dockerfile" in written and "provision.sh" in written
    assert written == expected
    _match, mismatch, errors = filecmp.cmpfiles(out, reference_render, written, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)
