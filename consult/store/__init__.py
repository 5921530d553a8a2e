"""Storage: drafts, finalised notes, amendments and the audit trail (SQLAlchemy 2;
SQLite by default, PostgreSQL for a practice with several workstations).

The names below load on first use (PEP 562): `from consult.store import DraftInfo`
loads only the plain dataclasses of consult.store.model, not SQLAlchemy and Alembic
(about 600 ms), so the consultation window can paint before the store is needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_HOMES = {
    "audit": ("Report",),
    "location": ("ENV", "StoreLocationError", "default_url"),
    "model": ("DraftInfo", "NoteFilter", "NoteInfo", "Patient", "Who"),
    "store": ("AlreadyFinalised", "AmendConflict", "NoteAltered", "NotesFound", "Store",
              "StoreError", "default_file_stem"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = ["ENV", "AlreadyFinalised", "AmendConflict", "DraftInfo", "NoteAltered", "NoteFilter",
           "NoteInfo", "NotesFound", "Patient", "Report", "Store", "StoreError", "StoreLocationError",
           "Who", "default_file_stem", "default_url"]


def __getattr__(name: str) -> object:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'consult.store' has no attribute {name!r}")
    value = getattr(import_module(f"consult.store.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])
