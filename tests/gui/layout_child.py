"""Both windows on a screen that really is 1920x1080 at 200% scaling: run by
tests/gui/test_layout.py::test_both_windows_fit_a_1920x1080_screen_at_200_percent as
`python -m tests.gui.layout_child STORE_URL` with QT_SCALE_FACTOR=2, an offscreen screen
of 1920x1080 (QT_QPA_PLATFORM=offscreen:configfile=...) and its own HOME and XDG_*
folders (the parent sets them).

Each window sizes itself as the app does (no resize here); prints one JSON object: the
screen's logical size and scale, each window's frame, whether the form or the notes list
scrolls sideways, and every piece of text clipped (tests/gui/layout_support.py).
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("consult-layout-child")
    QCoreApplication.setApplicationName("consult-layout-child")
    from consult.store import Store, Who
    from forms.consultation.main_window import MainWindow
    from forms.notes.notes_window import NotesWindow
    from tests.gui.layout_support import clipped
    from tests.gui.test_layout import long_record

    def settle(rounds: int = 20) -> None:
        for _ in range(rounds):
            app.processEvents()

    def settled(window) -> list[str]:
        """What stays clipped once the window has settled (the panel redraws after a pause)."""
        end = time.monotonic() + 1.5
        while clipped(window) and time.monotonic() < end:
            settle(1)
            time.sleep(0.02)
        return clipped(window)

    screen = app.primaryScreen()
    free = screen.availableGeometry()
    report: dict[str, object] = {"screen": [free.width(), free.height()],
                                 "scale": screen.devicePixelRatio()}
    window = MainWindow()
    record = long_record()
    window.form.load(record)
    window.panel.set_record(record)
    window._refresh()
    window.show()
    window.form.ensure_built()
    settle()
    frame = window.frameGeometry()
    report["main"] = {"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                      "sideways": window.form.horizontalScrollBar().maximum(),
                      "clipped": settled(window)}
    window.dirty = False
    window.close()

    store = Store.open(sys.argv[1])
    notes = NotesWindow(store, Who("Jo Reception", "front-desk"))
    notes.poll_timer.stop()
    notes.show()
    settle()
    while notes.model.rowCount() and not all(notes.model.urgency(n) for n in notes.model.notes()):
        settle(1)
    settle()
    frame = notes.frameGeometry()
    report["notes"] = {"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                       "rows": notes.model.rowCount(),
                       "sideways": notes.table.horizontalScrollBar().maximum(),
                       "clipped": settled(notes)}
    notes.close()
    store.close()

    from PySide6.QtWidgets import QDialogButtonBox

    from forms.dialogs.settings import AppSettings, SettingsDialog

    dialog = SettingsDialog(AppSettings(clinician_name="Dr Asha Patel"))
    dialog.show()
    settle()
    frame = dialog.frameGeometry()
    buttons = {}
    for which in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel):
        button = dialog.buttons.button(which)
        corner = button.mapToGlobal(button.rect().topLeft())
        buttons[button.text().replace("&", "")] = [corner.x(), corner.y(), button.width(),
                                                   button.height(), button.isVisible()]
    report["settings"] = {"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                          "fields": dialog.scroll.widget().sizeHint().height(),
                          "buttons": buttons}
    dialog.close()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
