"""NixOS facts from recorded outputs: os-release of a NixOS 24.05 machine, and ``nix-store -qR``
as a real user printed it (tests/fixtures/nixos/, each with a ``.source``), plus hostile input.

The packages section on a NixOS host is ``manager nix``, ``nix-store -qR /run/current-system``'s
lines, then ``@auto nix-selected`` and the references of ``/run/current-system/sw``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from parity.facts.collectors import os as os_collector
from parity.facts.collectors import packages
from parity.facts.request import CollectRequest

RECORDED = Path(__file__).parents[1] / "fixtures" / "nixos"
#: a Nix base-32 hash for store paths made up here (hostile input, sizes); never a recording
H = "0123456789abcdfghijklmnpqrsvwxyz"


def parse_packages(text: str) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    return packages.parse(text, CollectRequest(), warnings), warnings


def parse_os(release: str) -> tuple[dict[str, Any], list[str]]:
    text = "arch x86_64\nkernel 6.6.32\n" + "".join(
        f"release {line}\n" for line in release.split("\n") if line)
    warnings: list[str] = []
    return os_collector.parse(text, CollectRequest(), warnings), warnings


def test_nixos_os_release() -> None:
    facts, warnings = parse_os((RECORDED / "os-release-24.05-vagrant.txt").read_text())
    assert facts == {"arch": "x86_64", "kernel": "6.6.32", "distro": "nixos", "release": "24.05",
                     "version": "24.05", "codename": "uakari", "family": "nix",
                     "build_id": "24.05.20240530.d24e7fd"}
    assert warnings == []


def test_nixos_os_release_with_crlf_and_garbage() -> None:
    text = (RECORDED / "os-release-24.05-vagrant.txt").read_text().replace("\n", "\r\n")
    facts, warnings = parse_os(text + "this is not an assignment\r\n")
    assert (facts["distro"], facts["release"], facts["family"]) == ("nixos", "24.05", "nix")
    assert facts["build_id"] == "24.05.20240530.d24e7fd"
    assert len(warnings) == 1 and "not KEY=value" in warnings[0]


def test_a_recorded_closure_listing() -> None:
    """fastfetch#195's ``nix-store -qR``: outputs and odd versions read as diff-closures does."""
    listing = (RECORDED / "nix-store-qR-nix-profile-fastfetch-195.txt").read_text()
    pkgs, warnings = parse_packages("manager nix\n" + listing)
    assert warnings == [] and len(pkgs) == 22
    assert pkgs["glibc"] == {"version": "2.34-210", "arch": None}
    assert pkgs["nghttp2"] == {"version": "1.47.0", "arch": None}       # the -lib output
    assert pkgs["gcc"]["version"] == "11.3.0"
    assert pkgs["bash"]["version"] == "5.1-p16"
    assert pkgs["ncurses"]["version"] == "6.3-p20220507"
    assert pkgs["libgpg-error"]["version"] == "1.42"
    # no selection recorded: nothing says auto either way
    assert all("auto" not in p for p in pkgs.values())


def test_selected_outputs_duplicates_and_dropped_paths() -> None:
    def p(i: int, name: str) -> str:
        return f"/nix/store/{H[i:] + H[:i]}-{name}"

    closure = [p(0, "glibc-2.39-52"), p(1, "openssl-3.0.13"), p(2, "openssl-3.0.13-bin"),
               p(3, "openssl-3.0.13-dev"), p(4, "python3-3.11.9"), p(5, "python3-3.12.4"),
               p(6, "etc"), p(7, "system-path"), p(8, "unit-sshd.service"),
               p(9, "nixos-system-host-24.05.20240615.bbbbbbb"), p(10, "hello-2.12.1.tar.gz"),
               p(11, "hello-2.12.1.drv"), p(12, "fix-build.patch"), p(13, "hello-2.12.1"),
               p(14, "nixos-rebuild"), p(15, "X-Restart-Triggers-sshd")]
    selected = [p(2, "openssl-3.0.13-bin"), p(4, "python3-3.11.9"), p(13, "hello-2.12.1"),
                p(14, "nixos-rebuild")]
    pkgs, warnings = parse_packages("manager nix\n" + "\n".join(closure) + "\n@auto nix-selected\n"
                                    + "\n".join(selected) + "\n")
    assert warnings == []
    assert pkgs == {
        "glibc": {"version": "2.39-52", "arch": None, "auto": True},
        "hello": {"version": "2.12.1", "arch": None, "auto": False},
        # selected, so a package although versionless (a script); unselected ones are dropped
        "nixos-rebuild": {"version": "", "arch": None, "auto": False},
        "openssl": {"version": "3.0.13", "arch": None, "outputs": ["bin", "dev", "out"],
                    "auto": False},
        "python3": {"version": "3.11.9", "arch": None, "auto": False},
        "python3@3.12.4": {"version": "3.12.4", "arch": None, "auto": True},
    }
    # neither selected: the newest by Nix's ordering keeps the plain key (3.9 < 3.10 < 3.10.1)
    two = [p(0, "python3-3.9.19"), p(1, "python3-3.10.14"), p(2, "python3-3.10pre1")]
    pkgs, _ = parse_packages("manager nix\n" + "\n".join(two) + "\n")
    assert {k: v["version"] for k, v in pkgs.items()} == {
        "python3": "3.10.14", "python3@3.9.19": "3.9.19", "python3@3.10pre1": "3.10pre1"}


def test_hostile_lines_are_warnings_not_packages() -> None:
    good = f"/nix/store/{H}-jq-1.7.1"
    text = (f"manager nix\n{good}\r\n"
            "garbage line\n"
            f"/nix/store/{H}-jq-1.7.1/bin/jq\n"            # a file inside a store path
            f"/nix/store/{'e' * 32}-curl-8.6.0\n"           # 'e' is not Nix base-32
            "/usr/bin/jq-1.7\n"
            f"/nix/store/{H}-bad name-1.0\n"
            "@auto nix-selected\n"
            "\x00\x1b[31mnot a path\n")
    pkgs, warnings = parse_packages(text)
    assert pkgs == {"jq": {"version": "1.7.1", "arch": None, "auto": True}}
    assert len(warnings) == 6 and all("not a store path" in w for w in warnings)


def test_a_selected_path_missing_from_the_closure_is_said() -> None:
    pkgs, warnings = parse_packages(f"manager nix\n/nix/store/{H}-jq-1.7.1\n@auto nix-selected\n"
                                    f"/nix/store/{H[1:] + H[0]}-tree-2.1.1\n")
    assert pkgs == {"jq": {"version": "1.7.1", "arch": None, "auto": True}}
    assert warnings == ["selected package tree-2.1.1 is not in the closure"]


def test_a_closure_of_two_thousand_paths_parses_fast() -> None:
    closure = [f"/nix/store/{H[i % 32:] + H[:i % 32]}-pkg{i}-{i % 7}.{i % 13}.{i}"
               + ("-lib" if i % 5 == 0 else "") for i in range(2000)]
    text = ("manager nix\n" + "\n".join(closure) + "\n@auto nix-selected\n"
            + "\n".join(closure[::10]) + "\n")
    start = time.perf_counter()
    pkgs, warnings = parse_packages(text)
    elapsed = time.perf_counter() - start
    assert warnings == [] and len(pkgs) == 2000
    assert sum(not p["auto"] for p in pkgs.values()) == 200
    assert elapsed < 0.5, elapsed
