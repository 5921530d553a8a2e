"""The window as a GP has it, for the window tests: their saved settings, the window
shown and active, and keys pressed to whichever widget has the focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from forms.consultation.main_window import MainWindow
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


def gp_window(qtbot) -> MainWindow:
    """A new consultation window with SETTINGS saved, shown, active (keys go to the
    focused widget of the active window) and its form built whole."""
    app_settings.save_settings(SETTINGS)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.form.ensure_built()
    return w


def target(window: MainWindow, path: str) -> QWidget:
    """The widget of a question that takes the keys."""
    return window.form.fields[path].focus_target()


def said(window: MainWindow) -> str:
    """The status bar's line now."""
    return window.statusBar().currentMessage()
