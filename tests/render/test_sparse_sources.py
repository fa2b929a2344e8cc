"""Huge and sparse ``source:`` files: bounded memory, and holes stay holes in the render.

The 1 GiB source is a sparse file (``truncate``), so the test costs no disk, and the render runs
in a subprocess so its peak RSS (``VmHWM``) measures that run alone. ``cmp`` and ``sha256sum``
(not our code) check that the copy and the recorded hash are right.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GIB = 1 << 30
#: interpreter + parity + pydantic + jinja is ~60 MB; reading the source whole would add 1 GiB
MAX_RSS_MB = 200

RUN = """
import json, sys
from pathlib import Path
from parity.render import render_target
from parity.spec import load_spec
spec = load_spec(sys.argv[1])
render_target(spec, "docker", Path(sys.argv[2]))
# VmHWM, the peak RSS of this process's own memory: ru_maxrss would also count the RSS of the
# pytest process that started it (Linux keeps the maximum across the vfork+exec).
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"rss_kb": peak, "hashes": spec.file_hashes}))
"""


def sparse_file(path: Path) -> Path:
    """1 GiB, mostly hole, with a little data at the start, in the middle and at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(b"head\n")
        fh.seek(GIB // 2)
        fh.write(b"middle\n")
        fh.truncate(GIB)
        fh.seek(GIB - 4)
        fh.write(b"end\n")
    return path


@pytest.mark.slow
def test_one_gib_sparse_source_renders_in_bounded_memory_and_stays_sparse(tmp_path: Path
                                                                          ) -> None:
    project = tmp_path / "project"
    src = sparse_file(project / "files" / "big.img")
    if src.stat().st_blocks * 512 > 1 << 20:
        pytest.skip("this filesystem does not keep holes")
    (project / "parity.yaml").write_text(
        "parity: 1\nname: big\nbase: debian:12\n"
        "files: {/srv/big.img: {source: files/big.img}}\n")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", RUN, str(project / "parity.yaml"), str(out)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["rss_kb"] < MAX_RSS_MB * 1024, f"max RSS {result['rss_kb'] // 1024} MB"

    copy = out / "steps" / "30-config" / "src" / "files" / "big.img"
    assert copy.stat().st_size == GIB
    # sparse: a few data blocks, not a gigabyte (st_blocks is in 512-byte units)
    assert copy.stat().st_blocks * 512 <= 1 << 20
    assert subprocess.run(["cmp", str(src), str(copy)]).returncode == 0
    oracle = subprocess.run(["sha256sum", str(src)], capture_output=True, text=True,
                            check=True).stdout.split()[0]
    assert result["hashes"] == {"files/big.img": oracle}
    manifest = (out / ".parity-manifest").read_text()
    assert f"{oracle}  steps/30-config/src/files/big.img" in manifest


def test_copy_sparse_keeps_holes_and_hashes_like_sha256sum(tmp_path: Path) -> None:
    """Small, fast version of the above: data at odd offsets, a trailing hole."""
    from parity.fsutil import copy_sparse, sha256_file

    src = tmp_path / "src.bin"
    with src.open("wb") as fh:
        fh.seek(3 * (1 << 20) + 17)
        fh.write(b"x" * 5000)
        fh.truncate(8 << 20)
    dst = tmp_path / "dst.bin"
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        digest = copy_sparse(src, fd)
    finally:
        os.close(fd)
    oracle = subprocess.run(["sha256sum", str(src)], capture_output=True, text=True,
                            check=True).stdout.split()[0]
    assert digest == sha256_file(src) == sha256_file(dst) == oracle
    assert dst.read_bytes() == src.read_bytes()
    assert dst.stat().st_blocks <= src.stat().st_blocks + 8


def test_changed_source_is_detected_while_copying(tmp_path: Path) -> None:
    """The manifest must describe what was copied: a source edited after the spec was loaded
    (so its recorded hash is stale) fails the render, and nothing is written."""
    from parity.errors import RenderError
    from parity.render import render_target
    from parity.spec import load_spec

    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.conf").write_text("one\n")
    (tmp_path / "parity.yaml").write_text(
        "parity: 1\nname: app\nbase: debian:12\nfiles: {/etc/a.conf: {source: files/a.conf}}\n")
    spec = load_spec(tmp_path / "parity.yaml")
    (tmp_path / "files" / "a.conf").write_text("two\n")
    with pytest.raises(RenderError, match="changed while parity was copying it"):
        render_target(spec, "docker", tmp_path / "out")
    assert not (tmp_path / "out").exists()
