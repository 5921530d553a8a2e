"""Where the store lives: a URL from the caller, the environment, the settings, or
an SQLite file in the user's data folder (nothing to set up).

A practice with several workstations points every copy at one PostgreSQL database,
e.g. ``postgresql+psycopg://consult@dbhost/consult``. Passwords never appear in a
message: `shown()` hides them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

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
    from sqlalchemy.engine import make_url  # SQLAlchemy loads when a URL is first read
    from sqlalchemy.exc import ArgumentError

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
    """The URL for a message or the window title: never the password, whether in the
    user part or in the query string (?password=...)."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        return "(unreadable database URL)"
    secret = [k for k in parsed.query if k.lower() in ("password", "sslpassword", "passfile")]
    text = parsed.difference_update_query(secret).render_as_string(hide_password=True)
    for key in secret:
        text += f"{'&' if '?' in text else '?'}{key}=***"
    return text


SQLITE_HEADER = b"SQLite format 3\x00"


def prepare_sqlite_file(path: Path, *, create: bool = True) -> None:
    """Make sure `path` is an SQLite database file consult may use, owner-only.

    The default data folder is created owner-only (0700); any other folder must
    exist already (a mistyped URL must not create folders). A new database file is
    created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
    database file's mode. An existing file is tightened to 0600 only when it is an
    SQLite database (or empty): anything else is refused untouched. With create=False
    a missing file is refused, so a mistyped path never reads as an empty store."""
    folder = path.parent
    if not create and not path.exists():
        raise StoreLocationError(f"no database at {path}")
    if folder == data_folder():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    elif not folder.is_dir():
        raise StoreLocationError(f"no folder {folder} for the database: create it first")
    if path.exists():
        if not path.is_file():
            raise StoreLocationError(f"{path} is not a database file")
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
        if head and head != SQLITE_HEADER:
            raise StoreLocationError(f"{path} is not an SQLite database; nothing was changed")
        os.chmod(path, 0o600)
        return
    if not create:
        raise StoreLocationError(f"no database at {path}")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another workstation's process created it just now
        return
    os.close(fd)
