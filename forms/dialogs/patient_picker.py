"""Choose the patient from the day's imported list (Ctrl+K): type a few letters of the
name or digits of the NHS number (spaces ignored), arrow keys to move, Enter to choose.

The dialog only shows and filters what it is given (consult.store.patient_lists
KeptEntry-like objects: `.entry`, a consult.patients.Entry, and `.list.source`); the
window's controller (forms.consultation.patients) reads the store and fills the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from consult.patients.model import matches
from consult.words import plural

LIST_FILTER = "Patient lists (*.csv *.txt *.json);;All files (*)"
SHOWN_AT_MOST = 200  # a whole practice's list filters as the GP types; they see the first
_MOVE_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def ask_patient_list_path(parent: QWidget | None) -> str | None:
    """The exported list to import, or None if the GP cancelled (tests replace this)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import the day's patient list", "",
                                          LIST_FILTER)
    return path or None


class PatientPicker(QDialog):
    def __init__(self, kept: Sequence[Any], parent: QWidget | None = None, *,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientPicker")
        self.setWindowTitle("Choose the patient")
        self.kept = list(kept)
        self.today = today or dt.date.today()
        self.shown: list[Any] = []
        layout = QVBoxLayout(self)
        label = QLabel("&Find: a few letters of the name, or digits of the NHS number", self)
        self.search = QLineEdit(self)
        self.search.setObjectName("pickerSearch")
        self.search.setAccessibleName("Find the patient")
        self.search.setClearButtonEnabled(True)
        label.setBuddy(self.search)
        self.results = QListWidget(self)
        self.results.setObjectName("pickerList")
        self.results.setAccessibleName("Patients on the imported lists")
        self.results.setMinimumSize(640, 280)
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setSpacing(2)
        self.status = QLabel(self)
        self.status.setObjectName("pickerStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.choose_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.choose_button.setText("&Choose")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for widget in (label, self.search, self.results, self.status, buttons):
            layout.addWidget(widget)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item: self.accept())
        self._filter("")
        self.search.setFocus()

    # -- what the GP sees --------------------------------------------------------------
    def _filter(self, text: str) -> None:
        found = [k for k in self.kept if matches(k.entry, text)]
        self.shown = found[:SHOWN_AT_MOST]
        self.results.clear()
        for k in self.shown:
            # two lines, wrapped: nothing the GP must read is cut off at the right
            text = f"{k.entry.shown(self.today)}\n    from the {k.list.source}"
            item = QListWidgetItem(text)
            item.setToolTip(text)
            self.results.addItem(item)
        if self.shown:
            self.results.setCurrentRow(0)
        self.choose_button.setEnabled(bool(self.shown))
        if not self.kept:
            self.status.setText("No patient list is kept: import the day's list first "
                                "(File > Import patient list).")
        elif not self.shown:
            self.status.setText("No patient on the lists matches: check the spelling, or type "
                                "the patient's details in the form.")
        elif len(found) > len(self.shown):
            self.status.setText(f"The first {len(self.shown)} of {len(found)} matching patients: "
                                "type more of the name or NHS number.")
        else:
            self.status.setText(f"{plural(len(self.shown), 'patient')} of {len(self.kept)}: "
                                "check the date of birth before choosing.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow and page keys in the search field move through the list."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and Qt.Key(event.key()) in _MOVE_KEYS:
            self.results.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    # -- the choice ----------------------------------------------------------------------
    @property
    def chosen(self) -> Any | None:
        row = self.results.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def accept(self) -> None:
        if self.chosen is None:
            return  # Enter with nothing found chooses nobody
        super().accept()
