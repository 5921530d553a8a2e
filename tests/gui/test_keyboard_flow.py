"""Issue 13, parts 2-6, by keyboard as a GP presses keys: choices and scores move on, the
duration in one field, the focus where the GP is, Enter to the next question the note
needs, one red-flag group per key, one chord for the plan, safety-netting from the plan's
item, export into the settings' folder, no shortcut that answers, the shortcuts window,
and leaving a consultation with its draft kept."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMessageBox

from consult.record.answers import (
    Agreement,
    Answer,
    DurationUnit,
    InfoMethod,
    Mode,
    Place,
    WorkStatus,
)
from consult.record.model import Record
from forms import dialogs
from forms.consultation.main_window import MainWindow
from forms.dialogs import settings as app_settings
from forms.dialogs.shortcuts import ShortcutsDialog, action_rows
from forms.form.widgets import parse_duration
from tests.gui.keys import CTRL, SETTINGS, focused, press
from tests.support import load_example, negative_record


def type_(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def target(window, path):
    return window.form.fields[path].focus_target()


@pytest.fixture
def calls(monkeypatch):
    seen: list[tuple[str, tuple]] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: seen.append(("discard", a))
                        or "discard")
    monkeypatch.setattr(dialogs, "show_error", lambda *a: seen.append(("error", a)))
    monkeypatch.setattr(dialogs, "show_info", lambda *a: seen.append(("info", a)))
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: seen.append(("save", a)) or None)
    return seen


@pytest.fixture
def window(qtbot, calls):
    app_settings.save_settings(SETTINGS)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.form.ensure_built()
    w.form.focus_first_unanswered()
    return w


def show(window, record: Record) -> None:
    window.show_consultation(record)


# --- part 4: the focus goes where the GP is --------------------------------------------------


def test_a_new_consultation_starts_at_the_first_empty_question_and_tab_passes_what_settings_filled(
        qtbot, window):
    assert focused() is target(window, "consultation.mode")
    type_(qtbot, "V")  # video: the only choice with V, the focus moves on
    assert window.record.consultation.mode is Mode.VIDEO
    assert focused() is target(window, "consultation.identity_confirmed")
    # Shift+Tab goes back through the clinician and GMC number the settings filled ...
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is target(window, "consultation.gmc_number")
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is target(window, "consultation.clinician_name")
    # ... and Tab passes them by, from the date on
    window.form.focus_field("consultation.date")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is target(window, "consultation.mode")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is target(window, "consultation.identity_confirmed")
    # edited by the GP, a value is the GP's own and Tab visits it again
    window.form.focus_field("consultation.clinician_name")
    target(window, "consultation.clinician_name").selectAll()
    type_(qtbot, "Dr Kofi Mensah")
    window.form.focus_field("consultation.time")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is target(window, "consultation.mode")  # time filled: mode next
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is target(window, "consultation.clinician_name")


def test_identifiers_from_the_patient_list_leave_the_tab_chain(qtbot, window):
    r = window.record
    window.form.focus_field("patient.family_name")
    type_(qtbot, "Okafor")  # typed: stays in the chain
    assert "patient.family_name" not in window.form.prefilled()
    r.patient.source = "EMIS Web list imported 2026-12-07"
    window.form.set_answer("patient.given_name", "Daniel")  # as the list fills it
    qtbot.waitUntil(lambda: "patient.given_name" in window.form.prefilled(), timeout=1000)
    assert target(window, "patient.given_name").property("prefilled")


def test_enter_goes_to_the_next_unanswered_question_the_note_needs(qtbot, window):
    show(window, negative_record())
    r = window.record
    r.history.episode = None
    r.red_flags.fever_or_unwell = Answer.NOT_ASKED
    window.form.load(r)
    window._refresh()
    window.form.focus_field("history.site")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is target(window, "history.episode")
    type_(qtbot, "F")  # first episode
    # the next one the note needs: the fever question, never its group's button (CSO
    # review 2026-12-07b, finding 2: Return then N denied the whole group)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is target(window, "red_flags.fever_or_unwell")


def test_where_the_patient_is_is_a_choice_with_words_only_for_other(qtbot, window):
    window.form.focus_field("consultation.patient_place")
    type_(qtbot, "O")  # other: where, in words, next
    assert window.record.consultation.patient_place is Place.OTHER
    assert focused() is target(window, "consultation.patient_location")
    type_(qtbot, "Car park, Tesco Leeds Road")
    window.form.focus_field("consultation.patient_place")
    type_(qtbot, "H")  # home: the words are kept, the focus moves past them
    assert window.record.consultation.patient_place is Place.HOME
    assert window.record.consultation.patient_location == "Car park, Tesco Leeds Road"
    assert focused() is target(window, "consultation.interpreter")


# --- part 3: choices move on; the duration in one field ----------------------------------------


def test_a_unique_letter_chooses_and_moves_on_an_ambiguous_one_steps_through_its_choices(
        qtbot, window):
    window.form.focus_field("impact.work")
    type_(qtbot, "M")  # modified duties: the only choice with M
    assert window.record.impact.work is WorkStatus.MODIFIED
    assert focused() is not target(window, "impact.work")
    window.form.focus_field("impact.work")
    type_(qtbot, "N")  # normal and not in work both start with N: the focus stays
    assert window.record.impact.work is WorkStatus.NORMAL
    assert focused() is target(window, "impact.work")
    type_(qtbot, "N")
    assert window.record.impact.work is WorkStatus.NOT_IN_WORK
    press(qtbot, Qt.Key.Key_Delete)
    assert window.record.impact.work is None


def test_start_back_items_move_on_letter_by_letter(qtbot, window):
    window.form.focus_field("startback.leg_pain")
    for key in "DADDDDDD":  # items 1-8 in turn, each key where the focus is then
        type_(qtbot, key)
    sb = window.record.startback
    assert sb.leg_pain is Agreement.DISAGREE and sb.shoulder_neck_pain is Agreement.AGREE
    assert sb.low_mood is Agreement.DISAGREE
    assert focused() is target(window, "startback.bothersome")


def test_a_pain_score_moves_on_once_no_digit_can_follow(qtbot, window):
    window.form.focus_field("impact.pain_now")
    type_(qtbot, "1")  # may be 10: waits
    assert focused() is target(window, "impact.pain_now")
    type_(qtbot, "0")
    assert window.record.impact.pain_now == 10
    assert focused() is target(window, "impact.pain_worst")
    type_(qtbot, "7")
    assert window.record.impact.pain_worst == 7
    assert focused() is not target(window, "impact.pain_worst")


@pytest.mark.parametrize(("text", "expected"), [
    ("5d", (5, "days")), ("3w", (3, "weeks")), ("4m", (4, "months")), ("2y", (2, "years")),
    ("5 days", (5, "days")), ("2 weeks", (2, "weeks")), ("1 month", (1, "months")),
    ("10 D", (10, "days"))])
def test_duration_words_and_letters(text, expected):
    assert parse_duration(text) == expected


def test_the_duration_in_one_field_with_a_message_beside_it_when_it_cannot_be_read(qtbot,
                                                                                  window):
    window.form.focus_field("history.duration_value")
    type_(qtbot, "3w")
    h = window.record.history
    assert (h.duration_value, h.duration_unit) == (3, DurationUnit.WEEKS)
    target(window, "history.duration_value").selectAll()
    type_(qtbot, "5")  # no unit: never a guessed one
    press(qtbot, Qt.Key.Key_Tab)
    assert (h.duration_value, h.duration_unit) == (None, None)
    error = window.form.rows["history.duration_value"].error
    assert error.isVisible() and error.text() == "Add the unit: 5d (days), 5w (weeks), " \
        "5m (months) or 5y (years)."
    window.form.focus_field("history.duration_value")
    target(window, "history.duration_value").selectAll()
    type_(qtbot, "6 fortnights")
    press(qtbot, Qt.Key.Key_Tab)
    assert "is not a duration" in error.text()
    window.form.focus_field("history.duration_value")
    target(window, "history.duration_value").selectAll()
    type_(qtbot, "2 weeks")
    press(qtbot, Qt.Key.Key_Tab)
    assert (h.duration_value, h.duration_unit) == (2, DurationUnit.WEEKS)
    assert not error.isVisible()


# --- part 2: grouped screening ---------------------------------------------------------------


@pytest.mark.hazard("H2")
def test_space_on_a_groups_button_denies_that_group_only_and_goes_to_the_next_question(
        qtbot, window):
    r = window.record
    button = window.form.group_button("cauda_equina")
    window.form.ensureWidgetVisible(button)
    button.setFocus()
    # N answers one question, never a group (CSO review 2026-12-07b, finding 2)
    press(qtbot, Qt.Key.Key_N)
    assert r.red_flags.ces_bladder.answer is Answer.NOT_ASKED
    assert focused() is button
    assert "N answers one question, never a group" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_Space)
    assert r.red_flags.ces_bladder.answer is Answer.NO
    said = window.statusBar().currentMessage()   # which group, and the questions by name
    assert said.startswith("Cauda equina: 7 questions recorded as No") and "saddle" in said.lower()
    assert r.red_flags.cancer_history is Answer.NOT_ASKED  # never the other groups
    # the next group's first question, not its button (CSO finding 1)
    assert focused() is target(window, "red_flags.cancer_history")
    # a Yes inside a group is one key, item by item as before
    press(qtbot, Qt.Key.Key_Y)
    assert r.red_flags.cancer_history is Answer.YES
    window.form.group_button("cancer").setFocus()
    press(qtbot, Qt.Key.Key_Space)  # the rest of the group; the Yes stays
    assert r.red_flags.cancer_history is Answer.YES
    assert r.red_flags.weight_loss is Answer.NO  # the weak flags are asked with cancer
    assert "red_flags.cancer_history" not in r.red_flags.asked_as_group


def _grouped_groups(record) -> set[str]:
    """The screening groups with any answer recorded "asked as a group"."""
    from consult.rules import screening

    return {g.id for g in screening.GROUPS
            if set(g.paths) & set(record.red_flags.asked_as_group)}


def _held(qtbot, key, times: int, modifiers=Qt.KeyboardModifier.NoModifier,
          repeat: bool = True) -> None:
    """A held key: the auto-repeated presses the system sends after the first (`repeat`
    False: the same events as separate presses, to show the events reach the window)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for _ in range(times):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, chr(key.value).lower(), repeat)
            QApplication.sendEvent(focused(), event)
        qtbot.wait(1)


