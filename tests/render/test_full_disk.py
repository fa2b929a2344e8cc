"""Rendering onto a full disk: exit 4 naming the path, and the folder exactly as before.

Every test here fills a real 256 KiB tmpfs (tests/helpers/smallfs.py), so ENOSPC comes from the
kernel, at whichever write happens to hit it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from parity.cli import main
from parity.errors import ExitCode
from tests.helpers.smallfs import small_fs

pytestmark = pytest.mark.mount

#: the step holding files and env, where the blob's copy and APP_VERSION go
STEP = "steps/30-config"
SPEC = """\
parity: 1
name: shop
base: debian:12
env: {{APP_VERSION: "{version}"}}
files:
  /srv/blob.bin: {{source: files/blob.bin}}
"""


def write_spec(folder: Path, version: str, blob_kib: int) -> Path:
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / "blob.bin").write_bytes(os.urandom(blob_kib * 1024))
    spec = folder / "parity.yaml"
    spec.write_text(SPEC.format(version=version))
    return spec


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry under ``folder``: content (files) and mode, staging leftovers included."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = (p.read_bytes() if p.is_file() else b"", p.stat().st_mode)
    return out


def render(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["render", str(spec), "--target", "docker", "-d", str(out)])
    captured = capsys.readouterr()
    return int(exc.value.code or 0), captured.out + captured.err


def used_kib(folder: Path) -> int:
    st = os.statvfs(folder)
    return (st.f_blocks - st.f_bfree) * st.f_frsize // 1024


def test_full_disk_leaves_the_previous_render_whole(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path / "project", "1.0", blob_kib=100)
    with small_fs(tmp_path / "disk") as disk:
        out = disk / "docker"
        code, text = render(spec, out, capsys)
        assert code == 0, text
        before = tree(out)
        used_before = used_kib(disk)
        # version 2 changes the Dockerfile and a step, and its blob does not fit beside the old
        spec = write_spec(tmp_path / "project", "2.0", blob_kib=140)
        code, text = render(spec, out, capsys)
        assert code == ExitCode.ENVIRONMENT, text
        assert "no space left on device" in text
        assert f"cannot write {out}/" in text
        assert "bad usage" not in text and "another folder" not in text.lower()
        assert "Traceback" not in text
        # every file still the first version, nothing added (no staging folder), space given back
        assert tree(out) == before
        assert used_kib(disk) == used_before
        assert b"1.0" in before["Dockerfile"][0]


def test_full_disk_from_an_empty_folder_leaves_it_empty(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    spec = write_spec(tmp_path / "project", "1.0", blob_kib=300)
    with small_fs(tmp_path / "disk") as disk:
        code, text = render(spec, disk / "build" / "ctx" / "docker", capsys)
        assert code == ExitCode.ENVIRONMENT, text
        assert "no space left on device" in text
        # no manifest without a Dockerfile, none of the folders it made: nothing at all
        assert list(disk.iterdir()) == []


def test_render_next_to_user_files_swaps_only_parity_files(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    """The output folder may hold the user's own files: a successful render leaves them alone,
    a failed one too, and only parity's files change version."""
    spec = write_spec(tmp_path / "project", "1.0", blob_kib=40)
    with small_fs(tmp_path / "disk") as disk:
        out = disk / "ctx"
        out.mkdir()
        (out / "NOTES.md").write_text("mine\n")
        assert render(spec, out, capsys)[0] == 0
        spec = write_spec(tmp_path / "project", "2.0", blob_kib=40)
        assert render(spec, out, capsys)[0] == 0
        assert (out / "NOTES.md").read_text() == "mine\n"
        assert b"2.0" in (out / STEP / "step.sh").read_bytes()
        assert (out / STEP / "src/files/blob.bin").read_bytes() == \
            (tmp_path / "project/files/blob.bin").read_bytes()
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [".dockerignore", ".parity-manifest", "Dockerfile", "NOTES.md", "entrypoint.sh",
             "provision.sh", "steps"])
        # the manifest matches the copy, as sha256sum -c (an independent tool) sees it
        check = subprocess.run(["sha256sum", "-c", ".parity-manifest"], cwd=out,
                               capture_output=True, text=True)
        assert check.returncode == 0 and f"{STEP}/src/files/blob.bin: OK" in check.stdout


def test_report_on_a_full_disk_is_exit_4(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Other writers (atomic_write: reports, snapshots, baselines) say the same."""
    from parity.errors import DiskFullError
    from parity.fsutil import atomic_write

    with small_fs(tmp_path / "disk", size="64k") as disk:
        with pytest.raises(DiskFullError) as info:
            atomic_write(disk / "report.json", "x" * 200_000)
        assert info.value.exit_code == ExitCode.ENVIRONMENT
        assert info.value.message == f"cannot write {disk / 'report.json'}: no space left on device"
        assert list(disk.iterdir()) == []


def test_small_fs_is_real(tmp_path: Path) -> None:
    """The helper mounts what it says: df (not our code) sees a 256 KiB tmpfs."""
    with small_fs(tmp_path / "disk") as disk:
        df = subprocess.run(["df", "--output=fstype,size", "-k", str(disk)],
                            capture_output=True, text=True, check=True).stdout.split()
        assert df[-2:] == ["tmpfs", "256"]
    assert shutil.disk_usage(tmp_path).total > 256 * 1024
