"""Files on a Nix host, the shell part run here under dash on a tree laid out as NixOS lays out
/etc: links through a ``static`` link into a store ``-etc`` directory, a real copy, a plain link.

This machine has /nix/store (Nix is installed), so the snippet takes its Nix branch as it would
on NixOS; the tree lives in a temporary directory rather than in the real store, so the parser's
store prefixes are pointed at it (:data:`files.STORE_PREFIXES`). The same layout under the real
prefixes is collected through docker in test_nixos_files_docker.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from parity.facts.collectors import files
from parity.facts.request import CollectRequest

if not Path("/nix/store").is_dir():
    pytest.skip("the Nix branch runs where /nix/store exists", allow_module_level=True)


def run(request: CollectRequest, tmp_path: Path, *, no_z: bool = False) -> str:
    """The files snippet's output under dash; ``no_z``: a readlink that refuses ``-z`` (as
    BusyBox's does), so the resolve batch falls back to one readlink per link."""
    if shutil.which("dash") is None:
        pytest.skip("dash is not installed")
    env = {**os.environ, "LC_ALL": "C"}
    if no_z:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        real = shutil.which("readlink")
        (bin_dir / "readlink").write_text(
            f'#!/bin/sh\nfor a do [ "$a" = -z ] && exit 1; done\nexec {real} "$@"\n')
        (bin_dir / "readlink").chmod(0o755)
        env["PATH"] = f"{bin_dir}:{env['PATH']}"
    script = 'have() { command -v "$1" >/dev/null 2>&1; }\nSYS=Linux\n' + files.snippet(request)
    return subprocess.run(["dash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=60, check=True).stdout


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def etc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "nix" / "store" / "0123456789abcdfghijklmnpqrsvwxyz-etc" / "etc"
    (store / "ssh").mkdir(parents=True)
    (store / "foo.conf").write_text("setting = nixos\n")
    (store / "odd\nname").write_text("odd\n")
    for f in (store / "foo.conf", store / "odd\nname"):
        f.chmod(0o444)
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "static").symlink_to(store)
    (etc / "foo.conf").symlink_to(etc / "static" / "foo.conf")
    (etc / "odd\nname").symlink_to(etc / "static" / "odd\nname")
    (etc / "ssh").symlink_to(etc / "static" / "ssh")
    (etc / "copied.conf").write_text("copied = yes\n")
    (etc / "copied.conf").chmod(0o640)
    (etc / "plain-link").symlink_to("copied.conf")
    (etc / "dangling").symlink_to(etc / "static" / "gone")
    monkeypatch.setattr(files, "STORE_PREFIXES", (f"{tmp_path}/nix/store/",))
    return etc


NAMES = ("foo.conf", "odd\nname", "ssh", "copied.conf", "plain-link", "dangling")


@pytest.mark.parametrize("no_z", [False, True])
def test_links_into_the_store_are_the_files_they_resolve_to(etc: Path, tmp_path: Path,
                                                            no_z: bool) -> None:
    paths = tuple(str(etc / n) for n in NAMES)
    request = CollectRequest(paths=paths)
    out = run(request, tmp_path, no_z=no_z)
    # one process per kind: the links through which content is read come in one batch each
    assert "batch lstat 0,1,2,4\n" in out and "batch lsha256 0,1,4\n" in out
    assert ("batch resolvedhex" in out) is not no_z
    warnings: list[str] = []
    facts = files.parse(out, request, warnings)
    assert warnings == []
    foo, odd, ssh, copied, plain, dangling = (facts[p] for p in paths)
    assert foo == {"type": "file", "mode": "0444", "owner": foo["owner"],
                   "group": foo["group"], "sha256": sha("setting = nixos\n"),
                   "target": str(etc / "static" / "foo.conf")}
    assert odd["type"] == "file" and odd["sha256"] == sha("odd\n")
    assert odd["target"] == str(etc / "static" / "odd\nname")
    assert ssh["type"] == "directory" and ssh["sha256"] is None
    assert copied["type"] == "file" and copied["mode"] == "0640" and copied["target"] is None
    # not NixOS's placement: a link stays a link, its content unreported
    assert plain == {**plain, "type": "link", "target": "copied.conf", "sha256": None,
                     "mode": "0777"}
    assert dangling["type"] == "link" and dangling["sha256"] is None


def test_a_secret_behind_a_link_is_never_hashed(etc: Path, tmp_path: Path) -> None:
    secret = str(etc / "foo.conf")
    request = CollectRequest(secret_paths=frozenset({secret}))
    out = run(request, tmp_path)
    assert sha("setting = nixos\n") not in out
    facts = files.parse(out, request)
    assert facts[secret]["type"] == "file" and facts[secret]["sha256"] is None
    assert facts[secret]["mode"] == "0444"


def test_without_the_store_prefixes_a_link_stays_a_link(etc: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule is the resolved path's, not the presence of the extra lines: a link whose
    resolution is not under /nix/store or /etc/static is reported exactly as before."""
    path = str(etc / "foo.conf")
    request = CollectRequest(paths=(path,))
    out = run(request, tmp_path)
    monkeypatch.setattr(files, "STORE_PREFIXES", ("/nix/store/", "/etc/static/"))
    facts = files.parse(out, request)
    assert facts[path]["type"] == "link" and facts[path]["sha256"] is None
    assert facts[path]["mode"] == "0777"


def test_unreadable_resolved_hex_is_an_error_not_a_guess() -> None:
    request = CollectRequest(paths=("/etc/foo.conf",))
    with pytest.raises(files.ParseError):
        files.parse("0 type link\nbatch resolvedhex 0 zz\n", request)
