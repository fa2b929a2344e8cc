"""The run history: every report's hosts and findings, in SQLite or PostgreSQL.

Why a database and not a folder of JSON files: shards on several machines write one run at once,
and each host's "what was open after its previous run" must be read and written atomically. The
tables are declared once with SQLAlchemy Core, which speaks both dialects (no SQL strings per
database); SQLite is the default (a file beside the spec), PostgreSQL serves runners that share a
history.

What is stored: a row per run (``parity_runs``), per host in a run (``parity_host_runs``: state,
reason, timing, counts), per finding of a host in a run (``parity_findings``: values, waived or
not, and its history: new, first seen, runs seen), and per resolved finding
(``parity_resolved``). A host's open findings are not a separate mutable table: they are the
findings of its latest *reachable* run, so an unreachable run neither resolves nor renews them,
two shards never update the same row, and pruning old runs keeps the state right as long as the
newest run of each host survives.

Concurrency: every write is one transaction. On SQLite it starts with ``BEGIN IMMEDIATE`` (the
write lock is taken up front, so two writers queue instead of failing on lock upgrade) under a
busy timeout; on PostgreSQL the run row is inserted with ``ON CONFLICT DO NOTHING`` and widened
with expressions relative to the stored value, and schema creation/migration holds an advisory
lock. Hosts are rows keyed by (run, host), so shards writing different hosts of one run never
conflict.

The schema is versioned (``parity_schema_version``) and migrated on open; a history written by a
newer parity is refused with a clear error (exit 2) instead of being misread.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from parity.errors import EnvironmentError_, UsageError
from parity.fleet.model import (
    FindingKey,
    FleetReport,
    HostOutcome,
    ResolvedFinding,
    RunSummary,
)

#: the schema this parity writes; bump it and add a step to ``_MIGRATIONS`` on every change
SCHEMA_VERSION = 1
#: runs a report's ``history`` holds (the drift-over-time plot)
HISTORY_RUNS = 90
DEFAULT_DB_NAME = "parity-history.db"
#: seconds a SQLite writer waits for another one's lock before giving up
SQLITE_BUSY_SECONDS = 120
_PG_LOCK = 0x7061726974  # "parit": the advisory lock key for schema creation and migration

metadata = sa.MetaData()
schema_version = sa.Table(
    "parity_schema_version", metadata,
    sa.Column("version", sa.Integer, nullable=False),
)
runs = sa.Table(
    "parity_runs", metadata,
    sa.Column("run_id", sa.Text, primary_key=True),
    #: insertion order: breaks ties between runs started in the same second
    sa.Column("seq", sa.Float, nullable=False),
    sa.Column("started_at", sa.Text, nullable=False, index=True),
    sa.Column("finished_at", sa.Text, nullable=False),
    sa.Column("parity_version", sa.Text, nullable=False),
    sa.Column("specs", sa.Text, nullable=False),  # JSON {name: path}
)
host_runs = sa.Table(
    "parity_host_runs", metadata,
    sa.Column("run_id", sa.Text, primary_key=True),
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("run_started", sa.Text, nullable=False),
    sa.Column("run_seq", sa.Float, nullable=False),
    sa.Column("spec", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("collected_at", sa.Text),
    sa.Column("findings", sa.Integer, nullable=False),  # failing
    sa.Column("new", sa.Integer, nullable=False),  # failing and new
    sa.Column("resolved", sa.Integer, nullable=False),
    sa.Column("waived", sa.Integer, nullable=False),
    sa.Column("checked", sa.Text, nullable=False),  # JSON
    sa.Column("observed", sa.Text, nullable=False),  # JSON
    sa.Index("parity_host_runs_host", "host", "run_started"),
)


def _key_columns() -> list[sa.Column[Any]]:
    """A finding's key within a run; ``field`` is "" for whole-item findings."""
    return [sa.Column(name, sa.Text, primary_key=True)
            for name in ("run_id", "host", "kind", "name", "field")]


