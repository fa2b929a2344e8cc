"""Files on SmartOS: GNU stat/readlink batches as on Linux, hashes from ``digest -a sha256``, and
``ls -lnd``/``ls -ld`` where stat lacks ``-c``.

The shell part runs here under dash with ``$SYS = SunOS`` and the fixture's ``digest`` stand-in
(tests/fixtures/smartos/standins/digest, digest(1)'s output formats over sha256sum) on the PATH;
the docker test runs it in the stand-in zone.
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

STANDINS = Path(__file__).parents[1] / "fixtures" / "smartos" / "standins"
ROOT = Path(__file__).parents[1] / "fixtures" / "smartos" / "root"
RECORDED = Path(__file__).parents[1] / "fixtures" / "smartos" / "recorded"
#: digest(1) Example 1, as the illumos man page prints it (an md5, so 32 hex digits)
MAN_EXAMPLE = (RECORDED / "digest-v-a-md5-illumos-manpage.txt").read_text().rstrip("\n")


def run_sunos(request: CollectRequest, tmp_path: Path, *, stat_c: bool = True) -> str:
    """The files snippet's output under dash, as ``$SYS = SunOS`` with the digest stand-in and,
    unless ``stat_c``, a ``stat`` that refuses ``-c`` like one without GNU's options."""
    if shutil.which("dash") is None:
        pytest.skip("dash is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shutil.copy(STANDINS / "digest", bin_dir / "digest")
    if not stat_c:
        (bin_dir / "stat").write_text("#!/bin/sh\necho 'stat: illegal option -- c' >&2\nexit 2\n")
        (bin_dir / "stat").chmod(0o755)
    script = ('have() { command -v "$1" >/dev/null 2>&1; }\nSYS=SunOS\n'
              + files.snippet(request))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LC_ALL": "C"}
    done = subprocess.run(["dash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=60, check=True)
    return done.stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    base = tmp_path / "t"
    base.mkdir()
    (base / "plain").write_text("hello\n")
    (base / "plain").chmod(0o640)
    (base / "odd = name").write_text("x")
    (base / "line\nbreak").write_text("y")
    (base / "secret").write_text("s3cret\n")
    (base / "link").symlink_to("plain")
    return base


def test_sunos_branch_with_gnu_stat_and_digest(tree: Path, tmp_path: Path) -> None:
    paths = [str(tree / n) for n in ("plain", "odd = name", "link", "missing", "secret")]
    request = CollectRequest(paths=tuple(paths), secret_paths=frozenset({paths[4]}))
    out = run_sunos(request, tmp_path)
    assert "batch digest 0,1\n" in out  # one digest for both hashable files
    warnings: list[str] = []
    facts = files.parse(out, request, warnings)
    assert warnings == []
    assert facts[paths[0]]["sha256"] == sha256(tree / "plain")
    assert facts[paths[0]]["mode"] == "0640"
    assert facts[paths[1]]["sha256"] == sha256(tree / "odd = name")
    assert facts[paths[2]] == {**facts[paths[2]], "type": "link", "target": "plain",
                               "sha256": None}
    assert facts[paths[3]]["type"] == "absent"
    assert facts[paths[4]]["sha256"] is None and facts[paths[4]]["type"] == "file"
    assert "s3cret" not in out and sha256(tree / "secret") not in out


def test_a_name_with_a_newline_is_hashed_on_its_own(tree: Path, tmp_path: Path) -> None:
    paths = [str(tree / "plain"), str(tree / "line\nbreak")]
    request = CollectRequest(paths=tuple(paths))
    out = run_sunos(request, tmp_path)
    assert "batch digest" not in out
    facts = files.parse(out, request, [])
    assert facts[paths[1]]["sha256"] == sha256(tree / "line\nbreak")
    assert facts[paths[0]]["sha256"] == sha256(tree / "plain")


def test_ls_where_stat_lacks_c(tree: Path, tmp_path: Path) -> None:
    paths = [str(tree / "plain"), str(tree), str(tree / "line\nbreak"), str(tree / "nope")]
    request = CollectRequest(paths=tuple(paths))
    out = run_sunos(request, tmp_path, stat_c=False)
    warnings: list[str] = []
    facts = files.parse(out, request, warnings)
    assert warnings == []
    me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    assert facts[paths[0]]["mode"] == "0640" and facts[paths[0]]["owner"] == me
    assert facts[paths[1]]["type"] == "directory"
    assert facts[paths[2]]["mode"] is not None  # ls's first line only: the name's newline cut
    assert facts[paths[3]] == files._empty()


def test_digest_lines_as_the_man_page_prints_them() -> None:
    request = CollectRequest(paths=("/usr/bin/vi",))
    warnings: list[str] = []
    facts = files.parse(f"0 type file\nbatch digest 0\n{MAN_EXAMPLE}\n", request, warnings)
    # read at the last " = "; an md5 is no sha256, so it is refused and said
    assert facts["/usr/bin/vi"]["sha256"] is None
    assert warnings == ["'/usr/bin/vi': sha256sum printed 'e4e3588c5212903847c66d36b1a828a5', "
                        "not a sha256; reported as null"]
    good = "sha256 (/a (b) = c) = " + "ab" * 32
    facts = files.parse(f"0 type file\nbatch digest 0\n{good}\n", request, [])
    assert facts["/usr/bin/vi"]["sha256"] == "ab" * 32


@pytest.mark.parametrize(("perms", "mode"), [
    ("-rw-r--r--", "0644"), ("drwxrwxrwt", "1777"), ("-rwsr-xr-x", "4755"),
    ("-rwSr--r--+", "4644"), ("drwxr-s---@", "2750"), ("lrwxrwxrwx", "0777"),
    ("Drw-r--r--", "0644"), ("-rw-rwl---", "2660"), ("xrw-r--r--", None),
    ("-rwq------", None), ("-rw-r--r", None),
])
def test_ls_mode_letters(perms: str, mode: str | None) -> None:
    assert files.ls_mode(perms) == mode


@pytest.mark.parametrize(("name", "mode"), [("ls-ld-illumos-manpage.txt", "0755"),
                                            ("ls-l-locking-illumos-manpage.txt", "2660")])
def test_ls_lines_of_illumos_ls(name: str, mode: str) -> None:
    """illumos ls(1)'s own examples, read as the ``ls -lnd`` / ``ls -ld`` lines would be (the
    man page shows names; a numeric line has ids in the same columns)."""
    line = (RECORDED / name).read_text().rstrip("\n")
    numeric = line.replace(" gozer    staff  ", " 101      10     ")
    request = CollectRequest(paths=("/x",))
    warnings: list[str] = []
    facts = files.parse(f"0 type file\n0 lsn {numeric}\n0 lsl {line}\n", request, warnings)
    assert facts["/x"]["mode"] == mode
    assert (facts["/x"]["owner"], facts["/x"]["group"]) == ("gozer", "staff")
    assert warnings == []


def test_hostile_ls_lines_are_warnings() -> None:
    request = CollectRequest(paths=("/x",))
    warnings: list[str] = []
    facts = files.parse("0 type file\n0 lsn ?rw-r--r-- 1 0 0 5 Jan 1 x\n0 lsl -rw-r--r-- 1 r r",
                        request, warnings)
    assert facts["/x"]["mode"] is None and facts["/x"]["owner"] is None  # names never alone
    assert warnings == ["'/x': unreadable ls line '?rw-r--r-- 1 0 0 5 Jan 1 x'"]


def test_the_zone_files_are_the_recorded_ones() -> None:
    """root/etc/passwd and group are illumos' own files, byte for byte (their .source)."""
    assert len((ROOT / "etc" / "passwd").read_bytes()) == 669
    assert len((ROOT / "etc" / "group").read_bytes()) == 357
