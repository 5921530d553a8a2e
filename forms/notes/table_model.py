"""The staff's list of finalised notes: a table model over the store's NoteInfo rows.

One row per note (its latest version, as the store lists them), newest finalised first
until the user sorts by another column (`sort`: a header click or the Sort by choice).
The words carry every state - "Yes"/"No" printed, "v2 amended", "EMERGENCY" - colour only
repeats them. Urgency is the disposition the rules give the note's stored answers
(consult.store.urgency), in the rule set's own words (consult.rules.wording); it sorts by
clinical priority, emergency first, never alphabetically.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication

from consult.note.versioning import show_datetime
from consult.record.answers import Band
from consult.record.dates import show_date
from consult.record.nhs import display as show_nhs_number
from consult.rules.assessment import NOT_FULLY_SCREENED
from consult.rules.ruleset import RuleSet
from consult.rules.ruleset import load as load_rules
from consult.rules.wording import disposition_priority, disposition_title
from consult.store import NoteInfo
from consult.store.urgency import Urgency

COLUMNS = ("Urgency", "Consultation date", "Patient", "NHS number", "Born", "Clinician", "Note",
           "Finalised", "Printed")
HEADERS = ("Urgency", "Consultation\ndate", "Patient", "NHS number", "Born", "Clinician", "Note",
           "Finalised", "Printed")
URGENCY, DATE, PATIENT, NHS, BORN, CLINICIAN, NOTE, FINALISED, PRINTED = range(len(COLUMNS))
NOTE_ROLE = Qt.ItemDataRole.UserRole          # the row's NoteInfo
NOT_PRINTED = QColor("#A86F00")               # amber: still to print (the word says it too)
EMERGENCY_COLOUR = QColor("#C62828")          # red: the word EMERGENCY says it too
EMERGENCY_ON_DARK = QColor("#FF8A80")         # the same red, readable on a dark palette
PRINTED_YES, PRINTED_NO = "\u2713 Yes", "No"
WORKING_OUT = "\u2026"                        # the urgency is still being worked out
NOT_KNOWN = "Not known"                       # the record cannot be read: read the note
DIFFERENT_RULES = "*"                         # assessed with a newer rule set than the note
PRESSING = (Band.EMERGENCY.value, Band.URGENT.value, NOT_FULLY_SCREENED)   # shown in bold

Index = QModelIndex | QPersistentModelIndex


def note_label(info: NoteInfo) -> str:
    """`3F2A91C0 v2`: the note's short id and version (v2 and later are amendments)."""
    return f"{info.short_id} v{info.version}"


def finalised_label(info: NoteInfo, *, always_by: bool = False) -> str:
    """When finalised, and by whom where that is not the note's clinician (the column
    beside it): `26-Nov-2026 09:24`, `26-Nov-2026 09:24 by Jo Locum`."""
    when = show_datetime(info.finalised_at)
    return when if info.author == info.clinician and not always_by else f"{when} by {info.author}"


def urgency_text(urgency: Urgency | None, rules: RuleSet) -> str:
    """'EMERGENCY', 'URGENT', ... as the rule set titles them; '...' while being worked
    out; 'Not known' when the stored answers cannot be read; '*' after a disposition
    worked out with another rule set than the note was finalised with."""
    if urgency is None:
        return WORKING_OUT
    if urgency.disposition is None:
        return NOT_KNOWN
    title = disposition_title(rules, urgency.disposition)
    return title + DIFFERENT_RULES if urgency.rules_differ else title


def urgency_tip(urgency: Urgency | None) -> str:
    if urgency is None:
        return "Urgency: being worked out from the note's answers"
    if urgency.disposition is None:
        return urgency.headline
    tip = f"Urgency: {urgency.headline}"
    if urgency.rules_differ:
        tip += (f"\n{DIFFERENT_RULES} worked out with the rule set installed now "
                f"({urgency.rules_version}); the note was finalised with rule set "
                f"{urgency.finalised_with} and its printed disposition may differ: read the note")
    return tip


def cell_text(info: NoteInfo, column: int, urgency: Urgency | None = None,
              rules: RuleSet | None = None) -> str:
    p = info.patient
    if column == URGENCY:
        return urgency_text(urgency, rules or load_rules())
    if column == DATE:
        return show_date(info.consultation_date)
    if column == PATIENT:
        return p.name
    if column == NHS:
        return show_nhs_number(p.nhs_number) if p.nhs_number else "Not recorded"
    if column == BORN:
        return show_date(p.date_of_birth)
    if column == CLINICIAN:
        return info.clinician or "Not recorded"
    if column == NOTE:
        return note_label(info)
    if column == FINALISED:
        return finalised_label(info)
    if column == PRINTED:
        return PRINTED_YES if info.printed else PRINTED_NO
    raise IndexError(column)


def tool_tip(info: NoteInfo, urgency: Urgency | None = None) -> str:
    lines = [f"{info.patient.line()}", urgency_tip(urgency),
             f"Note {info.short_id} version {info.version}, finalised "
             f"{finalised_label(info, always_by=True)}",
             f"Clinician: {info.clinician or 'not recorded'}"]
    if info.amend_reason:
        lines.append(f"Amended: {info.amend_reason}")
    lines.append("Printed" if info.printed else "Not printed yet")
    return "\n".join(lines)