@pytest.mark.hazard("H2")
def test_n_pressed_again_and_again_or_held_from_a_groups_button_denies_that_group_only(
        qtbot, window):
    """CSO review 2026-12-07, finding 1: five N presses from the cauda equina button walked
    every group's button and recorded 30 red flags as No; a held N did the same. Since the
    review 2026-12-07b (finding 2) N on the button records nothing; Space presses it."""
    from consult.rules import screening

    r = window.record
    ces = set(screening.GROUP_BY_ID["cauda_equina"].paths)
    button = window.form.group_button("cauda_equina")
    window.form.ensureWidgetVisible(button)
    button.setFocus()
    # N on the button, pressed or held: no group, no answer, the focus stays
    qtbot.keyPress(button, Qt.Key.Key_N)
    _held(qtbot, Qt.Key.Key_N, 30)
    assert r.red_flags.asked_as_group == [] and focused() is button
    press(qtbot, Qt.Key.Key_Space)  # the group, once
    assert set(r.red_flags.asked_as_group) == ces
    assert focused() is target(window, "red_flags.cancer_history")
    assert r.red_flags.cancer_history is Answer.NOT_ASKED
    # pressed again and again: each press answers the one question with the focus, and
    # the focus never stops on another group's "All denied" button
    before = r.model_copy(deep=True)
    focus_seen = []
    for _ in range(25):
        focus_seen.append(focused())
        press(qtbot, Qt.Key.Key_N)
    assert _grouped_groups(r) == {"cauda_equina"}
    assert set(r.red_flags.asked_as_group) == ces
    buttons = {window.form.group_button(g.id) for g in screening.GROUPS}
    assert not buttons & set(focus_seen)
    # no more answers changed than presses made, each one the question that had the focus
    paths = [p for p, f in window.form.fields.items() if f.focus_target() in focus_seen]
    assert len(paths) == len(set(focus_seen)) == 25
    changed = [p for p in window.form.fields
               if p not in paths and _value(r, p) != _value(before, p)]
    assert changed == []
    # a held key on a question answers it once and nothing after it
    here = focused()
    path = next(p for p, f in window.form.fields.items() if f.focus_target() is here)
    qtbot.keyPress(here, Qt.Key.Key_Y)
    _held(qtbot, Qt.Key.Key_Y, 10)
    assert _value(r, path) is Answer.YES
    after_y = focused()
    assert after_y is not here
    assert [p for p, f in window.form.fields.items() if f.focus_target() is after_y
            and _value(r, p) not in (Answer.NOT_ASKED, None)] == []


