"""The consultation window's finalised notes: Finalise and lock (a stored version), the
locked state, Amend with a reason (the next version, a conflicting amendment kept as
the draft), Export and Print of the final note (the stored PDF, recorded in the audit
trail), and the staff's list of finalised notes.

    Finaliser(window, drafts, parent)
                                  the controller the main window owns; `window` is what
                                  it needs of the window (FinalisingWindow), `drafts`
                                  the store and drafts controller, `parent` the widget
                                  its dialogs belong to
    bring_to_front(window)        show a top-level window above the others

Every store call goes through the drafts controller's Background thread, after any
draft write already queued; the window waits for the result where the next step needs
it (finalise, then export or print), repainting, with the wait cursor.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QListWidget, QStatusBar, QWidget

from consult import atomic
from consult.record.file import RecordFileError
from consult.store.model import NoteInfo
from consult.words import plural
from forms import dialogs
from forms.background import Op
from forms.banner import banner_text
from forms.bars import MessageBar
from forms.busy import busy_cursor
from forms.dialogs import settings as app_settings

if TYPE_CHECKING:
    from consult.record.model import Record
    from consult.rules.completeness import Problem
    from forms.consultation.store_and_drafts import StoreAndDrafts


class FinalisingWindow(Protocol):
    """What the finalising controller needs of the consultation window."""

    settings: app_settings.AppSettings
    note_id: str
    draft_id: str
    dirty: bool
    path: Path | None
    problems: list[Problem]
    note_bar: MessageBar
    draft_status: QLabel
    reason: QLabel
    to_finish: QListWidget

    @property
    def record(self) -> Record: ...
    def statusBar(self) -> QStatusBar: ...
    def set_locked(self, locked: bool, amendable: bool) -> None:
        """The form, the plan and the actions as the note's state allows."""
    def refresh(self) -> None: ...
    def update_title(self) -> None: ...
    def focus_first_field(self) -> None: ...
    def may_discard(self) -> bool: ...
    def show_consultation(self, record: Record, *, note_id: str | None = None,
                          finalised: NoteInfo | None = None) -> None: ...
    def export_path(self, caption: str, name: str, ask: bool) -> str | None: ...
    def export_file(self, draft: bool, ask: bool = True) -> None:
        """Export the note to a file without the store (as before the store existed)."""