findings = sa.Table(
    "parity_findings", metadata,
    *_key_columns(),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("expected", sa.Text, nullable=False),  # JSON
    sa.Column("actual", sa.Text, nullable=False),  # JSON
    sa.Column("ignored", sa.Text),
    sa.Column("baselined", sa.Boolean, nullable=False),
    sa.Column("new", sa.Boolean, nullable=False),
    sa.Column("first_seen", sa.Text),
    sa.Column("runs_seen", sa.Integer, nullable=False),
)
resolved = sa.Table(
    "parity_resolved", metadata,
    *_key_columns(),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("expected", sa.Text, nullable=False),
    sa.Column("actual", sa.Text, nullable=False),
    sa.Column("first_seen", sa.Text),
    sa.Column("last_seen", sa.Text),
)

#: version N -> the step that upgrades a version-N database to N+1 (none yet)
_MIGRATIONS: dict[int, Any] = {}


class HistoryError(UsageError):
    """The history database cannot be used as it is (exit 2)."""


def default_url(spec_path: str | Path) -> str:
    """``sqlite:///`` + ``parity-history.db`` in the spec's folder."""
    spec = Path(spec_path)
    folder = spec if spec.is_dir() else spec.parent
    return f"sqlite:///{(folder / DEFAULT_DB_NAME).resolve()}"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparsable database URL>"


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class HostRun:
    """One host in one stored run, for ``parity history --host``."""

    run_id: str
    started_at: str
    state: str
    spec: str
    error: str | None
    findings: list[dict[str, Any]]
    resolved: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class History:
    """An open history database; use as a context manager, or call :meth:`close`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self.dialect = self.engine.dialect.name
        try:
            self._migrate()
        except BaseException:
            self.engine.dispose()
            raise

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- transactions ----------------------------------------------------------------------------

    def _write(self, work: Any) -> Any:
        """Run ``work(conn)`` in one transaction, retried from the start when the database
        could not serialise it (SQLite still locked after the busy timeout, a PostgreSQL
        deadlock or serialisation failure, two writers inserting one key at once)."""
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except (sa.exc.OperationalError, sa.exc.IntegrityError) as exc:
                if attempt == 4 or not _retryable(exc):
                    raise _db_error(self.url, exc) from None
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def _migrate(self) -> None:
        def work(conn: sa.Connection) -> None:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK)))
            inspector = sa.inspect(conn)
            if not inspector.has_table(schema_version.name):
                if inspector.has_table(runs.name):
                    raise HistoryError(f"{redact(self.url)}: has parity tables but no schema "
                                       "version; it was not written by parity")
                metadata.create_all(conn)
                conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
                return
            version = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
            if version is None:
                raise HistoryError(f"{redact(self.url)}: the schema version table is empty")
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"{redact(self.url)}: the history has schema version {version}, newer than "
                    f"this parity knows ({SCHEMA_VERSION})",
                    hint="Upgrade parity on this runner, or point --db at another history.")
            while version < SCHEMA_VERSION:
                _MIGRATIONS[version](conn)
                version += 1
                conn.execute(schema_version.update().values(version=version))

        try:
            self._write(work)
        except sa.exc.SQLAlchemyError as exc:
            raise _db_error(self.url, exc) from None

    # --- recording -------------------------------------------------------------------------------

    def record(self, report: FleetReport) -> FleetReport:
        """Store ``report`` as (part of) run ``report.run_id`` and fill in what the history
        knows: each finding's new / first seen / runs seen, the resolved findings, and the
        drift-over-time summaries. Recording a host again in the same run replaces it."""
        try:
            self._write(lambda conn: self._record(conn, report))
            report.history = self.summaries()
        except sa.exc.SQLAlchemyError as exc:
            raise _db_error(self.url, exc) from None
        return report

    def _record(self, conn: sa.Connection, report: FleetReport) -> None:
        """A fixed number of statements per run, not a handful per host: a 1,000-host run was
        ~5,300 statements (0.55-0.9 s in bench/fleet_report.py), now about 20 (0.05-0.13 s)."""
        seq = _upsert_run(conn, self.dialect, report)
        mine = {h.host for h in report.hosts}
        kept = [r for r in report.resolved if r.key.host not in mine]
        for chunk in _chunks(sorted(mine)):
            for table in (host_runs, findings, resolved):
                conn.execute(table.delete().where(table.c.run_id == report.run_id,
                                                  table.c.host.in_(chunk)))
        reachable = [h.host for h in report.hosts if h.state != "unreachable"]
        previous = _previous_runs(conn, report, reachable)
        before = _open_findings(conn, previous)
        # per host name, the last one wins (as when each host replaced the one before)
        per_host: dict[str, tuple[list[dict[str, Any]], ...]] = {}
        for host in report.hosts:
            gone = [] if host.state == "unreachable" else \
                _track(report, host, previous.get(host.host), before.get(host.host, {}))
            kept.extend(gone)
            per_host[host.host] = _host_rows(report, host, gone, seq)
        for n, table in enumerate((host_runs, findings, resolved)):
            rows = [row for tables in per_host.values() for row in tables[n]]
            for i in range(0, len(rows), _CHUNK):
                conn.execute(table.insert(), rows[i:i + _CHUNK])
        report.resolved = kept

    # --- reading ---------------------------------------------------------------------------------

    def summaries(self, limit: int = HISTORY_RUNS, since: str | None = None) -> list[RunSummary]:
        """One :class:`RunSummary` per stored run (the newest ``limit``), oldest first."""
        h = host_runs
        count = sa.func.count()
        query = (
            sa.select(runs.c.run_id, runs.c.started_at, count,
                      sa.func.sum(sa.case((h.c.state == "drifted", 1), else_=0)),
                      sa.func.sum(sa.case((h.c.state == "unreachable", 1), else_=0)),
                      sa.func.sum(h.c.findings), sa.func.sum(h.c.new), sa.func.sum(h.c.resolved))
            .join(h, h.c.run_id == runs.c.run_id)
            .group_by(runs.c.run_id, runs.c.started_at, runs.c.seq)
            .order_by(runs.c.started_at.desc(), runs.c.seq.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(runs.c.started_at >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [RunSummary(run_id=r[0], started_at=r[1], hosts=int(r[2]), drifted=int(r[3]),
                           unreachable=int(r[4]), findings=int(r[5]), new=int(r[6]),
                           resolved=int(r[7]))
                for r in reversed(rows)]

    def host_timeline(self, host: str, since: str | None = None) -> list[HostRun]:
        """Host ``host`` in every stored run, oldest first, with its findings and resolutions."""
        q = sa.select(host_runs).where(host_runs.c.host == host)
        if since is not None:
            q = q.where(host_runs.c.run_started >= since)
        out = []
        with self.engine.connect() as conn:
            for row in conn.execute(q.order_by(host_runs.c.run_started, host_runs.c.run_seq)):
                where = (sa.and_(findings.c.run_id == row.run_id, findings.c.host == host),
                         sa.and_(resolved.c.run_id == row.run_id, resolved.c.host == host))
                fs = [_finding_row(r) for r in conn.execute(
                    sa.select(findings).where(where[0]).order_by(*_key_order(findings)))]
                rs = [_resolved_row(r) for r in conn.execute(
                    sa.select(resolved).where(where[1]).order_by(*_key_order(resolved)))]
                out.append(HostRun(row.run_id, row.run_started, row.state, row.spec, row.error,
                                   fs, rs))
        return out

    def run_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(runs.c.run_id)
                                     .order_by(runs.c.started_at, runs.c.seq)).scalars())

    # --- pruning ---------------------------------------------------------------------------------

    def prune(self, keep: int | None = None, keep_days: float | None = None,
              now: datetime | None = None) -> list[str]:
        """Delete all but the newest ``keep`` runs and/or runs started more than ``keep_days``
        days ago; return the run ids deleted."""

        def work(conn: sa.Connection) -> list[str]:
            ordered = list(conn.execute(sa.select(runs.c.run_id, runs.c.started_at)
                                        .order_by(runs.c.started_at.desc(), runs.c.seq.desc())))
            doomed = set()
            if keep is not None:
                doomed |= {r.run_id for r in ordered[keep:]}
            if keep_days is not None:
                cutoff = ((now or datetime.now(UTC)) - timedelta(days=keep_days)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ")
                doomed |= {r.run_id for r in ordered if r.started_at < cutoff}
            ids = sorted(doomed)
            for table in (findings, resolved, host_runs, runs):
                for i in range(0, len(ids), 500):
                    conn.execute(table.delete().where(table.c.run_id.in_(ids[i:i + 500])))
            return ids

        try:
            return self._write(work)  # type: ignore[no-any-return]
        except sa.exc.SQLAlchemyError as exc:
            raise _db_error(self.url, exc) from None


def _key_order(table: sa.Table) -> tuple[Any, ...]:
    return (table.c.kind, table.c.name, table.c.field)


def _upsert_run(conn: sa.Connection, dialect: str, report: FleetReport) -> float:
    """Insert the run row or widen an existing one (several shards, one run); its ``seq``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    row = {"run_id": report.run_id, "seq": time.time(), "started_at": report.started_at,
           "finished_at": report.finished_at, "parity_version": report.parity_version,
           "specs": _dumps(report.specs)}
    conn.execute(insert(runs).values(**row).on_conflict_do_nothing(index_elements=["run_id"]))
    stored = conn.execute(sa.select(runs.c.specs).where(runs.c.run_id == report.run_id)
                          .with_for_update() if dialect == "postgresql" else
                          sa.select(runs.c.specs).where(runs.c.run_id == report.run_id)).scalar()
    specs = {**json.loads(stored or "{}"), **report.specs}
    c = runs.c
    conn.execute(runs.update().where(c.run_id == report.run_id).values(
        started_at=sa.case((c.started_at > report.started_at, report.started_at),
                           else_=c.started_at),
        finished_at=sa.case((c.finished_at < report.finished_at, report.finished_at),
                            else_=c.finished_at),
        specs=_dumps(specs)))
    return float(conn.execute(sa.select(c.seq).where(c.run_id == report.run_id)).scalar_one())