def _value(record, path: str):
    from forms.form.consultation_form import resolve

    owner, leaf = resolve(record, path)
    return getattr(owner, leaf)


@pytest.mark.hazard("H2")
def test_no_control_records_all_red_flags_at_once(window):
    texts = [a.text().replace("&", "") for a in window.findChildren(type(window.act_new))]
    texts += [w.text().replace("&", "") for w in window.findChildren(QLabel)]
    assert not [t for t in texts if re.search(r"remaining red flags|all red flags", t, re.I)]


def _answers(window) -> dict[str, object]:
    return {p: _value(window.record, p) for p in window.form.fields}


def _changed(window, before: dict[str, object]) -> set[str]:
    return {p for p, v in _answers(window).items() if v != before[p]}


def _group_keys(qtbot) -> None:
    """The window's group chord (Ctrl+G), pressed once on the question with the focus."""
    press(qtbot, Qt.Key.Key_G, CTRL)


@pytest.mark.hazard("H2")
def test_ctrl_g_denies_the_focused_questions_group_only_keeps_a_yes_and_the_focus(qtbot,
                                                                                 window):
    from consult.rules import screening

    chord = window.act_remaining.shortcut()
    assert chord.toString() == "Ctrl+G"
    # no other command of the window answers to it (Qt's FindNext is F3 and Ctrl+G: the
    # window has no Find; two actions on one key would trigger neither)
    from PySide6.QtGui import QAction

    assert [a.text() for a in window.findChildren(QAction) if a is not window.act_remaining
            and chord in a.shortcuts()] == []
    r = window.record
    ces = set(screening.GROUP_BY_ID["cauda_equina"].paths)
    window.form.focus_field("red_flags.ces_saddle_numbness.answer")
    press(qtbot, Qt.Key.Key_Y)  # a Yes inside the group: one key, item by item
    assert r.red_flags.ces_saddle_numbness.answer is Answer.YES
    here = focused()  # moved on to the next question in the group (the Yes's onset)
    assert window.form.focused_group() == "cauda_equina"
    before = _answers(window)
    _group_keys(qtbot)
    # the rest of this group only; the Yes and its unasked onset untouched
    assert _changed(window, before) == ces - {"red_flags.ces_saddle_numbness.answer"}
    assert {_value(r, p) for p in ces - {"red_flags.ces_saddle_numbness.answer"}} \
        == {Answer.NO}
    assert r.red_flags.ces_saddle_numbness.answer is Answer.YES
    assert r.red_flags.ces_saddle_numbness.onset is None
    # the note's "asked as a group" marks the six, never the Yes
    assert set(r.red_flags.asked_as_group) == ces - {"red_flags.ces_saddle_numbness.answer"}
    assert focused() is here
    assert "Cauda equina: 6 questions recorded as No" in window.statusBar().currentMessage()
    # outside any red-flag group the chord records nothing and says why
    window.form.focus_field("impact.pain_now")
    before = _answers(window)
    _group_keys(qtbot)
    assert _changed(window, before) == set()
    assert "one group at a time" in window.statusBar().currentMessage()


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("how", ["button", "Ctrl+G"])
def test_no_group_answer_records_the_pregnancy_warning_signs(qtbot, window, how):
    """CSO review 2026-12-07c, A2: the warning signs are asked only after 'Pregnant' Yes and
    join no group; with 'Pregnant' Yes and the signs Not asked, each group's button and
    Ctrl+G leave them Not asked and the record not fully screened."""
    from consult.rules import screening

    for group in screening.GROUPS:
        record = Record()
        record.medicines.pregnant = Answer.YES
        show(window, record)
        first = next(p for p in group.paths if p.startswith("red_flags."))
        if how == "button":
            button = window.form.group_button(group.id)
            button.setFocus()
            qtbot.waitUntil(button.hasFocus, timeout=1000)
            press(qtbot, Qt.Key.Key_Space)
        else:
            window.form.focus_field(first)
            qtbot.waitUntil(lambda p=first: focused() is target(window, p), timeout=1000)
            _group_keys(qtbot)
        r = window.record
        assert r.red_flags.asked_as_group, group.id  # the group answer did record its No
        assert r.red_flags.pregnancy_warning_signs is Answer.NOT_ASKED, group.id
        assert "red_flags.pregnancy_warning_signs" in window.assessment.unscreened, group.id
        assert not window.assessment.red_flags_screened, group.id
    window.dirty = False