class Finaliser(QObject):
    """Finalise, the locked state, Amend, the final note's outputs and the notes list."""

    def __init__(self, window: FinalisingWindow, drafts: StoreAndDrafts, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = window
        self.drafts = drafts
        self.parent_widget = parent
        self.finalised: NoteInfo | None = None  # the finalised version shown, locked
        self.amending: NoteInfo | None = None  # the version being amended
        self.amend_reason = ""
        self.notes_window: QWidget | None = None

    def _call(self, job: Any, errors: tuple[type[BaseException], ...] | None = None) -> Op:
        """One store call in the background thread (after any draft write queued before
        it), waited for with the wait cursor, the window repainting; the op's future holds
        the result or the error (one of `errors`; any other reaches the crash handler)."""
        with busy_cursor():
            return self.drafts.background.run(job, failure=lambda _exc: None,
                                              errors=errors).wait()

    # -- the locked state -----------------------------------------------------------------
    @property
    def locked(self) -> bool:
        """A finalised note is shown: nothing in it can change until Amend."""
        return self.finalised is not None

    def finalised_text(self, info: NoteInfo) -> str:
        from consult.note.versioning import show_datetime  # consult.note loads after the paint

        text = (f"Finalised: note {info.short_id}, version {info.version}, "
                f"{show_datetime(info.finalised_at)} by {info.author}.")
        if info.superseded:
            return (f"{text} Superseded by version {info.latest_version}: this version is "
                    "locked and cannot be amended.")
        return f"{text} Locked: use Amend to change it."

    @staticmethod
    def amending_text(info: NoteInfo) -> str:
        return (f"Amending note {info.short_id} version {info.version}: finalise to store "
                f"version {info.version + 1}.")

    def apply_lock(self) -> None:
        """The form, the plan and the actions as the note's state allows; the note bar."""
        locked = self.locked
        amendable = locked and self.drafts.store is not None and self.finalised is not None \
            and not self.finalised.superseded
        self.window.set_locked(locked, amendable)
        if self.finalised is not None:
            self.window.note_bar.show_message("locked", self.finalised_text(self.finalised))
        elif self.amending is not None and self.window.note_bar.kind() != "warning":
            self.window.note_bar.show_message("amending", self.amending_text(self.amending))

    def _point_at_to_finish(self) -> None:
        to_finish = self.window.to_finish
        to_finish.setFocus(Qt.FocusReason.OtherFocusReason)
        if to_finish.count():
            to_finish.setCurrentRow(0)

    # -- finalise and amend -------------------------------------------------------------------
    def finalise(self) -> NoteInfo | None:
        """Store the complete record as a locked note (or, amending, as the next version);
        the note stored, or None when nothing was stored."""
        w, parent = self.window, self.parent_widget
        if self.locked:
            dialogs.show_info(parent, "Already finalised", w.note_bar.text())
            return None
        store, who = self.drafts.store, self.drafts.who
        if store is None or who is None:
            dialogs.show_error(parent, "Cannot finalise the note",
                               f"The note store is not available: {self.drafts.store_problem}. "
                               "Nothing was stored. Save the record to a file (Ctrl+S) to keep it.")
            return None
        if w.problems:
            dialogs.show_info(parent, "Not complete yet",
                              f"{w.reason.text()}\n\nThe To finish list (F7) shows what is "
                              "left. Nothing has been stored.")
            self._point_at_to_finish()
            return None
        name, born, age, number = banner_text(w.record)
        banner = "\n".join(x for x in (name, ", ".join(y for y in (born, age) if y), number) if x)
        base = self.amending
        if base is not None:
            reason = dialogs.ask_amend_reason(
                parent, f"{banner}\n\nAmending note {base.short_id} version {base.version}. "
                f"Version {base.version + 1} will say on every page that it supersedes "
                f"version {base.version}, with this reason.", self.amend_reason)
            if not reason:
                return None
            self.amend_reason = reason
        elif not dialogs.confirm(
                parent, "Finalise and lock note",
                f"Finalise the note for\n\n{banner}\n\nIt is stored as version 1 and locked; "
                "a later change is made as an amendment (a new version).", "Finalise and lock"):
            return None
        # no draft write may come after the note is stored (it would bring the draft back):
        # the one background thread runs this after any draft write queued before it
        self.drafts.flush()
        record, note_id, draft_id, amend_reason = w.record, w.note_id, w.draft_id, self.amend_reason
        if base is not None:
            def job() -> NoteInfo:
                return store.amend(note_id, base.version, record, amend_reason, who,
                                   draft_id=draft_id)
        else:
            def job() -> NoteInfo:
                return store.finalise(record, who, note_id=note_id, draft_id=draft_id)
        from consult.note import IncompleteRecord
        from consult.store import AmendConflict, StoreError  # the store is open: loaded

        op = self._call(job, errors=(StoreError, IncompleteRecord))
        exc = op.future.exception()
        if isinstance(exc, AmendConflict):
            self.drafts.save_now()  # the GP's amendment, with its reason, stays as the draft
            w.note_bar.show_message("warning", f"{exc} Your changes are still in the form.")
            dialogs.show_error(parent, "Someone else amended this note first", str(exc))
            return None
        if isinstance(exc, IncompleteRecord):
            dialogs.show_info(parent, "Not complete yet", str(exc))
            return None
        if exc is not None:
            dialogs.show_error(parent, "Cannot finalise the note",
                               f"{exc}. Nothing was stored; the draft is kept.")
            return None
        info = op.result()
        self.finalised, self.amending, self.amend_reason = info, None, ""
        w.draft_id, self.drafts.draft_written = str(uuid.uuid4()), False
        w.dirty = False
        w.draft_status.setText(f"Finalised version {info.version}")
        self.apply_lock()
        w.refresh()
        w.update_title()
        w.statusBar().showMessage(f"Finalised note {info.short_id} version {info.version}", 5000)
        return info

    def amend(self) -> None:
        """Unlock the finalised note shown; finalising then stores the next version."""
        info = self.finalised
        if info is None or self.drafts.store is None:
            return
        if info.superseded:
            dialogs.show_info(self.parent_widget, "Cannot amend this version",
                              self.finalised_text(info))
            return
        self.finalised, self.amending, self.amend_reason = None, info, ""
        self.window.draft_id, self.drafts.draft_written = str(uuid.uuid4()), False
        self.window.draft_status.setText(f"Amending version {info.version}")
        self.window.note_bar.clear()
        self.apply_lock()
        self.window.refresh()
        self.window.focus_first_field()

    def open_for_amendment(self, note_id: str, version: int) -> bool:
        """Show a stored version locked, ready for Amend (the staff's notes list calls this)."""
        store, parent = self.drafts.store, self.parent_widget
        if store is None:
            dialogs.show_error(parent, "Cannot open the note",
                               f"The note store is not available: {self.drafts.store_problem}.")
            return False
        if not self.window.may_discard():
            return False
        from consult.store import StoreError  # the store is open: loaded

        op = self._call(lambda: (store.record(note_id, version), store.note(note_id, version)),
                        errors=(StoreError, RecordFileError))
        if op.future.exception() is not None:
            dialogs.show_error(parent, "Cannot open the note", str(op.future.exception()))
            return False
        record, info = op.result()
        self.window.path = None
        self.window.show_consultation(record, note_id=note_id, finalised=info)
        self.drafts.draft_written = False
        bring_to_front(self.parent_widget)
        return True

    # -- the final note: export, print, the staff's list ------------------------------------
    def export_pdf(self, ask: bool = False) -> None:
        """Export the final note. With the store, the note is finalised first (asking) and
        the stored PDF is what is written; without it, as before: a file only. It goes to
        the export folder set in Settings without a dialog, unless `ask` (Export as)."""
        if self.locked:
            self._export_stored(ask)
            return
        if self.window.problems:
            dialogs.show_info(self.parent_widget, "Not complete yet", self.window.reason.text())
            return
        if self.drafts.store is not None:
            if self.finalise() is not None:
                self._export_stored(ask)
            return
        self.window.export_file(draft=False, ask=ask)

    def _export_stored(self, ask: bool = False) -> None:
        info, store, who = self.finalised, self.drafts.store, self.drafts.who
        parent = self.parent_widget
        if info is None:
            return
        if store is None or who is None:
            dialogs.show_error(parent, "Cannot export the note", f"The note store is not "
                               f"available: {self.drafts.store_problem}. Nothing was written.")
            return
        name = app_settings.export_file_name(self.window.settings, self.window.record)
        name = name.removesuffix(".pdf") + f"_v{info.version}.pdf"
        path = self.window.export_path(f"Export note {info.short_id} version {info.version}",
                                       name, ask)
        if not path:
            return
        op = self._call(lambda: store.pdf(info.note_id, info.version))
        if op.future.exception() is not None:
            dialogs.show_error(parent, "Cannot export the note",
                               f"{op.future.exception()}. Nothing was written.")
            return
        try:
            atomic.write_bytes(path, op.result())
        except OSError as exc:
            dialogs.show_error(parent, "Cannot export the note",
                               f"{path}: {exc.strerror or exc}. Nothing was written.")
            return
        file_name = Path(path).name
        op = self._call(lambda: store.mark_exported(info.note_id, info.version, who,
                                                    file_name=file_name))
        if op.future.exception() is not None:
            dialogs.show_error(parent, "The export was not recorded",
                               f"{file_name} was written, but the audit trail could not "
                               f"record it: {op.future.exception()}.")
        self.window.statusBar().showMessage(f"Exported {path}", 10000)

    def print_note(self) -> None:
        """Print the final note: with the store, the stored PDF of the finalised version
        (finalising first, asking) and the printing is recorded; without it, as before."""
        w, parent = self.window, self.parent_widget
        if not self.locked and w.problems:
            dialogs.show_info(parent, "Not complete yet", w.reason.text())
            return
        if not self.locked and self.drafts.store is not None and self.finalise() is None:
            return
        info, store = self.finalised, self.drafts.store
        if info is not None and store is None:
            dialogs.show_error(parent, "Cannot print the note", f"The note store is not "
                               f"available: {self.drafts.store_problem}.")
            return
        if info is not None and store is not None:
            op = self._call(lambda: store.pdf(info.note_id, info.version))
            if op.future.exception() is not None:
                dialogs.show_error(parent, "Cannot print the note", str(op.future.exception()))
                return
            pdf = op.result()
        else:
            from consult.note import note_pdf

            pdf = note_pdf(w.record)
        from forms import printing  # with the first print, not before the first paint

        printer = printing.ask_printer(parent)
        if printer is None:
            return
        try:
            with busy_cursor():
                pages = printing.print_pdf(pdf, printer)
        except printing.PrintError as exc:
            dialogs.show_error(parent, "Cannot print the note", str(exc))
            return
        who = self.drafts.who
        if info is not None and store is not None and who is not None:
            where = printing.printer_name(printer)
            op = self._call(lambda: store.mark_printed([info.key], who, printer=where))
            if op.future.exception() is not None:
                dialogs.show_error(parent, "The printing was not recorded",
                                   f"The note was printed, but the audit trail could not "
                                   f"record it: {op.future.exception()}.")
        w.statusBar().showMessage(f"Sent {plural(pages, 'page')} to the printer", 5000)

    def show_notes(self) -> None:
        """The staff's list of finalised notes (a window of its own)."""
        store, who = self.drafts.store, self.drafts.who
        if store is None or who is None:
            dialogs.show_info(self.parent_widget, "Finalised notes",
                              f"The note store is not available: {self.drafts.store_problem}.")
            return
        if self.notes_window is not None and not self.notes_window.isVisible():
            self.notes_window.deleteLater()  # closed earlier: a fresh list, polling again
            self.notes_window = None
        if self.notes_window is None:
            try:
                from forms.notes.notes_window import NotesWindow
            except ImportError as exc:
                dialogs.show_error(self.parent_widget, "Finalised notes",
                                   f"The notes list is not available: {exc}.")
                return
            window = NotesWindow(store, who)
            window.amend_requested.connect(self.open_for_amendment)
            self.notes_window = window
        bring_to_front(self.notes_window)

    def close_notes_window(self) -> None:
        if self.notes_window is not None:
            self.notes_window.close()
            self.notes_window = None


def bring_to_front(window: QWidget) -> None:
    """Show a top-level window above the others (no-op where the platform has no
    window stacking, such as the offscreen platform of the tests, which warns)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
        window.activateWindow()
