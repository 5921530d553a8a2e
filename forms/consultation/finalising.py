"""The consultation window's finalised notes: Finalise and lock (a stored version), the
locked state, Amend with a reason (the next version, a conflicting amendment kept as
the draft), Export and Print of the final note (the stored PDF, recorded in the audit
trail), and the staff's list of finalised notes.

    class MainWindow(Drafting, Finalising, QMainWindow)
                                  the window calls _init_finalising() in __init__
    bring_to_front(window)        show a top-level window above the others

The host window provides, beside what Drafting provides (`store`, `who`,
`store_problem`, `_worker`, `_draft_written`, `_flush_draft`, `_save_draft_now`):
`settings`, `record`, `problems`, `dirty`, `path`, `note_id`, `draft_id`, the form,
panel and `to_finish` list, `reason`, `note_bar`, `draft_status`, the actions, and
`_show_consultation`, `_may_discard`, `_refresh`, `_update_title`, `_export`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from consult import atomic
from consult.note import IncompleteRecord
from consult.note.versioning import show_datetime
from consult.record.file import RecordFileError
from consult.store import AmendConflict, NoteInfo, StoreError
from consult.words import plural
from forms import dialogs, printing
from forms.banner import banner_text
from forms.dialogs import settings as app_settings


class Finalising:
    """Finalise, the locked state, Amend, the final note's outputs and the notes list
    (a mixin of MainWindow)."""

    def _init_finalising(self) -> None:
        self.finalised: NoteInfo | None = None  # the finalised version shown, locked
        self.amending: NoteInfo | None = None  # the version being amended
        self._amend_reason = ""
        self.notes_window: QWidget | None = None

    # -- the locked state -----------------------------------------------------------------
    @property
    def locked(self) -> bool:
        """A finalised note is shown: nothing in it can change until Amend."""
        return self.finalised is not None

    def _finalised_text(self, info: NoteInfo) -> str:
        text = (f"Finalised: note {info.short_id}, version {info.version}, "
                f"{show_datetime(info.finalised_at)} by {info.author}.")
        if info.superseded:
            return (f"{text} Superseded by version {info.latest_version}: this version is "
                    "locked and cannot be amended.")
        return f"{text} Locked: use Amend to change it."

    @staticmethod
    def _amending_text(info: NoteInfo) -> str:
        return (f"Amending note {info.short_id} version {info.version}: finalise to store "
                f"version {info.version + 1}.")

    def _apply_lock(self) -> None:
        """The form, the plan and the actions as the note's state allows; the note bar."""
        locked = self.locked
        self.form.setEnabled(not locked)
        self.panel.set_locked(locked)
        for action in (self.act_remaining, self.act_accept, self.act_confirm, self.act_finalise):
            action.setEnabled(not locked)
        amendable = locked and self.store is not None and self.finalised is not None \
            and not self.finalised.superseded
        self.act_amend.setEnabled(amendable)
        self.act_export.setText("&Export finalised PDF\u2026" if locked
                                else "&Finalise and export PDF\u2026")
        if self.finalised is not None:
            self.note_bar.show_message("locked", self._finalised_text(self.finalised))
        elif self.amending is not None and self.note_bar.kind() != "warning":
            self.note_bar.show_message("amending", self._amending_text(self.amending))

    def _point_at_to_finish(self) -> None:
        self.to_finish.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.to_finish.count():
            self.to_finish.setCurrentRow(0)

    # -- finalise and amend -------------------------------------------------------------------
    def finalise_note(self) -> NoteInfo | None:
        """Store the complete record as a locked note (or, amending, as the next version);
        the note stored, or None when nothing was stored."""
        if self.locked:
            dialogs.show_info(self, "Already finalised", self.note_bar.text())
            return None
        store, who = self.store, self.who
        if store is None or who is None:
            dialogs.show_error(self, "Cannot finalise the note",
                               f"The note store is not available: {self.store_problem}. "
                               "Nothing was stored. Save the record to a file (Ctrl+S) to keep it.")
            return None
        if self.problems:
            dialogs.show_info(self, "Not complete yet",
                              f"{self.reason.text()}\n\nThe To finish list (F7) shows what is "
                              "left. Nothing has been stored.")
            self._point_at_to_finish()
            return None
        name, born, age, number = banner_text(self.record)
        banner = "\n".join(x for x in (name, ", ".join(y for y in (born, age) if y), number) if x)
        base = self.amending
        if base is not None:
            reason = dialogs.ask_amend_reason(
                self, f"{banner}\n\nAmending note {base.short_id} version {base.version}. "
                f"Version {base.version + 1} will say on every page that it supersedes "
                f"version {base.version}, with this reason.", self._amend_reason)
            if not reason:
                return None
            self._amend_reason = reason
        elif not dialogs.confirm(
                self, "Finalise and lock note",
                f"Finalise the note for\n\n{banner}\n\nIt is stored as version 1 and locked; "
                "a later change is made as an amendment (a new version).", "Finalise and lock"):
            return None
        # no draft write may come after the note is stored (it would bring the draft back)
        self._flush_draft()
        self._worker.drain()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if base is not None:
                info = store.amend(self.note_id, base.version, self.record, self._amend_reason,
                                   who, draft_id=self.draft_id)
            else:
                info = store.finalise(self.record, who, note_id=self.note_id,
                                      draft_id=self.draft_id)
        except AmendConflict as exc:
            QGuiApplication.restoreOverrideCursor()
            self._save_draft_now()  # the GP's amendment, with its reason, stays as the draft
            self.note_bar.show_message("warning", f"{exc} Your changes are still in the form.")
            dialogs.show_error(self, "Someone else amended this note first", str(exc))
            return None
        except IncompleteRecord as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_info(self, "Not complete yet", str(exc))
            return None
        except StoreError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Cannot finalise the note",
                               f"{exc}. Nothing was stored; the draft is kept.")
            return None
        QGuiApplication.restoreOverrideCursor()
        self.finalised, self.amending, self._amend_reason = info, None, ""
        self.draft_id, self._draft_written = str(uuid.uuid4()), False
        self.dirty = False
        self.draft_status.setText(f"Finalised version {info.version}")
        self._apply_lock()
        self._refresh()
        self._update_title()
        self.statusBar().showMessage(f"Finalised note {info.short_id} version {info.version}",
                                     5000)
        return info

    def amend_note(self) -> None:
        """Unlock the finalised note shown; finalising then stores the next version."""
        info = self.finalised
        if info is None or self.store is None:
            return
        if info.superseded:
            dialogs.show_info(self, "Cannot amend this version", self._finalised_text(info))
            return
        self.finalised, self.amending, self._amend_reason = None, info, ""
        self.draft_id, self._draft_written = str(uuid.uuid4()), False
        self.draft_status.setText(f"Amending version {info.version}")
        self.note_bar.clear()
        self._apply_lock()
        self._refresh()
        self.form.first_field().focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def open_note_for_amendment(self, note_id: str, version: int) -> bool:
        """Show a stored version locked, ready for Amend (the staff's notes list calls this)."""
        store = self.store
        if store is None:
            dialogs.show_error(self, "Cannot open the note",
                               f"The note store is not available: {self.store_problem}.")
            return False
        if not self._may_discard():
            return False
        try:
            record = store.record(note_id, version)
            info = store.note(note_id, version)
        except (StoreError, RecordFileError) as exc:
            dialogs.show_error(self, "Cannot open the note", str(exc))
            return False
        self.path = None
        self._show_consultation(record, note_id=note_id, finalised=info)
        self._draft_written = False
        bring_to_front(self)
        return True

    # -- the final note: export, print, the staff's list ------------------------------------
    def export_pdf(self) -> None:
        """Export the final note. With the store, the note is finalised first (asking) and
        the stored PDF is what is written; without it, as before: a file only."""
        if self.locked:
            self._export_stored()
            return
        if self.problems:
            dialogs.show_info(self, "Not complete yet", self.reason.text())
            return
        if self.store is not None:
            if self.finalise_note() is not None:
                self._export_stored()
            return
        self._export(draft=False)

    def _export_stored(self) -> None:
        info, store, who = self.finalised, self.store, self.who
        if info is None:
            return
        if store is None or who is None:
            dialogs.show_error(self, "Cannot export the note", f"The note store is not "
                               f"available: {self.store_problem}. Nothing was written.")
            return
        name = app_settings.export_file_name(self.settings, self.record)
        name = name.removesuffix(".pdf") + f"_v{info.version}.pdf"
        path = dialogs.ask_save_path(self, f"Export note {info.short_id} version {info.version}",
                                     name, "PDF (*.pdf)")
        if not path:
            return
        try:
            data = store.pdf(info.note_id, info.version)
        except StoreError as exc:
            dialogs.show_error(self, "Cannot export the note", f"{exc}. Nothing was written.")
            return
        try:
            atomic.write_bytes(path, data)
        except OSError as exc:
            dialogs.show_error(self, "Cannot export the note",
                               f"{path}: {exc.strerror or exc}. Nothing was written.")
            return
        try:
            store.mark_exported(info.note_id, info.version, who, file_name=Path(path).name)
        except StoreError as exc:
            dialogs.show_error(self, "The export was not recorded",
                               f"{Path(path).name} was written, but the audit trail could not "
                               f"record it: {exc}.")
        self.statusBar().showMessage(f"Exported {Path(path).name}", 5000)

    def print_note(self) -> None:
        """Print the final note: with the store, the stored PDF of the finalised version
        (finalising first, asking) and the printing is recorded; without it, as before."""
        if not self.locked and self.problems:
            dialogs.show_info(self, "Not complete yet", self.reason.text())
            return
        if not self.locked and self.store is not None and self.finalise_note() is None:
            return
        info, store = self.finalised, self.store
        if info is not None and store is None:
            dialogs.show_error(self, "Cannot print the note", f"The note store is not "
                               f"available: {self.store_problem}.")
            return
        if info is not None and store is not None:
            try:
                pdf = store.pdf(info.note_id, info.version)
            except StoreError as exc:
                dialogs.show_error(self, "Cannot print the note", str(exc))
                return
        else:
            from consult.note import note_pdf

            pdf = note_pdf(self.record)
        printer = printing.ask_printer(self)
        if printer is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = printing.print_pdf(pdf, printer)
        except printing.PrintError as exc:
            QGuiApplication.restoreOverrideCursor()
            dialogs.show_error(self, "Cannot print the note", str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        if info is not None and store is not None and self.who is not None:
            try:
                store.mark_printed([info.key], self.who,
                                   printer=printer.printerName() or printer.outputFileName())
            except StoreError as exc:
                dialogs.show_error(self, "The printing was not recorded",
                                   f"The note was printed, but the audit trail could not "
                                   f"record it: {exc}.")
        self.statusBar().showMessage(f"Sent {plural(pages, 'page')} to the "
                                     "printer", 5000)

    def show_notes(self) -> None:
        """The staff's list of finalised notes (a window of its own)."""
        store, who = self.store, self.who
        if store is None or who is None:
            dialogs.show_info(self, "Finalised notes",
                              f"The note store is not available: {self.store_problem}.")
            return
        if self.notes_window is not None and not self.notes_window.isVisible():
            self.notes_window.deleteLater()  # closed earlier: a fresh list, polling again
            self.notes_window = None
        if self.notes_window is None:
            try:
                from forms.notes.notes_window import NotesWindow
            except ImportError as exc:
                dialogs.show_error(self, "Finalised notes", f"The notes list is not available: "
                                   f"{exc}.")
                return
            window = NotesWindow(store, who)
            window.amend_requested.connect(self.open_note_for_amendment)
            self.notes_window = window
        bring_to_front(self.notes_window)


def bring_to_front(window: QWidget) -> None:
    """Show a top-level window above the others (no-op where the platform has no
    window stacking, such as the offscreen platform of the tests, which warns)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
        window.activateWindow()
