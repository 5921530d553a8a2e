"""A patient list as imported: its entries, what could not be read, and finding a
patient in it by a few letters of the name or digits of the NHS number.

An entry is checked with the record's own rules (consult.record.model.Patient: the
NHS number's Modulus 11 check, a plausible date of birth, the name's length), so a
patient chosen from a list always fits the record it fills.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from pydantic import ValidationError

from consult.record.answers import Sex
from consult.record.dates import age_on, show_date
from consult.record.model import Patient
from consult.record.nhs import display
from consult.words import name_line

RETENTION_DEFAULT_DAYS = 1
"""Imported lists are removed once this many days old (the practice may set 1 to 30):
a list is the day's appointments, needed for that day's consultations; a day (24 hours
from the import) covers a late session and the next morning's call-backs, and every
further day keeps a copy of identifiers the clinical system already holds."""
RETENTION_MAX_DAYS = 30

FORMATS = ("csv", "fhir")

FILLED_PATHS = ("patient.family_name", "patient.given_name", "patient.date_of_birth",
                "patient.sex", "patient.nhs_number")
"""The record's fields a list entry fills; record.patient.source is non-empty when they
came from a list (the form may leave them out of the Tab chain)."""


class PatientListError(Exception):
    """The file cannot be read as a patient list (message: one line, no patient data)."""


@dataclass(frozen=True)
class Entry:
    """One patient of an imported list."""

    family_name: str
    given_name: str
    date_of_birth: dt.date
    nhs_number: str  # 10 digits, checked
    sex: Sex | None = None
    title: str = ""
    appointment: str = ""  # as the list gave it (a time, or a date and time)
    line: int = 0  # where it was in the file: a CSV line, or a FHIR Bundle entry (1-based)

    @property
    def name(self) -> str:
        return name_line(self.family_name, self.given_name)

    def shown(self, on: dt.date | None = None) -> str:
        """'SMITH, John (Mr) · born 05-Apr-1980 (46) · male · NHS 943 476 5919'."""
        age = f" ({age_on(self.date_of_birth, on)})" if on and self.date_of_birth <= on else ""
        parts = [self.name + (f" ({self.title})" if self.title else ""),
                 f"born {show_date(self.date_of_birth)}{age}",
                 str(self.sex.value).replace("_", " ") if self.sex else "sex not given",
                 f"NHS {display(self.nhs_number)}"]
        if self.appointment:
            parts.insert(0, self.appointment)
        return " \u00b7 ".join(parts)

    def search_text(self) -> tuple[list[str], str]:
        """(the name's words in lower case, the NHS number's digits)."""
        words = re.split(r"[\s,'\-]+", f"{self.family_name} {self.given_name}".lower())
        return [w for w in words if w], self.nhs_number


@dataclass
class ImportedList:
    """What a file gave: its entries, and one line per row that could not be used."""

    format: str  # "csv" or "fhir"
    system: str  # "EMIS Web", "SystmOne", "CSV patient list", "FHIR patient list"
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 7: ...", never a value
    _by_nhs_number: dict[str, Entry] = field(default_factory=dict, repr=False, compare=False)


def make_entry(*, family_name: str, given_name: str, date_of_birth: dt.date | None,
               nhs_number: str, sex: Sex | None, title: str = "", appointment: str = "",
               line: int = 0) -> Entry:
    """An entry checked as the record checks a patient; ValueError says what is wrong,
    naming the field and never its value."""
    if not nhs_number.strip():
        raise ValueError("no NHS number")
    if date_of_birth is None:
        raise ValueError("no date of birth")
    if not (family_name.strip() or given_name.strip()):
        raise ValueError("no name")
    try:
        patient = Patient(family_name=family_name.strip(), given_name=given_name.strip(),
                          date_of_birth=date_of_birth, nhs_number=nhs_number, sex=sex)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise ValueError(_REFUSED.get(field, "the patient's details are not valid")) from None
    if patient.date_of_birth and patient.date_of_birth > dt.date.today():
        raise ValueError("date of birth is in the future")
    return Entry(family_name=patient.family_name, given_name=patient.given_name,
                 date_of_birth=patient.date_of_birth, nhs_number=patient.nhs_number or "",
                 sex=sex, title=title.strip()[:40], appointment=appointment.strip()[:40], line=line)


_REFUSED = {  # why the record would refuse a field; never its value
    "nhs_number": "NHS number fails the NHS number check (10 digits, Modulus 11)",
    "date_of_birth": "date of birth is not between 1900 and 2100",
    "family_name": "surname longer than 200 characters",
    "given_name": "forename longer than 200 characters",
}


def add_entry(found: ImportedList, entry: Entry) -> None:
    """Add an entry once: the same patient twice (two appointments) is kept once; the
    same NHS number with other details is refused, as both may be wrong (and so is any
    later row with that number)."""
    seen = found._by_nhs_number
    other = seen.get(entry.nhs_number)
    if other is None:
        seen[entry.nhs_number] = entry
        found.entries.append(entry)
        return
    if other.line < 0:  # already refused
        found.problems.append(f"{_where(found, entry.line)}: the same NHS number as "
                              f"{_where(found, -other.line)}, refused; not imported")
        return
    if (other.family_name.lower(), other.given_name.lower(), other.date_of_birth) == \
            (entry.family_name.lower(), entry.given_name.lower(), entry.date_of_birth):
        return
    found.problems.append(
        f"{_where(found, entry.line)}: the same NHS number as {_where(found, other.line)} with "
        "another name or date of birth; neither was imported: check both in the clinical system")
    found.entries.remove(other)
    seen[entry.nhs_number] = replace(other, line=-other.line)


def _where(found: ImportedList, line: int) -> str:
    return f"{'line' if found.format == 'csv' else 'entry'} {line}"


def digits_of(query: str) -> str:
    return re.sub(r"[\s\-]", "", query)


def matches(entry: Entry, query: str) -> bool:
    """Does `query` find `entry`? Digits (spaces and dashes ignored) are looked for in
    the NHS number; otherwise each word typed must begin a word of the name."""
    query = query.strip().lower()
    if not query:
        return True
    words, nhs_digits = entry.search_text()
    compact = digits_of(query)
    if compact.isdigit():
        return compact in nhs_digits
    return all(any(w.startswith(q) for w in words) for q in re.split(r"[\s,]+", query) if q)


def find(entries: list[Entry], query: str) -> list[Entry]:
    return [e for e in entries if matches(e, query)]


def source_text(system: str, imported_on: dt.date) -> str:
    """record.patient.source for identifiers chosen from a list:
    'EMIS Web list imported 2026-12-07'."""
    label = system if system.endswith("list") else f"{system} list"
    return f"{label} imported {imported_on.isoformat()}"


def retention_problem(days: int) -> str | None:
    if not 1 <= days <= RETENTION_MAX_DAYS:
        return f"keep imported lists for 1 to {RETENTION_MAX_DAYS} days (not {days})"
    return None
