"""Engines for SQLite and PostgreSQL, with one write lock per store.

Writers serialise: on SQLite every writing transaction starts with BEGIN IMMEDIATE
(WAL journal, so readers never wait); on PostgreSQL it takes a transaction-scoped
advisory lock. The audit chain and note version numbers are therefore decided by one
writer at a time, on one workstation or many.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL

from consult.store.location import prepare_sqlite_file

WRITE = "consult_write"
ADVISORY_KEY = 0x636F6E73  # "cons"


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        prepare_sqlite_file(Path(url.database or ""))
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's begin event starts transactions
            cursor = dbapi_conn.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                           "busy_timeout=30000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get(WRITE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def lock_for_writing(conn: Connection) -> None:
    """Called first in every writing transaction (SQLite already holds its lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
