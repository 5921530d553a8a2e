"""The form by keyboard: answers, follow-ups, identifiers, dates, field messages."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from consult.answers import Answer, Trauma
from consult.record import Record
from forms.form import ConsultationForm
from forms.widgets import parse_date


@pytest.fixture
def form(qtbot):
    widget = ConsultationForm()
    qtbot.addWidget(widget)
    widget.resize(760, 900)
    widget.load(Record())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def focus(qtbot, form, path):
    assert form.focus_field(path)
    target = form.fields[path].focus_target()
    qtbot.waitUntil(target.hasFocus)
    return target


def test_y_and_n_answer_and_move_on_delete_clears(qtbot, form):
    target = focus(qtbot, form, "red_flags.ces_bowel.answer")
    qtbot.keyClick(target, Qt.Key.Key_Y)
    assert form.record.red_flags.ces_bowel.answer is Answer.YES
    # the follow-up questions appear and the focus moves on to the first of them
    assert form.rows["red_flags.ces_bowel.onset"].visible
    assert form.fields["red_flags.ces_bowel.onset"].focus_target().hasFocus()
    target = focus(qtbot, form, "red_flags.ces_bowel.answer")
    qtbot.keyClick(target, Qt.Key.Key_Delete)
    assert form.record.red_flags.ces_bowel.answer is Answer.NOT_ASKED
    assert not form.rows["red_flags.ces_bowel.onset"].visible
    target = focus(qtbot, form, "red_flags.ces_bowel.answer")
    qtbot.keyClick(target, Qt.Key.Key_N)
    assert form.record.red_flags.ces_bowel.answer is Answer.NO
    assert form.fields["red_flags.ces_saddle_numbness.answer"].focus_target().hasFocus()


@pytest.mark.hazard("H15")
def test_a_hidden_follow_up_loses_its_answer(qtbot, form):
    with qtbot.waitSignal(form.changed):
        form.fields["triggers.trauma"].combo.setCurrentIndex(2)  # Minor
    assert form.record.triggers.trauma is Trauma.MINOR
    assert form.rows["triggers.severe_pain_after_trauma"].visible
    qtbot.keyClick(focus(qtbot, form, "triggers.severe_pain_after_trauma"), Qt.Key.Key_Y)
    assert form.record.triggers.severe_pain_after_trauma is Answer.YES
    form.fields["triggers.trauma"].combo.setCurrentIndex(1)  # None
    assert not form.rows["triggers.severe_pain_after_trauma"].visible
    assert form.record.triggers.severe_pain_after_trauma is Answer.NOT_ASKED
    assert form.fields["triggers.severe_pain_after_trauma"].value is Answer.NOT_ASKED


@pytest.mark.hazard("H3", "H9")
def test_nhs_number_formats_itself_and_shows_its_check(qtbot, form):
    edit = focus(qtbot, form, "patient.nhs_number")
    qtbot.keyClicks(edit, "9434765")
    assert edit.text() == "943 476 5"
    assert "7 of 10 digits" in form.fields["patient.nhs_number"].hint.text()
    qtbot.keyClicks(edit, "919")
    assert edit.text() == "943 476 5919"
    assert form.record.patient.nhs_number == "9434765919"
    assert "valid" in form.fields["patient.nhs_number"].hint.text()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, "8")
    assert form.record.patient.nhs_number is None
    assert "fails its check digit" in form.rows["patient.nhs_number"].error.text()


@pytest.mark.hazard("H3", "H10")
def test_dates_are_typed_day_first_and_shown_unambiguously(qtbot, form):
    edit = focus(qtbot, form, "patient.date_of_birth")
    qtbot.keyClicks(edit, "05/04/1985")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert form.record.patient.date_of_birth == dt.date(1985, 4, 5)
    assert form.fields["patient.date_of_birth"].hint.text() == "05-Apr-1985"
    edit = focus(qtbot, form, "patient.date_of_birth")
    edit.selectAll()
    qtbot.keyClicks(edit, "31/02/1985")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "31/02/1985"  # the typing is kept to correct
    assert form.record.patient.date_of_birth is None  # never an older date in its place
    assert "is not a date" in form.rows["patient.date_of_birth"].error.text()
    assert form.rows["patient.date_of_birth"].error.isVisible()


@pytest.mark.hazard("H10")
def test_parse_date_is_day_first_always():
    assert parse_date("1/2/2020") == dt.date(2020, 2, 1)
    assert parse_date("01022020") == dt.date(2020, 2, 1)
    assert parse_date("05-Apr-2008") == dt.date(2008, 4, 5)
    with pytest.raises(ValueError):
        parse_date("2020/02/01")


def test_pain_score_by_number_keys_and_a_cross_field_message_on_leaving(qtbot, form):
    qtbot.keyClicks(focus(qtbot, form, "impact.pain_now"), "8")
    worst = focus(qtbot, form, "impact.pain_worst")
    qtbot.keyClicks(worst, "5")
    assert (form.record.impact.pain_now, form.record.impact.pain_worst) == (8, 5)
    from consult.completeness import problems

    form.show_problems(problems(form.record))
    qtbot.keyClick(worst, Qt.Key.Key_Tab)
    assert "cannot be lower than pain now" in form.rows["impact.pain_worst"].error.text()


@pytest.mark.hazard("H2")
def test_record_remaining_red_flags_as_no_touches_only_unanswered(qtbot, form):
    qtbot.keyClick(focus(qtbot, form, "red_flags.fever_or_unwell"), Qt.Key.Key_Y)
    changed = form.record_remaining_as_no()
    assert "red_flags.fever_or_unwell" not in changed
    assert form.record.red_flags.fever_or_unwell is Answer.YES
    assert form.record.red_flags.ces_bladder.answer is Answer.NO
    assert form.fields["red_flags.ces_bladder.answer"].value is Answer.NO


def test_every_input_has_an_accessible_name_and_a_labelled_buddy(form):
    for path, row in form.rows.items():
        assert row.field.accessibleName(), path
        assert row.label.buddy() is row.field.focus_target(), path


def test_each_mnemonic_letter_does_one_thing_in_the_whole_window(form):
    import re

    from forms.form import RESERVED_MNEMONICS

    letters = [m.group(1).lower() for row in form.rows.values()
               for m in [re.search(r"(?<!&)&([^&])", row.label.text())] if m]
    assert len(letters) >= 12
    assert len(letters) == len(set(letters))
    assert not set(letters) & RESERVED_MNEMONICS


@pytest.mark.hazard("H3")
def test_sections_built_after_a_record_was_loaded_show_its_answers(qtbot):
    from tests.support import load_example

    widget = ConsultationForm()
    qtbot.addWidget(widget)
    assert widget._pending  # only the first sections exist before the first paint
    record = load_example("cauda-equina")
    widget.load(record)
    assert widget.fields["red_flags.ces_saddle_numbness.answer"].value is Answer.YES
    assert widget.fields["patient.nhs_number"].edit.text() == "999 016 6137"
    assert widget.rows["red_flags.ces_saddle_numbness.onset"].visible
    assert not widget.rows["red_flags.cancer_type"].visible
