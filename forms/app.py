"""Start the desktop app: `python main.py` with no arguments."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from forms.mainwindow import MainWindow, show_ready
    from forms.settings import style_sheet

    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setOrganizationName("consult")
    app.setApplicationName("consult")
    app.setApplicationDisplayName("consult")
    app.setStyleSheet(style_sheet())
    app.styleHints().colorSchemeChanged.connect(lambda _: app.setStyleSheet(style_sheet()))
    window = MainWindow()
    show_ready(window)
    # Ctrl+C in the terminal closes the window as the close button would (asking about
    # unsaved changes); a timer lets Python see the signal while Qt runs its loop
    signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    return app.exec()
