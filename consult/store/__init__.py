"""Storage: drafts, finalised notes, amendments and the audit trail (SQLAlchemy 2;
SQLite by default, PostgreSQL for a practice with several workstations)."""

from consult.store.audit import Report
from consult.store.location import ENV, StoreLocationError, default_url
from consult.store.model import DraftInfo, NoteFilter, NoteInfo, Patient, Who
from consult.store.store import (
    AlreadyFinalised,
    AmendConflict,
    NoteAltered,
    NotesFound,
    Store,
    StoreError,
    default_file_stem,
)

__all__ = ["ENV", "AlreadyFinalised", "AmendConflict", "DraftInfo", "NoteAltered", "NoteFilter",
           "NoteInfo", "NotesFound", "Patient", "Report", "Store", "StoreError", "StoreLocationError",
           "Who", "default_file_stem", "default_url"]
