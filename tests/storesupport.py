"""Shared by the store tests: complete records for different patients, a fixed clock,
and a store on SQLite or a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from consult.record.model import Record
from consult.record.nhs import check_digit
from consult.store import Store, Who
from tests.support import accept_suggestions, negative_record

GP = Who("Dr Asha Patel", "surgery-1")
STAFF = Who("Jo Reception", "front-desk")


def nhs_numbers(start: int = 900_000_000) -> itertools.chain[str]:
    """Valid NHS numbers (Modulus 11), in order."""
    def valid():
        for prefix in itertools.count(start):
            digit = check_digit(f"{prefix:09d}")
            if digit is not None and len(set(f"{prefix:09d}{digit}")) > 1:
                yield f"{prefix:09d}{digit}"
    return itertools.chain(valid())


def patient_record(given: str, family: str, nhs: str, *, day: dt.date | None = None) -> Record:
    r = negative_record()
    r.patient.given_name, r.patient.family_name, r.patient.nhs_number = given, family, nhs
    if day:
        r.consultation.date = day
    return accept_suggestions(r)


class Clock:
    """A clock the test moves: each reading is one minute after the last."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        (tmp_path / "store").mkdir()
        return f"sqlite:///{tmp_path / 'store' / 'consult.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str):
    opened = Store.open(store_url, clock=Clock())
    yield opened
    opened.close()


def amend_in_another_process(url: str, note_id: str, user: str, start, results) -> None:
    """Run in a separate process (a second workstation): open the store, save the
    amendment as a draft, wait for the other process, then store it."""
    from consult.store import AmendConflict

    store = Store.open(url)
    who = Who(user, f"pc-{user}")
    record = store.record(note_id, 1)
    record.history.notes = f"Amendment by {user}"
    draft = new_id()
    store.save_draft(draft, note_id, record, who, base_version=1, amend_reason="fix")
    start.wait()
    try:
        store.amend(note_id, 1, record, f"fix by {user}", who, draft_id=draft)
        results.put((user, "stored", ""))
    except AmendConflict as exc:
        results.put((user, "conflict", str(exc)))
    finally:
        store.close()
