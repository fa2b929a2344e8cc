"""The files collector's batches (one stat, one readlink, one sha256sum for all paths) give what
one process per path gave, checked against Python's own lstat/readlink/sha256 on this machine,
for names that a line-based tool could misread; a fifo among them is never read."""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import subprocess
from pathlib import Path

from parity.facts.collection import parse_output
from parity.facts.request import CollectRequest
from parity.facts.script import build_script

ODD = ["plain", "with space", "new\nline", "back\\slash", "quote'd", "$(touch x)", "tab\there",
       "@@parity-0123@@ END files 0", "trailing-"]


def _run(paths: list[str], secret: frozenset[str] = frozenset(),
         ) -> tuple[str, dict[str, dict[str, object]]]:
    script = build_script(CollectRequest(paths=tuple(paths), kinds=("files",),
                                         secret_paths=secret))
    out = subprocess.run(["/bin/sh", "-c", script.command(20)], capture_output=True,
                         timeout=30, check=True).stdout.decode()
    return out, parse_output(script, "local", out).files


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def test_batches_match_python(tmp_path: Path) -> None:
    paths: list[str] = []
    for i, name in enumerate(ODD):
        f = tmp_path / f"f-{name}"
        f.write_bytes(name.encode() * (i + 1))
        f.chmod(0o640 if i % 2 else 0o604)
        paths.append(str(f))
        link = tmp_path / f"l-{name}"
        link.symlink_to(f"target {name}\n{i}")
        paths.append(str(link))
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")  # sha256sum on it would block forever
    paths += [str(tmp_path / "dir"), str(tmp_path / "fifo"), str(tmp_path / "absent")]

    raw, files = _run(paths)
    assert "batch stat " in raw and "batch sha256 " in raw and "batch targetshex " in raw
    assert list(files) == paths
    for p in paths:
        got = files[p]
        path = Path(p)
        if not os.path.lexists(p):
            assert got["type"] == "absent"
            continue
        st = os.lstat(p)
        assert got["mode"] == f"{st.st_mode & 0o7777:04o}"
        assert (got["owner"], got["group"]) == (_owner(st.st_uid), _group(st.st_gid))
        if path.is_symlink():
            assert got["type"] == "link"
            assert got["target"] == str(path.readlink())
            assert got["sha256"] is None
        elif path.is_file():
            assert got["type"] == "file"
            assert got["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            assert got["type"] in ("directory", "other")
            assert got["sha256"] is None


def test_a_path_that_fails_falls_back_to_one_per_path(tmp_path: Path) -> None:
    """A stat that fails for one path (here: a path whose parent is a file, seen as absent by
    the shell but given to no batch) and many files still produce every fact."""
    paths = [str(tmp_path / f"f{i}") for i in range(40)]
    for p in paths:
        Path(p).write_text(p)
    paths.append(str(tmp_path / "f0" / "below-a-file"))
    _, files = _run(paths)
    assert files[paths[-1]]["type"] == "absent"
    assert all(files[p]["sha256"] == hashlib.sha256(p.encode()).hexdigest()
               for p in paths[:-1])


def test_secret_paths_are_never_hashed(tmp_path: Path) -> None:
    """Secret paths among odd names: the batch still pairs every other file with its hash, and
    sha256sum never reads a secret (its output names no secret's hash); the rest is stat'ed."""
    paths = []
    for i, name in enumerate(ODD):
        f = tmp_path / f"f-{name}"
        f.write_bytes(f"password {i}".encode())
        f.chmod(0o600)
        paths.append(str(f))
    secret = frozenset(paths[1::2])
    raw, files = _run(paths, secret)
    assert "batch sha256 " in raw
    for i, p in enumerate(paths):
        digest = hashlib.sha256(f"password {i}".encode()).hexdigest()
        assert (files[p]["type"], files[p]["mode"]) == ("file", "0600")
        if p in secret:
            assert files[p]["sha256"] is None
            assert digest not in raw
        else:
            assert files[p]["sha256"] == digest


def test_secret_paths_are_never_hashed_one_by_one(tmp_path: Path) -> None:
    """The per-path fallback skips secrets too. ``/proc/self/mem`` is a readable regular file
    whose read fails (EIO at offset 0), so the batch's sha256sum fails and each file is hashed
    on its own."""
    paths = [str(tmp_path / f"f{i}") for i in range(4)]
    for p in paths:
        Path(p).write_text(p)
    raw, files = _run([*paths, "/proc/self/mem"], frozenset({paths[2]}))
    assert "batch sha256 " not in raw and "3 sha256 " in raw  # one process per path
    assert files[paths[2]]["sha256"] is None
    assert hashlib.sha256(paths[2].encode()).hexdigest() not in raw
    assert files[paths[3]]["sha256"] == hashlib.sha256(paths[3].encode()).hexdigest()