#: hosts per ``IN (...)`` list and rows per multi-row insert (SQLite's default variable limit is
#: 32,766 since 3.32, 999 before: 500 keys stay under both)
_CHUNK = 500


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _previous_runs(conn: sa.Connection, report: FleetReport,
                   hosts: list[str]) -> dict[str, tuple[str, str]]:
    """Each host's previous reachable run before this one: host -> (run_id, run_started).

    One windowed query per chunk of hosts (SQLite >= 3.25 and PostgreSQL both have
    ``row_number() OVER``), ordered as a per-host ``ORDER BY ... LIMIT 1`` would be."""
    h = host_runs
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(hosts))):
        rank = sa.func.row_number().over(partition_by=h.c.host,
                                         order_by=(h.c.run_started.desc(), h.c.run_seq.desc()))
        ranked = (sa.select(h.c.host, h.c.run_id, h.c.run_started, rank.label("rank"))
                  .where(h.c.host.in_(chunk), h.c.run_id != report.run_id,
                         h.c.state != "unreachable", h.c.run_started <= report.started_at)
                  .subquery())
        for r in conn.execute(sa.select(ranked.c.host, ranked.c.run_id, ranked.c.run_started)
                              .where(ranked.c.rank == 1)):
            out[r.host] = (r.run_id, r.run_started)
    return out


