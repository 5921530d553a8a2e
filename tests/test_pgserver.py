"""The tests' PostgreSQL server is real, reachable only on loopback, and gives each test its own database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import pgserver

pytestmark = pytest.mark.postgres


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (in a container nothing may reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_connects_to_a_real_postgresql(postgres_url):
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
            database = conn.execute(sa.text("select current_database()")).scalar_one()
        assert "PostgreSQL" in version
        assert postgres_url.endswith("/" + database)
        assert sa.inspect(engine).get_table_names() == []  # a fresh, empty database
    finally:
        engine.dispose()


def test_databases_are_distinct(postgres_server):
    first = sa.create_engine(postgres_server.create_database(pgserver.next_database_name("distinct_first")))
    second = sa.create_engine(postgres_server.create_database(pgserver.next_database_name("distinct_second")))
    try:
        assert first.url != second.url
        with first.begin() as conn:
            conn.execute(sa.text("create table only_here (id integer primary key)"))
        assert sa.inspect(first).has_table("only_here")
        assert not sa.inspect(second).has_table("only_here")
    finally:
        first.dispose()
        second.dispose()


def test_listens_only_on_loopback(postgres_server, postgres_url):
    if postgres_server.external:
        pytest.skip(f"{pgserver.ENV_URL} is set: the server's listen_addresses are not ours to choose")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("show listen_addresses")).scalar_one() == "127.0.0.1"
            assert conn.execute(sa.text("show port")).scalar_one() == str(postgres_server.port)
            assert conn.execute(sa.text("select inet_server_addr()::text")).scalar_one() == "127.0.0.1/32"
    finally:
        engine.dispose()


def test_second_engine_sees_committed_data(postgres_url):
    """Two separately created engines, as two workstations would have."""
    desk_a = sa.create_engine(postgres_url)
    desk_b = sa.create_engine(postgres_url)
    try:
        with desk_a.begin() as conn:
            conn.execute(sa.text("create table consultation (id serial primary key, patient text not null)"))
            conn.execute(sa.text("insert into consultation (patient) values ('Alex Example')"))
        with desk_b.connect() as conn:
            rows = conn.execute(sa.text("select patient from consultation")).scalars().all()
        assert rows == ["Alex Example"]
        with desk_b.begin() as conn:
            conn.execute(sa.text("insert into consultation (patient) values ('Sam Sample')"))
        with desk_a.connect() as conn:
            assert conn.execute(sa.text("select count(*) from consultation")).scalar_one() == 2
    finally:
        desk_a.dispose()
        desk_b.dispose()


def test_database_names_are_valid_and_short():
    long = pgserver.database_name("test_x[" + "Param-" * 30 + "]", 12345)
    assert len(long) <= 60
    assert long.endswith("_12345")
    assert long == long.lower()
    assert pgserver.database_name("test_version", 1) == "test_version_1"
    assert pgserver.database_name("9 lives", 2) == "t_9_lives_2"


def test_missing_binaries_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config, no initdb
    with pytest.raises(pgserver.PostgresNotFound, match=r"install the Debian package postgresql.*" + pgserver.ENV_URL):
        pgserver.find_pg_bin(debian_lib=tmp_path / "no-such-dir")


def test_own_server_stops_and_removes_its_folder():
    if os.environ.get(pgserver.ENV_URL):
        pytest.skip(f"{pgserver.ENV_URL} is set: this machine need not have the PostgreSQL binaries")
    with pgserver.PostgresServer() as server:
        folder = server.folder
        pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        assert _alive(pid)
        engine = sa.create_engine(server.url())
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("select current_user")).scalar_one() == "consult"
        finally:
            engine.dispose()
        if os.geteuid() == 0:  # run as the postgres user, in a folder under /tmp it can reach
            assert folder.parent == Path("/tmp")
            assert folder.stat().st_mode & 0o777 == 0o755
            assert Path(f"/proc/{pid}").stat().st_uid != 0
    assert not folder.exists()
    assert not _alive(pid)
