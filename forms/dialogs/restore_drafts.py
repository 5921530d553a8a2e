"""Offering unfinished consultations at start-up: whose each draft is, before anything
is restored (hazard H4).

    draft_text(draft) -> str                   the two lines the list shows for one draft
    RestoreDialog(drafts, parent)              the list with Restore, Discard and Later
    choose_draft(parent, drafts)               ("restore" | "discard" | "later", draft or None)

Restoring is always an explicit choice: Enter and Escape both mean Later.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from consult.store.model import DraftInfo
from consult.words import short_note_id

INTRO = ("These consultations were not finalised when consult last closed. Check whose draft "
         "it is before you restore it: restore only the draft of the patient you are "
         "speaking to. Later starts a new consultation and offers the drafts again next time.")


def draft_text(draft: DraftInfo) -> str:
    from consult.note.versioning import show_datetime  # consult.note loads after the paint

    saved = f"Saved {show_datetime(draft.saved_at)} on {draft.workstation}"
    if draft.base_version is not None:
        saved += f" \u00b7 amendment of note {short_note_id(draft.note_id)} version {draft.base_version}"
    return f"{draft.patient.line()}\n{saved}"


class RestoreDialog(QDialog):
    def __init__(self, drafts: Sequence[DraftInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Unfinished consultations")
        self.drafts = list(drafts)
        self._choice = "later"

        intro = QLabel(INTRO, self)
        intro.setObjectName("restoreIntro")
        intro.setWordWrap(True)
        label = QLabel("&Drafts (newest first):", self)
        self.list = QListWidget(self)
        self.list.setObjectName("draftList")
        self.list.setAccessibleName("Unfinished consultations")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setAlternatingRowColors(True)
        label.setBuddy(self.list)
        font = self.list.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        for draft in self.drafts:
            text = draft_text(draft)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, draft.draft_id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ". "))
            item.setFont(font)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

        self.buttons = QDialogButtonBox(self)
        self.restore_button = self._button("&Restore", "restoreDraft",
                                           QDialogButtonBox.ButtonRole.AcceptRole, "restore")
        self.discard_button = self._button("D&iscard\u2026", "discardDraft",
                                           QDialogButtonBox.ButtonRole.DestructiveRole, "discard")
        self.later_button = self._button("&Later", "laterDraft",
                                         QDialogButtonBox.ButtonRole.RejectRole, "later")
        for button in (self.restore_button, self.discard_button):
            button.setAutoDefault(False)
        self.later_button.setDefault(True)  # Enter never restores
        self.restore_button.setToolTip("Load the selected draft into the form")
        self.discard_button.setToolTip("Delete the selected draft (asks first)")
        self.later_button.setToolTip("Start a new consultation; the drafts are offered again "
                                     "next time")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        rows = min(len(self.drafts), 5)
        self.list.setMinimumHeight(rows * (self.list.fontMetrics().lineSpacing() * 2 + 16) + 8)
        self.list.setFocus()

    def _button(self, text: str, name: str, role: QDialogButtonBox.ButtonRole,
                choice: str) -> QPushButton:
        button = self.buttons.addButton(text, role)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: self._choose(choice))
        return button

    def _choose(self, choice: str) -> None:
        self._choice = choice
        if choice == "later":
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:  # Escape and the close button mean Later
        self._choice = "later"
        super().reject()

    def selected(self) -> DraftInfo | None:
        row = self.list.currentRow()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def choice(self) -> tuple[str, DraftInfo | None]:
        draft = self.selected()
        if self._choice == "later" or draft is None:
            return "later", None
        return self._choice, draft


def choose_draft(parent: QWidget | None, drafts: Sequence[DraftInfo]) -> tuple[str, DraftInfo | None]:
    """Ask what to do with the unfinished consultations. Tests replace this."""
    dialog = RestoreDialog(drafts, parent)
    try:
        dialog.exec()
        return dialog.choice()
    finally:
        dialog.deleteLater()
