"""The staff's list of finalised notes: a table model over the store's NoteInfo rows.

One row per note (its latest version, as the store lists them), newest first. The
words carry every state - "Yes"/"No" printed, "v2 amended" - colour only repeats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from consult.note.versioning import show_datetime
from consult.record.dates import show_date
from consult.record.nhs import display as show_nhs_number
from consult.store import NoteInfo

COLUMNS = ("Consultation date", "Patient", "NHS number", "Born", "Note", "Finalised", "Printed")
HEADERS = ("Consultation\ndate", "Patient", "NHS number", "Born", "Note", "Finalised", "Printed")
DATE, PATIENT, NHS, BORN, NOTE, FINALISED, PRINTED = range(len(COLUMNS))
NOTE_ROLE = Qt.ItemDataRole.UserRole          # the row's NoteInfo
NOT_PRINTED = QColor("#A86F00")               # amber: still to print (the word says it too)
PRINTED_YES, PRINTED_NO = "\u2713 Yes", "No"

Index = QModelIndex | QPersistentModelIndex


def note_label(info: NoteInfo) -> str:
    """`3F2A91C0 v2`: the note's short id and version (v2 and later are amendments)."""
    return f"{info.short_id} v{info.version}"


def finalised_label(info: NoteInfo) -> str:
    return f"{show_datetime(info.finalised_at)} by {info.author}"


def cell_text(info: NoteInfo, column: int) -> str:
    p = info.patient
    if column == DATE:
        return show_date(info.consultation_date)
    if column == PATIENT:
        return p.name
    if column == NHS:
        return show_nhs_number(p.nhs_number) if p.nhs_number else "Not recorded"
    if column == BORN:
        return show_date(p.date_of_birth)
    if column == NOTE:
        return note_label(info)
    if column == FINALISED:
        return finalised_label(info)
    if column == PRINTED:
        return PRINTED_YES if info.printed else PRINTED_NO
    raise IndexError(column)


def tool_tip(info: NoteInfo) -> str:
    lines = [f"{info.patient.line()}",
             f"Note {info.short_id} version {info.version}, finalised {finalised_label(info)}",
             f"Clinician: {info.clinician}"]
    if info.amend_reason:
        lines.append(f"Amended: {info.amend_reason}")
    lines.append("Printed" if info.printed else "Not printed yet")
    return "\n".join(lines)


class NotesModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._notes: list[NoteInfo] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # -- contents -------------------------------------------------------------------------------
    def set_notes(self, notes: Sequence[NoteInfo]) -> bool:
        """Show these notes. The same notes in the same order (only a field changed, e.g.
        printed) update in place, so the view keeps its selection and scroll position.
        True when the list was replaced (the view's selection is gone)."""
        notes = list(notes)
        if [n.key for n in notes] == [n.key for n in self._notes]:
            if notes != self._notes:
                self._notes = notes
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(notes) - 1, len(COLUMNS) - 1))
            return False
        self.beginResetModel()
        self._notes = notes
        self.endResetModel()
        return True

    def notes(self) -> list[NoteInfo]:
        return list(self._notes)

    def note(self, row: int) -> NoteInfo:
        return self._notes[row]

    def row_of(self, note_id: str) -> int | None:
        for row, info in enumerate(self._notes):
            if info.note_id == note_id:
                return row
        return None

    # -- QAbstractTableModel ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._notes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._notes):
            return None
        info, column = self._notes[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = cell_text(info, column)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{COLUMNS[column]}: {text}"
            return text
        if role == NOTE_ROLE:
            return info
        if role == Qt.ItemDataRole.ToolTipRole:
            return tool_tip(info)
        if column == PRINTED and not info.printed:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(NOT_PRINTED)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if column == PATIENT and role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None

