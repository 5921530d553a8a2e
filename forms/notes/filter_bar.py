"""The filter bar of the notes window: patient name, NHS number, consultation dates
(either end may stay open) and printed or not. Typing filters as you type: `changed`
fires once typing pauses (DEBOUNCE_MS), not on every key."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QRegularExpression, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from consult.store import NoteFilter

DEBOUNCE_MS = 200
DATE_FORMAT = "dd-MMM-yyyy"     # 05-Apr-2008, as on the note
OPEN_END = QDate(2000, 1, 1)    # shown as "any date" while that end is open
PRINTED_CHOICES = (("All", None), ("Not printed", False), ("Printed", True))


class DateEnd(QWidget):
    """One end of the date range: a check box (the label) and a date; unticked, the
    date reads "any date" and does not filter."""

    changed = Signal()

    def __init__(self, text: str, accessible: str, default: QDate, parent: QWidget | None = None,
                 name: str = "") -> None:
        super().__init__(parent)
        self._default = default
        self.check = QCheckBox(text, self)
        self.check.setObjectName(f"{name}Open")
        self.check.setToolTip(f"Tick to filter by {accessible.lower()}")
        self.edit = QDateEdit(self)
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(accessible)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(OPEN_END)
        self.edit.setSpecialValueText("any date")
        self.edit.setDate(OPEN_END)
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def _toggled(self, on: bool) -> None:
        with QSignalBlocker(self.edit):
            self.edit.setEnabled(on)
            self.edit.setDate(self._default if on else OPEN_END)
        if on:
            self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def set_date(self, value: dt.date | None) -> None:
        """Open (None) or set this end (for tests and callers)."""
        if value is None:
            self.check.setChecked(False)
            return
        self.check.setChecked(True)
        self.edit.setDate(QDate(value.year, value.month, value.day))

    def value(self) -> dt.date | None:
        if not self.check.isChecked() or self.edit.date() == OPEN_END:
            return None
        return self.edit.date().toPython()


class NotesFilterBar(QWidget):
    changed = Signal()   # after typing pauses

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesFilter")
        today = QDate.currentDate()
        self.name = QLineEdit(self)
        self.name.setObjectName("filterName")
        self.name.setAccessibleName("Patient name")
        self.name.setPlaceholderText("any part of the name")
        self.name.setClearButtonEnabled(True)
        self.nhs_number = QLineEdit(self)
        self.nhs_number.setObjectName("filterNhsNumber")
        self.nhs_number.setAccessibleName("NHS number")
        self.nhs_number.setPlaceholderText("e.g. 943 476 5919")
        self.nhs_number.setClearButtonEnabled(True)
        self.nhs_number.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9 \-]{0,16}"), self.nhs_number))
        self.nhs_number.setMaximumWidth(self.fontMetrics().averageCharWidth() * 20)
        self.date_from = DateEnd("Consultation date &from", "Consultation date from",
                                 today.addDays(-7), self, "filterFrom")
        self.date_to = DateEnd("&to", "Consultation date to", today, self, "filterTo")
        self.printed = QComboBox(self)
        self.printed.setObjectName("filterPrinted")
        self.printed.setAccessibleName("Printed")
        for text, value in PRINTED_CHOICES:
            self.printed.addItem(text, value)

        name_label = QLabel("Na&me", self)
        name_label.setBuddy(self.name)
        nhs_label = QLabel("NHS n&umber", self)
        nhs_label.setBuddy(self.nhs_number)
        printed_label = QLabel("Printe&d", self)
        printed_label.setBuddy(self.printed)

        # who (name, NHS number) and when (dates, printed): side by side, or on two lines
        # when the window is too narrow for both (resizeEvent)
        who, when = QHBoxLayout(), QHBoxLayout()
        for line in (who, when):
            line.setSpacing(6)
        who.addWidget(name_label)
        who.addWidget(self.name, 3)
        who.addSpacing(10)
        who.addWidget(nhs_label)
        who.addWidget(self.nhs_number, 2)
        when.addWidget(self.date_from)
        when.addWidget(self.date_to)
        when.addSpacing(10)
        when.addWidget(printed_label)
        when.addWidget(self.printed)
        when.addStretch(1)
        self._lines = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._lines.setContentsMargins(8, 6, 8, 6)
        self._lines.setSpacing(10)
        self._lines.addLayout(who, 1)
        self._lines.addLayout(when)
        self._who, self._when = who, when

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.changed)
        self.name.textChanged.connect(self._typed)
        self.nhs_number.textChanged.connect(self._typed)
        self.date_from.changed.connect(self._typed)
        self.date_to.changed.connect(self._typed)
        self.printed.currentIndexChanged.connect(self._typed)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the two lines allow: a narrow window puts them one above the other."""
        margins = self._lines.contentsMargins()
        width = max(self._who.minimumSize().width(), self._when.minimumSize().width())
        height = self._who.minimumSize().height() + self._lines.spacing() \
            + self._when.minimumSize().height()
        return QSize(width + margins.left() + margins.right(),
                     height + margins.top() + margins.bottom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self._lines.contentsMargins()
        one_line = (self._who.sizeHint().width() + self._lines.spacing()
                    + self._when.sizeHint().width() + margins.left() + margins.right())
        direction = QBoxLayout.Direction.LeftToRight if self.width() >= one_line \
            else QBoxLayout.Direction.TopToBottom
        if direction != self._lines.direction():
            self._lines.setDirection(direction)

    def _typed(self, *_args: object) -> None:
        self._timer.start()   # restarts: fires DEBOUNCE_MS after the last change

    @property
    def pending(self) -> bool:
        """A change not yet applied (typing has not paused)."""
        return self._timer.isActive()

    def tab_widgets(self) -> list[QWidget]:
        return [self.name, self.nhs_number, self.date_from.check, self.date_from.edit,
                self.date_to.check, self.date_to.edit, self.printed]

    def note_filter(self, limit: int | None = None) -> NoteFilter:
        # "TAYLOR, Sam" as the list shows it finds the note: punctuation is not part of a name
        words = "".join(ch if ch.isalnum() or ch in "'-" else " " for ch in self.name.text())
        return NoteFilter(date_from=self.date_from.value(), date_to=self.date_to.value(),
                          name=" ".join(words.split()), nhs_number=self.nhs_number.text(),
                          printed=self.printed.currentData(), limit=limit)
