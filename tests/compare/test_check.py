"""The host-free halves of check and diff: roles, ignores, baselines, errors, exit codes."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from parity.compare.check import CheckOptions, check_facts, diff_facts, record_baseline
from parity.errors import ExitCode
from parity.spec import Spec, load_spec_text

ROOT = Path(__file__).resolve().parents[2]


def test_roles_default_prod_and_dev_for_the_dev_host(webapp, clean):
    del clean.packages["git"]
    dev = copy.deepcopy(clean)
    dev.host = "dev"
    report = check_facts(webapp, [clean, dev])
    assert [r.status for r in report.results] == ["ok", "drift"]
    assert check_facts(webapp, [clean], CheckOptions(role="dev")).exit_code == ExitCode.DRIFT


def test_host_errors_win_over_drift(webapp, clean):
    clean.packages.pop("curl")
    report = check_facts(webapp, [clean, ("docker://gone", "docker://gone: not running")])
    assert report.exit_code == ExitCode.HOST
    assert report.results[1].error == "docker://gone: not running"


def test_spec_ignore_rules_apply_and_expired_ones_warn(clean, tmp_path):
    spec = load_spec_text(
        "parity: 1\nname: x\nbase: debian:12\npackages: {curl: '>=9', nginx: '*'}\n"
        "drift:\n  ignore:\n"
        "    - {path: 'package/curl/*', reason: 'curl 9 is not out yet'}\n"
        "    - {path: 'package/nginx', reason: old, expires: 2020-01-01}\n",
        tmp_path / "parity.yaml")
    del clean.packages["nginx"]
    report = check_facts(spec, [clean], CheckOptions(today=date(2024, 1, 1)))
    found = {f.name: f for f in report.results[0].findings}
    assert found["curl"].ignored == "curl 9 is not out yet"
    assert found["nginx"].ignored is None and report.exit_code == ExitCode.DRIFT
    assert any("expired on 2020-01-01" in w for w in report.warnings)


def test_write_then_use_baseline(webapp, clean, tmp_path):
    clean.files["/etc/shop/release"]["mode"] = "0600"
    report = check_facts(webapp, [clean])
    assert report.exit_code == ExitCode.DRIFT
    path = tmp_path / "baseline.json"
    assert record_baseline(report, path) == 1
    assert report.exit_code == ExitCode.OK
    again = check_facts(webapp, [clean], CheckOptions(baseline=path))
    assert again.exit_code == ExitCode.OK
    assert again.results[0].findings[0].baselined


def test_strict_with_base_facts_file(webapp, clean, tmp_path):
    base = copy.deepcopy(clean)
    base.packages = {"libc6": clean.packages["libc6"]}
    base.save(tmp_path / "base.json")
    clean.packages["htop"] = {"version": "3", "arch": "amd64"}
    report = check_facts(webapp, [clean], CheckOptions(strict=True,
                                                        base_facts=tmp_path / "base.json"))
    assert [f.identity for f in report.results[0].findings] == [
        ("package", "htop", None, "unexpected")]
    assert f"--strict base system: {tmp_path / 'base.json'}" in report.warnings


def test_diff_uses_spec_ignores(webapp, clean):
    b = copy.deepcopy(clean)
    b.host = "docker://b"
    b.packages["linux-image-amd64"] = {"version": "6.1", "arch": "amd64"}
    report = diff_facts(clean, b, webapp)
    assert report.exit_code == ExitCode.OK
    assert report.results[0].findings[0].ignored == "kernels are managed by the platform team"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


def test_cli_usage_errors_exit_2_without_traceback(tmp_path, clean):
    spec = str(ROOT / "examples" / "webapp")
    res = cli("check", spec)
    assert res.returncode == 2 and "no hosts to check" in res.stderr
    (tmp_path / "bad.json").write_text("{")
    res = cli("check", spec, "--host", "docker://x", "--baseline", str(tmp_path / "bad.json"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = cli("diff", str(tmp_path / "nope.json"), str(tmp_path / "nope2.json"), cwd=tmp_path)
    assert res.returncode == 2 and "snapshot file not found" in res.stderr
    res = cli("check", spec, "--host", "docker://x", "--format", "html")
    assert res.returncode == 2


def test_cli_diff_two_snapshots(clean, tmp_path):
    b = copy.deepcopy(clean)
    b.host = "docker://b"
    b.users["app"]["shell"] = "/bin/sh"
    clean.save(tmp_path / "a.json")
    b.save(tmp_path / "b.json")
    res = cli("diff", "a.json", "b.json", "--format", "json", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    assert [f["path"] for f in doc["hosts"][0]["findings"]] == ["user/app/shell"]
    out = tmp_path / "report.md"
    res = cli("diff", "a.json", "a.json", "--format", "markdown", "-o", str(out), cwd=tmp_path)
    assert res.returncode == 0 and res.stdout == ""
    assert out.read_text().startswith("### :white_check_mark: no drift")


def test_cli_path_must_be_absolute_and_only_diff_takes_it(tmp_path, clean):
    clean.save(tmp_path / "a.json")
    res = cli("diff", "a.json", "a.json", "--path", "etc/hostname", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: --path 'etc/hostname': must be absolute")
    assert "Traceback" not in res.stderr
    # check compares with the spec, which says nothing about an extra path: no silent no-op flag
    res = cli("check", str(ROOT / "examples" / "webapp"), "--host", "local://", "--path", "/etc")
    assert res.returncode == 2 and "No such option '--path'" in res.stderr


def test_cli_diff_a_host_with_itself_is_not_a_usage_error(tmp_path):
    """Both sides name one host: compare it with itself (0, or 1 if it changed in between)."""
    res = cli("diff", "local://", "local://", cwd=tmp_path)
    assert res.returncode in (0, 1), res.stderr
    assert res.stdout.startswith("parity diff: reference local://")


def test_run_check_streams_hosts_and_matches_check_facts(webapp: Spec) -> None:
    """run_check compares each host as it arrives and keeps no facts, with the same report as
    comparing the collected facts afterwards (results in the order the hosts were named)."""
    from parity.compare.check import run_check
    from parity.facts import CollectRequest, collect_many, resolve_hosts

    hosts = ["local://", "docker://parity-no-such-container-x1"]
    report = run_check(webapp, hosts, options=CheckOptions(timeout=20))
    collected = [r.facts if r.facts is not None else (r.name, r.error)
                 for r in collect_many(resolve_hosts(hosts, spec=webapp),
                                       CollectRequest.from_spec(webapp), timeout=20,
                                       progress=False)]
    again = check_facts(webapp, collected)  # type: ignore[arg-type]
    assert [r.host for r in report.results] == hosts
    assert [(r.status, len(r.findings)) for r in report.results] == \
        [(r.status, len(r.findings)) for r in again.results]
    assert report.exit_code == again.exit_code
