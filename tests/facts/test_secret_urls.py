"""A password in a host URL shows up nowhere: not in errors, reports, snapshots or baselines.

Every command runs as the real CLI; then its stdout, stderr and every file it wrote are searched
for the password. The host name is the URL with ``***`` for the password.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.errors import UsageError
from parity.facts import HostTarget, resolve_hosts

SECRET = "s3cr3t"
DEAD = f"paramiko://u:{SECRET}@127.0.0.9:1?timeout=2"
FORMATS = ("text", "json", "junit", "markdown")
SPEC = "parity: 1\nname: x\nbase: debian:12\npackages: {openssh-server: '*'}\n"


def _parity(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=120, check=False, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def _assert_no_file_leaks(root: Path) -> int:
    """Every file parity wrote (the spec, which holds the URL, is the input: not counted)."""
    files = [p for p in root.rglob("*") if p.is_file() and p.name != "parity.yaml"]
    for p in files:
        assert SECRET not in p.read_text(errors="replace"), p
    return len(files)


def test_target_name_and_repr_are_redacted() -> None:
    [t] = resolve_hosts([DEAD])
    assert t.name == "paramiko://u:***@127.0.0.9:1?timeout=2"
    assert SECRET in t.url  # the backend still gets it
    assert SECRET not in repr(t) and SECRET not in str(t)
    assert HostTarget(DEAD, DEAD).name == t.name  # however it is made


def test_ssh_password_url_is_a_usage_error_without_the_password() -> None:
    with pytest.raises(UsageError) as err:
        resolve_hosts([f"ssh://u:{SECRET}@127.0.0.9:1"])
    assert SECRET not in err.value.render() and "ssh://u:***@127.0.0.9:1" in err.value.render()
    with pytest.raises(UsageError) as err:
        resolve_hosts([f"nosuch://u:{SECRET}@h"])
    assert SECRET not in err.value.render()


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreachable_host_in_every_format(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "parity.yaml").write_text(SPEC)
    proc = _parity(tmp_path, "check", "parity.yaml", "-H", DEAD, "--format", fmt,
                   "--write-baseline", "baseline.json", "-o", f"report.{fmt}")
    assert proc.returncode == 3
    report = (tmp_path / f"report.{fmt}").read_text()
    assert "u:***@127.0.0.9:1" in report
    proc = _parity(tmp_path, "diff", DEAD, "paramiko://v:" + SECRET + "@127.0.0.9:2",
                   "--format", fmt, "--timeout", "5")
    assert proc.returncode == 3 and "u:***@127.0.0.9:1" in proc.stdout
    proc = _parity(tmp_path, "check", "parity.yaml", "-H", f"ssh://u:{SECRET}@127.0.0.9:1",
                   "--format", fmt)
    assert proc.returncode == 2 and "cannot use a password" in proc.stderr
    proc = _parity(tmp_path, "snapshot", DEAD, "-o", "snap.json", "--timeout", "5")
    assert proc.returncode == 3 and "u:***@127.0.0.9:1" in proc.stderr
    assert _assert_no_file_leaks(tmp_path) == 2  # report and baseline; no snapshot


@pytest.mark.ssh
@pytest.mark.docker
def test_reachable_host_with_password_url(sshd_host: dict[str, Any], tmp_path: Path) -> None:
    """Key auth succeeds first; the (unused) password in the URL still shows up nowhere."""
    url = (f"paramiko://root:{SECRET}@{sshd_host['host']}:{sshd_host['port']}"
           f"?ssh_identity_file={sshd_host['key']}&ssh_config={sshd_host['config']}")
    shown = url.replace(f":{SECRET}@", ":***@")
    (tmp_path / "parity.yaml").write_text("parity: 1\nname: x\nbase: debian:12\n"
                                          "packages: {nginx: '*'}\n"  # missing: a finding
                                          f"hosts:\n  web: '{url}'\n")
    proc = _parity(tmp_path, "snapshot", url, "-o", "snap.json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "snap.json").read_text())["host"] == shown
    for fmt in FORMATS:
        proc = _parity(tmp_path, "check", "parity.yaml", "-H", url, "-H", "web",
                       "--format", fmt, "-o", f"check.{fmt}", "--write-baseline", f"bl.{fmt}")
        assert proc.returncode == 0, proc.stderr  # the missing nginx went into the baseline
        assert shown.replace("&", "&amp;") in (tmp_path / f"check.{fmt}").read_text() \
            or shown in (tmp_path / f"check.{fmt}").read_text()
        proc = _parity(tmp_path, "diff", "snap.json", url, "--format", fmt, "-o", f"diff.{fmt}")
        assert proc.returncode in (0, 1), proc.stderr
    baseline = json.loads((tmp_path / "bl.json").read_text())
    assert baseline["entries"][0]["seen_on"] == [shown, "web"]
    assert _assert_no_file_leaks(tmp_path) == 13  # snapshot + 4 x (report, baseline, diff)