@pytest.mark.hazard("H2")
def test_ctrl_g_pressed_six_times_or_held_denies_one_group_never_a_chain(qtbot, window):
    """CSO review 2026-12-07, finding 1 (five presses of one key denied every red flag):
    the chord leaves the focus on its question, so pressed again it never reaches
    another group, and a held chord's auto-repeat triggers nothing."""
    from consult.rules import screening

    r = window.record
    ces = set(screening.GROUP_BY_ID["cauda_equina"].paths)
    window.form.focus_field("red_flags.ces_bladder.answer")  # the first red-flag question
    first = focused()
    before = _answers(window)
    for n in range(6):
        _group_keys(qtbot)
        assert focused() is first, n
        assert _grouped_groups(r) == {"cauda_equina"}, n
        assert _changed(window, before) == ces, n  # nothing outside the group, ever
    # held on the cancer group's first question: one group, the auto-repeat answers nothing
    fired: list[bool] = []
    window.act_remaining.triggered.connect(lambda *_: fired.append(True))
    window.form.focus_field("red_flags.cancer_history")
    qtbot.keyPress(focused(), Qt.Key.Key_G, CTRL)
    _held(qtbot, Qt.Key.Key_G, 20, CTRL)
    qtbot.keyRelease(focused(), Qt.Key.Key_G, CTRL)
    assert len(fired) == 1
    assert _grouped_groups(r) == {"cauda_equina", "cancer"}
    assert r.red_flags.cancer_history is Answer.NO
    assert r.red_flags.fever_or_unwell is Answer.NOT_ASKED
    # the same events as separate presses do reach the chord (so the count above is real)
    _held(qtbot, Qt.Key.Key_G, 1, CTRL, repeat=False)
    assert len(fired) == 2
    assert _grouped_groups(r) == {"cauda_equina", "cancer"}


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("path", ["history.thoracic_pain", "risk.osteoporosis",
                                  "medicines.oral_corticosteroid"])
