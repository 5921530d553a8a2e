"""Copy note as text gives the record entry: for a finalised note, its id and version."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from consult.record import file as recordfile
from forms.consultation.main_window import MainWindow
from tests.support import example_path


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.form._pending, timeout=10000)
    return w


@pytest.mark.hazard("H13")
def test_copy_of_a_finalised_note_names_its_id_and_version(qtbot, window, monkeypatch):
    window.form.load(recordfile.load(example_path("mechanical")))
    window.panel.set_record(window.record)
    window._refresh()
    info = SimpleNamespace(note_id="3f2a91c0-1b2c-4d5e-8f90-123456789abc", version=2,
                           finalised_at=dt.datetime(2026, 11, 9, 9, 10), author="Dr Asha Patel")
    monkeypatch.setattr(type(window), "finalised", property(lambda self: info))
    qtbot.keyClick(window, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[-1] == ("PDF note: Note 3F2A91C0, version 2, finalised 09-Nov-2026 09:10 by "
                         "Dr Asha Patel")
    assert lines[0].startswith("Telephone consultation, 09-Nov-2026 08:50")
    assert all(len(line) < 100 for line in lines)
