"""A No on a parent question that clears a red-flag follow-up's Yes is never silent (CSO
review 2026-12-07c, finding 4: N on "Pregnant" reset the warning signs' Yes to Not asked,
the emergency row went, the disposition read ROUTINE and the status bar said nothing).

The cleared Yes is kept aside in the window's session, never in the record (the record
holds Not asked, so it never counts while hidden, and the note prints "not applicable"),
and is shown again, said and focused, when the question applies again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from consult.note import prepare
from consult.note.text import render_text
from consult.record.answers import Answer, Sex
from consult.record.model import Medicines, RedFlags
from tests.gui.keys import focused, press, said, target
from tests.support import negative_record

SIGNS = RedFlags.model_fields["pregnancy_warning_signs"].title
PREGNANT = Medicines.model_fields["pregnant"].title
SEPSIS = RedFlags.model_fields["sepsis_signs"].title
FEVER = RedFlags.model_fields["fever_or_unwell"].title


@pytest.fixture
def window(quiet_window):
    return quiet_window


def answer(qtbot, window, path, key) -> None:
    """The GP goes to a question and presses one key."""
    assert window.form.focus_field(path)
    qtbot.waitUntil(lambda: focused() is target(window, path), timeout=1000)
    press(qtbot, key)


def fired(window) -> set[str]:
    return {row.id for row in window.assessment.fired}


def pregnant_patient():
    record = negative_record()
    record.patient.sex = Sex.FEMALE
    record.medicines.pregnant = record.red_flags.pregnancy_warning_signs = Answer.NOT_ASKED
    return record


def unwell_patient():
    record = negative_record()
    record.red_flags.fever_or_unwell = record.red_flags.sepsis_signs = Answer.NOT_ASKED
    return record


def yes_to_follow_up(qtbot, window, record, parent, child, row) -> None:
    """Y on the parent moves the focus to its red-flag follow-up; Y there fires `row`."""
    window.show_consultation(record)
    answer(qtbot, window, parent, Qt.Key.Key_Y)
    assert focused() is target(window, child)
    press(qtbot, Qt.Key.Key_Y)
    assert row in fired(window)


@pytest.mark.hazard("H1")
def test_no_on_pregnant_says_it_cleared_the_warning_signs_yes_and_yes_brings_it_back(
        qtbot, window):
    yes_to_follow_up(qtbot, window, pregnant_patient(), "medicines.pregnant",
                     "red_flags.pregnancy_warning_signs", "pregnancy-emergency")

    answer(qtbot, window, "medicines.pregnant", Qt.Key.Key_N)
    record = window.record
    # never counted while hidden: the record holds Not asked, the row goes
    assert record.red_flags.pregnancy_warning_signs is Answer.NOT_ASKED
    assert "pregnancy-emergency" not in fired(window)
    assert f"{SIGNS}: not applicable" in render_text(prepare(record))
    # never silent: the status bar names what was cleared, and why
    assert said(window) == (f"Cleared the Yes to '{SIGNS}' (kept aside, back if it applies "
                            f"again): '{PREGNANT}' is now No.")

    answer(qtbot, window, "medicines.pregnant", Qt.Key.Key_Y)
    assert record.red_flags.pregnancy_warning_signs is Answer.YES
    assert "pregnancy-emergency" in fired(window)
    # restoring is visible: said, and the focus is on it (N changes it)
    assert said(window) == (f"Shown again: the Yes given before to '{SIGNS}' (check it still "
                            f"holds): '{PREGNANT}' is now Yes.")
    assert focused() is target(window, "red_flags.pregnancy_warning_signs")
    assert window.form.fields["red_flags.pregnancy_warning_signs"].value is Answer.YES
    press(qtbot, Qt.Key.Key_N)
    assert record.red_flags.pregnancy_warning_signs is Answer.NO


@pytest.mark.hazard("H1")
def test_no_or_delete_on_fever_says_it_cleared_the_sepsis_yes_and_yes_brings_it_back(
        qtbot, window):
    yes_to_follow_up(qtbot, window, unwell_patient(), "red_flags.fever_or_unwell",
                     "red_flags.sepsis_signs", "sepsis")
    record = window.record
    for key, words in ((Qt.Key.Key_N, "No"), (Qt.Key.Key_Delete, "Not asked")):
        answer(qtbot, window, "red_flags.fever_or_unwell", key)
        assert record.red_flags.sepsis_signs is Answer.NOT_ASKED
        assert "sepsis" not in fired(window)
        assert said(window) == (f"Cleared the Yes to '{SEPSIS}' (kept aside, back if it "
                                f"applies again): '{FEVER}' is now {words}.")
        answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_Y)
        assert record.red_flags.sepsis_signs is Answer.YES
        assert "sepsis" in fired(window)
        assert said(window).startswith(f"Shown again: the Yes given before to '{SEPSIS}'")
        assert focused() is target(window, "red_flags.sepsis_signs")


@pytest.mark.hazard("H1")
def test_only_a_yes_is_kept_aside_and_only_for_the_record_it_was_given_in(qtbot, window):
    window.show_consultation(unwell_patient())
    # the GP's own No on the follow-up is cleared like any hidden answer, and asked again
    answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_Y)
    press(qtbot, Qt.Key.Key_N)
    assert window.record.red_flags.sepsis_signs is Answer.NO
    answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_N)
    assert not said(window).startswith("Cleared")
    answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_Y)
    assert window.record.red_flags.sepsis_signs is Answer.NOT_ASKED
    assert focused() is target(window, "red_flags.sepsis_signs")
    # a Yes kept aside in one consultation never comes back in the next one
    press(qtbot, Qt.Key.Key_Y)
    answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_N)
    assert said(window).startswith("Cleared the Yes")
    window.show_consultation(unwell_patient())
    # and what was said about it goes with it (CSO re-check of 07c, N2: the line stayed
    # 8 s over the next patient's record)
    assert "Cleared the Yes" not in said(window)
    answer(qtbot, window, "red_flags.fever_or_unwell", Qt.Key.Key_Y)
    assert window.record.red_flags.sepsis_signs is Answer.NOT_ASKED
    assert not said(window).startswith("Shown again")
