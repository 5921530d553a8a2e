"""The running app freezes its long-lived heap once the window is whole (forms/heap.py)."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from PySide6.QtWidgets import QMainWindow

from forms import heap


def test_the_heap_is_frozen_once_and_only_once_the_window_is_whole(qtbot, monkeypatch):
    monkeypatch.setattr(heap, "LOOK_EVERY_MS", 5)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.form, window.rules, window.store = SimpleNamespace(whole=False), None, None
    gc.unfreeze()
    try:
        timer = heap.freeze_when_whole(window)
        qtbot.wait(40)
        assert gc.get_freeze_count() == 0  # sections still to build, no rules, no store
        window.form.whole, window.rules = True, object()
        qtbot.wait(40)
        assert gc.get_freeze_count() == 0  # the store not open yet
        window.store = object()
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=1000)
        assert not timer.isActive()  # once
    finally:
        gc.unfreeze()  # the test process builds and drops many windows: never frozen
