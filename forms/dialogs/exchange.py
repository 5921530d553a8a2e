"""File > Export FHIR: the consultation as a FHIR R4 (UK Core) document Bundle.

A finalised note exports its stored record and PDF, byte for byte (read from the store
in a worker thread); an open consultation exports the record with its note PDF rendered
now, and only when the record is complete (else the GP is told what is missing, as for
the PDF note). The file is written atomically, owner-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from consult import atomic
from consult.record.model import Record
from forms import dialogs
from forms.background import Background
from forms.busy import busy_cursor


def ask_path(parent: QWidget | None, default_name: str) -> str | None:
    return dialogs.ask_save_path(parent, "Export FHIR bundle", default_name,
                                 "FHIR JSON (*.json)")


def bundle_text(record: Record, *, finalised: Any = None, store: Any = None) -> str:
    """The bundle's JSON: the stored note's, or the open record's (IncompleteRecord when
    the record is not complete)."""
    from consult.exchange.fhir import bundle, stored_note_bundle

    if finalised is not None and store is not None:
        worker = Background(None, "consult-export")
        try:
            made = worker.call(lambda: stored_note_bundle(store, finalised.note_id,
                                                          finalised.version))
        finally:
            worker.shutdown()
        return made.model_dump_json(exclude_none=True, indent=2)
    from consult.note import prepare
    from consult.note.pdf import render_pdf

    note = prepare(record)
    return bundle(record, render_pdf(note)).model_dump_json(exclude_none=True, indent=2)


def export_fhir(parent: QWidget | None, record: Record, *, default_name: str,
                finalised: Any = None, store: Any = None) -> str:
    """Ask where, write it; one line saying what happened (for the status bar)."""
    from consult.note import IncompleteRecord

    path = ask_path(parent, default_name)
    if not path:
        return ""
    try:
        with busy_cursor():
            text = bundle_text(record, finalised=finalised, store=store)
    except IncompleteRecord as exc:
        dialogs.show_error(parent, "Cannot export FHIR",
                           f"{exc}. Finish the record first (see To finish).")
        return "FHIR not exported: the record is not complete"
    except Exception as exc:  # a store error: one line, nothing written
        from forms.background import store_errors

        if not isinstance(exc, store_errors()):
            raise
        dialogs.show_error(parent, "Cannot export FHIR", f"{exc}. Nothing was written.")
        return "FHIR not exported"
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        dialogs.show_error(parent, "Cannot export FHIR",
                           f"{path}: {exc.strerror or exc}. Nothing was written.")
        return "FHIR not exported"
    return f"Exported FHIR bundle {path}"