def test_ctrl_g_on_a_group_question_outside_red_flags_records_nothing(qtbot, window, path):
    """CSO review 2026-12-07b, finding 3: Ctrl+G on thoracic pain (Duration and pattern)
    recorded 9 red flags as No, 8 of them out of view."""
    window.form.focus_field(path)
    before = _answers(window)
    _group_keys(qtbot)
    assert _changed(window, before) == set()
    assert "under a group's heading in Red flags" in window.statusBar().currentMessage()


@pytest.mark.hazard("H2")
def test_any_mix_of_ctrl_g_return_and_n_records_one_group_per_chord_one_answer_per_n(
        qtbot, window):
    """CSO review 2026-12-07b, finding 2: Ctrl+G, Return, N, Ctrl+G, Return, N, Ctrl+G
    recorded all five groups (Return stopped on the next group's button, where N denied
    it). Now, in any mix from the first red-flag question: Return answers nothing and
    never lands on a button, N answers at most the one question it is on, and Ctrl+G at
    most one group's questions."""
    import random

    from consult.rules import screening

    keys = {"G": (Qt.Key.Key_G, CTRL), "R": (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
            "N": (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier)}
    buttons = {window.form.group_button(g.id) for g in screening.GROUPS}
    pick = random.Random(20261207)
    sequences = ["GRNGRNG", "GRGRGRGRG", "NNNNNNNN", "RNRNRNRN"] + [
        "".join(pick.choice("GRN") for _ in range(9)) for _ in range(8)]
    for sequence in sequences:
        show(window, Record())
        window.form.focus_field("red_flags.ces_bladder.answer")
        for step, key in enumerate(sequence):
            before = _answers(window)
            press(qtbot, *keys[key])
            changed = _changed(window, before)
            where = f"{sequence}[{step}]"
            assert focused() not in buttons, where
            if key == "R":
                assert changed == set(), where
            elif key == "N":
                assert len(changed) <= 1, where
            else:
                assert any(changed <= set(g.paths) for g in screening.GROUPS), where
        window.dirty = False


@pytest.mark.hazard("H2")
def test_an_answer_given_again_one_by_one_is_no_longer_asked_as_a_group(qtbot, window):
    """CSO review 2026-12-07b, finding 5: a grouped No answered Y then N on its own still
    printed "asked as a group: denied"."""
    r = window.record
    window.form.focus_field("red_flags.ces_bladder.answer")
    _group_keys(qtbot)
    assert "red_flags.ces_bowel.answer" in r.red_flags.asked_as_group
    window.form.focus_field("red_flags.ces_bowel.answer")
    press(qtbot, Qt.Key.Key_Y)
    window.form.focus_field("red_flags.ces_bowel.answer")
    press(qtbot, Qt.Key.Key_N)
    assert r.red_flags.ces_bowel.answer is Answer.NO
    assert "red_flags.ces_bowel.answer" not in r.red_flags.asked_as_group
    assert "red_flags.ces_bladder.answer" in r.red_flags.asked_as_group  # the others keep it


# --- part 5: the plan in one chord, safety-netting from its item, export to the folder ------


@pytest.mark.hazard("H18")
def test_one_chord_accepts_and_confirms_and_the_safety_netting_item_asks_how(qtbot, window):
    record = negative_record()
    record.plan.items = []
    record.plan.confirmed = False
    record.plan.safety_netting_given = Answer.NOT_ASKED
    show(window, record)
    r = window.record
    window.form.focus_field("history.site")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert r.plan.items and r.plan.confirmed
    assert any(i.suggestion_id == "safety-netting" for i in r.plan.items)
    assert r.plan.safety_netting_given is Answer.YES
    qtbot.waitUntil(lambda: focused() is target(window, "plan.safety_netting_how"), timeout=1000)
    type_(qtbot, "R")
    assert r.plan.safety_netting_how == [InfoMethod.READ_ALOUD]


def _to_finish(window) -> list[str]:
    return [window.to_finish.item(i).text() for i in range(window.to_finish.count())]


CES_ASKED = "Record whether the written cauda equina information was given, and how."


@pytest.mark.hazard("H32")
def test_ticking_the_ces_card_item_answers_nothing_and_asks_whether_it_was_given(qtbot,
                                                                                window):
    """CSO review 2026-12-07c, A3: Space on the CES-card item leaves 'Written cauda equina
    information given' Not asked, puts the focus on it, says so, and To finish lists it;
    Y then P records Yes, printed."""
    record = negative_record()
    record.plan.items = [i for i in record.plan.items if i.suggestion_id != "ces-card"]
    record.plan.ces_card_given, record.plan.ces_info_how = Answer.NOT_ASKED, []
    show(window, record)
    r = window.record
    plan = window.panel.findChild(QListWidget, "planList")
    row = [x.key for x in window.panel._rows].index("s:ces-card")
    plan.setFocus()
    plan.setCurrentRow(row)
    assert plan.item(row).checkState() == Qt.CheckState.Unchecked
    press(qtbot, Qt.Key.Key_Space)
    assert any(i.suggestion_id == "ces-card" for i in r.plan.items)
    assert r.plan.ces_card_given is Answer.NOT_ASKED and r.plan.ces_info_how == []
    qtbot.waitUntil(lambda: focused() is target(window, "plan.ces_card_given"), timeout=1000)
    assert window.statusBar().currentMessage() == (
        "Written cauda equina information: was it given? Y yes (then how: Printed, SMS, "
        "Email, Read aloud), N no.")
    assert any(CES_ASKED in line for line in _to_finish(window))
    type_(qtbot, "Y")
    assert "was it given?" not in window.statusBar().currentMessage()  # answered: it goes
    type_(qtbot, "P")
    assert (r.plan.ces_card_given, r.plan.ces_info_how) == (Answer.YES, [InfoMethod.PRINTED])
    assert not any(CES_ASKED in line for line in _to_finish(window))
    # unticking leaves the GP's answer as it is
    plan.setFocus()
    plan.setCurrentRow(row)
    press(qtbot, Qt.Key.Key_Space)
    assert not any(i.suggestion_id == "ces-card" for i in r.plan.items)
    assert (r.plan.ces_card_given, r.plan.ces_info_how) == (Answer.YES, [InfoMethod.PRINTED])


@pytest.mark.hazard("H32")
def test_ctrl_return_chooses_the_ces_card_item_but_never_records_it_given(qtbot, window):
    record = negative_record()
    record.plan.items = []
    record.plan.confirmed = False
    record.plan.ces_card_given, record.plan.ces_info_how = Answer.NOT_ASKED, []
    show(window, record)
    r = window.record
    window.form.focus_field("history.site")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert any(i.suggestion_id == "ces-card" for i in r.plan.items) and r.plan.confirmed
    assert r.plan.ces_card_given is Answer.NOT_ASKED
    count = len(r.plan.items)
    assert window.statusBar().currentMessage() == (
        f"Plan accepted ({count} items) and confirmed; written CES information: record "
        "whether it was given.")
    qtbot.waitUntil(lambda: focused() is target(window, "plan.ces_card_given"), timeout=1000)
    assert any(CES_ASKED in line for line in _to_finish(window))
    assert "plan.ces_card_given" in {p.field for p in window.problems}
    press(qtbot, Qt.Key.Key_N)  # answered: the chord's "record whether it was given" goes
    assert r.plan.ces_card_given is Answer.NO
    assert "record whether it was given" not in window.statusBar().currentMessage()


@pytest.mark.hazard("H11")
def test_export_writes_into_the_settings_folder_without_a_dialog_owner_only(
        qtbot, window, calls, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    window.settings = app_settings.AppSettings(**{**SETTINGS.model_dump(),
                                                  "export_folder": str(folder)})
    show(window, negative_record())
    assert window.problems == []
    press(qtbot, Qt.Key.Key_E, CTRL)
    press(qtbot, Qt.Key.Key_E, CTRL)  # a second export never overwrites the first
    files = sorted(folder.iterdir(), key=lambda f: len(f.name))
    assert len(files) == 2 and not [c for c in calls if c[0] == "save"]
    assert files[1].name == files[0].name.removesuffix(".pdf") + " (2).pdf"
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        text = PdfReader(io.BytesIO(f.read_bytes())).pages[0].extract_text()
        assert "943 476 5919" in text
    assert str(files[1]) in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.AltModifier)  # Export as: asks
    assert [c for c in calls if c[0] == "save"]
    assert len(list(folder.iterdir())) == 2


# --- part 6: no shortcut answers; the shortcuts window -----------------------------------------


@pytest.mark.hazard("H2")
def test_no_mnemonic_or_navigation_shortcut_changes_an_answer(qtbot, window):
    show(window, load_example("mechanical"))
    before = window.record.model_dump_json()
    labels = [lb for lb in window.findChildren(QLabel) if lb.buddy() is not None]
    letters = sorted({m.group(1).lower() for lb in labels
                      for m in [re.search(r"(?<!&)&([^&])", lb.text())] if m})
    assert len(letters) >= 12
    for letter in letters:
        window.form.focus_field("history.site")
        qtbot.keyClick(focused(), letter, Qt.KeyboardModifier.AltModifier)
        assert window.record.model_dump_json() == before, letter
    for action in (window.act_sections, window.act_finish):
        window.form.focus_field("history.site")
        action.trigger()
        assert window.record.model_dump_json() == before, action.text()
    # the Triggers shortcut puts the focus on "Lifting" without ticking it (issue 13: Alt+R
    # ticked it)
    keys = dict((t, k) for k, t in window.form.section_shortcuts())["Triggers and injuries"]
    window.form.focus_field("history.site")
    qtbot.keyClick(focused(), keys[-1].lower(), Qt.KeyboardModifier.AltModifier)
    assert focused() is window.form.fields["triggers.triggers"].focus_target()
    assert window.record.model_dump_json() == before


def test_every_section_has_a_shortcut_that_moves_the_focus_there(qtbot, window):
    from forms.form.sections import SECTIONS

    found = dict((title, keys) for keys, title in window.form.section_shortcuts())
    assert set(found) == {s.title for s in SECTIONS}
    assert found["Duration and pattern"].startswith("Alt+")
    for spec in SECTIONS:
        first = next(e for e in spec.entries if isinstance(e, str))
        window.form.focus_field("consultation.mode")
        qtbot.keyClick(focused(), found[spec.title][-1].lower(), Qt.KeyboardModifier.AltModifier)
        assert window.form.fields[first].isAncestorOf(focused()) or \
            window.form.fields[first] is focused(), spec.title
        # and in view: the next key answers a question the GP can see (a GP's walk-through:
        # Alt+G then L ticked "Lifting" below the visible form)
        here = focused()
        top_left = here.mapTo(window.form.viewport(), here.rect().topLeft())
        bottom = top_left.y() + here.height()
        assert top_left.y() >= 0 and bottom <= window.form.viewport().height(), spec.title


def test_f1_lists_every_action_that_has_a_shortcut(qtbot, window):
    press(qtbot, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    listed = dialog.listed()
    with_keys = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 15
    for keys, text in action_rows(with_keys):
        assert (keys, text) in listed, text
    assert ("Ctrl+Return", "Accept and confirm plan") in listed
    assert ("Ctrl+G", "Red-flag group: all denied") in listed
    assert any(text == "Go to Duration and pattern" for _keys, text in listed)
    dialog.close()


# --- from what a GP saw: leaving keeps the draft ----------------------------------------------


@pytest.mark.hazard("H5")
def test_leaving_offers_quit_and_keep_the_draft_as_the_plain_enter(qtbot):
    box = dialogs.leave_box(None, "This consultation is not finalised.",
                            "&Quit and keep the draft")
    qtbot.addWidget(box)
    texts = [b.text().replace("&", "") for b in box.buttons()]
    assert texts[0] == "Quit and keep the draft"
    assert {"Save to a file\u2026", "Discard the draft", "Cancel"} <= set(texts)
    box.show()
    qtbot.waitExposed(box)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.clickedButton().objectName() == "leaveKeep"
    box = dialogs.leave_box(None, "x", "&Quit and keep the draft")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.clickedButton().objectName() == "leaveCancel"
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)


@pytest.mark.hazard("H5")
def test_quitting_with_the_store_asks_with_keep_the_draft(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(type(window), "store", property(lambda self: object()))
    monkeypatch.setattr(dialogs, "confirm_leave",
                        lambda parent, question, keep: asked.append(keep) or "keep")
    window.form.focus_field("patient.family_name")
    type_(qtbot, "Ng")
    assert window.may_discard(quitting=True)
    assert asked == ["&Quit and keep the draft"]
    assert Path  # the draft itself is written by the store's shut-down (tests/gui/test_drafts)


def test_a_message_about_a_yes_waits_for_the_questions_that_follow_it(qtbot, window):
    """A GP's walk-through: "Leg symptoms are recorded yes but none of pain, numbness or
    weakness is yes" showed the instant Y was pressed, before those questions."""
    error = window.form.rows["legs.symptoms"].error
    window.form.focus_field("legs.symptoms")
    press(qtbot, Qt.Key.Key_Y)
    assert focused() is target(window, "legs.pain")
    assert not error.isVisibleTo(window)
    assert any(p.field == "legs.symptoms" for p in window.problems)  # To finish still has it
    for path in ("legs.pain", "legs.numbness", "legs.weakness", "legs.claudication"):
        window.form.focus_field(path)
        press(qtbot, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: error.isVisibleTo(window), timeout=2000)
    assert "none of pain, numbness or weakness" in error.text()
