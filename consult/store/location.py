"""Where the store lives: a URL from the caller, the environment, the settings, or
an SQLite file in the user's data folder (nothing to set up).

A practice with several workstations points every copy at one PostgreSQL database,
e.g. ``postgresql+psycopg://consult@dbhost/consult``. Passwords never appear in a
message: `shown()` hides them.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENV = "CONSULT_DATABASE_URL"
APP = "consult"
FILE_NAME = "consult.db"


class StoreLocationError(ValueError):
    """A database URL that cannot be used (message: one line, no password)."""


def data_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_url() -> str:
    return f"sqlite:///{data_folder() / FILE_NAME}"


def resolve(explicit: str | None = None, configured: str | None = None) -> str:
    """The URL to use: an explicit one (command line), then CONSULT_DATABASE_URL,
    then the settings, then the default SQLite file."""
    for candidate in (explicit, os.environ.get(ENV), configured):
        if candidate and candidate.strip():
            return candidate.strip()
    return default_url()


def parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StoreLocationError(
            "database URL not understood: expected e.g. postgresql+psycopg://user@host/db "
            "or sqlite:///path/to/consult.db") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreLocationError(
            f"database {parsed.get_backend_name()!r} is not supported: use PostgreSQL or SQLite")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise StoreLocationError("an SQLite database needs a file: sqlite:///path/to/consult.db")
    return parsed


def shown(url: str | URL) -> str:
    """The URL for a message or the window title: never the password."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        return "(unreadable database URL)"
    return parsed.render_as_string(hide_password=True)


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder (owner-only, 0700) and an empty database file (0600) before
    SQLite opens it: SQLite gives its -wal and -shm files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.parent == data_folder():
        os.chmod(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    if path.is_file():
        os.chmod(path, 0o600)
