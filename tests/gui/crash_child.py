"""The app typing a consultation until it is killed: run by
tests/gui/test_drafts.py::test_a_process_killed_mid_entry_keeps_all_but_the_last_2_seconds
as `python -m tests.gui.crash_child` with its own HOME, XDG_* folders and
CONSULT_DATABASE_URL (the parent sets them; this never touches a real profile).

Types the patient's identity first, then prints one JSON object per line, flushed:
{"ready": true, "field": ...} once the store is open, then {"typed": <all text typed so far>, "t": time.monotonic()} after every
chunk. Each chunk is unique ("w0001 "), so "the draft starts with what was typed by
then" is an exact check.
"""

from __future__ import annotations

import json
import os
import sys
import time

FIELD = "history.notes"
IDENTITY = (("patient.family_name", "Taylor"), ("patient.given_name", "Sam"),
            ("patient.date_of_birth", "05/04/1985"), ("patient.nhs_number", "9434765919"))
USER = "Dr Crash Test"
CHUNK_PAUSE_MS = 40


def emit(**event: object) -> None:
    print(json.dumps(event), flush=True)


def wait(ms: int) -> None:
    """Run the event loop for `ms` as app.exec() would: QTest.qWait holds the GIL while it
    sleeps, which starves the worker thread that loads and opens the store."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen" or "CONSULT_DATABASE_URL" not in os.environ:
        emit(error="run by the test only: needs QT_QPA_PLATFORM=offscreen and CONSULT_DATABASE_URL")
        return 2
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("consult-crash-test")
    app.setApplicationName("consult-crash-test")

    from forms.consultation.main_window import MainWindow, show_ready
    from forms.dialogs.settings import AppSettings, save_settings

    save_settings(AppSettings(user_name=USER))
    window = MainWindow()
    opened: list[bool] = []
    window.storeOpened.connect(opened.append)
    show_ready(window)
    deadline = time.monotonic() + 10
    while not opened and time.monotonic() < deadline:
        wait(20)
    if opened != [True]:
        emit(error=f"the store did not open: {window.store_bar.text()}")
        return 1
    window.form.ensure_built()
    for path, text in IDENTITY:  # whose consultation it is, typed as a GP would
        window.form.focus_field(path)
        QTest.keyClicks(QApplication.focusWidget(), text)
    window.form.focus_field(FIELD)
    editor = window.form.fields[FIELD].focus_target()
    emit(ready=True, field=FIELD, t=time.monotonic())
    typed = ""
    for n in range(100_000):  # until killed
        chunk = f"w{n:04d} "
        QTest.keyClicks(editor, chunk)
        typed += chunk
        emit(typed=typed, t=time.monotonic())
        wait(CHUNK_PAUSE_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
