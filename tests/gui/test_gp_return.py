"""Enter as a GP presses it (issue 13, a GP's keyboard walk-through, findings 8 and 12):
Enter on a question the note needs and still unanswered stays there and says what is
needed, instead of going on to the next one and leaving it behind. Enter in a free-text
box adds a line, a box one line high included: the GP's next words stay in the box and
never answer the next questions (CSO review 2026-12-07c, finding 1, which took back
finding 12's "Enter moves on" there); Ctrl+Enter keeps its window-wide meaning."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from consult.record.answers import Answer, Episode, Mode, Side
from consult.rules import followups
from consult.rules.redflags import CES_ITEMS
from tests.gui.keys import CTRL, focused, press, said, target
from tests.support import negative_record


@pytest.fixture
def window(quiet_window):
    return quiet_window


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


def test_the_still_to_answer_hint_goes_when_the_gp_leaves_the_question_or_the_record(
        qtbot, window):
    """CSO review 2026-12-07c, finding 2: the hint outlived its question, and even its
    consultation (it still read "Still to answer" over the next record)."""
    sciatica(window)
    window.form.focus_field("legs.weakness")
    press(qtbot, Qt.Key.Key_Return)
    assert "Still to answer" in said(window)
    press(qtbot, Qt.Key.Key_Tab)  # passed by: the hint was about the question left behind
    assert "Still to answer" not in said(window)
    window.form.focus_field("legs.weakness")
    press(qtbot, Qt.Key.Key_Return)
    assert "Still to answer" in said(window)
    window.show_consultation(negative_record())  # another consultation
    assert "Still to answer" not in said(window)


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


# --- CSO review 2026-12-07c, finding 1: words typed after Enter stay in the box ---------------

#: every free-text box shown one line high (checked against the form below)
ONE_LINE_BOXES = ["consultation.patient_location", "consultation.others_present",
                  "history.previous_episodes", "impact.walking", "legs.numbness_where",
                  "observation.bends_forward", "red_flags.cancer_type"]
#: typed after Enter: an answer's keys (n, y) in ordinary words
TYPED = "abc", "and no yes unsure n y"


def _every_box_shown(window):
    """A video consultation half way: a recurrent episode, right leg pain and numbness,
    a past cancer; leg weakness and gait disturbance (Yes/No questions the note needs)
    not yet asked, so Enter moving on would land on one of them."""
    record = negative_record()
    record.consultation.mode = Mode.VIDEO
    record.history.episode = Episode.RECURRENT
    legs = record.legs
    legs.symptoms, legs.pain, legs.pain_side = Answer.YES, Answer.YES, Side.RIGHT
    legs.numbness, legs.numbness_side = Answer.YES, Side.RIGHT
    legs.weakness = Answer.NOT_ASKED
    record.red_flags.cancer_history = Answer.YES
    record.red_flags.cancer_year = 2019
    record.red_flags.gait_disturbance = Answer.NOT_ASKED
    followups.clear_hidden(record)  # as any answer does: only what applies holds answers
    window.show_consultation(record)
    return window.record


@pytest.mark.hazard("H2")
def test_the_list_holds_every_box_the_form_shows_one_line_high(window):
    from forms.growing_text import GrowingTextEdit

    boxes = {path for path, field in window.form.fields.items()
             if isinstance(field.focus_target(), GrowingTextEdit)
             and field.focus_target().lines == 1}
    assert boxes == set(ONE_LINE_BOXES)


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("path", ONE_LINE_BOXES)
def test_words_typed_after_enter_in_a_one_line_box_stay_in_it_and_answer_nothing(
        qtbot, window, path):
    record = _every_box_shown(window)
    owner, leaf = path.split(".")
    setattr(getattr(record, owner), leaf, "")
    window.show_consultation(record)
    record = window.record
    before = record.model_dump()
    assert window.form.focus_field(path)
    box = target(window, path)
    assert box.isVisible() and focused() is box
    qtbot.keyClicks(box, TYPED[0])
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), TYPED[1])
    after = record.model_dump()
    assert getattr(getattr(record, owner), leaf) == "\n".join(TYPED)  # every character
    after[owner][leaf] = before[owner][leaf]
    assert after == before  # nothing else changed: no answer the GP did not give
    assert focused() is box


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


# --- a GP's second walk-through, finding 1: words typed on a Yes/No question -----------------


@pytest.mark.hazard("H2")
def test_after_the_numbness_side_the_focus_goes_to_where_and_the_words_stay_there(
        qtbot, window):
    """The move-on after "Which leg (numbness)" skipped the optional "Where" box and
    landed on "Leg weakness"; the GP typed the place there and the n of "and" recorded
    Leg weakness: No. Now the side's answer goes on to "Where"."""
    record = negative_record()
    legs = record.legs
    legs.symptoms, legs.pain, legs.pain_side = Answer.YES, Answer.YES, Side.RIGHT
    legs.numbness, legs.numbness_side, legs.numbness_where = Answer.YES, None, ""
    legs.weakness = Answer.NOT_ASKED
    followups.clear_hidden(record)
    window.show_consultation(record)
    r = window.record
    assert window.form.focus_field("legs.numbness_side")
    press(qtbot, Qt.Key.Key_R)  # right: one choice starts with R, so it moves on
    assert r.legs.numbness_side is Side.RIGHT
    assert focused() is target(window, "legs.numbness_where")
    qtbot.keyClicks(focused(), "lateral calf")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "and dorsum of foot")
    assert r.legs.numbness_where == "lateral calf\nand dorsum of foot"
    assert r.legs.weakness is Answer.NOT_ASKED


