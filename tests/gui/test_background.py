"""The shared pieces every store call and wait goes through: one background idiom
(forms.background: the call in a worker thread, success or failure delivered in the GUI
thread), the busy cursor (forms.busy) and the crash handler (forms.crash)."""

from __future__ import annotations

import inspect
import os
import stat
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from consult.store import Store, StoreError
from forms import crash, dialogs
from forms.background import Background
from forms.busy import busy_cursor
from forms.consultation.main_window import MainWindow
from tests.gui.test_drafts import USER, calls, start, stored, user  # noqa: F401 (fixtures)
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


# --- the crash handler -------------------------------------------------------------------------


def patient_identifiers(record) -> list[str]:
    p = record.patient
    return [v for v in (p.family_name, p.given_name, p.nhs_number, p.date_of_birth.isoformat(),
                        p.date_of_birth.strftime("%d-%b-%Y")) if v]


def test_an_exception_outside_a_slot_shows_a_message_logs_no_patient_data_and_keeps_the_draft(
        qtbot, calls, user, monkeypatch):  # noqa: F811
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: shown.append(a))
    window = start(qtbot)
    record = load_example("cauda-equina")
    window.form.load(record)
    window.panel.set_record(record)
    window._changed("patient.family_name")   # the GP's edits, a draft due in a second
    handler = crash.CrashHandler(keep_draft=window.drafts.keep_now, parent=window)
    handler.install()
    try:
        assert sys_hooks() == (handler.handle, handler._thread_hook)
        secret = f"{record.patient.family_name} {record.patient.nhs_number}"
        with qtbot.waitSignal(window.draftSaved, timeout=5000) as saved:
            try:
                raise RuntimeError(f"cannot place {secret}")
            except RuntimeError:
                import sys
                sys.excepthook(*sys.exc_info())   # what Python does with an uncaught exception
    finally:
        handler.uninstall()
    assert saved.args == [True]
    (_parent, title, text), = shown
    assert title == crash.TITLE and "RuntimeError" in text and str(crash.log_path()) in text
    assert all(v not in text for v in patient_identifiers(record))
    log = crash.log_path().read_text(encoding="utf-8")
    assert "RuntimeError" in log and "test_background.py" in log and "message withheld" in log
    assert all(v not in log for v in patient_identifiers(record)), log
    if os.name == "posix":
        assert stat.S_IMODE(crash.log_path().stat().st_mode) == 0o600
        assert stat.S_IMODE(crash.log_path().parent.stat().st_mode) == 0o700
    check = stored()
    try:
        (draft,) = check.drafts(user)
        assert draft.patient.name.startswith(record.patient.family_name.upper())
    finally:
        check.close()


def test_an_exception_in_another_thread_is_shown_in_the_gui_thread(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(dialogs, "show_error",
                        lambda *a: shown.append((threading.current_thread(), a[1])))
    handler = crash.CrashHandler()
    handler.install()
    try:
        def boom():
            raise KeyError("9434765919")

        worker = threading.Thread(target=boom, name="consult-test-crash")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        handler.uninstall()
    assert shown == [(GUI, crash.TITLE)]
    assert "9434765919" not in crash.log_path().read_text(encoding="utf-8")
    assert "KeyError" in crash.log_path().read_text(encoding="utf-8")


def sys_hooks():
    import sys
    return sys.excepthook, threading.excepthook


def test_the_app_installs_the_crash_handler_and_removes_it_after(qtbot, monkeypatch):
    from forms import app as gui_app
    from forms import heap

    seen = []
    monkeypatch.setattr(gui_app, "_run", lambda _app, _window: seen.append(sys_hooks()) or 0)
    monkeypatch.setattr(MainWindow, "start_after_first_paint", lambda self: None)
    frozen = []  # the running app freezes its heap once whole (issue 14): asked for, here
    monkeypatch.setattr(heap, "freeze_when_whole", frozen.append)
    before = sys_hooks()
    assert gui_app.run_consultation(QApplication.instance()) == 0
    assert len(frozen) == 1 and isinstance(frozen[0], MainWindow)
    (during,) = seen
    assert during[0].__self__.__class__ is crash.CrashHandler
    assert sys_hooks() == before
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            window.dirty = False
            window.close()
            qtbot.addWidget(window)


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
