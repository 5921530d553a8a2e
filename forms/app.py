"""Start the desktop app.

    python main.py               the consultation window
    python main.py --notes       the practice staff's list of finalised notes, on its own
    consult-gui [--notes]        the same from an installed copy

    start_notes() -> NotesWindow | None     the notes list, built and not yet shown (None
                                            after saying why it could not be)

With --notes, who is working is asked first when the settings do not say, then the
note store is opened (the configured database, CONSULT_DATABASE_URL or the default
file); a store that cannot be opened is one error box and exit status 1.

Both install the crash handler (forms.crash): an exception no slot caught is shown in
a plain message, logged without patient data, and the open consultation's draft is
written at once.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from forms.notes.notes_window import NotesWindow

NOTES_FLAG = "--notes"
EXIT_NOT_STARTED = 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    notes = NOTES_FLAG in argv[1:]
    app = _application([a for a in argv if a != NOTES_FLAG])
    return run_notes(app) if notes else run_consultation(app)


def _application(argv: list[str]) -> QApplication:
    from PySide6.QtWidgets import QApplication

    from forms.dialogs.settings import style_sheet

    app = QApplication.instance() or QApplication(argv)
    app.setOrganizationName("consult")
    app.setApplicationName("consult")
    app.setApplicationDisplayName("consult")
    app.setStyleSheet(style_sheet())
    app.styleHints().colorSchemeChanged.connect(lambda _: app.setStyleSheet(style_sheet()))
    return app


def _run(app: QApplication, window: QMainWindow) -> int:
    from PySide6.QtCore import QTimer

    # Ctrl+C in the terminal closes the window as the close button would (asking about
    # unsaved changes); a timer lets Python see the signal while Qt runs its loop
    signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    return app.exec()


def run_consultation(app: QApplication) -> int:
    from forms.consultation.main_window import MainWindow, show_ready
    from forms.crash import CrashHandler

    window = MainWindow()
    crash = CrashHandler(keep_draft=window.drafts.keep_now, parent=window)
    crash.install()
    show_ready(window)
    from forms.heap import freeze_when_whole

    freeze_when_whole(window)  # the long-lived heap out of the collector's sweeps (issue 14)
    try:
        return _run(app, window)
    finally:
        crash.uninstall()


def run_notes(app: QApplication) -> int:
    """The notes list as the only window until it is closed; EXIT_NOT_STARTED when it
    could not be opened."""
    window = start_notes()
    if window is None:
        return EXIT_NOT_STARTED
    from forms.crash import CrashHandler

    crash = CrashHandler(parent=window)   # nothing typed here: no draft to keep
    crash.install()
    window.show()
    try:
        return _run(app, window)
    finally:
        crash.uninstall()
        window.store.close()


def start_notes() -> NotesWindow | None:
    """The practice staff's list of finalised notes on its own: asks who is working when
    the settings do not say (their name goes in the audit trail of every print and
    export), then opens the store. None when who is working was not given, or when the
    store cannot be opened (after one error box saying why)."""
    from consult.store import Store, StoreError, Who
    from forms import dialogs
    from forms.background import Background
    from forms.busy import busy_cursor
    from forms.consultation.store_and_drafts import ask_who_is_working
    from forms.dialogs import settings as app_settings
    from forms.notes.notes_window import NotesWindow

    settings = app_settings.load_settings()
    if not settings.user_name:
        settings = ask_who_is_working(None, settings)
        if not settings.user_name:
            return None
    configured = settings.database_url or None
    opening = Background(name="consult-open")
    try:
        with busy_cursor():
            store = opening.call(lambda: Store.open(configured=configured))
    except StoreError as exc:
        dialogs.show_error(None, "Cannot open the finalised notes",
                           f"The note store could not be opened: {exc}.\n\nCheck the database "
                           "in Settings (Edit > Settings in the consultation window) or the "
                           "CONSULT_DATABASE_URL variable, then start consult again.")
        return None
    finally:
        opening.shutdown()
    window = NotesWindow(store, Who(settings.user_name))
    # amending is the GP's work, in the consultation window: this list has none to send it to
    window.act_amend.setVisible(False)
    return window