@pytest.fixture
def clock(monkeypatch):
    """The Yes/No questions' clock, moved by the test: no sleeping."""
    from forms.form.widgets import AnswerField

    now = [1000.0]
    monkeypatch.setattr(AnswerField, "clock", staticmethod(lambda: now[0]), raising=False)
    return now


#: words a GP types about legs and people, each holding a y or an n (CSO second re-check of
#: 07c, N3: after one swallowed key the next y or n in the same word answered)
WORDS = ["and no yes", "inner thigh", "any", "many", "sunny", "Anne", "running", "tinnitus"]


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("word", WORDS)
def test_words_typed_on_a_yes_no_question_answer_nothing(qtbot, window, clock, word):
    """Wherever the GP types words on a Yes/No question believing they are in a text box,
    no y or n of them answers it, however many the word holds: a Y or N within a moment
    of another typed character is a word's letter. Said, instruction first."""
    r = sciatica(window)
    before = r.model_dump()
    assert window.form.focus_field("legs.weakness")
    for ch in word:
        qtbot.keyClicks(focused(), ch)
        clock[0] += 0.15  # a typist's pace
    assert r.model_dump() == before  # nothing answered, here or further on
    assert focused() is target(window, "legs.weakness")
    assert said(window).startswith("Y yes, N no, Delete not asked")
    clock[0] += 2.0  # a pause, then a deliberate N answers
    press(qtbot, Qt.Key.Key_N)
    assert r.legs.weakness is Answer.NO
    assert "Y yes, N no" not in said(window)  # answered: the line goes


def test_a_question_just_reached_answers_at_once(qtbot, window, clock):
    """The guard never slows a GP answering: Y, N after the focus moves on answer at once."""
    r = sciatica(window)
    assert window.form.focus_field("legs.weakness")
    press(qtbot, Qt.Key.Key_Y)
    press(qtbot, Qt.Key.Key_N)  # on the question the Y moved on to
    assert r.legs.weakness is Answer.YES
    assert window.form.focus_field("legs.weakness")
    qtbot.keyClicks(focused(), "x")
    window.form.focus_field("legs.weakness_side")  # left and back: the typing is forgotten
    window.form.focus_field("legs.weakness")
    press(qtbot, Qt.Key.Key_N)
    assert r.legs.weakness is Answer.NO


