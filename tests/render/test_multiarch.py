"""A package of a second architecture (``zlib1g:i386``) in every target.

provision.sh passes the name through to apt (``zlib1g:i386=VERSION``; the install itself is
tested in tests/integration/test_declarable.py); Nix has no multiarch attribute, so the
package is left out there unless ``targets.nix.attrs`` maps it; Dockerfile, Vagrantfile and the
ACI manifest never name packages.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from parity.render import render_target
from parity.spec import load_spec_text
from tests.render.nixstub import evaluate

SPEC = "parity: 1\nname: arch\nbase: debian:12\npackages: {curl: '*', 'zlib1g:i386': '>=1:1.2'}\n"


def test_provision_passes_name_and_arch_to_the_package_manager(tmp_path: Path) -> None:
    spec = load_spec_text(SPEC, tmp_path / "parity.yaml")
    render_target(spec, "docker", tmp_path / "docker")
    script = (tmp_path / "docker" / "steps" / "10-packages" / "step.sh").read_text()
    # the constraint text for messages, then the clause (no revision: an upstream comparison)
    assert "parity_want zlib1g:i386 '>=1:1.2' uge:1:1.2\n" in script
    assert "parity_verify zlib1g:i386 '>=1:1.2' uge:1:1.2\n" in script
    assert script.index("pm_add_architecture i386") < script.index("parity_want zlib1g:i386")
    subprocess.run(["sh", "-n", str(tmp_path / "docker" / "provision.sh")], check=True)
    subprocess.run(["sh", "-n", str(tmp_path / "docker" / "steps" / "10-packages" / "step.sh")],
                   check=True)


@pytest.mark.nix
@pytest.mark.parametrize("attrs,want", [("", ["curl"]),
                                        ("targets: {nix: {attrs: {'zlib1g:i386': python3}}}\n",
                                         ["curl", "python3"])])
def test_nix_leaves_foreign_architectures_out_unless_mapped(tmp_path: Path, attrs: str,
                                                            want: list[str]) -> None:
    spec = load_spec_text(SPEC + attrs, tmp_path / "parity.yaml")
    render_target(spec, "nix", tmp_path / "nix")
    for name in ("flake.nix", "shell.nix"):
        text = (tmp_path / "nix" / name).read_text()
        assert "i386" not in text and "zlib1g" not in text
        subprocess.run(["nix-instantiate", "--parse", str(tmp_path / "nix" / name)], check=True,
                       capture_output=True)
    result = evaluate(tmp_path / "nix")
    assert sorted(result["dev"]["packages"]) == want
    assert sorted(result["image"]["contents"]) == want
