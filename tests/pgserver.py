"""A real, throwaway PostgreSQL server for the tests (never a mock).

``PostgresServer`` runs ``initdb`` into a new temporary folder, starts the cluster
with ``pg_ctl`` on 127.0.0.1 and a free port (its unix socket inside that folder,
fsync off), and on exit stops it (``pg_ctl stop -m immediate``) and removes the
folder. The binaries come from the Debian package ``postgresql``; the system
cluster that package starts on port 5432 is neither used nor touched.

When ``CONSULT_TEST_POSTGRES_URL`` is set (a SQLAlchemy or libpq URL of an
existing server whose user may create databases), no server is started: the
same ``create_database``/``url`` calls go to that server instead, and the
databases the tests created there are dropped at the end of the run.

As root (CI): ``initdb``, ``pg_ctl`` and ``postgres`` refuse to run as root, so
the cluster folder is given to the ``postgres`` system user (created by the
Debian package) and the server commands run as that user through ``runuser``
(or ``setpriv``). That user must be able to reach the folder, so it is created
directly under /tmp (world-traversable) with mode 0o755, not under pytest's
``tmp_path``, whose parent ``/tmp/pytest-of-root`` is mode 0o700.

Fixtures (import them into a conftest or a test module):

* ``postgres_server`` (session): the running ``PostgresServer``, started once per run;
* ``postgres_url`` (function): the SQLAlchemy URL of a fresh, empty database for
  this test, named from the test name and a counter.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

ENV_URL = "CONSULT_TEST_POSTGRES_URL"
USER = "consult"
DEFAULT_DATABASE = "consult"
SYSTEM_USER = "postgres"  # the Debian package's system user; the server runs as it when we are root
PROGRAMS = ("initdb", "pg_ctl", "postgres")
DEBIAN_LIB = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60
NAME_MAX = 60  # PostgreSQL truncates identifiers at 63 bytes
_NAME_OK = re.compile(r"[a-z_][a-z0-9_]*")

INSTALL_HINT = (
    "install the Debian package postgresql (sudo apt-get install -y postgresql; "
    'see README "PostgreSQL tests"), or set ' + ENV_URL + " to the URL of an existing "
    "PostgreSQL server whose user may create databases "
    "(for example postgresql+psycopg://me@127.0.0.1:5432/postgres)"
)


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine."""


class PostgresStartError(RuntimeError):
    """initdb or the server failed; the message ends with the last lines of its log."""


def _has_programs(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) and (directory / name).is_file() for name in PROGRAMS)


def _version_key(directory: Path) -> tuple[int, ...] | None:
    parts = directory.name.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def find_pg_bin(debian_lib: Path = DEBIAN_LIB) -> Path:
    """The directory holding initdb, pg_ctl and postgres.

    ``pg_config --bindir`` when it names a directory that really holds them (on
    Debian ``pg_config`` may come from libpq-dev and point at a version whose
    server is not installed), else the highest-numbered ``/usr/lib/postgresql/*/bin``,
    else wherever ``initdb`` is on PATH. Raises ``PostgresNotFound`` otherwise.
    """
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=30, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _has_programs(Path(out)):
            return Path(out)
    versions = []
    if debian_lib.is_dir():
        for d in debian_lib.iterdir():
            key = _version_key(d)
            if key is not None and _has_programs(d / "bin"):
                versions.append((key, d / "bin"))
    if versions:
        return max(versions)[1]
    initdb = shutil.which("initdb")
    if initdb:
        directory = Path(initdb).resolve().parent
        if _has_programs(directory):
            return directory
        if _has_programs(Path(initdb).parent):
            return Path(initdb).parent
    raise PostgresNotFound("No PostgreSQL server binaries (initdb, pg_ctl, postgres) found "
                           f"(looked at pg_config --bindir, {debian_lib}/*/bin and PATH): {INSTALL_HINT}.")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_name(test_name: str, number: int) -> str:
    """A valid, lower-case database name from a test name and a counter, at most 60 characters."""
    suffix = f"_{number}"
    base = re.sub(r"[^a-z0-9_]+", "_", test_name.lower()).strip("_") or "test"
    if not re.match(r"[a-z_]", base):
        base = "t_" + base
    return base[: NAME_MAX - len(suffix)] + suffix


_database_numbers = itertools.count(1)


