"""The shared pieces every store call and wait goes through: one background idiom
(forms.background: the call in a worker thread, success or failure delivered in the GUI
thread), the busy cursor (forms.busy)."""

from __future__ import annotations

import inspect
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from consult.store import Store, StoreError
from forms import dialogs
from forms.background import Background
from forms.busy import busy_cursor
from forms.consultation.main_window import MainWindow
from tests.gui.test_drafts import calls, start, user  # noqa: F401 (fixtures)
from tests.support import load_example

GUI = threading.main_thread()


@pytest.fixture
def background(qtbot):
    made = Background(name="consult-test")
    yield made
    made.shutdown()


# --- the background idiom ----------------------------------------------------------------------


def test_success_is_delivered_in_the_gui_thread_and_the_call_ran_in_the_worker(qtbot, background):
    ran_in, delivered = [], []
    background.run(lambda: ran_in.append(threading.current_thread()) or 42,
                   success=lambda result: delivered.append((result, threading.current_thread())),
                   failure=lambda exc: pytest.fail(f"failure called: {exc}"))
    qtbot.waitUntil(lambda: bool(delivered), timeout=5000)
    assert delivered == [(42, GUI)]
    assert ran_in and ran_in[0] is not GUI and ran_in[0].name.startswith("consult-test")


def test_a_store_error_goes_to_the_failure_callback_in_the_gui_thread(qtbot, background):
    failed = []

    def job():
        raise StoreError("cannot read the store: connection refused")

    background.run(job, success=lambda _r: pytest.fail("success called"),
                   failure=lambda exc: failed.append((exc, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    (exc, thread), = failed
    assert isinstance(exc, StoreError) and "connection refused" in str(exc) and thread is GUI


def test_an_unexpected_error_is_raised_in_the_gui_thread_not_swallowed(qtbot, background):
    def job():
        raise ValueError("a bug")

    with qtbot.captureExceptions() as raised:
        op = background.run(job, failure=lambda _e: pytest.fail("a bug is not a store failure"))
        qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert [type(e[1]) for e in raised] == [ValueError]


def test_wait_repaints_until_the_callbacks_ran_and_call_raises_in_the_gui_thread(qtbot, background):
    order = []
    op = background.run(lambda: order.append("job") or "done",
                        success=lambda r: order.append(("success", r)))
    assert op.wait() is op and op.delivered
    assert order == ["job", ("success", "done")] and op.result() == "done"
    assert background.call(lambda: threading.current_thread()) is not GUI

    def job():
        raise StoreError("the database is read-only")

    with pytest.raises(StoreError, match="read-only"):
        background.call(job)


def test_jobs_run_in_the_order_submitted_and_shutdown_leaves_no_thread(qtbot):
    made = Background(name="consult-order")
    seen = []
    for n in range(5):
        made.run(lambda n=n: seen.append(n))
    made.drain()
    assert seen == [0, 1, 2, 3, 4] and made.threads()
    made.shutdown()
    assert made.closed and made.threads() == []


def test_finalising_calls_the_store_off_the_gui_thread(qtbot, calls, user, monkeypatch):  # noqa: F811
    threads = []
    real = Store.finalise

    def watched(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "finalise", watched)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    window = start(qtbot)
    record = load_example("mechanical")
    window.form.load(record)
    window.panel.set_record(record)
    window._refresh()
    assert not window.problems
    info = window.finalise_note()
    assert info is not None and window.locked
    assert threads and all(t is not GUI for t in threads)
    assert QApplication.overrideCursor() is None


# --- the busy cursor ---------------------------------------------------------------------------


def test_the_busy_cursor_is_the_wait_cursor_and_always_restored(qtbot):
    assert QApplication.overrideCursor() is None
    with busy_cursor():
        assert QApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
        with busy_cursor():
            assert QApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
        assert QApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
    assert QApplication.overrideCursor() is None
    with pytest.raises(StoreError), busy_cursor():
        raise StoreError("the store went away")
    assert QApplication.overrideCursor() is None


# --- the window's controllers ------------------------------------------------------------------


def protocol_members(protocol: type) -> set[str]:
    names = set(inspect.get_annotations(protocol))
    names |= {n for n, v in vars(protocol).items()
              if not n.startswith("_") and (callable(v) or isinstance(v, property))}
    return names


def test_the_window_gives_its_controllers_all_their_interfaces_ask_for(qtbot):
    from forms.consultation.finalising import Finaliser, FinalisingWindow
    from forms.consultation.store_and_drafts import DraftsWindow, StoreAndDrafts

    window = MainWindow()
    qtbot.addWidget(window)
    assert isinstance(window.drafts, StoreAndDrafts) and isinstance(window.finaliser, Finaliser)
    assert not isinstance(window, StoreAndDrafts | Finaliser)   # owned, not mixed in
    for protocol in (DraftsWindow, FinalisingWindow):
        members = protocol_members(protocol)
        assert len(members) > 8
        assert [m for m in sorted(members) if not hasattr(window, m)] == [], protocol.__name__
    window.dirty = False
