"""Start-up (issue 14): the window paints before the store and the note's code load, and
is honest meanwhile: nothing typed is lost or refused, the disposition shown is always
the rules' own, and the draft store opens in time for the first autosave.

No timing is asserted here: bench/bench_gui.py measures how long each step takes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QLabel

from consult.rules import wording
from consult.rules.engine import assess
from consult.store import Store, Who
from consult.store.location import default_url
from forms.consultation.main_window import MainWindow, show_ready
from forms.dialogs import settings as app_settings

ROOT = Path(__file__).resolve().parents[2]
USER = "Dr Start Test"


def _disposition(window: MainWindow) -> str:
    label = window.panel.findChild(QLabel, "disposition")
    return QTextDocumentFragment.fromHtml(label.text()).toPlainText()


def test_opening_the_window_loads_neither_the_store_nor_the_note_code():
    """SQLAlchemy and Alembic load in the worker thread, the note's code with the first
    preview: neither is imported by building and painting the window."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "from forms.consultation.main_window import MainWindow\n"
        "window = MainWindow()\n"
        "window.show()\n"
        "app.processEvents()\n"
        "window.grab()\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'consult.store.store',\n"
        "                         'consult.note.compose', 'reportlab') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                                 "HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"})
    assert result.returncode == 0, result.stderr[-800:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_keys_typed_before_the_store_opens_are_kept_shown_and_saved_in_the_draft(
        qtbot, monkeypatch):
    app_settings.save_settings(app_settings.AppSettings(user_name=USER))
    gate = threading.Event()  # the store opens only when the test says: typed before it
    real_open = Store.open
    monkeypatch.setattr(Store, "open", classmethod(
        lambda cls, *a, **k: (gate.wait(30), real_open(*a, **k))[1]))
    window = MainWindow()
    qtbot.addWidget(window)
    opened: list[bool] = []
    window.storeOpened.connect(opened.append)
    show_ready(window)
    qtbot.waitExposed(window)
    # the first paint: what to do first, never a disposition the rules did not make
    assert "Choose the patient" in _disposition(window)
    assert "ROUTINE" not in _disposition(window)
    # the GP types at once, as the window appears, by keyboard: nothing is refused
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.form.focus_field("patient.family_name")
    qtbot.keyClicks(QApplication.focusWidget(), "Okafor")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Ngozi")
    assert window.store is None and opened == []  # still opening
    assert window.record.patient.family_name == "Okafor"
    assert window.record.patient.given_name == "Ngozi"
    assert "OKAFOR, Ngozi" in window.banner.text()
    # the disposition now is the rules' own for these answers
    rules_say = wording.disposition_lines(window.rules, assess(window.record, window.rules))
    assert _disposition(window).startswith(rules_say[0][1])
    # the store opens; the first autosave writes everything typed before it opened
    with qtbot.waitSignal(window.draftSaved, timeout=10_000) as saved:
        gate.set()
    assert saved.args == [True] and opened == [True]
    store = real_open(default_url())
    try:
        drafts = store.drafts(Who(USER))
        assert len(drafts) == 1
        _info, record = store.load_draft(drafts[0].draft_id)
    finally:
        store.close()
    assert (record.patient.family_name, record.patient.given_name) == ("Okafor", "Ngozi")
    window.dirty = False


def test_the_record_module_loads_without_the_store_on_the_import_path():
    """consult.store's names load on first use: the plain dataclasses of its model do not
    bring SQLAlchemy with them."""
    code = ("import sys\nfrom consult.store import DraftInfo, Who\n"
            "from consult.store.model import user_name_problem\n"
            "print('sqlalchemy' in sys.modules)\n"
            "from consult.store import Store\nprint('sqlalchemy' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-800:]
    assert result.stdout.split() == ["False", "True"]

