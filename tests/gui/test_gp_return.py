"""Enter as a GP presses it (issue 13, a GP's keyboard walk-through, findings 8 and 12):
Enter on a question the note needs and still unanswered stays there and says what is
needed, instead of going on to the next one and leaving it behind; Enter in a free-text
box that starts one line high moves on as in every other field (Shift+Enter adds a line),
and Ctrl+Enter keeps its window-wide meaning there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from consult.record.answers import Answer, Episode, Side
from forms import dialogs
from tests.gui.keys import CTRL, SHIFT, focused, gp_window, press
from tests.support import negative_record


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    for name in ("show_error", "show_info"):
        monkeypatch.setattr(dialogs, name, lambda *a: None)
    w = gp_window(qtbot)
    yield w
    w.dirty = False


def target(window, path):
    return window.form.fields[path].focus_target()


def said(window) -> str:
    return window.statusBar().currentMessage()


def sciatica(window):
    """The GP's case 2 half way: right leg pain with numbness; weakness not yet asked."""
    record = negative_record()
    legs = record.legs
    legs.symptoms, legs.pain, legs.pain_side = Answer.YES, Answer.YES, Side.RIGHT
    legs.numbness, legs.numbness_side = Answer.YES, Side.RIGHT
    legs.weakness = Answer.NOT_ASKED
    window.show_consultation(record)
    return window.record


# --- finding 8: Enter stays on the unanswered question the note needs ------------------------


def test_enter_on_unanswered_leg_weakness_stays_there_and_says_what_is_needed(qtbot, window):
    """The GP's case 2: Enter on "Leg weakness" (first on To finish) went to the cauda
    equina questions and left it behind."""
    r = sciatica(window)
    window.form.focus_field("legs.weakness")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is target(window, "legs.weakness")
    assert r.legs.weakness is Answer.NOT_ASKED  # Enter answers nothing
    message = said(window)
    assert "Y = yes, N = no" in message and "Tab passes it by" in message
    press(qtbot, Qt.Key.Key_N)  # answered: the answer moves on as before
    assert r.legs.weakness is Answer.NO
    assert focused() is not target(window, "legs.weakness")
    assert "Still to answer" not in said(window)  # not left behind for the next question


# each kind of field the note needs: a Yes/No question, a drop-down, typed text, a duration
KINDS = {
    "yes/no": ("red_flags.fever_or_unwell", "Y = yes, N = no"),
    "drop-down": ("history.episode", "Type F, R to choose"),
    "text": ("patient.family_name", "Enter the patient's family name"),
    "duration": ("history.duration_value", "5d"),
}


def _unanswered(record, path):
    if path == "red_flags.fever_or_unwell":
        record.red_flags.fever_or_unwell = Answer.NOT_ASKED
    elif path == "history.episode":
        record.history.episode = None
    elif path == "patient.family_name":
        record.patient.family_name = ""
    else:
        record.history.duration_value = None


@pytest.mark.parametrize("kind", KINDS)
def test_enter_stays_on_each_kind_of_unanswered_question_and_moves_on_once_answered(
        qtbot, window, kind):
    path, hint = KINDS[kind]
    record = negative_record()
    _unanswered(record, path)
    record.history.worse_at_night = Answer.NOT_ASKED  # another one, not needed by the note
    window.show_consultation(record)
    before = record.model_dump_json()
    window.form.focus_field(path)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is target(window, path), kind
    assert window.record.model_dump_json() == before  # Enter answers nothing
    assert hint.lower() in said(window).lower()
    press(qtbot, Qt.Key.Key_Return)  # again: still there, never skipped by a second press
    assert focused() is target(window, path)
    # a question the note does not need: Enter goes on to the next one it does (as before)
    window.form.focus_field("history.worse_at_night")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is target(window, path)
    # once answered, Enter moves on as before
    if kind == "drop-down":
        window.form.fields[path].combo.setCurrentIndex(
            window.form.fields[path].combo.findData(Episode.FIRST))  # the answer, not a key
    elif kind == "yes/no":
        window.record.red_flags.fever_or_unwell = Answer.NO
    elif kind == "text":
        qtbot.keyClicks(focused(), "Taylor")
    else:
        qtbot.keyClicks(focused(), "3w")
    if kind in ("drop-down", "yes/no"):
        window.form.load(window.record)
        window._refresh()
        window.form.focus_field(path)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is not target(window, path), kind


def test_enter_never_ping_pongs_between_two_unanswered_questions(qtbot, window):
    """The GP's case 3: with "Started" and "Safety-netting advice given" both open, Enter
    alternated between them six times."""
    record = negative_record()
    record.history.episode = None
    record.plan.safety_netting_given = Answer.NOT_ASKED
    window.show_consultation(record)
    window.form.focus_field("history.episode")
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Return)
        assert focused() is target(window, "history.episode")


# --- finding 12: Enter in a one-line free-text box moves on -------------------------------


def test_enter_in_the_numbness_where_box_moves_on_and_shift_enter_adds_a_line(qtbot, window):
    r = sciatica(window)
    window.form.focus_field("legs.numbness_where")
    box = target(window, "legs.numbness_where")
    qtbot.keyClicks(box, "lateral calf")
    press(qtbot, Qt.Key.Key_Return)
    assert r.legs.numbness_where == "lateral calf"  # no new line in the answer
    assert focused() is target(window, "legs.weakness")  # the next one the note needs
    window.form.focus_field("legs.numbness_where")
    box.moveCursor(box.textCursor().MoveOperation.End)
    press(qtbot, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(box, "and sole")
    assert r.legs.numbness_where == "lateral calf\nand sole"
    assert focused() is box


def test_enter_in_the_patients_location_box_moves_on(qtbot, window):
    record = negative_record()
    record.consultation.patient_location = ""
    window.show_consultation(record)
    window.form.focus_field("consultation.patient_location")
    qtbot.keyClicks(focused(), "At work, first aid room")
    press(qtbot, Qt.Key.Key_Return)
    assert window.record.consultation.patient_location == "At work, first aid room"
    assert focused() is not target(window, "consultation.patient_location")


def test_a_box_shown_several_lines_high_keeps_enter_for_a_new_line(qtbot, window):
    """History notes is a text area (three lines from the start): Enter starts a new line
    there, as in any text area, so a paragraph break never sends the next words typed
    into a Yes/No question."""
    window.show_consultation(negative_record())
    window.form.focus_field("history.notes")
    box = target(window, "history.notes")
    box.selectAll()
    qtbot.keyClicks(box, "Lifting a wardrobe")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "Worse at night")
    assert window.record.history.notes == "Lifting a wardrobe\nWorse at night"
    assert focused() is box


def test_ctrl_enter_in_the_where_box_still_accepts_and_confirms_the_plan(qtbot, window):
    r = sciatica(window)
    r.plan.items, r.plan.confirmed = [], False
    window.show_consultation(r)
    r = window.record
    window.form.focus_field("legs.numbness_where")
    box = target(window, "legs.numbness_where")
    box.selectAll()
    qtbot.keyClicks(box, "lateral calf")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert r.plan.items and r.plan.confirmed
    assert r.legs.numbness_where == "lateral calf"
