"""Finalise locks the note as a stored version; Amend stores the next version, which
says what it supersedes and why; a conflicting amendment loses nothing; export and
print of a finalised note are the stored bytes, recorded in the audit trail."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from consult.record import file as recordfile
from consult.store import Store, Who
from consult.store.location import default_url
from consult.store.schema import audit
from forms import dialogs, printing
from forms.consultation.main_window import MainWindow, show_ready
from forms.dialogs import AmendReasonDialog
from forms.dialogs import settings as app_settings
from tests.gui.keys import CTRL_SHIFT, focused, press
from tests.gui.recorded import record_dialogs
from tests.support import negative_record

USER = "Dr Asha Patel"
FINALISED = re.compile(r"Finalised: note ([0-9A-F]{8}), version (\d+), \d\d-[A-Z][a-z]{2}-\d{4} "
                       r"\d\d:\d\d by (.+)\. Locked: use Amend to change it\.")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def calls(monkeypatch):
    seen = record_dialogs(monkeypatch)
    monkeypatch.setattr(dialogs, "ask_amend_reason", lambda *a: seen.append(("reason", a))
                        or "Follow-up changed to 2 weeks after a call from the patient.")
    return seen


@pytest.fixture
def window(qtbot, calls):
    app_settings.save_settings(app_settings.AppSettings(user_name=USER, clinician_name=USER))
    w = MainWindow()
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.storeOpened, timeout=5000):
        show_ready(w)
    qtbot.waitUntil(lambda: not w.form._pending, timeout=10000)
    return w


@pytest.fixture
def store():
    s = Store.open(default_url())
    yield s
    s.close()


def open_complete_record(qtbot, window, monkeypatch, tmp_path) -> None:
    """As a GP would: File > Open a complete record (Ctrl+O)."""
    path = tmp_path / "complete.json"
    recordfile.save(negative_record(), path)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: str(path))
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.problems == []


def type_in(qtbot, window, path: str, text: str) -> None:
    window.form.focus_field(path)
    qtbot.keyClicks(focused(), text)


def finalise(qtbot, window) -> None:
    press(qtbot, Qt.Key.Key_F, CTRL_SHIFT)


def audit_actions(store: Store) -> list[tuple[str, str | None, int | None]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(audit.c.action, audit.c.note_id, audit.c.version)
                            .order_by(audit.c.seq)).all()
    return [tuple(r) for r in rows]


# --- finalise ----------------------------------------------------------------------------


@pytest.mark.hazard("H13")
def test_finalise_with_problems_says_so_points_at_to_finish_and_stores_nothing(
        qtbot, window, calls, store):
    type_in(qtbot, window, "patient.family_name", "Taylor")
    finalise(qtbot, window)
    kind, (_, title, text) = calls[-1]
    assert (kind, title) == ("info", "Not complete yet")
    assert "To finish list" in text and "Nothing has been stored" in text
    assert focused() is window.to_finish and window.to_finish.currentRow() == 0
    assert not any(c[0] == "confirm" for c in calls)
    assert store.notes() == []
    assert not window.locked and window.form.isEnabled()


@pytest.mark.hazard("H13")
def test_finalise_confirms_the_patient_locks_the_form_and_stores_version_1(
        qtbot, window, calls, store, monkeypatch, tmp_path):
    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    with qtbot.waitSignal(window.draftSaved, timeout=2500):
        type_in(qtbot, window, "plan.follow_up", " Phone if worse.")
    assert len(store.drafts(Who(USER))) == 1
    finalise(qtbot, window)
    _, (_, title, text, action) = next(c for c in calls if c[0] == "confirm")
    assert title == "Finalise and lock note" and action == "Finalise and lock"
    assert "TAYLOR, Sam\nBorn 05-Apr-1985, Age " in text and "\nNHS No. 943 476 5919\n" in text
    # locked: the bar says which note and version, by whom; the form cannot change
    match = FINALISED.fullmatch(window.note_bar.text())
    assert match, window.note_bar.text()
    assert match.group(2) == "1" and match.group(3) == USER
    assert window.note_bar.isVisible() and window.note_bar.kind() == "locked"
    assert not window.form.isEnabled()
    assert not window.panel.findChild(object, "confirmPlan").isEnabled()
    assert not window.act_finalise.isEnabled() and window.act_amend.isEnabled()
    assert not window.act_remaining.isEnabled()
    # the keyboard stays in the window: on the note preview, which can be read and copied
    # (a GP's walk-through: after finalising and exporting no widget had the focus)
    from PySide6.QtWidgets import QPlainTextEdit

    assert isinstance(QApplication.focusWidget(), QPlainTextEdit)
    assert QApplication.focusWidget().objectName() == "preview"
    before = recordfile.dumps(window.record)
    window.form.focus_field("patient.family_name")
    qtbot.keyClicks(window.form.fields["patient.family_name"].focus_target(), "X")
    assert recordfile.dumps(window.record) == before
    # stored: version 1, the PDF says so, the draft is gone
    (info,) = store.notes()
    assert (info.note_id, info.version, info.author) == (window.note_id, 1, USER)
    assert info.short_id == match.group(1)
    text = pdf_text(store.pdf(info.note_id, 1))
    assert f"Note {info.short_id} · version 1 · finalised" in text
    assert "DRAFT" not in text and "Phone if worse." in text
    assert store.drafts(Who(USER)) == []
    assert store.record(info.note_id, 1) == window.record
    assert not window.dirty and "(unsaved changes)" not in window.windowTitle()
    assert window.close()  # nothing to ask about
    assert not any(c[0] == "discard" for c in calls)


@pytest.mark.hazard("H13")
def test_export_and_print_of_a_finalised_note_are_the_stored_bytes_and_recorded(
        qtbot, window, calls, store, monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    finalise(qtbot, window)
    info = window.finalised
    assert info is not None
    out = tmp_path / "exported.pdf"
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: asked.append(a) or str(out))
    assert window.act_export.text() == "&Export finalised PDF\u2026"
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert out.read_bytes() == store.pdf(info.note_id, 1)
    assert asked[0][2].endswith("_v1.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printed = []
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: printer)
    real_print = printing.print_pdf
    monkeypatch.setattr(printing, "print_pdf",
                        lambda data, p, **k: printed.append(data) or real_print(data, p, **k))
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [store.pdf(info.note_id, 1)]
    assert store.note(info.note_id, 1).printed
    actions = [a for a in audit_actions(store) if a[1] == info.note_id]
    assert [a[0] for a in actions] == ["finalised", "exported", "printed"]


@pytest.mark.hazard("H13")
def test_export_of_a_complete_unfinalised_note_finalises_it_first(
        qtbot, window, calls, store, monkeypatch, tmp_path):
    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    out = tmp_path / "note.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(out))
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert any(c[0] == "confirm" and c[1][1] == "Finalise and lock note" for c in calls)
    (info,) = store.notes()
    assert out.read_bytes() == store.pdf(info.note_id, 1) and window.locked


# --- amend -------------------------------------------------------------------------------------


@pytest.mark.hazard("H13")
def test_amend_with_a_reason_stores_version_2_that_supersedes_version_1(
        qtbot, window, calls, store, monkeypatch, tmp_path):
    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    finalise(qtbot, window)
    note_id = window.note_id
    window.act_amend.trigger()
    assert window.form.isEnabled() and not window.locked
    assert window.note_bar.text() == (f"Amending note {note_id[:8].upper()} version 1: "
                                      "finalise to store version 2.")
    assert window.note_bar.kind() == "amending"
    with qtbot.waitSignal(window.draftSaved, timeout=2500):
        type_in(qtbot, window, "plan.follow_up", " Review in 2 weeks.")
    (draft,) = store.drafts(Who(USER))
    assert (draft.note_id, draft.base_version) == (note_id, 1)
    finalise(qtbot, window)
    _, (_, heading, _prefill) = next(c for c in calls if c[0] == "reason")
    assert "TAYLOR, Sam" in heading and "Amending note" in heading
    info = window.finalised
    assert info is not None and (info.note_id, info.version) == (note_id, 2)
    assert FINALISED.fullmatch(window.note_bar.text()).group(2) == "2"
    assert not window.form.isEnabled()
    text = pdf_text(store.pdf(note_id, 2))
    assert "supersedes version 1" in text
    assert "Follow-up changed to 2 weeks" in text and "Review in 2 weeks." in text
    assert "SUPERSEDED by version 2" in pdf_text(store.pdf(note_id, 1))
    assert store.drafts(Who(USER)) == []
    assert store.note(note_id).amend_reason == \
        "Follow-up changed to 2 weeks after a call from the patient."


@pytest.mark.hazard("H13")
def test_cancelling_the_reason_stores_nothing(qtbot, window, calls, store, monkeypatch,
                                              tmp_path):
    monkeypatch.setattr(dialogs, "ask_amend_reason", lambda *a: None)
    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    finalise(qtbot, window)
    window.act_amend.trigger()
    type_in(qtbot, window, "plan.follow_up", " Later.")
    finalise(qtbot, window)
    assert [n.version for n in store.notes(all_versions=True)] == [1]
    assert window.amending is not None and window.form.isEnabled()


@pytest.mark.hazard("H13")
def test_a_conflicting_amendment_shows_the_message_and_loses_nothing(
        qtbot, window, calls, store, monkeypatch, tmp_path):
    open_complete_record(qtbot, window, monkeypatch, tmp_path)
    finalise(qtbot, window)
    note_id = window.note_id
    window.act_amend.trigger()
    type_in(qtbot, window, "plan.follow_up", " GP text that must survive.")
    # meanwhile a colleague amends version 1 on another workstation
    other = Store.open(default_url())
    colleague = Who("Dr Ben Jones", workstation="reception-2")
    other.amend(note_id, 1, other.record(note_id, 1), "Added the fit note.", colleague)
    other.close()
    finalise(qtbot, window)
    _, (_, title, message) = next(c for c in calls if c[0] == "error")
    assert title == "Someone else amended this note first"
    assert "Dr Ben Jones amended this note first (version 2" in message
    assert "it is kept as your draft" in message
    # nothing lost: the text is in the form, still editable, and in the draft
    assert "GP text that must survive." in window.record.plan.follow_up
    assert window.form.isEnabled() and window.amending is not None
    assert window.note_bar.kind() == "warning" and "Dr Ben Jones" in window.note_bar.text()
    window.drafts.background.drain()
    qtbot.waitUntil(lambda: len(store.drafts(Who(USER))) == 1, timeout=2500)
    (draft,) = store.drafts(Who(USER))
    _, record = store.load_draft(draft.draft_id)
    assert "GP text that must survive." in record.plan.follow_up
    assert draft.base_version == 1 and draft.amend_reason.startswith("Follow-up changed")
    assert [n.author for n in store.versions(note_id)] == ["Dr Ben Jones", USER]


@pytest.mark.hazard("H13")
def test_open_note_for_amendment_shows_it_locked_ready_for_amend(qtbot, window, calls, store):
    other = Who("Dr Ben Jones", workstation="reception-2")
    info = store.finalise(negative_record(), other)
    assert window.open_note_for_amendment(info.note_id, 1)
    assert window.locked and not window.form.isEnabled()
    assert window.banner.name.text() == "TAYLOR, Sam"
    assert FINALISED.fullmatch(window.note_bar.text()).group(3) == "Dr Ben Jones"
    assert window.act_amend.isEnabled()
    window.act_amend.trigger()
    assert window.amending is not None and window.amending.version == 1
    # an older version: shown locked, marked superseded, never amendable
    store.amend(info.note_id, 1, negative_record(), "Typo.", other)
    window.dirty = False
    assert window.open_note_for_amendment(info.note_id, 1)
    assert "Superseded by version 2" in window.note_bar.text()
    assert not window.act_amend.isEnabled()


# --- the dialogs and shortcuts ---------------------------------------------------------------


def test_the_reason_is_required_and_can_run_over_several_lines(qtbot):
    dialog = AmendReasonDialog("TAYLOR, Sam | Born 05-Apr-1985")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "   ")
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "First line")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.reason, "second line")
    assert ok.isEnabled()
    assert dialog.text() == "First line\nsecond line"


def test_every_shortcut_is_used_once_and_the_new_ones_are_where_a_gp_looks(window):
    actions = window.findChildren(QAction)
    keys = [a.shortcut().toString() for a in actions if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), sorted(keys)
    assert window.act_finalise.shortcut().toString() == "Ctrl+Shift+F"
    assert window.act_notes.shortcut().toString() == "Ctrl+Shift+L"
    file_menu = window.menuBar().actions()[0].menu()
    assert {window.act_finalise, window.act_amend, window.act_notes} <= set(file_menu.actions())
    toolbar = window.findChild(object, "mainToolbar")
    assert window.act_finalise in toolbar.actions() and window.act_amend in toolbar.actions()


def test_finalised_notes_opens_the_staff_list_and_its_amend_request_reaches_the_form(
        qtbot, window, calls, store):
    if not (Path(__file__).resolve().parents[2] / "forms" / "notes" / "notes_window.py").is_file():
        pytest.skip("forms/notes/notes_window.py (the staff's notes list) is not there yet")
    info = store.finalise(negative_record(), Who("Dr Ben Jones"))
    press(qtbot, Qt.Key.Key_L, CTRL_SHIFT)
    notes = window.notes_window
    assert notes is not None and notes.isVisible()
    qtbot.addWidget(notes)
    notes.amend_requested.emit(info.note_id, 1)
    assert window.locked and window.note_id == info.note_id
