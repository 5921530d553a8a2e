"""Every static or modal Qt dialog the app opens, each behind one small function.

A modal `exec()` blocks a test, so the window calls only these functions and the
tests replace them with `monkeypatch`. The message boxes are built by separate
`*_box` functions so a test can inspect one without running it.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

RECORD_FILTER = "Consultation records (*.json)"
_LAST_FOLDER = "dialogs/last_folder"
_CHOICES = {
    QMessageBox.StandardButton.Save: "save",
    QMessageBox.StandardButton.Discard: "discard",
    QMessageBox.StandardButton.Cancel: "cancel",
}


def _start_folder() -> str:
    """The folder last used in a file dialog, else the user's documents folder."""
    folder = QSettings().value(_LAST_FOLDER)
    if isinstance(folder, str) and folder and Path(folder).is_dir():
        return folder
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def _remember_folder(path: str) -> None:
    QSettings().setValue(_LAST_FOLDER, str(Path(path).parent))


def ask_open_path(parent: QWidget | None) -> str | None:
    """The record file to open, or None if the GP cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open consultation record", _start_folder(),
                                          RECORD_FILTER)
    if not path:
        return None
    _remember_folder(path)
    return path


def ask_save_path(parent: QWidget | None, caption: str, default_name: str,
                  file_filter: str) -> str | None:
    """Where to save, or None if cancelled; the filter's suffix is added when none was typed.

    The dialog itself asks before overwriting an existing file.
    """
    start = str(Path(_start_folder()) / default_name) if default_name else _start_folder()
    path, _ = QFileDialog.getSaveFileName(parent, caption, start, file_filter)
    if not path:
        return None
    suffixes = re.findall(r"\*(\.[\w.]+)", file_filter)
    if len(suffixes) == 1 and not Path(path).suffix:
        path += suffixes[0]
    _remember_folder(path)
    return path


def ask_folder(parent: QWidget | None, caption: str, start: str = "") -> str | None:
    """A folder chosen in the folder dialog, or None if cancelled."""
    folder = QFileDialog.getExistingDirectory(parent, caption, start or _start_folder())
    return folder or None


def leave_box(parent: QWidget | None, question: str, keep: str) -> QMessageBox:
    """Leaving a consultation whose draft is kept in the store: `keep` (the default, Enter),
    Save to a file, Discard, Cancel (Escape). Each button names what it does."""
    box = QMessageBox(QMessageBox.Icon.Question, "Leave this consultation?", question,
                      QMessageBox.StandardButton.NoButton, parent)
    keep_button = box.addButton(keep, QMessageBox.ButtonRole.AcceptRole)
    keep_button.setObjectName("leaveKeep")
    save = box.addButton("&Save to a file\u2026", QMessageBox.ButtonRole.ActionRole)
    save.setObjectName("leaveSave")
    discard = box.addButton("&Discard the draft", QMessageBox.ButtonRole.DestructiveRole)
    discard.setObjectName("leaveDiscard")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("leaveCancel")
    box.setDefaultButton(keep_button)
    box.setEscapeButton(cancel)
    return box


LEAVE_CHOICES = {"leaveKeep": "keep", "leaveSave": "save", "leaveDiscard": "discard",
                 "leaveCancel": "cancel"}


def confirm_leave(parent: QWidget | None, question: str, keep: str) -> str:
    """"keep", "save", "discard" or "cancel"."""
    box = leave_box(parent, question, keep)
    try:
        box.exec()
        clicked = box.clickedButton()
        return "cancel" if clicked is None else LEAVE_CHOICES.get(clicked.objectName(), "cancel")
    finally:
        box.deleteLater()


def discard_box(parent: QWidget | None, question: str) -> QMessageBox:
    """The unsaved-changes question: Save (default), Discard, Cancel (Escape)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", question,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def confirm_discard(parent: QWidget | None, question: str) -> str:
    """"save", "discard" or "cancel"."""
    box = discard_box(parent, question)
    try:
        box.exec()
        clicked = box.clickedButton()
        return "cancel" if clicked is None else _CHOICES.get(box.standardButton(clicked), "cancel")
    finally:
        box.deleteLater()


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_about(parent: QWidget | None, text: str) -> None:
    QMessageBox.about(parent, "About consult", text)


def confirm_box(parent: QWidget | None, title: str, text: str, action: str, *,
                default_action: bool = True) -> QMessageBox:
    """A question with one action button and Cancel (Escape); Cancel is the default
    when `default_action` is False (for what cannot be undone)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel,
                      parent)
    button = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    button.setObjectName("confirmAction")
    box.setDefaultButton(button if default_action else box.button(QMessageBox.StandardButton.Cancel))
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def confirm(parent: QWidget | None, title: str, text: str, action: str, *,
            default_action: bool = True) -> bool:
    """True when the GP chose `action`, False on Cancel or Escape."""
    box = confirm_box(parent, title, text, action, default_action=default_action)
    try:
        box.exec()
        clicked = box.clickedButton()
        return clicked is not None and clicked.objectName() == "confirmAction"
    finally:
        box.deleteLater()


def user_name_box(parent: QWidget | None, prefill: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Who is working?")
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setLabelText("Who is working on this computer?\n\nYour name is recorded with every "
                        "draft, finalised note, amendment, print and export (the audit trail). "
                        "Change it in Edit > Settings.")
    dialog.setTextValue(prefill)
    dialog.setOkButtonText("Save")
    edit = dialog.findChild(QLineEdit)
    if edit is not None:
        edit.setAccessibleName("Who is working")
        edit.setMaxLength(200)
    return dialog


def ask_user_name(parent: QWidget | None, prefill: str = "") -> str | None:
    """The name of whoever is working, or None if cancelled or left empty."""
    dialog = user_name_box(parent, prefill)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.textValue().strip() or None
    finally:
        dialog.deleteLater()


class AmendReasonDialog(QDialog):
    """Why the note is amended: required, several lines; OK stays disabled while empty."""

    def __init__(self, heading: str, prefill: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("amendReasonDialog")
        self.setWindowTitle("Reason for the amendment")
        intro = QLabel(heading, self)
        intro.setObjectName("amendHeading")
        intro.setWordWrap(True)
        label = QLabel("&Reason for the amendment (printed on every page of the new version):",
                       self)
        label.setWordWrap(True)
        self.reason = QPlainTextEdit(prefill, self)
        self.reason.setObjectName("amendReason")
        self.reason.setAccessibleName("Reason for the amendment")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        label.setBuddy(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Finalise amendment")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._check)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self._check()

    def _check(self) -> None:
        self.ok_button.setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def accept(self) -> None:
        if self.text():
            super().accept()


def ask_amend_reason(parent: QWidget | None, heading: str, prefill: str = "") -> str | None:
    """The reason for an amendment (never empty), or None if cancelled."""
    dialog = AmendReasonDialog(heading, prefill, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.text() or None
    finally:
        dialog.deleteLater()
