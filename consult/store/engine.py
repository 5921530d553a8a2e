"""Engines for SQLite and PostgreSQL, with one write lock per store.

Writers serialise: on SQLite every writing transaction starts with BEGIN IMMEDIATE
(WAL journal, so readers never wait); on PostgreSQL it takes a transaction-scoped
advisory lock. The audit chain and note version numbers are therefore decided by one
writer at a time, on one workstation or many.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL

from consult.store.location import prepare_sqlite_file

WRITE = "consult_write"
ADVISORY_KEY = 0x636F6E73  # "cons"


def make_engine(url: URL, *, create: bool = True) -> Engine:
    if url.get_backend_name() == "sqlite":
        prepare_sqlite_file(Path(url.database or "").absolute(), create=create)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's begin event starts transactions
            # text that is not UTF-8 (written by hand) reads back instead of failing the whole
            # query; audit verify and the notes list then name it (audit.malformed_columns)
            dbapi_conn.text_factory = _lenient_text
            cursor = dbapi_conn.cursor()
            for pragma in ("busy_timeout=30000", "synchronous=FULL", "foreign_keys=ON"):
                cursor.execute(f"PRAGMA {pragma}")
            _wal(cursor)
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get(WRITE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _wal(cursor: Any) -> None:
    """Switch a new database to write-ahead logging (it stays so in the file). Changing
    the journal mode does not wait on SQLite's busy handler, so when another
    connection is creating the same new database at that moment, try again."""
    for attempt in range(200):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.025)


def lock_for_writing(conn: Connection) -> None:
    """Called first in every writing transaction (SQLite already holds its lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
