"""The patient from the practice's list, not typed (issue 13 part 1): the window's
controller for File > Import patient list and File > Choose patient (Ctrl+K).

- Import: the exported file is read and kept in the store in the background thread
  (consult.patients, consult.store.patient_lists), never copied anywhere else; rows
  that could not be used are named by line in the message bar.
- Choose: the picker (forms.dialogs.patient_picker) lists the kept patients; Enter
  fills the patient's name, date of birth, sex and NHS number, and record.patient.source
  says where they came from ("EMIS Web list imported 2026-12-07"). Fields filled from
  the list are consult.patients.model.FILLED_PATHS: a non-empty record.patient.source
  tells the form they came from the list.
- A typed identifier is never silently overwritten: when one differs from the chosen
  entry the GP is asked (Cancel the default); refused, nothing changes and the
  difference stays in the message bar under the banner. An identifier edited after
  the choice so that it differs from the list is shown there too, and the source says
  "edited by hand".
- Lists past the practice's number of days are removed whenever the store opens (the
  app's start) and on every import.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStatusBar, QWidget

from consult.patients.model import FILLED_PATHS, Entry
from consult.record.answers import Answer, Sex
from consult.record.dates import show_date
from consult.record.model import Record, value_at
from consult.record.nhs import display
from consult.words import plural
from forms import dialogs
from forms.bars import MessageBar
from forms.dialogs import patient_picker
from forms.dialogs.patient_picker import PatientPicker

if TYPE_CHECKING:
    from consult.store import Store, Who

PROBLEMS_SHOWN = 5
EDITED = "edited by hand"
_TITLES = {"patient.family_name": "family name", "patient.given_name": "given name",
           "patient.date_of_birth": "date of birth", "patient.sex": "sex",
           "patient.nhs_number": "NHS number"}


class PatientsWindow(Protocol):
    """What the patient-list controller needs of the consultation window."""

    note_bar: MessageBar
    store_bar: MessageBar
    form: Any  # forms.form.consultation_form.ConsultationForm: fields, changed
    drafts: Any  # forms.consultation.store_and_drafts.StoreAndDrafts: background
    storeOpened: Signal

    @property
    def record(self) -> Record: ...
    @property
    def locked(self) -> bool: ...
    @property
    def store(self) -> Store | None: ...
    @property
    def who(self) -> Who | None: ...
    @property
    def store_problem(self) -> str: ...
    def statusBar(self) -> QStatusBar: ...


def shown_value(path: str, value: object) -> str:
    if value is None or value == "":
        return "not given"
    if path == "patient.nhs_number":
        return display(str(value))
    if path == "patient.date_of_birth" and isinstance(value, dt.date):
        return show_date(value)
    if isinstance(value, Sex):
        return str(value.value).replace("_", " ")
    return str(value)


def listed_values(entry: Entry) -> dict[str, object]:
    """The record's patient fields as the list gives them (None: the list does not say)."""
    return {"patient.family_name": entry.family_name, "patient.given_name": entry.given_name or None,
            "patient.date_of_birth": entry.date_of_birth, "patient.sex": entry.sex,
            "patient.nhs_number": entry.nhs_number}


def differs(path: str, typed: object, listed: object, *, cleared_differs: bool = False) -> bool:
    """A typed value that is not the list's (names without regard to case or surrounding
    spaces). An empty or unknown value is no difference before the choice; after it
    (`cleared_differs`), clearing a filled identifier is one."""
    if listed is None:
        return False
    if typed is None or typed == "" or typed is Sex.NOT_KNOWN:
        return cleared_differs
    if isinstance(typed, str) and isinstance(listed, str):
        return typed.strip().casefold() != listed.strip().casefold()
    return typed != listed


def differences(record: Record, entry: Entry, *, cleared_differs: bool = False
                ) -> list[tuple[str, object, object]]:
    return [(path, value_at(record, path), listed)
            for path, listed in listed_values(entry).items()
            if differs(path, value_at(record, path), listed, cleared_differs=cleared_differs)]


def difference_lines(found: list[tuple[str, object, object]], now: str = "typed") -> list[str]:
    return [f"{_TITLES[path]}: {now} {shown_value(path, typed)}, on the list "
            f"{shown_value(path, listed)}" for path, typed, listed in found]


