"""The day's patient list imported from the practice's clinical system (CSV, FHIR Patient/Bundle).

    found = read_file(path)      ImportedList: entries, and one line per row not used
                                 (by line or entry number, never a value);
                                 PatientListError (one line) for a file that is no list
    find(entries, "smi")         the entries a few letters of the name or digits of
                                 the NHS number find

The lists are kept in the store (consult.store.patient_lists), never as files, and
removed after the practice's number of days (RETENTION_DEFAULT_DAYS unless set).
"""

from __future__ import annotations

from pathlib import Path

from consult.patients.model import (
    RETENTION_DEFAULT_DAYS,
    RETENTION_MAX_DAYS,
    Entry,
    ImportedList,
    PatientListError,
    find,
    matches,
    retention_problem,
    source_text,
)

MAX_BYTES = 20 * 1024 * 1024  # a day's list is a few kilobytes; a whole practice a few MB

__all__ = ["MAX_BYTES", "RETENTION_DEFAULT_DAYS", "RETENTION_MAX_DAYS", "Entry", "ImportedList",
           "PatientListError", "find", "matches", "read_bytes", "read_file", "retention_problem",
           "source_text"]


def read_bytes(data: bytes, name: str = "") -> ImportedList:
    """A list from a file's bytes: FHIR JSON when it looks like JSON (or is named
    .json), else CSV."""
    if len(data) > MAX_BYTES:
        raise PatientListError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: "
                               "not a day's patient list")
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.lower().endswith(".json") or head.startswith(b"{"):
        from consult.patients import fhirlist

        return fhirlist.read(data)
    from consult.patients import csvlist

    return csvlist.read(data)


def read_file(path: str | Path) -> ImportedList:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PatientListError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: "
                                   "not a day's patient list")
        data = path.read_bytes()
    except IsADirectoryError:
        raise PatientListError("a folder, not a file") from None
    except FileNotFoundError:
        raise PatientListError("no such file") from None
    except OSError as exc:
        raise PatientListError(f"cannot read it: {exc.strerror or exc}") from None
    return read_bytes(data, path.name)
