"""The list of finalised notes: the table, its selection kept across refreshes, and
what is selected, in list order (the order notes print in).

    notes = NotesList(parent)
    notes.set_notes(store.notes(...))     # the same notes stay selected
    notes.selected_notes(); notes.current_note(); notes.select_rows([0, 2])
    notes.selection_changed                # once per change the user (or a refresh) makes
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from consult.store import NoteInfo
from consult.store.urgency import Urgency
from forms.notes.table_model import (
    BORN,
    CLINICIAN,
    DATE,
    FINALISED,
    NHS,
    NOTE,
    PATIENT,
    PRINTED,
    PRINTED_YES,
    URGENCY,
    NotesModel,
)

ASCENDING, DESCENDING = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
# The Sort by choices: (words, column, order). A header click sorts by any column too.
SORTS = (
    ("Newest finalised first", FINALISED, DESCENDING),
    ("Most urgent first", URGENCY, ASCENDING),
    ("Consultation date, newest first", DATE, DESCENDING),
    ("Patient name, A to Z", PATIENT, ASCENDING),
    ("Clinician, A to Z", CLINICIAN, ASCENDING),
    ("Not printed first", PRINTED, ASCENDING),
)


def notes_table(model: NotesModel, parent: QWidget | None = None) -> QTableView:
    """The list: whole rows, several selectable, Tab leaving it, sortable by any column
    (a header click); every column but Finalised fits its contents and is never cut,
    Finalised takes what is left (on a narrow screen elided, whole in the tooltip), so
    Printed always shows."""
    table = QTableView(parent)
    table.setObjectName("notesTable")
    table.setAccessibleName("Finalised notes")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)   # Tab leaves the list for the preview
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSortIndicator(FINALISED, DESCENDING)   # as the store lists them
    table.setSortingEnabled(True)
    metrics, pad = table.fontMetrics(), 14
    # Finalised may narrow this far on a small screen (200% scaling): whole in its tooltip
    header.setMinimumSectionSize(metrics.horizontalAdvance("No") + pad)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    for column in (URGENCY, PATIENT, CLINICIAN):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(FINALISED, QHeaderView.ResizeMode.Stretch)
    for column, sample in ((DATE, "28-Sep-2026"), (NHS, "943 476 5919"), (BORN, "28-Sep-2008"),
                           (NOTE, "3F2A91C0 v22"), (PRINTED, PRINTED_YES)):
        header.resizeSection(column, metrics.horizontalAdvance(sample) + pad)
    return table


class NotesList(QWidget):
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NotesModel(self)
        self.table = notes_table(self.model, self)
        label = QLabel("Finalised note&s", self)
        label.setBuddy(self.table)
        self.sort_by = QComboBox(self)
        self.sort_by.setObjectName("notesSortBy")
        self.sort_by.setAccessibleName("Sort by")
        for number, (words, _column, _order) in enumerate(SORTS):
            self.sort_by.addItem(words, number)
        sort_label = QLabel("S&ort by", self)
        sort_label.setBuddy(self.sort_by)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addStretch(1)
        top.addWidget(sort_label)
        top.addWidget(self.sort_by)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._quiet = False   # True while this widget itself changes the selection
        self.table.selectionModel().selectionChanged.connect(self._changed)
        self.table.selectionModel().currentRowChanged.connect(self._changed)
        self.table.installEventFilter(self)
        self.sort_by.activated.connect(self._sort_chosen)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted)

    def _sort_chosen(self, index: int) -> None:
        _words, column, order = SORTS[self.sort_by.itemData(index)]
        self.table.sortByColumn(column, order)

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        """A header click shows in Sort by when it is one of the choices."""
        for number, (_words, sort_column, sort_order) in enumerate(SORTS):
            if (sort_column, sort_order) == (column, order):
                self.sort_by.setCurrentIndex(number)
        if self.table.currentIndex().isValid():
            self.table.scrollTo(self.table.currentIndex())

    def sort(self, column: int, order: Qt.SortOrder) -> None:
        self.table.sortByColumn(column, order)

    def _changed(self, *_args: object) -> None:
        if not self._quiet:
            self.selection_changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tabbing into the list with nothing selected selects its current (or first) row,
        so the preview shows a note at once."""
        if watched is self.table and event.type() == QEvent.Type.FocusIn \
                and not self.table.selectionModel().hasSelection() and self.model.rowCount():
            index = self.table.currentIndex()
            self.select_rows([index.row() if index.isValid() else 0])
        return super().eventFilter(watched, event)

    def set_notes(self, notes: Sequence[NoteInfo]) -> None:
        """Show these notes; the notes selected before stay selected (by note, whatever
        their version now), the current one stays current."""
        selected = {n.note_id for n in self.selected_notes()}
        current = self.current_note()
        self._quiet = True
        try:
            if self.model.set_notes(notes):   # a new list: select the same notes again
                self._select_ids(selected, current.note_id if current else None)
        finally:
            self._quiet = False
        self.selection_changed.emit()

    def set_urgencies(self, found: Mapping[tuple[str, int], Urgency]) -> None:
        """Urgencies worked out: sorted by urgency, the rows move; the selection stays."""
        self.model.set_urgencies(found)
        if self.table.currentIndex().isValid():
            self.table.scrollTo(self.table.currentIndex())

    def _select_ids(self, ids: set[str], current: str | None) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for row, info in enumerate(self.model.notes()):
            if info.note_id in ids:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        model = self.table.selectionModel()
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        row = self.model.row_of(current) if current else None
        if row is not None:
            model.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def select_rows(self, rows: Sequence[int]) -> None:
        """Select these rows (the first becomes current), as a user would with Ctrl+click."""
        self._quiet = True
        try:
            self._select_ids({self.model.note(r).note_id for r in rows},
                             self.model.note(rows[0]).note_id if rows else None)
        finally:
            self._quiet = False
        self.selection_changed.emit()

    def selected_notes(self) -> list[NoteInfo]:
        """The selected notes, in list order (the order they print in)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.note(r) for r in rows if r < self.model.rowCount()]

    def current_note(self) -> NoteInfo | None:
        """The selected note the user is on (the one previewed)."""
        selected = self.selected_notes()
        index = self.table.selectionModel().currentIndex()
        if index.isValid() and index.row() < self.model.rowCount():
            info = self.model.note(index.row())
            if info in selected:
                return info
        return selected[0] if selected else None