class PatientLists(QObject):
    """File > Import patient list and File > Choose patient (Ctrl+K)."""

    def __init__(self, window: PatientsWindow, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = window
        self.parent_widget = parent
        self.picker: PatientPicker | None = None
        self.act_choose = QAction("C&hoose patient from list\u2026", parent)
        self.act_choose.setObjectName("actChoosePatient")
        self.act_choose.setShortcut(QKeySequence("Ctrl+K"))
        self.act_choose.setStatusTip("Find the patient on the day's imported list by a few "
                                     "letters of the name or digits of the NHS number")
        self.act_choose.triggered.connect(lambda _=False: self.choose())
        self.act_import = QAction("&Import patient list\u2026", parent)
        self.act_import.setObjectName("actImportPatients")
        self.act_import.setStatusTip("Import the day's patient list exported from EMIS Web or "
                                     "SystmOne (CSV) or as FHIR (JSON)")
        self.act_import.triggered.connect(lambda _=False: self.import_list())
        parent.addAction(self.act_choose)
        parent.addAction(self.act_import)
        # the choice made for the open record: (that record, the entry, its source)
        self._chosen: tuple[Record, Entry, str] | None = None
        self._message = ""  # the note bar's text while it shows ours
        self._filling = False
        window.storeOpened.connect(self._store_opened)
        window.form.changed.connect(self._field_changed)

    # -- messages --------------------------------------------------------------------------
    def _say(self, kind: str, text: str) -> None:
        self._message = text
        self.window.note_bar.show_message(kind, text)

    def _unsay(self) -> None:
        if self._message and self.window.note_bar.label.text() == self._message:
            self.window.note_bar.clear()
        self._message = ""

    def _store_missing(self) -> bool:
        if self.window.store is not None and self.window.who is not None:
            return False
        self._say("warning", "Patient lists are kept in the note store, which is not open: "
                  f"{self.window.store_problem}.")
        return True

    # -- purging on start -------------------------------------------------------------------
    def _store_opened(self, opened: bool) -> None:
        store, who = self.window.store, self.window.who
        if not opened or store is None or who is None:
            return
        from consult.store import patient_lists

        self.window.drafts.background.run(lambda: patient_lists.purge(store, who),
                                          success=self._purged, failure=self._purge_failed)

    def _purged(self, done: Any) -> None:
        if done.lists:
            self.window.statusBar().showMessage(
                f"Removed {plural(done.lists, 'patient list')} past the practice's number of "
                "days", 8000)

    def _purge_failed(self, error: BaseException) -> None:
        self.window.store_bar.show_message(
            "warning", f"Old patient lists could not be removed: {error}. They hold patient "
            "data: tell the practice manager (main.py patients purge).")

    # -- importing -------------------------------------------------------------------------
    def import_list(self) -> None:
        if self._store_missing():
            return
        path = patient_picker.ask_patient_list_path(self.parent_widget)
        if not path:
            return
        store, who = self.window.store, self.window.who
        from consult.patients import PatientListError, read_file
        from consult.store import StoreError, patient_lists

        def job() -> tuple[Any, Any]:
            imported = read_file(path)
            if not imported.entries:
                raise PatientListError(
                    "no patient could be read: " + "; ".join(imported.problems[:PROBLEMS_SHOWN]))
            return imported, patient_lists.keep(store, imported, who)

        self.window.statusBar().showMessage("Importing the patient list\u2026", 3000)
        self.window.drafts.background.run(job, success=self._imported, failure=self._not_imported,
                                          errors=(StoreError, PatientListError))

    def _imported(self, result: tuple[Any, Any]) -> None:
        imported, info = result
        text = f"Imported {plural(info.entry_count, 'patient')} ({info.source})."
        if imported.problems:
            shown = imported.problems[:PROBLEMS_SHOWN]
            more = len(imported.problems) - len(shown)
            text += (f" Not imported: {'; '.join(shown)}"
                     f"{f'; and {more} more' if more > 0 else ''}. Check those patients in the "
                     "clinical system.")
        text += " Ctrl+K chooses the patient."
        self._say("warning" if imported.problems else "info", text)

    def _not_imported(self, error: BaseException) -> None:
        self._say("warning", f"The patient list was not imported: {error}")

    # -- choosing ---------------------------------------------------------------------------
    def choose(self) -> None:
        """Ctrl+K: the picker over every kept list; Enter fills the patient."""
        if self.window.locked:
            self.window.statusBar().showMessage("This note is finalised and locked: Amend it "
                                                "to change the patient's details.", 6000)
            return
        if self._store_missing():
            return
        store = self.window.store
        from consult.store import StoreError, patient_lists

        try:
            kept = self.window.drafts.background.call(lambda: patient_lists.entries(store))
        except StoreError as exc:
            self._say("warning", f"The patient lists cannot be read: {exc}")
            return
        picker = PatientPicker(kept, self.parent_widget)
        picker.setModal(True)
        picker.accepted.connect(lambda: self.fill(picker.chosen))
        picker.finished.connect(lambda _result: self._closed(picker))
        self.picker = picker
        picker.open()
        picker.activateWindow()
        picker.search.setFocus()

    def _closed(self, picker: PatientPicker) -> None:
        if self.picker is picker:
            self.picker = None
        picker.deleteLater()
        self.parent_widget.activateWindow()  # back to the form, where the GP was

    def fill(self, kept: Any) -> bool:
        """Fill the patient's fields from a chosen list entry: True when filled. A typed
        value that differs is replaced only when the GP says so."""
        if kept is None:
            return False
        entry, source = kept.entry, kept.list.source
        record = self.window.record
        found = differences(record, entry)
        # what is in the form was typed, or came from a list chosen before (another patient?)
        now = "typed" if not record.patient.source else "in the form"
        lines = difference_lines(found, now)
        if found:
            what = "What was typed" if now == "typed" else \
                f"The patient in the form (from the {record.patient.source})"
            replace = dialogs.confirm(
                self.parent_widget, "The patient's details differ from the list",
                f"{what} differs from {entry.name} on the {source}:\n\n"
                + "\n".join(f"  {line}" for line in lines)
                + "\n\nCheck with the patient. Replace the details in the form with the "
                "list's?", "Use the list's details", default_action=False)
            if not replace:
                self._say("warning", f"Not filled from the list: the {_and(found)} {now} "
                          f"differ{'s' if len(found) == 1 else ''} from {entry.name} on the "
                          f"{source} ({'; '.join(lines)}). Check the patient's identity.")
                return False
        self._chosen = (record, entry, source)
        record.patient.source = source
        # the identity was confirmed before this patient was chosen: ask it again with them
        self.window.form.ask_identity_again()
        self._filling = True
        try:
            for path, value in listed_values(entry).items():
                if value is None:
                    continue  # the list does not say: what was typed stays
                field = self.window.form.fields[path]
                field.set_value(value)
                field.edited.emit(value)  # as if typed: the form stores it, clears old errors
        finally:
            self._filling = False
        text = f"Patient from the {source}: {entry.shown(dt.date.today())}.{CONFIRM}"
        if found:
            text += f" Replaced what was {now}: " + "; ".join(lines) + "."
        self._say("info", text)
        return True

    def _field_changed(self, path: str) -> None:
        """An identifier edited after the choice: say so when it now differs from the list.
        The identity confirmed: "Confirm the identity with the patient" is done, so it goes
        from the message (a GP's second walk-through: it stayed after the Yes)."""
        if path == "consultation.identity_confirmed" and self._message.endswith(CONFIRM) \
                and self.window.record.consultation.identity_confirmed is Answer.YES \
                and self.window.note_bar.label.text() == self._message:
            self._say(self.window.note_bar.kind(),
                      self._message.removesuffix(CONFIRM) + " Identity confirmed.")
        chosen = self._chosen
        if chosen is None or self._filling or path not in FILLED_PATHS:
            return
        record, entry, source = chosen
        if record is not self.window.record:
            self._chosen = None  # another consultation is open
            return
        found = differences(record, entry, cleared_differs=True)
        if found:
            record.patient.source = f"{source}; {EDITED}: {_and(found)}"[:200]
            self._say("warning", f"The {_and(found)} now differ{'s' if len(found) == 1 else ''} "
                      f"from {entry.name} on the {source} ({'; '.join(difference_lines(found))}). "
                      "Check with the patient.")
        else:
            record.patient.source = source
            self._unsay()


#: what the patient-list message asks until the identity is confirmed
CONFIRM = " Confirm the identity with the patient."

def _and(found: list[tuple[str, object, object]]) -> str:
    names = [_TITLES[path] for path, _, _ in found]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
