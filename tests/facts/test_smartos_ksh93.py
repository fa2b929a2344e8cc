"""The whole collection script, SunOS branches and all, under ksh93 (illumos' ``/bin/sh``) and
under dash: the same facts from both shells.

The SmartOS tools are the stand-ins of tests/fixtures/smartos (outputs recorded on real SmartOS
and illumos machines), rewritten to read the recordings from the repository and put first on
PATH; files are this machine's own. A construct ksh93 reads differently from dash (``local``,
``echo`` escapes, ``read`` without ``-r``, arithmetic, word splitting) would make the two
disagree or fail.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from parity.facts.collection import parse_output
from parity.facts.request import CollectRequest
from parity.facts.script import build_script

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "smartos"
TOOLS = ("uname", "zonename", "svcs", "svcprop", "netstat", "digest", "ipadm")


def _bin(tmp_path: Path) -> Path:
    out = tmp_path / "bin"
    out.mkdir()
    sources = [FIXTURE / "standins" / t for t in TOOLS]
    sources.append(FIXTURE / "root" / "opt" / "local" / "sbin" / "pkg_info")
    for tool in sources:
        target = out / tool.name
        target.write_text(tool.read_text().replace("/opt/parity-recorded",
                                                   str(FIXTURE / "recorded")))
        target.chmod(0o755)
    return out


@pytest.mark.ksh93
def test_ksh93_and_dash_collect_the_same_facts(tmp_path: Path) -> None:
    if shutil.which("dash") is None:
        pytest.skip("dash is not installed")
    request = CollectRequest(paths=("/etc/passwd", "/etc/hostname", "/no/such/file", "/tmp"),
                             sysctl=("net.core.somaxconn",),
                             ipadm=("icmp/max_buf", "tcp/congestion_control"))
    script = build_script(request)
    bin_dir = _bin(tmp_path)
    # the stand-ins first: the preamble puts the system's folders before $PATH
    text = script.text.replace("PATH=/usr/local/sbin", f"PATH={bin_dir}:/usr/local/sbin", 1)
    facts = {}
    for shell in ("ksh93", "dash"):
        run = subprocess.run([shell, "-c", text], capture_output=True, text=True, timeout=60,
                             check=False)
        assert run.returncode == 0, run.stderr
        facts[shell] = parse_output(script, "zone", run.stdout)
    ksh, dash = facts["ksh93"].to_dict(), facts["dash"].to_dict()
    for doc in (ksh, dash):
        doc.pop("collected_at", None)
    assert ksh == dash
    zone = facts["ksh93"]
    assert zone.os["distro"] == "smartos" and zone.os["family"] == "pkgsrc"
    assert zone.packages and zone.services and zone.ports
    assert zone.files["/etc/passwd"]["sha256"] and zone.files["/no/such/file"]["type"] == "absent"
    assert zone.ipadm == {"icmp/max_buf": "262144", "tcp/congestion_control": "sunreno"}
    assert "sysctl" in zone.unavailable
