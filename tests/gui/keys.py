"""Keys as a GP presses them, for the window tests: to whichever widget has the focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from forms.dialogs import settings as app_settings

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = CTRL | SHIFT
#: the settings a GP has saved before their first consultation (they prefill each new one)
SETTINGS = app_settings.AppSettings(clinician_name="Dr Asha Patel", gmc_number="1234567",
                                    practice_name="Riverside Surgery")


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    """`key` (with `modifier`) `times` over, each to the widget that has the focus then
    (the active window when none has)."""
    for _ in range(times):
        qtbot.keyClick(focused() or QApplication.activeWindow(), key, modifier)