def _urgency_key(urgency: Urgency | None, rules: RuleSet) -> tuple[int, int]:
    """Clinical priority: emergency first; within a disposition the shorter deadline first.
    Not yet worked out, or not known, sorts first: never hidden among the routine notes."""
    if urgency is None or urgency.disposition is None:
        return (-1, -1)
    order = rules.deadlines.order
    deadline = order.index(urgency.within) if urgency.within in order else len(order)
    return (disposition_priority(urgency.disposition), deadline)


class NotesModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, rules: RuleSet | None = None) -> None:
        super().__init__(parent)
        self.rules = rules or load_rules()
        self._listed: list[NoteInfo] = []    # as the store listed them: newest finalised first
        self._notes: list[NoteInfo] = []     # as shown: sorted
        self._urgency: dict[tuple[str, int], Urgency] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None   # None: the store's order
        self._bold = QFont()
        self._bold.setBold(True)

    # -- contents -------------------------------------------------------------------------------
    def set_notes(self, notes: Sequence[NoteInfo]) -> bool:
        """Show these notes (in the store's order: newest finalised first), sorted as
        chosen. The same notes in the same order (only a field changed, e.g. printed)
        update in place, so the view keeps its selection and scroll position.
        True when the list was replaced (the view's selection is gone)."""
        self._listed = list(notes)
        notes = self._sorted(self._listed)
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

    def set_urgencies(self, found: Mapping[tuple[str, int], Urgency]) -> None:
        """Urgencies worked out (kept: a note's answers never change); the rows move when
        the list is sorted by urgency."""
        self._urgency.update(found)
        if self._sort is not None and self._sort[0] == URGENCY:
            self._reorder()
        elif self._notes:
            self.dataChanged.emit(self.index(0, URGENCY), self.index(len(self._notes) - 1, URGENCY))

    def known_urgencies(self) -> set[tuple[str, int]]:
        return set(self._urgency)

    def urgency(self, info: NoteInfo) -> Urgency | None:
        """The note's urgency, None while it is still being worked out."""
        return self._urgency.get(info.key)

    def notes(self) -> list[NoteInfo]:
        return list(self._notes)

    def note(self, row: int) -> NoteInfo:
        return self._notes[row]

    def row_of(self, note_id: str) -> int | None:
        for row, info in enumerate(self._notes):
            if info.note_id == note_id:
                return row
        return None

    # -- sorting --------------------------------------------------------------------------------
    def sort_key(self, column: int) -> Callable[[NoteInfo], Any]:
        """What a column sorts by: urgency by clinical priority, dates as dates (a missing
        one last), names without regard to case."""
        def dated(value: Any) -> tuple[bool, Any]:
            return (value is None, value or 0)

        keys: dict[int, Callable[[NoteInfo], Any]] = {
            URGENCY: lambda n: _urgency_key(self._urgency.get(n.key), self.rules),
            DATE: lambda n: dated(n.consultation_date),
            PATIENT: lambda n: n.patient.name.casefold(),
            NHS: lambda n: (n.patient.nhs_number is None, n.patient.nhs_number or ""),
            BORN: lambda n: dated(n.patient.date_of_birth),
            CLINICIAN: lambda n: n.clinician.casefold(),
            NOTE: lambda n: (n.short_id, n.version),
            FINALISED: lambda n: n.finalised_at,
            PRINTED: lambda n: n.printed,
        }
        return keys[column]

    def sorted_by(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (ties keep the store's order: newest finalised first); the
        selection follows its notes."""
        if not 0 <= column < len(COLUMNS):
            self._sort = None
        else:
            self._sort = (column, order)
        self._reorder()

    def _sorted(self, notes: list[NoteInfo]) -> list[NoteInfo]:
        if self._sort is None:
            return list(notes)
        column, order = self._sort
        return sorted(notes, key=self.sort_key(column),
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def _reorder(self) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        keys = [(self._notes[i.row()].key, i.column()) for i in before]
        self._notes = self._sorted(self._listed)
        rows = {n.key: r for r, n in enumerate(self._notes)}
        after = [self.index(rows[key], column) if key in rows else QModelIndex()
                 for key, column in keys]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

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
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                if section == URGENCY:
                    return ("Urgency: the disposition the rules give the note's answers; "
                            "sorts most urgent first")
                return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._notes):
            return None
        info, column = self._notes[index.row()], index.column()
        urgency = self._urgency.get(info.key)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = cell_text(info, column, urgency, self.rules)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                if column == URGENCY:
                    return urgency_tip(urgency)
                return f"{COLUMNS[column]}: {text}"
            return text
        if role == NOTE_ROLE:
            return info
        if role == Qt.ItemDataRole.ToolTipRole:
            return tool_tip(info, urgency)
        if column == PRINTED and not info.printed:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(NOT_PRINTED)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if column == URGENCY and urgency is not None:
            if role == Qt.ItemDataRole.ForegroundRole and urgency.disposition == Band.EMERGENCY:
                dark = QGuiApplication.palette().base().color().lightness() < 128
                return QBrush(EMERGENCY_ON_DARK if dark else EMERGENCY_COLOUR)
            if role == Qt.ItemDataRole.FontRole and (urgency.disposition in PRESSING
                                                     or urgency.disposition is None):
                return self._bold
        if column == PATIENT and role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None