@pytest.mark.hazard("H2")
def test_backspace_or_delete_on_a_yes_no_question_clears_and_stays(qtbot, window, clock):
    """CSO second re-check of 07c, N4: Backspace (clear to not asked) moved the focus on,
    so a GP correcting a typo with it then answered the next question (x, Backspace, Y
    recorded Loss of bowel control: Yes, an emergency on the wrong question)."""
    window.show_consultation(negative_record())
    r = window.record
    bladder = "red_flags.ces_bladder.answer"
    assert window.form.focus_field(bladder)
    before = r.red_flags.ces_bowel.answer
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
        press(qtbot, key)
        assert r.red_flags.ces_bladder.answer is Answer.NOT_ASKED
        assert focused() is target(window, bladder)  # stays on the question it cleared
    clock[0] += 2.0
    press(qtbot, Qt.Key.Key_Y)
    assert r.red_flags.ces_bladder.answer is Answer.YES
    assert r.red_flags.ces_bowel.answer is before
    assert focused() is not target(window, bladder)  # an answer moves on, as ever


def test_the_question_with_the_focus_is_never_at_the_edge_of_the_form(qtbot, window):
    """A GP's second walk-through, finding 5: Return to the next group's first question
    left it at the bottom edge, so Ctrl+G there denied questions out of view. It is now
    scrolled to keep a third of the view below it (and above it)."""
    window.resize(1366, 768)
    record = negative_record()
    record.red_flags.cancer_history = Answer.NOT_ASKED
    followups.clear_hidden(record)
    window.show_consultation(record)
    form = window.form
    qtbot.waitUntil(lambda: form.viewport().height() > 200, timeout=2000)
    for path in ("red_flags.cancer_history", "legs.weakness", "patient.family_name"):
        form.verticalScrollBar().setValue(0)
        assert form.focus_field(path)
        widget = form.fields[path]
        top = widget.mapTo(form.viewport(), widget.rect().topLeft()).y()
        height = form.viewport().height()
        assert top >= 0 and top + widget.height() <= height - height // 3 + 1, path


@pytest.mark.hazard("H2")
def test_backspace_after_typed_letters_never_clears_an_answer_given(qtbot, window, clock):
    """CSO third re-check of 07c, N7: letters typed on a red flag answered Yes, then
    Backspace to correct them, cleared the Yes without a word. Within a moment of typed
    letters Backspace and Delete are corrections of those letters: they clear nothing."""
    record = negative_record()
    record.red_flags.ces_bladder.answer = Answer.YES
    window.show_consultation(record)
    r = window.record
    assert window.form.focus_field("red_flags.ces_bladder.answer")
    qtbot.keyClicks(focused(), "x")
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
        clock[0] += 0.3
        press(qtbot, key)
        assert r.red_flags.ces_bladder.answer is Answer.YES
    assert said(window).startswith("Y yes, N no, Delete not asked")
    clock[0] += 2.0  # a pause: Delete then clears, deliberately, and stays
    press(qtbot, Qt.Key.Key_Delete)
    assert r.red_flags.ces_bladder.answer is Answer.NOT_ASKED
    assert focused() is target(window, "red_flags.ces_bladder.answer")


@pytest.mark.hazard("H2")
def test_a_group_answer_shows_the_whole_group_it_recorded(qtbot, window):
    """CSO second re-check of 07c, N6: Ctrl+G on the first cauda equina question reached
    by Tab, at the bottom edge of the form, recorded 7 questions with 3 in view. The group
    is now scrolled into view (as much as fits), the focus kept in view."""
    window.resize(1366, 768)
    record = negative_record()
    for item in CES_ITEMS:
        getattr(record.red_flags, item).answer = Answer.NOT_ASKED
    window.show_consultation(record)
    form = window.form
    first = form.fields["red_flags.ces_bladder.answer"]
    first.setFocus()  # as Tab reaches it: no room made
    bar, view = form.verticalScrollBar(), form.viewport().height()
    top = first.mapTo(form.widget(), first.rect().topLeft()).y()
    bar.setValue(top + first.height() - view)  # the question at the bottom edge
    press(qtbot, Qt.Key.Key_G, CTRL)
    assert window.record.red_flags.ces_bowel.answer is Answer.NO
    recorded = [form.fields[f"red_flags.{p}.answer"] for p in CES_ITEMS]
    assert all(f.value is Answer.NO for f in recorded)
    for field in recorded:
        y = field.mapTo(form.viewport(), field.rect().topLeft()).y()
        assert y >= 0 and y + field.height() <= view, field.path
    assert focused() is first
