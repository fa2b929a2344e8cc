"""``parity report`` end to end against real container hosts named in an INI inventory.

Two runs with one drift fixed and another added in between: the second report marks exactly one
finding resolved and one new, in the JSON and in the exit status under ``--fail-on new``; an
unreachable host is a row with its reason; ``--shard 1/2`` + ``--shard 2/2`` merged equal the
unsharded report; shards writing into one PostgreSQL history make one run.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers.docker import ContainerFactory, exec_ok

ROOT = Path(__file__).resolve().parents[2]
SPEC = """\
parity: 1
name: fleetapp
base: debian:12
packages:
  bash: "{bash}"
files:
  /etc/app.conf:
    content: "app v1\\n"
  /etc/other.conf:
    content: "other v1\\n"
"""


def parity(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, check=False, timeout=300)


def put(container: Any, path: str, text: str) -> None:
    exec_ok(container, ["sh", "-c", f"printf '%s' \"$1\" > {path}", "sh", text])


@pytest.fixture
def fleet(container_factory: ContainerFactory, base_image: str,
          tmp_path: Path) -> dict[str, Any]:
    """Two debian:12 containers in group ``web`` (a drifted, b clean) and an unreachable host
    in group ``db``; the spec pins bash at the version the image has (asked of dpkg-query)."""
    a = container_factory.start(base_image)
    b = container_factory.start(base_image)
    for c in (a, b):
        put(c, "/etc/app.conf", "app v1\n")
    put(a, "/etc/other.conf", "other DRIFTED\n")
    put(b, "/etc/other.conf", "other v1\n")
    bash = exec_ok(a, ["dpkg-query", "-W", "-f=${Version}", "bash"]).strip()
    (tmp_path / "parity.yaml").write_text(SPEC.format(bash=bash))
    (tmp_path / "hosts.ini").write_text(
        f"[web]\n{a.name} ansible_connection=docker\n{b.name} ansible_connection=docker\n"
        "[db]\nghost ansible_connection=docker ansible_host=parity-test-fleet-no-such-host\n")
    return {"a": a, "b": b, "dir": tmp_path, "bash": bash}


def findings(doc: dict[str, Any]) -> set[tuple[str, str, bool]]:
    return {(h["host"], f["name"], f["new"]) for h in doc["hosts"] for f in h["findings"]}


def test_two_runs_mark_one_resolved_and_one_new(fleet: dict[str, Any]) -> None:
    a, b, d = fleet["a"], fleet["b"], fleet["dir"]
    run1 = parity("report", "--inventory", "hosts.ini", "--limit", "web", "--json", "r1.json",
                  "--fail-on", "new", cwd=d)
    assert run1.returncode == 1, run1.stderr
    doc1 = json.loads((d / "r1.json").read_text())
    assert findings(doc1) == {(a.name, "/etc/other.conf", True)}
    assert doc1["summary"] == {"hosts": 2, "clean": 1, "drifted": 1, "unreachable": 0,
                                    "findings": 1, "new": 1, "resolved": 0, "waived": 0}
    # what the hosts carry, for the roll-out view: sha256 asked of the container itself
    host_a = next(h for h in doc1["hosts"] if h["host"] == a.name)
    sha = exec_ok(a, ["sha256sum", "/etc/other.conf"]).split()[0]
    assert host_a["observed"] == {"file": {"/etc/app.conf": hashlib.sha256(b"app v1\n")
                                           .hexdigest(), "/etc/other.conf": sha},
                                  "package": {"bash": fleet["bash"]}}
    assert doc1["declared"]["fleetapp"]["file"]["/etc/other.conf"] == hashlib.sha256(
        b"other v1\n").hexdigest()

    put(a, "/etc/other.conf", "other v1\n")  # fixed
    put(b, "/etc/app.conf", "app DRIFTED\n")  # new drift
    run2 = parity("report", "--inventory", "hosts.ini", "--limit", "web", "--json", "r2.json",
                  "--html", "r2.html", "--metrics", "r2.prom", "--junit", "r2.xml",
                  "--markdown", "r2.md", "--fail-on", "new", cwd=d)
    assert run2.returncode == 1, run2.stderr
    doc2 = json.loads((d / "r2.json").read_text())
    assert findings(doc2) == {(b.name, "/etc/app.conf", True)}
    assert [(r["host"], r["name"]) for r in doc2["resolved"]] == [(a.name, "/etc/other.conf")]
    assert (doc2["summary"]["new"], doc2["summary"]["resolved"]) == (1, 1)
    assert [(r["new"], r["resolved"]) for r in doc2["history"]] == [(1, 0), (1, 1)]
    # the same one new and one resolved in every other output of that run
    metrics = {s.name: s for fam in text_string_to_metric_families((d / "r2.prom").read_text())
               for s in fam.samples}
    assert (metrics["parity_findings_new"].value, metrics["parity_findings_resolved"].value) == (
        1, 1)
    md = (d / "r2.md").read_text()
    assert "#### New since the last run (1)" in md and "#### Resolved since the last run (1)" in md
    suites = {s.get("name"): s for s in ET.parse(d / "r2.xml").getroot()}
    assert set(suites) == {a.name, b.name}
    assert suites[b.name].get("failures") == "1" and suites[a.name].get("failures") == "0"
    html = (d / "r2.html").read_text()
    assert "/etc/other.conf" in html and "/etc/app.conf" in html

    # nothing changed: the drift is old now, so --fail-on new passes and --fail-on any fails
    run3 = parity("report", "--inventory", "hosts.ini", "--limit", "web", "--fail-on", "new",
                  "--json", "r3.json", cwd=d)
    assert run3.returncode == 0, run3.stderr
    (f,) = [f for h in json.loads((d / "r3.json").read_text())["hosts"] for f in h["findings"]]
    assert (f["new"], f["runs_seen"], f["first_seen"]) == (False, 2, doc2["started_at"])
    assert parity("report", "--inventory", "hosts.ini", "--limit", "web", "--fail-on", "any",
                  cwd=d).returncode == 1
    # the history the runs left
    hist = json.loads(parity("history", "--host", b.name, "--format", "json", cwd=d).stdout)
    assert [r["state"] for r in hist["host_runs"]] == ["clean", "drifted", "drifted", "drifted"]


def test_an_unreachable_host_is_a_row_with_its_reason(fleet: dict[str, Any]) -> None:
    d = fleet["dir"]
    proc = parity("report", "--inventory", "hosts.ini", "--json", "r.json", "--timeout", "20",
                  cwd=d)
    assert proc.returncode == 3, proc.stderr
    doc = json.loads((d / "r.json").read_text())
    ghost = next(h for h in doc["hosts"] if h["host"] == "ghost")
    assert ghost["state"] == "unreachable" and ghost["findings"] == []
    assert "parity-test-fleet-no-such-host" in ghost["error"]
    assert doc["summary"]["hosts"] == 3 and doc["summary"]["unreachable"] == 1
    assert "1 unreachable" in proc.stdout


def test_groups_map_to_specs_and_roles(fleet: dict[str, Any]) -> None:
    """``--map`` and a mapping file: host a is checked against a spec that accepts its
    drifted file (a host's own name works as a group; --map rules come before the file's), the
    rest of ``web`` against parity.yaml, all as ``dev``; SPEC itself need not exist when every
    host is mapped."""
    a, b, d = fleet["a"], fleet["b"], fleet["dir"]
    other = (d / "parity.yaml").read_text().replace("other v1", "other DRIFTED")
    (d / "specs").mkdir()
    (d / "specs" / "drifted.yaml").write_text(other.replace("fleetapp", "drifted"))
    (d / "map.yaml").write_text("web: parity.yaml\nall: {role: dev}\n")
    proc = parity("report", "nope.yaml", "--inventory", "hosts.ini", "--limit", "web",
                  "--map-file", "map.yaml", "--map", f"{a.name}=specs/drifted.yaml",
                  "--json", "m.json",
                  "--db", f"sqlite:///{d}/m.db", cwd=d)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((d / "m.json").read_text())
    rows = {h["host"]: (h["spec"], h["role"], h["state"]) for h in doc["hosts"]}
    assert rows == {a.name: ("drifted", "dev", "clean"), b.name: ("fleetapp", "dev", "clean")}
    assert doc["specs"] == {"drifted": str(Path("specs") / "drifted.yaml"),
                            "fleetapp": "parity.yaml"}
    bad = parity("report", "--inventory", "hosts.ini", "--map", "web", cwd=d)
    assert bad.returncode == 2 and "expected GROUP=SPEC or GROUP=ROLE" in bad.stderr


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """What must match between the sharded and the unsharded report (not times, not ids)."""
    hosts = []
    for h in doc["hosts"]:
        fs = [{k: v for k, v in f.items() if k != "first_seen"} for f in h["findings"]]
        hosts.append({k: v for k, v in h.items() if k not in ("seconds", "collected_at")}
                     | {"findings": fs})
    return {"hosts": hosts, "summary": doc["summary"], "resolved": doc["resolved"],
            "specs": doc["specs"], "declared": doc["declared"], "rules": doc["ignore_rules"]}


def test_shards_merged_equal_the_unsharded_report(fleet: dict[str, Any]) -> None:
    d = fleet["dir"]
    common = ("--inventory", "hosts.ini", "--timeout", "20")
    full = parity("report", *common, "--json", "full.json", "--db", f"sqlite:///{d}/f.db",
                  cwd=d)
    assert full.returncode == 3, full.stderr
    for k in (1, 2):
        part = parity("report", *common, "--shard", f"{k}/2", "--json", f"p{k}.json", cwd=d)
        assert part.returncode in (0, 1, 3), part.stderr
        assert json.loads((d / f"p{k}.json").read_text())["shard"] == f"{k}/2"
    assert not (d / "parity-history.db").exists()  # partials record nothing
    merged = parity("report", "--merge", "p1.json", "p2.json", "--run-id", "nightly-1",
                    "--json", "merged.json", "--db", f"sqlite:///{d}/m.db", cwd=d)
    assert merged.returncode == 3, merged.stderr
    one, two = (json.loads((d / n).read_text()) for n in ("full.json", "merged.json"))
    assert comparable(one) == comparable(two)
    assert two["run_id"] == "nightly-1" and [r["run_id"] for r in two["history"]] == ["nightly-1"]
    p1, p2 = ({h["host"] for h in json.loads((d / f"p{k}.json").read_text())["hosts"]}
              for k in (1, 2))
    assert not p1 & p2 and p1 | p2 == {h["host"] for h in one["hosts"]}


@pytest.mark.postgres
def test_shards_write_one_run_into_postgresql(fleet: dict[str, Any], pg_url: str) -> None:
    d = fleet["dir"]
    common = ("--inventory", "hosts.ini", "--limit", "web", "--db", pg_url)
    for k in (1, 2):
        proc = parity("report", *common, "--shard", f"{k}/2", "--run-id", "n-1", cwd=d)
        assert proc.returncode in (0, 1), proc.stderr
    whole = parity("report", *common, "--json", "whole.json", cwd=d)
    doc = json.loads((d / "whole.json").read_text())
    assert whole.returncode == 1, whole.stderr
    first, second = doc["history"]
    assert first["run_id"] == "n-1"
    assert {k: v for k, v in first.items() if k not in ("run_id", "started_at")} == {
        "hosts": 2, "drifted": 1, "unreachable": 0, "findings": 1, "new": 1, "resolved": 0}
    assert (second["findings"], second["new"]) == (1, 0)  # the sharded run counted as previous
    missing_id = parity("report", *common, "--shard", "1/2", cwd=d)
    assert missing_id.returncode == 2 and "--run-id" in missing_id.stderr
