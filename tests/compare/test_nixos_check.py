"""A NixOS host's packages judged by Nix's rules, without Docker: facts as the nix branch
reports them (tests/facts/test_nixos_parsers.py), a spec with ``base: nixos:24.05``.

The checker picks the version scheme from the host's ``os.family`` (``nix``), so constraints
order by ``builtins.compareVersions``; ``--strict`` reads the generic ``auto`` mark, which on
NixOS is "in the closure, not selected".
"""

from __future__ import annotations

from pathlib import Path

from parity.compare.check import CheckOptions, check_facts
from parity.compare.hosts import compare_hosts
from parity.facts.model import Facts
from parity.spec import Spec, load_spec_text

OS = {"distro": "nixos", "release": "24.05", "version": "24.05", "codename": "uakari",
      "family": "nix", "arch": "x86_64", "kernel": "6.6.32",
      "build_id": "24.05.20240530.d24e7fd"}


def host(**packages: tuple[str, bool]) -> Facts:
    return Facts(host="nixos1", os=dict(OS),
                 packages={n: {"version": v, "arch": None, "auto": a}
                           for n, (v, a) in packages.items()})


def spec(packages: str, tmp_path: Path) -> Spec:
    return load_spec_text(f"parity: 1\nname: n\nbase: nixos:24.05\npackages:\n{packages}",
                          tmp_path / "parity.yaml")


Identity = tuple[str, str, "str | None", str]


def failing(s: Spec, facts: Facts, strict: bool = False) -> set[Identity]:
    report = check_facts(s, [facts], CheckOptions(strict=strict, base_from_docker=False))
    return {f.identity for f in report.all_findings()}


def test_constraints_order_by_nix(tmp_path: Path) -> None:
    facts = host(openssl=("3.0.13", False), glibc=("2.39-52", True), hello=("2.12pre1", False))
    ok = spec('  openssl: ">=3.0.9"\n  glibc: ">2.39-9"\n  hello: "<2.12"\n', tmp_path)
    assert failing(ok, facts) == set()
    bad = spec('  openssl: "<3.0.9"\n  glibc: "=2.39"\n  hello: ">=2.12"\n', tmp_path)
    assert failing(bad, facts) == {("package", n, "version", "changed")
                                   for n in ("openssl", "glibc", "hello")}


def test_strict_judges_the_selected_packages_only(tmp_path: Path) -> None:
    facts = host(hello=("2.12.2", False), tree=("2.1.1", False), glibc=("2.39-52", True),
                 **{"python3@3.12.4": ("3.12.4", True)})
    assert failing(spec('  hello: "*"\n', tmp_path), facts, strict=True) == {
        ("package", "tree", None, "unexpected")}


def test_host_diff_ignores_the_selection_mark_but_not_a_second_version() -> None:
    a = host(python3=("3.11.9", False), jq=("1.7.1", False))
    b = host(python3=("3.11.9", True), jq=("1.7.1", False), **{"python3@3.12.4": ("3.12.4", True)})
    assert {(f.name, f.change) for f in compare_hosts(a, b)} == {("python3@3.12.4",
                                                                  "unexpected")}


def test_a_store_link_declared_as_a_link_is_judged_as_that_link(tmp_path: Path) -> None:
    """The files collector reports a link into the store as what it resolves to, keeping the
    link's own target; a spec declaring the link itself (type: link) is judged on the link."""
    from parity.compare.against_spec import compare_spec_full

    facts = Facts(host="nixos1", os=dict(OS), files={"/etc/hosts": {
        "type": "file", "mode": "0444", "owner": "root", "group": "root",
        "sha256": "ab" * 32, "target": "/etc/static/hosts"}})

    def findings(entry: str) -> list[tuple[str, str | None]]:
        s = load_spec_text(f"parity: 1\nname: n\nbase: nixos:24.05\nfiles:\n  /etc/hosts: "
                           f"{entry}\n", tmp_path / "parity.yaml")
        return [(f.name, f.field) for f in compare_spec_full(s, facts).findings]

    assert findings("{type: link, target: /etc/static/hosts}") == []
    assert findings("{type: link, target: /etc/hosts.real}") == [("/etc/hosts", "target")]
    assert findings("{mode: '0444'}") == []  # declared as a file: the resolved file's facts
    assert findings("{mode: '0644'}") == [("/etc/hosts", "mode")]


def test_strict_takes_a_second_version_as_the_declared_package(tmp_path: Path) -> None:
    """The nix branch keys a second version of one package ``pname@version``; a spec that
    declares ``python3`` declares both (no package manager parity reads allows '@' in a name)."""
    facts = host(python3=("3.11.9", False), **{"python3@3.12.4": ("3.12.4", False)},
                 tree=("2.1.1", False))
    s = spec("  python3: '>=3.11'\n", tmp_path)
    assert failing(s, facts, strict=True) == {("package", "tree", None, "unexpected")}
