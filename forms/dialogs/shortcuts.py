"""Help > Keyboard shortcuts (F1): a table generated from the window's own actions.

One source of truth: every QAction of the window that has a shortcut is listed with
its menu text and keys, so a shortcut added or changed appears here with no second
list to update. The section shortcuts come from the form's labels; the keys that
answer questions come from ANSWER_KEYS below (they are key handlers, not actions).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# The keys the form's questions answer to (forms/form/widgets.py and consultation_form.py).
ANSWER_KEYS: tuple[tuple[str, str], ...] = (
    ("Y / N", "Yes / No to the question with the focus; the focus moves to the next "
              "unanswered question"),
    ("Delete", "Back to Not asked (or no choice)"),
    ("A letter", "In a drop-down: the choice starting with it; when only one does, the focus "
                 "moves on. In check boxes: ticks or clears the box starting with it"),
    ("5d, 3w, 4m, 2y", "How long, in one field (or 5 days, 2 weeks)"),
    ("Enter", "The next unanswered question the note needs; when none is left, the plan"),
    ("N or Space", "On a red-flag group's All denied button: that group's questions still "
                   "not asked recorded as No (one group at a time)"),
    ("Tab / Shift+Tab", "Next / previous field; Tab passes by what settings or the patient "
                        "list filled in, Shift+Tab reaches it"),
)


def action_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what it does) for every action with a shortcut, in the order given."""
    rows = []
    for action in actions:
        keys = action.shortcut()
        if keys.isEmpty():
            continue
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.append((keys.toString(QKeySequence.SequenceFormat.NativeText),
                     text.rstrip("\u2026")))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, actions: list[QAction], sections: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = [("Commands", None), *action_rows(actions),
                ("Go to a section (moves the focus, never answers)", None),
                *[(keys, f"Go to {title}") for keys, title in sections],
                ("Answering", None), *ANSWER_KEYS]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for row, (keys, what) in enumerate(rows):
            if what is None:  # a heading across both columns
                item = QTableWidgetItem(keys)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                self.table.setItem(row, 0, item)
                self.table.setSpan(row, 0, 1, 2)
                continue
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        intro = QLabel("Every command is also in the menus (Alt and the underlined letter).")
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        width = self.fontMetrics().averageCharWidth() * 100
        self.resize(width, min(640, self.fontMetrics().lineSpacing() * (len(rows) + 6) * 2))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()  # the columns have their widths only now

    def listed(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(),
                 self.table.item(r, 1).text() if self.table.item(r, 1) else "")
                for r in range(self.table.rowCount())]


def show_shortcuts(parent: QWidget | None, actions: list[QAction],
                   sections: list[tuple[str, str]]) -> ShortcutsDialog:
    """Show the shortcuts window (not modal: it may stay open beside the form)."""
    dialog = ShortcutsDialog(actions, sections, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
