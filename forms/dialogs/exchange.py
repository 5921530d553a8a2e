"""File > Export FHIR: the consultation as a FHIR R4 (UK Core) document Bundle.

A finalised note exports its stored record and PDF, byte for byte (read from the store
in a worker thread); an open consultation exports the record with its note PDF rendered
now, and only when the record is complete (else the GP is told what is missing, as for
the PDF note). The file is written atomically, owner-only, and then recorded in the
audit trail (fhir_exported: the file's base name and the SHA-256 of the bytes written),
in a worker thread, through `audit` (the store's mark_output for this note). No store
open: the file is still written and the status line says it is not in the audit trail;
a failed audit write keeps the file and says, in one line, that it was not recorded.

`record_output` is that recording step for every output of patient data from a window
(the advice sheet's too): call it in a worker thread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from consult import atomic
from consult.record.model import Record
from forms import dialogs
from forms.background import Background
from forms.busy import busy_cursor

# audit(action, **detail): the store's mark_output for the note shown (None: no store open)
Audit = Callable[..., None]
NO_STORE = "not in the audit trail: no note store is open"


def output_audit(store: Any, who: Any, finalised: Any, note_id: str) -> Audit | None:
    """What the main window hands its outputs: the store's mark_output for the finalised
    note shown (its id and version), else for the consultation being written (its note
    id, no version); None when no store is open or nobody is working."""
    if store is None or who is None:
        return None
    note, version = (finalised.note_id, finalised.version) if finalised else (note_id, None)
    return lambda action, **detail: store.mark_output(note, version, who, action, **detail)


def record_output(audit: Audit | None, action: str, **detail: str) -> str:
    """Record an output that has happened; "" when recorded, else one line saying it is
    not in the audit trail and why. Runs in a worker thread: it calls the store."""
    if audit is None:
        return NO_STORE
    try:
        audit(action, **detail)
    except Exception as exc:  # the output happened: say what was not recorded, never raise
        return f"not recorded in the audit trail: {exc}"
    return ""


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
                finalised: Any = None, store: Any = None, audit: Audit | None = None) -> str:
    """Ask where, write it, record it; one line saying what happened (for the status
    bar). A failed audit write is also a message box, as for the exported note."""
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
    data = text.encode("utf-8")
    try:
        atomic.write_bytes(path, data)
    except OSError as exc:
        dialogs.show_error(parent, "Cannot export FHIR",
                           f"{path}: {exc.strerror or exc}. Nothing was written.")
        return "FHIR not exported"
    done = f"Exported FHIR bundle {path}"
    if audit is None:
        return f"{done}; {NO_STORE}"
    name, digest = Path(path).name, hashlib.sha256(data).hexdigest()
    worker = Background(None, "consult-export")
    try:
        with busy_cursor():
            missing = worker.call(lambda: record_output(audit, "fhir_exported", file=name,
                                                        sha256=digest))
    finally:
        worker.shutdown()
    if missing:
        dialogs.show_error(parent, "The export was not recorded", f"{name} was written, but "
                           f"{missing}.")
        return f"{done}; {missing}"
    return done