def _open_findings(conn: sa.Connection, previous: dict[str, tuple[str, str]]
                   ) -> dict[str, dict[FindingKey, Any]]:
    """The findings each host had in its previous run (usually one run for the whole fleet,
    so one query per run and chunk of hosts)."""
    by_run: dict[str, list[str]] = {}
    for host, (run_id, _) in previous.items():
        by_run.setdefault(run_id, []).append(host)
    out: dict[str, dict[FindingKey, Any]] = {}
    for run_id, hosts in sorted(by_run.items()):
        for chunk in _chunks(sorted(hosts)):
            for r in conn.execute(sa.select(findings).where(findings.c.run_id == run_id,
                                                            findings.c.host.in_(chunk))):
                out.setdefault(r.host, {})[FindingKey(r.host, r.kind, r.name, r.field)] = r
    return out


def _track(report: FleetReport, host: HostOutcome, prev: tuple[str, str] | None,
           before: dict[FindingKey, Any]) -> list[ResolvedFinding]:
    """Fill ``host``'s findings' history from its previous reachable run (``prev``: run id and
    start, with ``before`` its findings); return what that run had open and this one does
    not."""
    now = set()
    for t in host.findings:
        now.add(t.key)
        old = before.get(t.key)
        if old is None:
            t.new, t.first_seen, t.runs_seen = True, report.started_at, 1
        else:
            t.new, t.first_seen, t.runs_seen = False, old.first_seen, int(old.runs_seen) + 1
    return [ResolvedFinding(key, change=r.change, expected=json.loads(r.expected),
                            actual=json.loads(r.actual), first_seen=r.first_seen,
                            last_seen=prev[1] if prev is not None else None)
            for key, r in sorted(before.items()) if key not in now]


