"""A real ``parity diff`` of snapshots whose names hold terminal attacks: nothing reaches stdout
or stderr raw, in any format, through click's runner, a pipe or a terminal (pty)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from parity.cli import cli
from parity.facts import Facts
from tests.helpers.hostile import surrogateescaped, unsafe_chars

CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: "rm -rf ~" into the operator's clipboard
TITLE = "\x1b]0;pwned\x07"
PKG = f"pkg{CLEAR}"
PKG2 = "lib" + surrogateescaped(b"caf\xe9")  # a byte that is not UTF-8
PKG_CR = "curl\rnginx"  # a CR would print "nginx" over "curl"
USER = "u\x07ser"
FILE = "/etc/a\u2028b"
LINK = f"/etc/link{CLIPBOARD}"
HOST = f"docker://web{TITLE}"
FORMATS = ("text", "markdown", "junit", "json")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _file(mode: str, sha: str | None, kind: str = "file", target: str | None = None) -> dict:
    return {"type": kind, "mode": mode, "owner": "root", "group": "root", "sha256": sha,
            "target": target}


@pytest.fixture
def snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two snapshots written by the snapshot writer (``Facts.save``, as ``parity snapshot``)."""
    monkeypatch.chdir(tmp_path)  # no ./parity.yaml: diff runs without a spec
    ref = Facts(host="docker://ref", packages={"curl": {"version": "7.88.1-10", "arch": "amd64"}},
                files={FILE: _file("0600", "b" * 64), LINK: _file("0777", None, "link", "/t")})
    bad = Facts(host=HOST,
                packages={"curl": {"version": f"7.88\r{CLEAR}", "arch": "amd64"},
                          PKG: {"version": f"1{CLIPBOARD}", "arch": "amd64"},
                          PKG2: {"version": "1", "arch": "amd64"},
                          PKG_CR: {"version": "1", "arch": "amd64"}},
                users={USER: {"uid": 1000, "gid": 1000, "home": "/home/evil\rgood",
                              "shell": "/bin/sh", "groups": ["g\u202egnp"]}},
                files={FILE: _file("0644", "a" * 64),
                       LINK: _file("0777", None, "link", f"/target{TITLE}")})
    a, b = tmp_path / "ref.json", tmp_path / "bad.json"
    ref.save(a)
    bad.save(b)
    return a, b


def _assert_inert(out: str) -> None:
    assert not unsafe_chars(out, allow="\n"), sorted(unsafe_chars(out, allow="\n"))


def _assert_report(fmt: str, out: str) -> None:
    """``out`` is a safe report of the drift, showing the hostile names as escapes."""
    if fmt == "json":
        doc = json.loads(out)
        findings = doc["hosts"][0]["findings"]
        assert doc["hosts"][0]["host"] == HOST
        names = {f["name"] for f in findings}
        assert {PKG, PKG2, PKG_CR, USER, FILE} <= names  # exact: controls and bytes included
        assert next(f for f in findings if f["name"] == "curl")["actual"] == f"7.88\r{CLEAR}"
        assert {LINK} <= {f["name"] for f in findings} | set(" ".join(doc["warnings"]).split())
        out.encode("ascii")
        return
    _assert_inert(out)
    shown = out.replace("\\\\", "\\")  # markdown escapes backslashes
    for escaped in ("pkg\\x1b[2J", "libcaf\\xe9", "curl\\x0dnginx", "u\\x07ser", "/etc/a\\u2028b",
                    "docker://web\\x1b]0;pwned\\x07"):
        assert escaped in shown, escaped
    if fmt == "junit":
        root = ET.fromstring(out)
        assert root.get("failures") != "0"


@pytest.mark.parametrize("fmt", FORMATS)
def test_diff_through_click_runner(snapshots: tuple[Path, Path], fmt: str) -> None:
    a, b = snapshots
    result = CliRunner().invoke(cli, ["diff", str(a), str(b), "--format", fmt],
                                standalone_mode=False, catch_exceptions=False)
    assert result.return_value == 1
    _assert_report(fmt, result.stdout)


def _parity(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=120, check=False, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})


@pytest.mark.parametrize("fmt", FORMATS)
def test_diff_through_a_pipe(snapshots: tuple[Path, Path], fmt: str, tmp_path: Path) -> None:
    a, b = snapshots
    proc = _parity("diff", str(a), str(b), "--format", fmt, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    _assert_report(fmt, proc.stdout)
    out = tmp_path / f"report.{fmt}"
    proc = _parity("diff", str(a), str(b), "--format", fmt, "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == proc.stderr == ""
    _assert_report(fmt, out.read_text(encoding="utf-8"))


def test_diff_on_a_terminal(snapshots: tuple[Path, Path], tmp_path: Path) -> None:
    """stdout a pty: the rich report; only rich's own SGR colour codes are escapes."""
    a, b = snapshots
    main, sub = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "parity", "diff", str(a), str(b)],
                            stdout=sub, stderr=subprocess.PIPE, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]),
                                 "TERM": "xterm", "COLUMNS": "200"})
    os.close(sub)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            proc.kill()
            pytest.fail("no output from parity diff on a pty within 60 s")
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(60) == 1
    assert proc.stderr is not None and proc.stderr.read() == b""
    raw = b"".join(chunks).decode("utf-8")
    assert "\x1b[" in raw  # it is the rich report
    text = _SGR.sub("", raw).replace("\r\n", "\n")
    _assert_report("text", text)


def test_errors_quoting_hostile_arguments(tmp_path: Path) -> None:
    """A usage error naming a hostile path, a click error, an undecodable argument."""
    proc = _parity("diff", f"x{TITLE}.json", "y.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: x\\x1b]0;pwned\\x07.json: snapshot file not found\n")
    _assert_inert(proc.stderr)
    proc = subprocess.run([sys.executable.encode(), b"-m", b"parity", b"diff", b"\xff\x1b[2J.json",
                           b"y.json"], capture_output=True, timeout=120, check=False, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert proc.returncode == 2
    assert proc.stderr.startswith(b"error: \\xff\\x1b[2J.json: snapshot file not found\n")
    for args in (["diff", "--format", CLEAR, "a.json", "b.json"], [CLIPBOARD],
                 ["diff", "a.json", "b.json", f"extra{CLEAR}"]):
        proc = _parity(*args, cwd=tmp_path)
        assert proc.returncode == 2 and "Error:" in proc.stderr
        _assert_inert(proc.stderr)
        assert "\\x1b" in proc.stderr


def test_snapshot_with_a_hostile_key_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "host": "x", "packages": {PKG: "not an object"}}))
    proc = _parity("diff", str(bad), str(bad), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "packages.pkg\\x1b[2J must be an object" in proc.stderr
    _assert_inert(proc.stderr)


def test_spec_errors_escape_keys_once(tmp_path: Path) -> None:
    """YAML double quotes can hold ESC and RLO; the validator's message shows them escaped once
    (not repr'd and then escaped again)."""
    spec = tmp_path / "parity.yaml"
    spec.write_text('parity: 1\nname: x\nbase: debian:12\n"\\e[2J\\u202e": 1\n'
                    'packages:\n  "cu\\e]0;t\\a": "*"\n', encoding="utf-8")
    proc = _parity("validate", str(spec), cwd=tmp_path)
    assert proc.returncode == 2
    _assert_inert(proc.stderr)
    assert "\\x1b[2J\\u202e: unknown key '\\x1b[2J\\u202e'" in proc.stderr
    assert "packages.cu\\x1b]0;t\\x07: 'cu\\x1b]0;t\\x07' is not allowed here" in proc.stderr
