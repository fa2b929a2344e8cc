"""``parity build-box`` as a user runs it: messages, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parity.cli import main
from parity.spec import Spec
from tests.boxes.conftest import EXAMPLES, edit_greeting


def parity(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_build_then_rebuild_then_next_version(tmp_path: Path, minimal: Spec,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "boxes"
    code, stdout, _ = parity(["build-box", str(minimal.path), "-o", str(out), "--version",
                              "1.0.0"], capsys)
    assert code == 0
    assert f"docker: {out}/tiny-1.0.0-docker.box (version 1.0.0) added to {out}/tiny.json" \
        in stdout
    code, stdout, _ = parity(["build-box", str(minimal.path), "-o", str(out)], capsys)
    assert code == 0 and "(version 1.0.0) already in" in stdout
    edit_greeting(minimal, "hi")
    code, stdout, _ = parity(["build-box", str(minimal.path), "-o", str(out)], capsys)
    assert code == 0 and "(version 1.0.1) added" in stdout
    assert [v["version"] for v in json.loads((out / "tiny.json").read_text())["versions"]] \
        == ["1.0.0", "1.0.1"]


@pytest.mark.parametrize(("args", "message"), [
    (["--version", "v1"], "is not a version Vagrant can read"),
    (["--version", "0.0.0-3f2a9c1"], "prerelease of 0"),
    (["--packer"], "--packer builds VM boxes"),
])
def test_bad_input_is_exit_2_with_what_to_do(tmp_path: Path, minimal: Spec, args: list[str],
                                             message: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = parity(["build-box", str(minimal.path), "-o", str(tmp_path / "b"), *args],
                          capsys)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "b" / "tiny.json").exists()


def test_a_broken_catalog_is_exit_2_naming_the_file(tmp_path: Path, minimal: Spec,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "boxes"
    out.mkdir()
    (out / "tiny.json").write_text("{not json")
    code, _, err = parity(["build-box", str(minimal.path), "-o", str(out)], capsys)
    assert code == 2
    assert f"{out}/tiny.json:1:2: the box catalog is not valid JSON" in err


def test_a_changed_rebuild_is_exit_2_and_force_replaces(
        tmp_path: Path, minimal: Spec, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "boxes")
    parity(["build-box", str(minimal.path), "-o", out, "--version", "1.0.0"], capsys)
    edit_greeting(minimal, "hi")
    code, _, err = parity(["build-box", str(minimal.path), "-o", out, "--version", "1.0.0"],
                          capsys)
    assert code == 2 and "--force" in err and "1.0.1" in err
    code, stdout, _ = parity(["build-box", str(minimal.path), "-o", out, "--version", "1.0.0",
                              "--force"], capsys)
    assert code == 0 and "replaced in" in stdout


def test_vm_provider_writes_the_template_and_says_vms_are_not_built_here(
        tmp_path: Path, minimal: Spec, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "boxes"
    code, stdout, err = parity(["build-box", str(minimal.path), "-o", str(out), "--provider",
                                "libvirt"], capsys)
    assert code == 0
    assert f"libvirt: wrote the Packer template {out}/packer/packer.json" in stdout
    assert "QEMU/KVM" in err and "--packer" in err


def test_help_and_a_real_process(tmp_path: Path) -> None:
    """One subprocess run: the console script, its exit code, files on disk."""
    proc = subprocess.run([sys.executable, "-m", "parity", "build-box", str(EXAMPLES / "webapp"),
                           "-o", str(tmp_path / "boxes"), "--version", "1.0.0"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "boxes" / "shop-1.0.0-docker.box").is_file()
    helped = subprocess.run([sys.executable, "-m", "parity", "build-box", "--help"],
                            capture_output=True, text=True, check=True).stdout
    assert "Exit codes" in helped and "--provider" in helped
