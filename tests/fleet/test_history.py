"""The run history on SQLite and on a real PostgreSQL server: new / persisting / resolved
findings, unreachable hosts, shards of one run, schema versions, pruning, concurrent writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from parity.errors import EnvironmentError_, ExitCode
from parity.fleet.history import SCHEMA_VERSION, History, HistoryError, schema_version
from tests.fleet.helpers import make_report, tracked

ROOT = Path(__file__).resolve().parents[2]
T1, T2, T3 = "2026-11-26T02:00:00Z", "2026-11-27T02:00:00Z", "2026-11-28T02:00:00Z"
CURL = ("package", "curl", "version", "7.0")
CONF = ("file", "/etc/app.conf", "sha256", "b" * 64)
USER = ("user", "app", "shell", "/bin/sh")


def test_new_persisting_and_resolved(db_url: str) -> None:
    with History(db_url) as h:
        r1 = h.record(make_report("r1", T1, {"web1": [CURL, CONF], "web2": []}))
        assert tracked(r1) == {("web1", "package", "curl"): (True, T1, 1),
                               ("web1", "file", "/etc/app.conf"): (True, T1, 1)}
        assert r1.resolved == []
        # run 2: CONF fixed, USER added, curl still there
        r2 = h.record(make_report("r2", T2, {"web1": [CURL, USER], "web2": []}))
        assert tracked(r2) == {("web1", "package", "curl"): (False, T1, 2),
                               ("web1", "user", "app"): (True, T2, 1)}
        assert [(r.key.host, r.key.kind, r.key.name, r.first_seen, r.last_seen)
                for r in r2.resolved] == [("web1", "file", "/etc/app.conf", T1, T1)]
        assert r2.summary()["new"] == 1 and r2.summary()["resolved"] == 1
        assert [(s.run_id, s.findings, s.new, s.resolved, s.drifted) for s in r2.history] == [
            ("r1", 2, 2, 0, 1), ("r2", 2, 1, 1, 1)]


def test_an_unreachable_host_neither_resolves_nor_renews(db_url: str) -> None:
    with History(db_url) as h:
        h.record(make_report("r1", T1, {"web1": [CURL]}))
        r2 = h.record(make_report("r2", T2, {"web1": "unreachable"}))
        assert r2.resolved == [] and r2.hosts[0].error == "web1: connection refused"
        r3 = h.record(make_report("r3", T3, {"web1": [CURL]}))
        # still open since run 1; run 2 did not count as a sighting
        assert tracked(r3) == {("web1", "package", "curl"): (False, T1, 2)}
        assert [(s.run_id, s.unreachable) for s in r3.history] == [("r1", 0), ("r2", 1),
                                                                      ("r3", 0)]
        timeline = h.host_timeline("web1")
        assert [t.state for t in timeline] == ["drifted", "unreachable", "drifted"]


def test_a_fleet_larger_than_one_batch_tracks_every_host(db_url: str) -> None:
    """1,201 hosts: the batched write (chunks of 500 hosts per IN list and insert) tracks each
    host against its own previous reachable run, across chunk boundaries and across an
    unreachable run in between."""
    names = [f"h{i:04d}" for i in range(1201)]
    with History(db_url) as h:
        h.record(make_report("r1", T1, {n: [CURL] for n in names}))
        # run 2: the last 700 hosts are unreachable (their open findings stay as they were)
        h.record(make_report("r2", T2, {n: ([CURL, CONF] if i < 501 else "unreachable")
                                        for i, n in enumerate(names)}))
        r3 = h.record(make_report("r3", T3, {n: [CONF] for n in names}))
    got = tracked(r3)
    assert len(got) == 1201
    assert {got[(n, "file", "/etc/app.conf")] for n in names[:501]} == {(False, T2, 2)}
    assert {got[(n, "file", "/etc/app.conf")] for n in names[501:]} == {(True, T3, 1)}
    assert sorted((r.key.host, r.key.name, r.first_seen, r.last_seen) for r in r3.resolved) == [
        (n, "curl", T1, T2 if i < 501 else T1) for i, n in enumerate(names)]
    assert r3.summary()["new"] == 700 and r3.summary()["resolved"] == 1201


def test_shards_write_one_run(db_url: str) -> None:
    with History(db_url) as h:
        h.record(make_report("n1", T1, {"a": [CURL], "b": []}, shard="1/2"))
        h.record(make_report("n1", T2, {"c": "unreachable"}, shard="2/2"))
        # a shard retried: the host's rows are replaced, not doubled
        h.record(make_report("n1", T1, {"a": [CURL]}, shard="1/2"))
        (run,) = h.summaries()
        assert (run.run_id, run.started_at, run.hosts, run.drifted, run.unreachable,
                run.findings) == ("n1", T1, 3, 1, 1, 1)


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_identical_reports(sqlite_url: str, pg_url: str) -> None:
    """The same runs recorded in both databases: every report and timeline is identical."""
    runs = [("r1", T1, {"web1": [CURL, CONF], "web2": [], "web3": "unreachable"}),
            ("r2", T2, {"web1": [CURL, USER], "web2": [CONF], "web3": [USER]}),
            ("r3", T3, {"web1": "unreachable", "web2": [], "web3": [USER, CURL]})]
    out: dict[str, list[object]] = {}
    for url in (sqlite_url, pg_url):
        with History(url) as h:
            docs: list[object] = [h.record(make_report(*r)).to_dict() for r in runs]
            docs += [[t.to_dict() for t in h.host_timeline(host)]
                     for host in ("web1", "web2", "web3")]
            out[url] = docs
    assert out[sqlite_url] == out[pg_url]
    assert out[pg_url][2]["summary"]["resolved"] == 1  # type: ignore[index]


def test_a_newer_schema_is_a_clear_error(db_url: str) -> None:
    History(db_url).close()
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(schema_version.update().values(version=SCHEMA_VERSION + 1))
    engine.dispose()
    with pytest.raises(HistoryError, match=r"schema version 2, newer than this parity knows"):
        History(db_url)
    assert HistoryError.exit_code == ExitCode.USAGE


def test_the_cli_exits_2_on_a_newer_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    History(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(schema_version.update().values(version=99))
    engine.dispose()
    proc = _parity("history", "--db", url)
    assert proc.returncode == 2, proc.stderr
    assert "schema version 99, newer than this parity knows (1)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_prune_keeps_the_newest_runs(db_url: str) -> None:
    with History(db_url) as h:
        for i, t in enumerate((T1, T2, T3), 1):
            h.record(make_report(f"r{i}", t, {"web1": [CURL]}))
        assert h.prune(keep=2) == ["r1"]
        assert h.run_ids() == ["r2", "r3"]
        from datetime import UTC, datetime

        assert h.prune(keep_days=1.5, now=datetime(2026, 11, 29, 12, tzinfo=UTC)) == ["r2"]
        assert h.run_ids() == ["r3"]
        # the open state survives pruning: the finding is still not new
        r4 = h.record(make_report("r4", "2026-11-29T02:00:00Z", {"web1": [CURL]}))
        assert tracked(r4)[("web1", "package", "curl")] == (False, T1, 4)


@pytest.mark.postgres
def test_an_unreachable_database_is_an_environment_error(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentError_, match="history postgresql://nobody:\\*\\*\\*@127"):
        History("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(Exception, match="does not exist"):
        History(f"sqlite:///{tmp_path / 'no' / 'such' / 'h.db'}")


WRITER = """
import sys, time
from parity.fleet.history import History
from tests.fleet.helpers import make_report
url, run_id, first, count, start_at = sys.argv[1:6]
hosts = {f"h{int(first) + i:03d}": [("package", "curl", "version", "7")] for i in range(int(count))}
report = make_report(run_id, "2026-11-28T02:00:00Z", hosts)
h = History(url)
while time.time() < float(start_at):
    time.sleep(0.001)
