"""Every static or modal Qt dialog the app opens, each behind one small function.

A modal `exec()` blocks a test, so the window calls only these functions and the
tests replace them with `monkeypatch`. The message boxes are built by separate
`*_box` functions so a test can inspect one without running it.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

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
