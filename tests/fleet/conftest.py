"""Fixtures for the fleet tests: a real, throwaway PostgreSQL server for the history.

The server is Debian's (``postgresql`` in scripts/bootstrap.sh): ``initdb`` a cluster in a
temporary folder, ``pg_ctl start`` it on a free loopback port (and a socket in that folder), one
per test session; each test gets a fresh database in it. Nothing stands in for PostgreSQL: the
history's dialect-specific parts (upserts, advisory locks, concurrent writers) are exercised on
the real thing. initdb refuses to run as root, so as root the server runs as the ``postgres``
user the package creates.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.docker import require
from tests.helpers.tools import POSTGRES_BIN

PG_USER = "parity"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """``postgresql://parity@127.0.0.1:PORT`` of a running throwaway cluster (no database)."""
    require("postgres")
    folder = Path(tempfile.mkdtemp(prefix="parity-test-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    subprocess.run(_as_server_user([f"{POSTGRES_BIN}/initdb", "-D", str(data), "-A", "trust",
                                    "-U", PG_USER]), check=True, capture_output=True)
    start = _as_server_user([
        f"{POSTGRES_BIN}/pg_ctl", "-D", str(data), "-w", "-l", str(folder / "log"),
        "-o", f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    proc = subprocess.run(start, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        pytest.fail(f"pg_ctl start failed: {proc.stderr}\n{log}", pytrace=False)
    try:
        yield f"postgresql://{PG_USER}@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([f"{POSTGRES_BIN}/pg_ctl", "-D", str(data), "-m",
                                        "immediate", "stop"]), capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each history test once on SQLite and once on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("pg_url")  # type: ignore[no-any-return]

