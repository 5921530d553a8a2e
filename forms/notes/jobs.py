"""Printing and exporting for the notes window: several notes at once, one clear message
when something goes wrong, and the audit trail told only what really happened.

    print_notes(parent, store, who, notes, background) -> status line ("" if nothing was printed)
    export_notes(parent, store, who, notes, folder, background) -> status line

Every store call runs in the notes window's Background thread (`background.call`).

Printing reads every note first (an altered note stops the job before the print
dialog opens), asks for the printer once, prints all the notes as one job, and only
then marks them printed, naming the printer (or the PDF file printed to).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from consult.store import NoteInfo, Store, StoreError, Who
from consult.words import plural
from forms import dialogs, printing
from forms.background import Background
from forms.busy import busy_cursor


def sentence(exc: BaseException) -> str:
    """The store's one-line message as a sentence: capital first, full stop last."""
    text = str(exc).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _progress(parent: QWidget, count: int) -> QProgressDialog:
    progress = QProgressDialog(f"Printing {plural(count, 'note')}\u2026", "Cancel", 0, count, parent)
    progress.setWindowTitle("Printing")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(800)   # shown only when the job takes a while
    progress.setAutoClose(False)
    return progress


def print_notes(parent: QWidget, store: Store, who: Who, notes: Sequence[NoteInfo],
                background: Background) -> str:
    count = plural(len(notes), "note")
    problem = ""
    with busy_cursor():
        try:
            pdfs = background.call(lambda: [store.pdf(info.note_id, info.version) for info in notes])
        except StoreError as exc:   # NoteAltered included: its message says what to do
            problem = f"{sentence(exc)}\n\nNothing was printed and nothing was marked printed." + (
                " Deselect that note to print the others." if len(notes) > 1 else "")
    if problem:
        dialogs.show_error(parent, "Cannot print", problem)
        return ""
    printer = printing.ask_printer(parent, title=f"Print {count}", page_range=False)
    if printer is None:
        return ""
    progress = _progress(parent, len(notes))

    def step(done: int, total: int) -> bool:
        progress.setLabelText(f"Prepared {done} of {total} notes\u2026")
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    pages = 0
    stopped: printing.PrintCancelled | None = None
    with busy_cursor():
        try:
            pages = printing.print_many(pdfs, printer, progress=step)
        except printing.PrintCancelled as exc:
            stopped = exc
        except printing.PrintError as exc:
            which = ""
            if exc.index is not None:
                info = notes[exc.index]
                which = f" ({info.patient.name}, note {info.short_id} version {info.version})"
            problem = (f"{exc}{which}\n\nNothing was marked printed: check what came out of the "
                       "printer before printing again.")
        finally:
            progress.close()
            progress.deleteLater()
    if problem:
        dialogs.show_error(parent, "Cannot print", problem)
        return ""
    where = printing.printer_name(printer)
    if stopped is not None:   # mark only the notes that went to the printer whole
        notes = [notes[i] for i in stopped.printed]
        count = plural(len(notes), "note")
    try:
        if notes:
            marked = list(notes)
            background.call(lambda: store.mark_printed([info.key for info in marked], who,
                                                        printer=where))
    except StoreError as exc:
        dialogs.show_error(parent, "Printed, but not recorded",
                           f"{count} went to the printer, but the database could not record it. "
                           f"{sentence(exc)} They still show as not printed.")
        return ""
    if stopped is not None:
        return f"{stopped} {count} marked printed." if notes else f"{stopped} Nothing was marked printed."
    return f"Printed {count} ({plural(pages, 'page')}) on {where}"


def export_notes(parent: QWidget, store: Store, who: Who, notes: Sequence[NoteInfo],
                 folder: str, background: Background) -> str:
    try:
        with busy_cursor():
            written = background.call(lambda: store.export([info.key for info in notes], folder, who))
    except StoreError as exc:
        dialogs.show_error(parent, "Cannot export",
                           f"{sentence(exc)}\n\nAny files written before this are in {folder}.")
        return ""
    names = "\n".join(Path(p).name for p in written[:10])
    more = f"\n\u2026and {len(written) - 10} more" if len(written) > 10 else ""
    dialogs.show_info(parent, "Exported", f"Wrote {plural(len(written), 'PDF file')} to {folder} "
                      f"(readable by you only):\n\n{names}{more}")
    return f"Exported {plural(len(written), 'file')} to {folder}"
