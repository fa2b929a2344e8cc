"""check, snapshot and diff of a simulated NixOS host (tests/fixtures/nixos-host, README there).

The container is Debian with Debian's Nix, in which real Nix built two system generations from
local derivations (nix/system.nix) and made them generations 1 and 2 of the system profile;
``/run/current-system`` links the current one and ``/etc/os-release`` says ``ID=nixos``.
parity's collection script, its nix branch and the parsers run unchanged, through the real
docker transport and the CLI. Generation 2 differs from 1 by exactly: hello 2.12.1 -> 2.12.2,
tree 2.1.1 added, curl 8.6.0 removed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.compare.check import CheckOptions, check_facts
from parity.compare.hosts import compare_hosts
from parity.facts import CollectRequest, collect, transport
from parity.spec import Spec, load_spec_text
from tests.helpers.docker import exec_ok

pytestmark = pytest.mark.docker

FIXTURE = Path(__file__).parents[1] / "fixtures" / "nixos-host"
ROOT = Path(__file__).parents[2]

GEN2 = {
    "glibc": {"version": "2.39-52", "arch": None, "auto": True},
    "hello": {"version": "2.12.2", "arch": None, "auto": False},
    "jq": {"version": "1.7.1", "arch": None, "auto": False},
    "openssl": {"version": "3.0.13", "arch": None, "auto": False, "outputs": ["bin", "out"]},
    "python3": {"version": "3.11.9", "arch": None, "auto": False},
    "python3@3.12.4": {"version": "3.12.4", "arch": None, "auto": True},
    "tree": {"version": "2.1.1", "arch": None, "auto": False},
    "zlib": {"version": "1.3.1", "arch": None, "auto": True},
}
GEN1 = {k: v for k, v in GEN2.items() if k != "tree"} | {
    "hello": {"version": "2.12.1", "arch": None, "auto": False},
    "curl": {"version": "8.6.0", "arch": None, "auto": False},
}
#: every pin holds by Nix's ordering (3.0.13 >= 3.0.9 numerically; 2.39-52's "-52" compared)
HOLDING = ('  hello: ">=2.12.2"\n  jq: "1.7.*"\n  openssl: ">=3.0.9,<3.1"\n'
           '  python3: ">=3.11pre1,<3.12"\n  tree: "*"\n')


@pytest.fixture(scope="module")
def nixos_image(request: pytest.FixtureRequest) -> str:
    builder = request.getfixturevalue("image_builder")
    return str(builder(FIXTURE, area="nixos-host"))


@pytest.fixture
def generations(nixos_image: str, container_factory: Any) -> tuple[Any, Any]:
    """(generation 1, generation 2): two containers of the image, the first switched back."""
    gen2 = container_factory.start(nixos_image)
    gen1 = container_factory.start(nixos_image)
    exec_ok(gen1, ["parity-switch-generation", "1"])
    return gen1, gen2


def spec(packages: str, tmp_path: Path) -> Spec:
    path = tmp_path / "parity.yaml"
    path.write_text(f"parity: 1\nname: nixhost\nbase: nixos:24.05\npackages:\n{packages}")
    return load_spec_text(path.read_text(), path)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_facts_of_both_generations(generations: tuple[Any, Any]) -> None:
    gen1, gen2 = generations
    before = transport.commands_started()
    facts = collect(f"docker://{gen2.name}", CollectRequest(kinds=("os", "packages")),
                    timeout=60)
    assert transport.commands_started() - before == 1
    assert facts.unavailable == {} and facts.warnings == []
    assert {k: facts.os[k] for k in ("distro", "release", "version", "codename", "family",
                                     "build_id")} == {
        "distro": "nixos", "release": "24.05", "version": "24.05", "codename": "uakari",
        "family": "nix", "build_id": "24.05.20240615.bbbbbbb"}
    assert facts.packages == GEN2
    old = collect(f"docker://{gen1.name}", CollectRequest(kinds=("packages",)), timeout=60)
    assert old.packages == GEN1 and old.warnings == []


def test_check_judges_by_nix_ordering_and_strict_by_the_selection(
        generations: tuple[Any, Any], tmp_path: Path) -> None:
    _, gen2 = generations
    facts = collect(f"docker://{gen2.name}", CollectRequest(kinds=("os", "packages")),
                    timeout=60)
    options = CheckOptions(strict=True, base_from_docker=False)
    report = check_facts(spec(HOLDING, tmp_path), [facts], options)
    # --strict: glibc, zlib and the second python are in the closure, not selected: not judged
    assert {f.identity for f in report.all_findings()} == set()
    assert int(report.exit_code) == 0
    failing = HOLDING.replace('hello: ">=2.12.2"', 'hello: ">2.12.2pre1,<2.12.2"')
    report = check_facts(spec(failing, tmp_path), [facts], options)
    assert {f.identity for f in report.all_findings()} == {
        ("package", "hello", "version", "changed")}
    # a selected package nobody declared is what --strict reports
    report = check_facts(spec(HOLDING.replace('  tree: "*"\n', ""), tmp_path), [facts], options)
    assert {f.identity for f in report.all_findings()} == {
        ("package", "tree", None, "unexpected")}

    # the same through the CLI: exit 0, then 1 for the pin that does not hold
    (tmp_path / "parity.yaml").write_text(
        f"parity: 1\nname: nixhost\nbase: nixos:24.05\npackages:\n{HOLDING}")
    res = cli("check", str(tmp_path), "--host", f"docker://{gen2.name}", "--strict",
              "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    (tmp_path / "parity.yaml").write_text(
        f"parity: 1\nname: nixhost\nbase: nixos:24.05\npackages:\n{failing}")
    res = cli("check", str(tmp_path), "--host", f"docker://{gen2.name}", "--format", "json",
              cwd=tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    found = {(f["name"], f["field"], f["change"])
             for h in json.loads(res.stdout)["hosts"] for f in h["findings"] if f["fails"]}
    assert found == {("hello", "version", "changed")}


def test_snapshot_and_diff_list_exactly_the_generation_changes(
        generations: tuple[Any, Any], tmp_path: Path) -> None:
    gen1, gen2 = generations
    snap = tmp_path / "gen1.json"
    res = cli("snapshot", f"docker://{gen1.name}", "-o", str(snap), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    saved = json.loads(snap.read_text())
    assert saved["packages"] == GEN1 and saved["os"]["distro"] == "nixos"

    want = [("hello", "version", "changed", "2.12.1", "2.12.2"),
            ("curl", None, "missing", {"arch": None, "version": "8.6.0"}, None),
            ("tree", None, "unexpected", None, {"arch": None, "version": "2.1.1"})]
    for reference in (str(snap), f"docker://{gen1.name}"):  # a snapshot, then the live host
        res = cli("diff", reference, f"docker://{gen2.name}", "--format", "json", cwd=tmp_path)
        assert res.returncode == 1, res.stdout + res.stderr
        findings = [f for h in json.loads(res.stdout)["hosts"] for f in h["findings"]]
        got = sorted((f["name"], f["field"], f["change"], f["expected"], f["actual"])
                     for f in findings)
        assert got == sorted(want), findings
        assert all(f["kind"] == "package" for f in findings)

    # the library's host diff says the same about the two generations
    a = collect(f"docker://{gen1.name}", CollectRequest(kinds=("packages",)), timeout=60)
    b = collect(f"docker://{gen2.name}", CollectRequest(kinds=("packages",)), timeout=60)
    assert {(f.name, f.field, f.change) for f in compare_hosts(a, b)} == {
        ("hello", "version", "changed"), ("curl", None, "missing"),
        ("tree", None, "unexpected")}


def test_a_closure_nix_cannot_read_is_unavailable(nixos_image: str,
                                                  container_factory: Any) -> None:
    """Without its database Nix calls the system path invalid: the kind is unavailable, with
    the reason, never an empty package list."""
    host = container_factory.start(nixos_image)
    exec_ok(host, ["mv", "/nix/var/nix/db", "/nix/var/nix/db.away"])
    facts = collect(f"docker://{host.name}", CollectRequest(kinds=("packages",)), timeout=60)
    assert facts.unavailable == {
        "packages": "nix-store -qR /run/current-system failed (no access to the Nix database?)"}
    assert facts.packages == {}