def next_database_name(test_name: str) -> str:
    """``database_name`` with the next number of this run's counter."""
    return database_name(test_name, next(_database_numbers))


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def _conf_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1, or an existing server given by URL.

    ``PostgresServer()`` makes its own folder under the temporary directory
    (``/tmp`` as root); ``PostgresServer(parent)`` makes it inside ``parent``
    (as root, every folder above it must be traversable by the postgres user).
    Either way the folder is removed on exit. ``PostgresServer(external_url=...)``
    starts nothing and uses that server.
    """

    def __init__(self, parent: Path | str | None = None, *, external_url: str | None = None,
                 bin_dir: Path | None = None) -> None:
        self._parent = Path(parent) if parent is not None else None
        self._bin_dir = bin_dir
        self.folder: Path | None = None
        self.port: int | None = None
        self.startup_seconds: float | None = None
        self._admin: Engine | None = None
        self._created: list[str] = []
        self._running = False
        self._external: URL | None = None
        if external_url:
            url = make_url(external_url)
            if url.get_backend_name() != "postgresql":
                raise ValueError(f"{ENV_URL} must be a postgresql URL, not {url.get_backend_name()!r}")
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            self._external = url

    # -- paths -----------------------------------------------------------------
    @property
    def external(self) -> bool:
        return self._external is not None

    @property
    def data_dir(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.folder is not None
        return self.folder / "socket"

    @property
    def log_file(self) -> Path:
        """The server's log (pg_ctl -l); initdb.log and pg_ctl.log sit beside it."""
        assert self.folder is not None
        return self.folder / "server.log"

    # -- URLs and databases ----------------------------------------------------
    def _url(self, database: str) -> URL:
        if self._external is not None:
            return self._external.set(database=database)
        if self.port is None:
            raise RuntimeError("the PostgreSQL server is not running")
        return URL.create("postgresql+psycopg", username=USER, host="127.0.0.1",
                          port=self.port, database=database)

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        """SQLAlchemy URL of ``database`` on this server, e.g. postgresql+psycopg://consult@127.0.0.1:PORT/DB."""
        return self._url(database).render_as_string(hide_password=False)

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            if self._external is not None:
                url = self._external if self._external.database else self._external.set(database="postgres")
            else:
                url = self._url("postgres")
            self._admin = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        return self._admin

    def create_database(self, name: str) -> str:
        """CREATE DATABASE ``name`` (empty, owned by the server's user) and return its URL."""
        if not _NAME_OK.fullmatch(name) or len(name) > 63:
            raise ValueError(f"not a plain lower-case database name: {name!r}")
        with self._admin_engine().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self._created.append(name)
        return self.url(name)

    # -- running programs ------------------------------------------------------
    def _as_server_user(self) -> list[str]:
        """Command prefix that runs a program as the postgres user when we are root; [] otherwise."""
        if os.geteuid() != 0:
            return []
        for name in ("runuser", "/usr/sbin/runuser", "/sbin/runuser"):
            path = shutil.which(name)
            if path:
                return [path, "-u", SYSTEM_USER, "--"]
        for name in ("setpriv", "/usr/bin/setpriv"):
            path = shutil.which(name)
            if path:
                return [path, f"--reuid={SYSTEM_USER}", f"--regid={SYSTEM_USER}", "--init-groups", "--"]
        raise PostgresStartError("running as root, but neither runuser nor setpriv (util-linux) is available "
                                 f"to run the PostgreSQL server as the {SYSTEM_USER} user")

    def _run(self, args: list[str], log: Path, timeout: float) -> int:
        """Run a server program (as the postgres user under root), appending its output to ``log``."""
        assert self.folder is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no PGDATA/PGPORT surprises
        env.update(LC_ALL="C", LANG="C")
        with open(log, "ab") as out:
            out.write(("$ " + " ".join(args) + "\n").encode())
            out.flush()
            # output to a file, never a pipe: the postmaster pg_ctl leaves behind would hold a pipe open
            return subprocess.run(self._as_server_user() + args, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, cwd=self.folder, env=env, timeout=timeout,
                                  check=False).returncode

    def _make_folder(self) -> Path:
        if os.geteuid() != 0:
            return Path(tempfile.mkdtemp(prefix="consult-pg-", dir=self._parent))
        import pwd

        try:
            user = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise PostgresStartError(
                f"running as root, so the test server must run as the {SYSTEM_USER} user, which does not exist: "
                f"{INSTALL_HINT}") from None
        # Under /tmp (mode 1777), not pytest's tmp_path: /tmp/pytest-of-root is 0o700 and
        # the postgres user could not reach a cluster inside it.
        folder = Path(tempfile.mkdtemp(prefix="consult-pg-", dir=self._parent or "/tmp"))
        folder.chmod(0o755)
        groups = set(os.getgrouplist(SYSTEM_USER, user.pw_gid))
        for d in folder.parents:
            st = d.stat()
            ok = (st.st_mode & stat.S_IXUSR if st.st_uid == user.pw_uid
                  else st.st_mode & stat.S_IXGRP if st.st_gid in groups
                  else st.st_mode & stat.S_IXOTH)
            if not ok:
                shutil.rmtree(folder, ignore_errors=True)
                raise PostgresStartError(f"the {SYSTEM_USER} user cannot reach {folder}: {d} is not "
                                         "traversable by it; use a folder under /tmp")
        os.chown(folder, user.pw_uid, user.pw_gid)
        return folder

    # -- life cycle ------------------------------------------------------------
    def start(self) -> PostgresServer:
        if self.external or self._running:
            return self
        started = time.perf_counter()
        bin_dir = self._bin_dir = self._bin_dir or find_pg_bin()
        self.folder = self._make_folder()
        if len(str(self.socket_dir / ".s.PGSQL.65535")) > 107:  # sun_path limit on Linux
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            raise PostgresStartError(f"folder path too long for a unix socket: {self.socket_dir}")
        try:
            self._initdb(bin_dir)
            self._start(bin_dir)
            with self._admin_engine().connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{DEFAULT_DATABASE}"'))
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def _initdb(self, bin_dir: Path) -> None:
        log = self.folder / "initdb.log"
        rc = self._run([str(bin_dir / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", USER,
                        "-E", "UTF8", "--locale=C", "--no-sync"], log, timeout=120)
        if rc != 0:
            raise PostgresStartError(f"initdb failed (exit {rc}); last lines of its log, initdb.log "
                                     f"(the folder {self.folder} is removed):\n{_tail(log)}")
        self.socket_dir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            owner = self.folder.stat()
            os.chown(self.socket_dir, owner.st_uid, owner.st_gid)
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# consult tests: a throwaway cluster, loopback only, no durability\n"
                       "listen_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = {_conf_string(str(self.socket_dir))}\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")

    def _start(self, bin_dir: Path) -> None:
        pg_ctl_log = self.folder / "pg_ctl.log"
        for attempt in range(3):
            port = free_port()
            rc = self._run([str(bin_dir / "pg_ctl"), "start", "-D", str(self.data_dir), "-l", str(self.log_file),
                            "-w", "-t", str(START_TIMEOUT_S), "-o", f"-p {port}"],
                           pg_ctl_log, timeout=START_TIMEOUT_S + 30)
            self._running = True  # even a failed start may have left a postmaster behind: stop() checks
            if rc == 0:
                self.port = port
                return
            log = _tail(self.log_file)
            if "already in use" in log and attempt < 2:  # another process took the port meanwhile
                self._stop_server()
                continue
            raise PostgresStartError(
                f"PostgreSQL failed to start on 127.0.0.1:{port} (pg_ctl exit {rc}; the folder {self.folder} "
                f"is removed).\nLast lines of its log, server.log:\n{log}\n"
                f"Last lines of pg_ctl.log:\n{_tail(pg_ctl_log, 10)}")

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def _stop_server(self) -> None:
        if not self._running or self.folder is None:
            return
        pid = self._postmaster_pid()
        rc = self._run([str(self._bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir),
                        "-m", "immediate", "-w", "-t", "30"], self.folder / "pg_ctl.log", timeout=60)
        if rc != 0 and pid is not None and self._postmaster_pid() == pid:
            with contextlib.suppress(OSError):  # pg_ctl could not stop it: do not leave it running
                os.kill(pid, signal.SIGKILL)
        self._running = False

    def stop(self) -> None:
        """Stop the server and remove its folder (external server: drop the databases created)."""
        try:
            if self.external:
                self._drop_created()
            else:
                self._stop_server()
        finally:
            if self._admin is not None:
                self._admin.dispose()
                self._admin = None
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None
            self.port = None

    def _drop_created(self) -> None:
        if not self._created:
            return
        with self._admin_engine().connect() as conn:
            for name in self._created:
                with contextlib.suppress(sa.exc.DBAPIError):
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._created.clear()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url("postgres") if (self.external or self.port) else "not running"
        return f"<PostgresServer {where}>"


_session_server: PostgresServer | None = None
_session_users = 0


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test run's PostgreSQL server: started once (or CONSULT_TEST_POSTGRES_URL), stopped at the end.

    Imported into both a conftest and a test module, pytest sees two session
    fixtures; they share one server, stopped when the last of them ends.
    """
    global _session_server, _session_users
    if _session_server is None:
        _session_server = PostgresServer(external_url=os.environ.get(ENV_URL) or None).start()
    _session_users += 1
    try:
        yield _session_server
    finally:
        _session_users -= 1
        if _session_users == 0:
            server, _session_server = _session_server, None
            server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    """SQLAlchemy URL of a fresh, empty database for this test (named from the test name and a counter)."""
    return postgres_server.create_database(next_database_name(request.node.name))
