"""The hand-written PySide6 interface of consult (no Qt Designer .ui files: every window
is built in code) over the Qt-free core in `consult/`, which never imports it.

It presents and binds; every clinical decision is consult's. Its rooms:

    consultation/   the main window and the controllers it owns (the store and drafts,
                    finalising)
    form/           the consultation form: its sections and answer widgets
    panel/          the live assessment panel, a view of consult.rules.plan.PlanEditor
    notes/          the staff's list of finalised notes: one window
    dialogs/        the small modal dialogs, the settings and the drafts offered at start
    app.py, bars.py, banner.py, printing.py, background.py, busy.py, crash.py
                    shared pieces: the start, message bars, the patient banner,
                    printing, store calls off the GUI thread (one idiom: success and
                    failure callbacks in the GUI thread), the wait cursor and the
                    crash handler
"""

# pydantic loads its submodules lazily, and PySide6's import hook (shibokensupport)
# inspects every module imported after Qt: a lazy pydantic import under that hook
# fails as a circular import. Load pydantic and the record model (which the first
# paint needs) before any Qt module; the rules follow with the window (pydantic is
# loaded by then), the note's code with the first preview, after the first paint, and
# the store (SQLAlchemy) in its worker thread (issue 14).
from forms import pyside_hook

pyside_hook.install()  # before the imports below: PySide6 checks each of them (issue 14)

import consult.record.model  # noqa: E402, F401
