"""Imported patient lists in the store (schema 0004): patient data kept with the rest,
never as loose files, and deleted once older than the practice's number of days.

    info = keep(store, imported, who)     store a list (purging old ones first); audited
    lists(store)                          the lists kept, newest first (counts, no names)
    entries(store)                        every patient of every list kept, for the picker
    purge(store, who)                     delete the lists older than the practice's days
    retention_days(store), set_retention_days(store, days, who)

The audit trail records each import, purge and change of the number of days with
counts and the list's id only: never a name or an NHS number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from consult.patients.model import (
    RETENTION_DEFAULT_DAYS,
    Entry,
    ImportedList,
    retention_problem,
    source_text,
)
from consult.record.answers import Sex
from consult.store.model import Who, from_text, to_text
from consult.store.schema import patient_list_entries, patient_lists, store_settings
from consult.store.store import Store, StoreError

RETENTION_SETTING = "patient_list_days"


@dataclass(frozen=True)
class ListInfo:
    list_id: str
    imported_at: dt.datetime
    user: str
    workstation: str
    format: str
    system: str
    entry_count: int

    @property
    def source(self) -> str:
        """'EMIS Web list imported 2026-12-07' (the import's date in local time)."""
        return source_text(self.system, self.imported_at.astimezone().date())


@dataclass(frozen=True)
class KeptEntry:
    """A patient of a list kept in the store, with the list it came from."""

    entry: Entry
    list: ListInfo


@dataclass(frozen=True)
class Purged:
    lists: int
    entries: int


def retention_days(store: Store) -> int:
    with store._reading("cannot read the store's settings") as conn:
        value = conn.execute(select(store_settings.c.value)
                             .where(store_settings.c.name == RETENTION_SETTING)).scalar()
    try:
        days = int(value) if value is not None else RETENTION_DEFAULT_DAYS
    except ValueError:
        return RETENTION_DEFAULT_DAYS
    return days if retention_problem(days) is None else RETENTION_DEFAULT_DAYS


def set_retention_days(store: Store, days: int, who: Who) -> Purged:
    """Set the practice's number of days (1 to 30) and purge by it at once."""
    if problem := retention_problem(days):
        raise StoreError(problem)
    now = store._now()
    with store._writing("cannot change the store's settings") as conn:
        done = conn.execute(store_settings.update()
                            .where(store_settings.c.name == RETENTION_SETTING)
                            .values(value=str(days), changed_at=now, changed_by=who.user))
        if not done.rowcount:
            conn.execute(store_settings.insert().values(
                name=RETENTION_SETTING, value=str(days), changed_at=now, changed_by=who.user))
        store._audit(conn, who, "setting_changed", setting=RETENTION_SETTING, value=days)
    return purge(store, who)


def purge(store: Store, who: Who) -> Purged:
    """Delete every list imported more than the practice's number of days ago."""
    days = retention_days(store)
    cutoff = to_text(store.clock() - dt.timedelta(days=days))
    old_lists = select(patient_lists.c.list_id).where(patient_lists.c.imported_at < cutoff)
    with store._reading("cannot read the patient lists") as conn:
        if conn.execute(old_lists.limit(1)).first() is None:
            return Purged(0, 0)  # the usual case at start: no write lock taken
    with store._writing("cannot remove old patient lists") as conn:
        old = [r.list_id for r in conn.execute(
            select(patient_lists.c.list_id).where(patient_lists.c.imported_at < cutoff))]
        if not old:
            return Purged(0, 0)
        gone = conn.execute(delete(patient_list_entries)
                            .where(patient_list_entries.c.list_id.in_(old))).rowcount
        conn.execute(delete(patient_lists).where(patient_lists.c.list_id.in_(old)))
        store._audit(conn, who, "lists_purged", lists=len(old), entries=gone, days=days)
    return Purged(len(old), gone)


def keep(store: Store, imported: ImportedList, who: Who) -> ListInfo:
    """Store a list read from a file, after removing lists past their days."""
    if not imported.entries:
        raise StoreError("the list has no patient that could be read: nothing kept")
    purge(store, who)
    list_id = str(uuid.uuid4())
    now = store.clock()
    row = dict(list_id=list_id, imported_at=to_text(now), user_name=who.user,
               workstation=who.workstation, format=imported.format,
               system=imported.system[:60], entry_count=len(imported.entries))
    with store._writing("cannot keep the patient list") as conn:
        conn.execute(patient_lists.insert().values(**row))
        conn.execute(patient_list_entries.insert(), [
            dict(list_id=list_id, line=e.line, family_name=e.family_name,
                 given_name=e.given_name, title=e.title, date_of_birth=e.date_of_birth,
                 sex=e.sex.value if e.sex else None, nhs_number=e.nhs_number,
                 appointment=e.appointment) for e in imported.entries])
        store._audit(conn, who, "list_imported", list_id=list_id, format=imported.format,
                     system=row["system"], entries=len(imported.entries),
                     rows_refused=len(imported.problems))
    return _info(row)


def lists(store: Store) -> list[ListInfo]:
    """The lists kept, newest first."""
    with store._reading("cannot read the patient lists") as conn:
        rows = conn.execute(select(patient_lists).order_by(
            patient_lists.c.imported_at.desc())).mappings().all()
    return [_info(r) for r in rows]


def entries(store: Store) -> list[KeptEntry]:
    """Every patient of the lists kept, newest list first, then in appointment order."""
    found = {i.list_id: i for i in lists(store)}
    e = patient_list_entries
    with store._reading("cannot read the patient lists") as conn:
        rows = conn.execute(select(e).order_by(e.c.id)).mappings().all()
    kept = []
    for r in rows:
        info = found.get(r["list_id"])
        if info is None:
            continue
        kept.append(KeptEntry(Entry(
            family_name=r["family_name"], given_name=r["given_name"], title=r["title"],
            date_of_birth=_date(r["date_of_birth"]), nhs_number=r["nhs_number"],
            sex=Sex(r["sex"]) if r["sex"] in Sex._value2member_map_ else None,
            appointment=r["appointment"], line=r["line"]), info))
    order = {list_id: n for n, list_id in enumerate(found)}
    kept.sort(key=lambda k: (order[k.list.list_id], k.entry.appointment or "99:99",
                             k.entry.family_name.lower(), k.entry.given_name.lower()))
    return kept


def entry_count(store: Store) -> int:
    with store._reading("cannot read the patient lists") as conn:
        return conn.execute(select(func.count()).select_from(patient_list_entries)).scalar() or 0


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _info(row: object) -> ListInfo:
    r = row  # a mapping
    return ListInfo(list_id=r["list_id"], imported_at=from_text(r["imported_at"]),  # type: ignore[index]
                    user=r["user_name"], workstation=r["workstation"],  # type: ignore[index]
                    format=r["format"], system=r["system"],  # type: ignore[index]
                    entry_count=r["entry_count"])  # type: ignore[index]
