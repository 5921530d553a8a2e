"""Imported patient lists in the store: kept with the rest, audited without
identifiers, removed after the practice's number of days."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.patients import RETENTION_DEFAULT_DAYS, read_file
from consult.store import Store, StoreError
from consult.store import patient_lists as pl
from consult.store.schema import audit, patient_list_entries
from tests.storesupport import GP, Clock, store, store_url  # noqa: F401 (fixtures)

DATA = Path(__file__).resolve().parent.parent / "data" / "patients"


def _audit_rows(store):
    with store.engine.connect() as conn:
        return conn.execute(select(audit).order_by(audit.c.seq)).mappings().all()


def test_a_kept_list_gives_its_patients_back_in_appointment_order(store):
    info = pl.keep(store, read_file(DATA / "emis_appointments.csv"), GP)
    assert info.system == "EMIS Web" and info.entry_count == 4
    assert info.source == f"EMIS Web list imported {info.imported_at.astimezone().date().isoformat()}"
    kept = pl.entries(store)
    assert [k.entry.name for k in kept] == ["SMITH, John", "JONES, Mary", "SMITHSON, Anna",
                                            "O'NEILL, Siobhan"]
    smith = kept[0].entry
    assert (smith.nhs_number, smith.date_of_birth, smith.title, smith.appointment) == \
        ("9990000018", dt.date(1980, 4, 5), "Mr", "09:00")
    assert kept[0].list == info
    assert [i.list_id for i in pl.lists(store)] == [info.list_id]


@pytest.mark.hazard("H31")
def test_the_import_is_audited_with_counts_and_no_identifier(store):
    imported = read_file(DATA / "emis_appointments.csv")
    info = pl.keep(store, imported, GP)
    entry = _audit_rows(store)[-1]
    detail = json.loads(entry["detail"])
    assert entry["action"] == "list_imported" and entry["note_id"] is None
    assert detail == {"list_id": info.list_id, "format": "csv", "system": "EMIS Web",
                      "entries": 4, "rows_refused": 2}
    text = json.dumps(dict(entry), default=str).lower()
    for e in imported.entries:
        assert e.nhs_number not in text and e.family_name.lower() not in text
    assert store.verify_audit().problems == []


@pytest.mark.hazard("H31")
def test_lists_older_than_the_practices_days_are_removed_on_purge_and_on_the_next_import(store_url):
    clock = Clock(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC))
    store = Store.open(store_url, clock=clock)
    try:
        assert pl.retention_days(store) == RETENTION_DEFAULT_DAYS == 1
        first = pl.keep(store, read_file(DATA / "emis_appointments.csv"), GP)
        clock.now += dt.timedelta(hours=23)
        assert pl.purge(store, GP) == pl.Purged(0, 0)  # 23 hours old: still today's list
        second = pl.keep(store, read_file(DATA / "fhir_bundle.json"), GP)
        clock.now += dt.timedelta(hours=2)  # the first is now 25 hours old
        third = pl.keep(store, read_file(DATA / "emis_search.csv"), GP)  # purges on import
        assert [i.list_id for i in pl.lists(store)] == [third.list_id, second.list_id]
        assert first.list_id not in {k.list.list_id for k in pl.entries(store)}
        with store.engine.connect() as conn:
            lists_left = {r.list_id for r in conn.execute(select(patient_list_entries.c.list_id))}
        assert lists_left == {second.list_id, third.list_id}  # no orphaned patient rows
        purged = [r for r in _audit_rows(store) if r["action"] == "lists_purged"]
        assert [json.loads(r["detail"]) for r in purged] == [{"lists": 1, "entries": 4, "days": 1}]
        # the practice keeps lists a week: nothing more goes until then
        pl.set_retention_days(store, 7, GP)
        clock.now += dt.timedelta(days=6)
        assert pl.purge(store, GP) == pl.Purged(0, 0)
        clock.now += dt.timedelta(days=1)
        assert pl.purge(store, GP) == pl.Purged(2, 6)
        assert pl.lists(store) == [] and pl.entries(store) == []
        assert store.verify_audit().problems == []
    finally:
        store.close()


def test_the_number_of_days_is_one_to_thirty_and_shared_through_the_store(store_url):
    store = Store.open(store_url, clock=Clock())
    try:
        for bad in (0, 31, -1):
            with pytest.raises(StoreError, match="1 to 30 days"):
                pl.set_retention_days(store, bad, GP)
        pl.set_retention_days(store, 3, GP)
        pl.set_retention_days(store, 5, GP)
    finally:
        store.close()
    other = Store.open(store_url)  # another workstation reads the practice's setting
    try:
        assert pl.retention_days(other) == 5
        changes = [json.loads(r["detail"]) for r in _audit_rows(other)
                   if r["action"] == "setting_changed"]
        assert changes == [{"setting": "patient_list_days", "value": 3},
                           {"setting": "patient_list_days", "value": 5}]
    finally:
        other.close()


@pytest.mark.hazard("H31")
def test_a_list_is_kept_only_in_the_owner_only_database_never_as_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    store = Store.open()
    try:
        folder = tmp_path / "data" / "consult"
        before = {p.name for p in folder.iterdir()}
        pl.keep(store, read_file(DATA / "systmone_report.csv"), GP)
        after = sorted(p.name for p in folder.iterdir())
        assert set(after) - before <= {"consult.db-wal", "consult.db-shm"}
        for name in after:
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
        assert [p.name for p in tmp_path.iterdir()] == ["data"]
    finally:
        store.close()


def test_a_list_without_a_readable_patient_is_not_kept(store):
    imported = read_file(DATA / "emis_appointments.csv")
    imported.entries.clear()
    with pytest.raises(StoreError, match="no patient"):
        pl.keep(store, imported, GP)
    assert pl.lists(store) == []


@pytest.mark.postgres
def test_the_apps_postgresql_role_with_the_documented_grants_keeps_and_purges_lists(
        postgres_server, tmp_path):
    import uuid

    import sqlalchemy as sa
    from sqlalchemy import text
    from sqlalchemy.pool import NullPool

    from tests.store.test_attacks import _as, _superuser, grants

    tag = uuid.uuid4().hex[:8]
    admin_role, app_role, database = f"consult_admin_{tag}", f"consult_{tag}", f"lists_{tag}"
    su = _superuser(postgres_server)
    with su.connect() as conn:
        for role in (admin_role, app_role):
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{admin_role}"'))
    try:
        base = postgres_server.url(database)
        Store.open(_as(base, admin_role)).close()  # db upgrade, as the admin
        admin = sa.create_engine(_as(base, admin_role), poolclass=NullPool)
        with admin.begin() as conn:
            for grant in grants():
                conn.execute(text(grant.replace(" TO consult;", f' TO "{app_role}"')))
        admin.dispose()
        clock = Clock(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC))
        app = Store.open(_as(base, app_role), migrate=False, clock=clock,
                         key_file=tmp_path / "absent.key")
        try:
            pl.keep(app, read_file(DATA / "emis_appointments.csv"), GP)
            assert len(pl.entries(app)) == 4
            pl.set_retention_days(app, 2, GP)
            clock.now += dt.timedelta(days=3)
            assert pl.purge(app, GP) == pl.Purged(1, 4)
            assert app.verify_audit().problems == []
        finally:
            app.close()
    finally:
        with su.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for role in (admin_role, app_role):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        su.dispose()