h.record(report)
print(len(report.hosts))
"""


def _writers(url: str, jobs: list[tuple[str, int, int]]) -> None:
    """Start one process per (run id, first host, host count), all recording at one instant."""
    start_at = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, run, str(first), str(n),
                               str(start_at)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for run, first, n in jobs]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err


def test_concurrent_writers_lose_nothing(db_url: str) -> None:
    """Four real processes finish at the same moment: two shards of one run and two other
    runs; every host of every run is stored."""
    History(db_url).close()  # schema first: the race under test is the writes, not the DDL
    _writers(db_url, [("n1", 0, 40), ("n1", 40, 40), ("n2", 100, 30), ("n3", 200, 30)])
    with History(db_url) as h:
        got = {s.run_id: (s.hosts, s.findings) for s in h.summaries()}
    assert got == {"n1": (80, 80), "n2": (30, 30), "n3": (30, 30)}


def test_concurrent_first_open_creates_the_schema_once(db_url: str) -> None:
    """Two processes open a brand-new history at once: both succeed, one schema."""
    _writers(db_url, [("m1", 0, 5), ("m1", 5, 5)])
    with History(db_url) as h:
        assert [(s.run_id, s.hosts) for s in h.summaries()] == [("m1", 10)]
        with h.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(schema_version)
                                ).scalar() == 1


def _parity(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, check=False)


def test_history_cli_lists_runs_and_a_host(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with History(url) as h:
        h.record(make_report("r1", T1, {"web1": [CURL, CONF]}))
        h.record(make_report("r2", T2, {"web1": [CURL]}))
    text = _parity("history", "--db", url)
    assert text.returncode == 0, text.stderr
    assert [line.split()[0] for line in text.stdout.splitlines()[1:]] == ["r1", "r2"]
    doc = json.loads(_parity("history", "--db", url, "--host", "web1", "--format", "json",
                             "--since", "2026-11-27").stdout)
    (run,) = doc["host_runs"]
    assert run["run_id"] == "r2" and [r["name"] for r in run["resolved"]] == ["/etc/app.conf"]
    assert run["findings"][0]["runs_seen"] == 2
    pruned = _parity("history", "--db", url, "--keep", "1", "--format", "json")
    assert json.loads(pruned.stdout)["pruned"] == ["r1"]
    missing = _parity("history", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 2 and "no history at" in missing.stderr
    bad = _parity("history", "--db", url, "--since", "yesterday")
    assert bad.returncode == 2 and "--since 'yesterday'" in bad.stderr


def test_history_text_shows_hostile_names_escaped(tmp_path: Path) -> None:
    """Host names and values come from hosts: the text listing escapes terminal controls, the
    JSON keeps them exact."""
    evil = "web\x1b[2J\u202e1"
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with History(url) as h:
        h.record(make_report("r\x1b]52;c;x\x07", T1, {evil: [("package", "c\x1b[31m", None,
                                                             "x")]}))
    text = _parity("history", "--db", url, "--host", evil)
    listing = _parity("history", "--db", url)
    for out in (text.stdout, listing.stdout):
        assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in text.stdout and "c\\x1b[31m" in text.stdout
    doc = json.loads(_parity("history", "--db", url, "--host", evil, "--format", "json").stdout)
    assert doc["host"] == evil and doc["host_runs"][0]["findings"][0]["name"] == "c\x1b[31m"
