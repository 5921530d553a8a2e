"""Shared by the store tests: complete records for different patients, a fixed clock,
and a store on SQLite or a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from consult.nhs import check_digit
from consult.record import Record
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
        return f"sqlite:///{tmp_path / 'store' / 'consult.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str):
    opened = Store.open(store_url, clock=Clock())
    yield opened
    opened.close()