def _host_rows(report: FleetReport, host: HostOutcome, gone: list[ResolvedFinding],
               seq: float) -> tuple[list[dict[str, Any]], ...]:
    """``host``'s rows for host_runs, findings and resolved (inserted in batches by the
    caller)."""
    failing = host.failing
    host_row = {
        "run_id": report.run_id, "host": host.host, "run_started": report.started_at,
        "run_seq": seq, "spec": host.spec, "role": host.role, "state": host.state,
        "error": host.error, "seconds": float(host.seconds), "collected_at": host.collected_at,
        "findings": len(failing), "new": sum(t.new for t in failing), "resolved": len(gone),
        "waived": len(host.findings) - len(failing), "checked": _dumps(host.checked),
        "observed": _dumps(host.observed)}
    rows: dict[FindingKey, dict[str, Any]] = {}
    for t in host.findings:
        f = t.finding
        rows.setdefault(t.key, {
            "run_id": report.run_id, "host": host.host, "kind": f.kind, "name": f.name,
            "field": f.field or "", "change": f.change, "expected": _dumps(f.expected),
            "actual": _dumps(f.actual), "ignored": f.ignored, "baselined": bool(f.baselined),
            "new": bool(t.new), "first_seen": t.first_seen, "runs_seen": int(t.runs_seen)})
    gone_rows = [
        {"run_id": report.run_id, "host": host.host, "kind": r.key.kind, "name": r.key.name,
         "field": r.key.field, "change": r.change, "expected": _dumps(r.expected),
         "actual": _dumps(r.actual), "first_seen": r.first_seen, "last_seen": r.last_seen}
        for r in gone]
    return [host_row], list(rows.values()), gone_rows


def _finding_row(r: Any) -> dict[str, Any]:
    return {"kind": r.kind, "name": r.name, "field": r.field or None, "change": r.change,
            "expected": json.loads(r.expected), "actual": json.loads(r.actual),
            "ignored": r.ignored, "baselined": bool(r.baselined), "new": bool(r.new),
            "first_seen": r.first_seen, "runs_seen": int(r.runs_seen)}


def _resolved_row(r: Any) -> dict[str, Any]:
    return {"kind": r.kind, "name": r.name, "field": r.field or None, "change": r.change,
            "expected": json.loads(r.expected), "actual": json.loads(r.actual),
            "first_seen": r.first_seen, "last_seen": r.last_seen}


# --- engines -------------------------------------------------------------------------------------


def _engine(url: str) -> sa.Engine:
    """An engine for a ``sqlite://`` or ``postgresql://`` URL, set up for concurrent writers."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise UsageError(f"--db {url!r}: not a database URL",
                         hint="Use sqlite:///PATH or postgresql://USER@HOST:PORT/DB.") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgresql+psycopg"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        from parity.optional import require

        require("psycopg", "postgres", "--db postgresql:// (the PostgreSQL driver)",
                alternative="keep the history in sqlite:///PATH")
        return sa.create_engine(parsed, pool_pre_ping=True)
    if backend != "sqlite":
        raise UsageError(f"--db {redact(url)}: parity keeps its history in sqlite:// or "
                         "postgresql://, not {backend}://")
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        if not folder.is_dir():
            raise UsageError(f"--db {redact(url)}: folder {folder} does not exist")
    engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # let SQLAlchemy, not the driver, decide when a transaction starts (see "begin")
        dbapi_conn.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # take the write lock at BEGIN: two writers then queue on the busy timeout instead of
        # both reading and one failing to upgrade its lock (SQLITE_BUSY without waiting)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _retryable(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(s in text for s in ("locked", "busy", "deadlock", "could not serialize",
                                   "duplicate key", "unique constraint"))


def _db_error(url: str, exc: BaseException) -> Exception:
    if isinstance(exc, HistoryError | UsageError):
        return exc
    detail = " ".join(str(getattr(exc, "orig", None) or exc).split())[:500]
    if isinstance(exc, sa.exc.OperationalError):
        return EnvironmentError_(f"history {redact(url)}: {detail}",
                                 hint="Check the database is reachable and writable.")
    return HistoryError(f"history {redact(url)}: {detail}")
