"""A patient list exported as CSV by EMIS Web or SystmOne (an appointment list or a
search/report export): columns found by their headings, wherever the heading row is
(reports put a title and a run date above it), in UTF-8 (with or without a BOM),
UTF-16 (Excel's "Unicode text") or Windows-1252, separated by commas, semicolons,
tabs or bars.

Nothing read from a row ever goes into a message: a row that cannot be used is named
by its line number and what is wrong with it ("line 7: NHS number fails the NHS
number check").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from consult.patients import layouts
from consult.patients.model import ImportedList, PatientListError, add_entry, make_entry

HEADER_SEARCH_ROWS = 30  # a report's title lines before the headings
DELIMITERS = ",;\t|"
_TIME_TAIL = re.compile(r"(?:[ T]\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?)$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d-%B-%Y",
                 "%d %B %Y", "%d/%b/%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_FULL_NAME = re.compile(r"^\s*([^,]+?)\s*,\s*(.*?)\s*(?:\(([^()]*)\))?\s*$")
_TIME = re.compile(r"\b(\d{1,2}[:.]\d{2})\b")


def decode(data: bytes) -> str:
    """The text of a file the clinical system or Excel saved."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def parse_date(text: str) -> dt.date | None:
    """dd/mm/yyyy, dd-Mon-yyyy, yyyy-mm-dd and the like, with or without a time;
    None when it is none of them (a two-digit year is never guessed)."""
    text = _TIME_TAIL.sub("", text.strip()).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def split_full_name(text: str) -> tuple[str, str, str] | None:
    """'SMITH, John (Mr)' -> ('SMITH', 'John', 'Mr'); None when not so written."""
    found = _FULL_NAME.match(text)
    if not found:
        return None
    family, given, title = found.group(1), found.group(2), found.group(3) or ""
    return family.strip(), given.strip(), title.strip()


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise PatientListError(f"not a readable CSV file (line {reader.line_num}: "
                               f"{str(exc).split(':')[0]})") from None
    return rows


def _columns(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    table = layouts.load()
    for index, heading in enumerate(row):
        field = table.field_of(heading)
        if field is not None:
            found.setdefault(field, index)
    return found


def _lacking(columns: dict[str, int]) -> list[str]:
    missing = [f for f in layouts.REQUIRED if f not in columns]
    if not any(f in columns for f in layouts.NAME_FIELDS):
        missing.append("full_name")
    elif "full_name" not in columns and not ("family_name" in columns and "given_name" in columns):
        missing.append("family_name" if "family_name" not in columns else "given_name")
    return missing


def _wanted(field: str) -> str:
    spellings = layouts.load().fields[field]
    named = " or ".join(f"'{h}'" for h in spellings[:3])
    if field == "full_name":
        return f"the name ({named}; or a surname and a forename column)"
    return f"the {layouts.FIELD_WORDS[field]} ({named})"


def _sniffed(text: str) -> list[str]:
    try:
        first = csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = ","
    return [first] + [d for d in DELIMITERS if d != first]


def read(data: bytes) -> ImportedList:
    """The list in a CSV file; PatientListError (one line) when no heading row of a
    known layout is found, naming the columns it lacked."""
    text = decode(data)
    if not text.strip():
        raise PatientListError("the file is empty")
    best: dict[str, int] = {}
    for delimiter in _sniffed(text):
        rows = _rows(text, delimiter)
        for position, (_line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = _columns(row)
            if len(columns) > len(best):
                best = columns
            if not _lacking(columns):
                return _entries(row, columns, rows[position + 1:])
    missing = "; ".join(_wanted(f) for f in _lacking(best))
    raise PatientListError(f"unknown layout: no column for {missing}; "
                           "see README 'Patient lists'")


def _entries(headings: list[str], columns: dict[str, int],
             rows: list[tuple[int, list[str]]]) -> ImportedList:
    table = layouts.load()
    found = ImportedList("csv", table.system(headings) or "CSV patient list")

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        value = row[index].strip() if index is not None and index < len(row) else ""
        if value.startswith('="') and value.endswith('"'):  # Excel's ="0123": kept as text
            value = value[2:-1].strip()
        return value

    for line, row in rows:
        if not any(cell(row, f) for f in columns):
            continue  # a blank line, or a footer in columns we do not read
        try:
            found_name = _name(cell(row, "family_name"), cell(row, "given_name"),
                               cell(row, "title"), cell(row, "full_name"), columns)
            born_text = cell(row, "date_of_birth")
            born = parse_date(born_text) if born_text else None
            if born_text and born is None:
                raise ValueError("date of birth is not a date (dd/mm/yyyy, dd-Mon-yyyy or "
                                 "yyyy-mm-dd)")
            sex_text = cell(row, "sex")
            sex = table.sex.get(layouts.key(sex_text)) if sex_text else None
            if sex_text and sex is None:
                raise ValueError("sex is not one the list's known values (M, F, U, I...)")
            appointment = cell(row, "appointment")
            if appointment and (time := _TIME.search(appointment)):
                appointment = time.group(1).replace(".", ":")
            entry = make_entry(family_name=found_name[0], given_name=found_name[1],
                               title=found_name[2], date_of_birth=born,
                               nhs_number=cell(row, "nhs_number"), sex=sex,
                               appointment=appointment, line=line)
        except ValueError as exc:
            found.problems.append(f"line {line}: {exc}")
            continue
        add_entry(found, entry)
    if not found.entries and not found.problems:
        raise PatientListError("the list has its headings but no patients")
    return found


def _name(family: str, given: str, title: str, full: str,
          columns: dict[str, int]) -> tuple[str, str, str]:
    if "family_name" in columns and "given_name" in columns and (family or given):
        return family, given, title
    if full:
        split = split_full_name(full)
        if split is None:
            raise ValueError("name is not written 'SURNAME, Forename'")
        return split[0], split[1], title or split[2]
    raise ValueError("no name")
