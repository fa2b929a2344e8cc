"""The script builder and output splitter: markers, sections, unavailable kinds, hostile output."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.facts.collection import parse_output
from parity.facts.request import CollectRequest
from parity.facts.script import ScriptOutputError, build_script, split_output


def _sections(token: str, parts: dict[str, str], done: bool = True) -> str:
    m = f"@@parity-{token}@@"
    out = [f"{m} BEGIN {k}\n{v}\n{m} END {k} 0" for k, v in parts.items()]
    return "\n".join(out) + (f"\n{m} DONE\n" if done else "\n")


def test_markers_are_fresh_per_script() -> None:
    a, b = build_script(CollectRequest()), build_script(CollectRequest())
    assert a.token != b.token and a.marker in a.text


def test_split_sections_and_unavailable() -> None:
    script = build_script(CollectRequest(kinds=("os", "packages")), token="t1")
    text = _sections("t1", {"os": "arch x\nkernel y",
                            "packages": "@@parity-t1@@ NA no package manager"})
    sections = split_output(script, "Last login: yesterday\n" + text)
    assert sections.text["os"] == "arch x\nkernel y"
    assert sections.unavailable == {"packages": "no package manager"}


def test_spoofed_marker_with_the_wrong_token_is_just_data() -> None:
    script = build_script(CollectRequest(kinds=("groups",)), token="real")
    text = _sections("real", {"groups": "@@parity-fake@@ END groups 0\nroot:x:0:"})
    facts = parse_output(script, "h", text)  # the fake marker reached the parser as a group line
    assert facts.groups == {"root": {"gid": 0, "members": []}}
    assert facts.warnings == ["groups: skipped /etc/group line '@@parity-fake@@ END groups 0': "
                              "not 4 fields"]


@pytest.mark.parametrize(("output", "message"), [
    ("", "none of the collection markers"),
    ("garbage\n" * 5, "none of the collection markers"),
    ("@@parity-t@@ BEGIN os\narch x\n", "stops early"),
    ("@@parity-t@@ BEGIN os\n@@parity-t@@ END os 0\n", "stops early"),
    ("@@parity-t@@ BEGIN os\n@@parity-t@@ END os 0\n@@parity-t@@ DONE\n", "lacks sections: ports"),
    ("@@parity-t@@ BEGIN os\n@@parity-t@@ BEGIN os\n", "unexpected marker"),
])
def test_malformed_output(output: str, message: str) -> None:
    script = build_script(CollectRequest(kinds=("os", "ports")), token="t")
    with pytest.raises(ScriptOutputError, match=message):
        split_output(script, output)


def _run_locally(request: CollectRequest) -> str:
    script = build_script(request)
    proc = subprocess.run(["/bin/sh", "-c", script.command(20)], capture_output=True, timeout=30,
                          check=False)
    return parse_output(script, "local", proc.stdout.decode()).files  # type: ignore[return-value]


names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/"),
                min_size=1, max_size=30).filter(lambda s: s not in (".", ".."))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=4, unique=True))
def test_any_path_text_is_inert(tmp_path_factory: pytest.TempPathFactory,
                                parts: list[str]) -> None:
    """Quotes, ``$()``, newlines, markers in paths never escape into the shell or the parser."""
    root = tmp_path_factory.mktemp("paths")
    real = root / "real file"
    real.write_text("x")
    paths = (*(f"{root}/{p}" for p in parts), str(real))
    files = _run_locally(CollectRequest(paths=paths, kinds=("files",)))
    assert list(files) == list(dict.fromkeys(paths))
    assert files[str(real)]["sha256"] == (
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
    for p in paths[:-1]:
        assert files[p]["type"] == "absent"
    assert sorted(x.name for x in root.iterdir()) == ["real file"]  # nothing was created


def test_script_golden(golden: Any, repo_root: Path) -> None:
    """The whole script for a fixed request and token, pinned: a snippet change shows in review
    (``pytest --update-golden`` rewrites it)."""
    request = CollectRequest(paths=("/etc/passwd", "/srv/it's here", "/srv/a\nb"),
                             sysctl=("net.ipv4.ip_forward", "net/ipv4/conf/eth0.100/forwarding"),
                             services=("nginx",), secret_paths=frozenset({"/srv/it's here"}))
    script = build_script(request, token="0123456789abcdef01234567")
    text = f"# script\n{script.text}\n# command (deadline 59)\n{script.command(59)}\n"
    golden(text, repo_root / "tests" / "golden" / "facts" / "collection_script.sh")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=4, unique=True))
def test_link_targets_come_back_as_readlink_gives_them(
        tmp_path_factory: pytest.TempPathFactory, parts: list[str]) -> None:
    """Any target text (newlines, ``\\r``, U+2028, markers...) is what ``readlink(2)`` reads."""
    root = tmp_path_factory.mktemp("links")
    paths = []
    for i, target in enumerate(parts):
        link = root / f"l{i}"
        link.symlink_to(target)
        paths.append(str(link))
    files = _run_locally(CollectRequest(paths=tuple(paths), kinds=("files",)))
    assert [files[p]["target"] for p in paths] == [str(Path(p).readlink()) for p in paths]
    assert all(files[p]["type"] == "link" for p in paths)
