"""The main window as a GP uses it: keyboard first, live panel, safe actions."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QListWidget, QPushButton

from consult.record import file as recordfile
from consult.record.answers import (
    Answer,
    Character,
    DurationUnit,
    InfoMethod,
    Interpreter,
    PainSite,
    Place,
)
from forms import dialogs
from forms.banner import NO_PATIENT
from forms.consultation.main_window import MainWindow
from forms.form.sections import SECTIONS
from tests.gui.keys import focused, press
from tests.support import example_path

SECTION_IDS = [s.id for s in SECTIONS]


@pytest.fixture
def window(qtbot, monkeypatch):
    # no test may block on a modal dialog: every one is replaced and recorded
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: calls.append(("discard", a)) or "discard")
    monkeypatch.setattr(dialogs, "show_error", lambda *a: calls.append(("error", a)))
    monkeypatch.setattr(dialogs, "show_info", lambda *a: calls.append(("info", a)))
    monkeypatch.setattr(dialogs, "show_about", lambda *a: calls.append(("about", a)))
    w = MainWindow()
    w.dialog_calls = calls
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    # the later sections are built just after the first paint, before a GP types on
    qtbot.waitUntil(lambda: not w.form._pending, timeout=10000)
    return w


def type_(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def answer(qtbot, keys: str) -> None:
    """Answer questions in turn: each key goes to the question that has the focus then."""
    for key in keys:
        qtbot.keyClicks(focused(), key)


def tab_to(qtbot, widget, limit: int = 40) -> None:
    """Tab on until `widget` has the focus (as a GP tabs past questions already answered)."""
    for _ in range(limit):
        if focused() is widget:
            return
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is widget, focused().objectName()


def go_to_section(qtbot, window, section_id: str) -> None:
    """F6 to the section list, arrows to the section, Enter: as a GP would."""
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is window.sections
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Down, times=SECTION_IDS.index(section_id))
    press(qtbot, Qt.Key.Key_Return)


def test_opens_ready_for_typing_with_no_patient(window):
    assert window.banner.name.text() == NO_PATIENT
    # the first question with nothing in it: date and time are filled in (issue 13, part 4)
    assert focused() is window.form.fields["consultation.mode"].focus_target()
    assert not window.act_export.isEnabled()
    assert "disabled until the record is complete" in window.act_export.toolTip()
    assert "disabled until the record is complete" in window.reason.text()


@pytest.mark.hazard("H3", "H11")
def test_a_whole_uncomplicated_consultation_by_keyboard_then_export(qtbot, window, monkeypatch,
                                                                     tmp_path):
    out = tmp_path / "note.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(out))
    # Consultation: date and time are filled in, so the focus starts on the mode; an answer
    # key moves on to the next question with nothing in it (issue 13, parts 3 and 4)
    assert focused() is window.form.fields["consultation.mode"].focus_target()
    type_(qtbot, "T")  # Telephone: the only choice with T, so the focus moves on
    assert focused() is window.form.fields["consultation.clinician_name"].focus_target()
    type_(qtbot, "Dr Asha Patel")  # no settings in this test: typed
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "7654321")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "y")  # identity confirmed; focus moves on
    type_(qtbot, "H")  # at home: the location's words are for "other"
    assert focused() is window.form.fields["consultation.interpreter"].focus_target()
    type_(qtbot, "N")  # none needed
    type_(qtbot, "y")  # consent
    # Patient
    assert focused() is window.form.fields["patient.family_name"].focus_target()
    type_(qtbot, "Taylor")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "Sam")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "05/04/1985")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "M")  # male; moves on
    type_(qtbot, "9434765919")
    assert window.banner.text().startswith("TAYLOR, Sam | Born 05-Apr-1985 | Age ")
    assert window.banner.text().endswith("| NHS No. 943 476 5919")
    # Duration and pattern
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "L")  # two choices start with L: the first is picked, the focus stays
    assert focused() is window.form.fields["history.site"].focus_target()
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "G")  # gradual; moves on
    type_(qtbot, "3w")  # how long, in one field
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "F")  # first episode: no previous episodes to ask about
    type_(qtbot, "n")  # no spinal surgery
    type_(qtbot, "I")  # intermittent
    type_(qtbot, "D")  # dull or aching
    # movement, sitting, night, morning stiffness, after rest, spasm, range, thoracic
    answer(qtbot, "yynnnnnn")
    record = window.record
    h = record.history
    assert (h.site, h.character, h.spinal_surgery) == (PainSite.LOWER_BACK, Character.DULL_ACHING,
                                                       Answer.NO)
    assert (h.duration_value, h.duration_unit) == (3, DurationUnit.WEEKS)
    assert (h.stiffness_after_rest, h.muscle_spasm, h.reduced_movement, h.thoracic_pain) == (
        Answer.NO, Answer.NO, Answer.NO, Answer.NO)
    assert record.consultation.interpreter is Interpreter.NONE
    assert record.consultation.patient_place is Place.HOME
    # Leg symptoms: none
    go_to_section(qtbot, window, "legs")
    type_(qtbot, "n")
    # Triggers: no injury
    go_to_section(qtbot, window, "triggers")
    tab_to(qtbot, window.form.fields["triggers.trauma"].focus_target())
    type_(qtbot, "N")  # none
    # Red flags: each clinical group asked and denied with one key (never all at once)
    go_to_section(qtbot, window, "red_flags")
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # cauda equina, from its first question
    tab_to(qtbot, window.form.fields["red_flags.cancer_history"].focus_target())
    for group in ("cancer", "infection", "fracture", "not_spinal"):
        # the focus is on the group's first question (never its button: CSO finding 1);
        # Shift+Tab reaches the button, Space on it records the group (N answers one
        # question, never a group: CSO review 2026-12-07b, finding 2)
        press(qtbot, Qt.Key.Key_Backtab)
        assert focused() is window.form.group_button(group), group
        press(qtbot, Qt.Key.Key_Space)
    assert record.red_flags.weight_loss is Answer.NO  # the weak flags are asked with cancer
    assert len(record.red_flags.asked_as_group) >= 20
    # Plan section: safety-netting given and how, the CES card, the review booked
    go_to_section(qtbot, window, "plan")
    type_(qtbot, "y")  # safety-netting given: asked how
    assert focused() is window.form.fields["plan.safety_netting_how"].focus_target()
    type_(qtbot, "r")  # read aloud: the only box with R is ticked
    tab_to(qtbot, window.form.fields["plan.ces_card_given"].focus_target())
    type_(qtbot, "y")
    type_(qtbot, "p")  # printed
    tab_to(qtbot, window.form.fields["plan.review_date"].focus_target())
    type_(qtbot, "18/12/2026")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "Review by phone in 4 weeks if not improving")
    assert record.plan.safety_netting_how == [InfoMethod.READ_ALOUD]
    assert record.plan.ces_info_how == [InfoMethod.PRINTED]
    assert record.plan.review_date == dt.date(2026, 12, 18)
    assert record.plan.follow_up == "Review by phone in 4 weeks if not improving"
    assert record.red_flags.ces_bladder.answer is Answer.NO
    assert record.plan.safety_netting_given is Answer.YES
    assert window.assessment.disposition == "routine"
    # The plan: accept the suggestions, confirm (window shortcuts)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [i.suggestion_id for i in record.plan.items] == [s.id for s in window.assessment.suggestions]
    assert window.panel.findChild(QPushButton, "confirmPlan") is not None
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert record.plan.confirmed
    assert window.problems == [], [p.field for p in window.problems]
    assert window.act_export.isEnabled()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    data = out.read_bytes()
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert all("TAYLOR, Sam" in p and "943 476 5919" in p for p in pages)
    assert "DRAFT" not in " ".join(pages)
    assert "Telephone consultation: no examination was possible." in pages[0]
    assert "Record remaining" not in " ".join(pages)


@pytest.mark.hazard("H1", "H14")
def test_cauda_equina_answer_shows_the_emergency_at_once_and_removing_it_returns(qtbot, window):
    window.form.load(recordfile.load(example_path("mechanical")))
    window.panel.set_record(window.record)
    window._refresh()
    assert window.assessment.disposition == "routine"
    field = window.form.fields["red_flags.ces_saddle_numbness.answer"]
    window.form.focus_field("red_flags.ces_saddle_numbness.answer")
    qtbot.keyClick(field, Qt.Key.Key_Y)
    assert window.assessment.disposition == "emergency"
    assert "EMERGENCY" in window.panel.findChild(object, "disposition").text()
    assert "Send to the emergency department now" in window.panel.fired_text()
    assert window.section_state("red_flags") == "red_flag"
    assert not window.act_export.isEnabled()  # the plan was confirmed for another assessment
    window.form.focus_field("red_flags.ces_saddle_numbness.answer")
    qtbot.keyClick(field, Qt.Key.Key_N)
    assert window.assessment.disposition == "routine"
    assert "Send to the emergency department" not in window.panel.fired_text()


@pytest.mark.hazard("H3", "H5")
def test_new_clears_every_field_the_banner_and_the_plan(qtbot, window):
    window.form.load(recordfile.load(example_path("sciatica")))
    window.panel.set_record(window.record)
    window._refresh()
    window.dirty = True
    assert window.banner.name.text() != NO_PATIENT
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert ("discard", (window, "This consultation has unsaved changes. Save them first?")) \
        in window.dialog_calls
    assert window.banner.name.text() == NO_PATIENT
    assert window.record.plan.items == []
    assert window.form.fields["patient.family_name"].editor.text() == ""
    assert window.form.fields["patient.nhs_number"].edit.text() == ""
    assert window.form.fields["red_flags.ces_bladder.answer"].value is Answer.NOT_ASKED
    assert not window.act_export.isEnabled()


@pytest.mark.hazard("H2", "H13")
def test_export_and_print_say_why_they_are_disabled_and_a_draft_is_available(
        qtbot, window, monkeypatch, tmp_path):
    out = tmp_path / "draft.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(out))
    assert not window.act_export.isEnabled() and not window.act_print.isEnabled()
    assert "Start with the patient" in window.act_print.toolTip()  # nothing entered yet
    window.form.focus_field("patient.family_name")
    type_(qtbot, "Taylor")
    assert "items to finish" in window.act_print.toolTip()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not out.exists()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert all("DRAFT - not finalised" in p for p in pages)


def test_to_finish_entry_moves_focus_to_its_field(qtbot, window):
    finish: QListWidget = window.to_finish
    assert finish.count() == 1  # before a patient: what to do first (issue 13)
    assert finish.item(0).data(Qt.ItemDataRole.UserRole) == "patient.family_name"
    window.form.focus_field("patient.family_name")
    type_(qtbot, "Taylor")
    row = next(i for i in range(finish.count())
               if finish.item(i).data(Qt.ItemDataRole.UserRole) == "patient.nhs_number")
    press(qtbot, Qt.Key.Key_F7)
    finish.setCurrentRow(row)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is window.form.fields["patient.nhs_number"].focus_target()


@pytest.mark.hazard("H15")
def test_a_hidden_follow_up_never_blocks_completion(qtbot, window):
    window.form.load(recordfile.load(example_path("mechanical")))
    window.panel.set_record(window.record)
    window._refresh()
    assert window.problems == []
    field = window.form.fields["red_flags.cancer_history"]
    window.form.focus_field("red_flags.cancer_history")
    qtbot.keyClick(field, Qt.Key.Key_Y)  # cancer details now asked: not complete
    assert any(p.field == "red_flags.cancer_type" for p in window.problems)
    window.form.focus_field("red_flags.cancer_history")
    qtbot.keyClick(field, Qt.Key.Key_N)
    assert not any(p.field.startswith("red_flags.mets") or p.field == "red_flags.cancer_type"
                   for p in window.problems)


@pytest.mark.hazard("H6", "H13")
def test_copy_note_gives_the_short_record_entry_and_copy_full_the_preview(qtbot, window, capsys):
    from consult.cli import main as cli

    window.form.load(recordfile.load(example_path("cauda-equina")))
    window.panel.set_record(window.record)
    window._refresh()
    press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    copied = QGuiApplication.clipboard().text()
    assert cli(["text", str(example_path("cauda-equina"))]) == 0
    assert copied == capsys.readouterr().out  # the same entry as `python main.py text FILE`
    lines = copied.splitlines()
    assert len(lines) <= 35 and all(len(line) < 100 for line in lines)
    assert "Problem: Suspected cauda equina syndrome" in copied and "\t" not in copied
    window.act_copy_full.trigger()  # the long twin of the PDF stays available
    full = QGuiApplication.clipboard().text()
    assert full == window.panel.preview_text()
    assert "NOWAK, Łukasz" in full and "RED FLAG" in full


@pytest.mark.hazard("H3", "H11")
def test_open_save_round_trip_is_owner_only(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: str(example_path("fracture")))
    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.banner.name.text() == "ELLIS, Margaret"
    saved = tmp_path / "copy.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(saved))
    window.path = None
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert recordfile.load(saved) == recordfile.load(example_path("fracture"))
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600


@pytest.mark.hazard("H3")
def test_a_broken_file_is_reported_and_the_open_consultation_kept(qtbot, window, monkeypatch,
                                                                 tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    window.form.load(recordfile.load(example_path("fracture")))
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: str(bad))
    window.open_record()
    assert window.dialog_calls[-1][0] == "error"
    assert "not valid JSON" in window.dialog_calls[-1][1][2]
    assert window.record.patient.family_name == "Ellis"


@pytest.mark.hazard("H5")
def test_closing_with_unsaved_changes_asks_first(qtbot, window, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "cancel")
    window.form.focus_field("patient.family_name")
    type_(qtbot, "Ng")
    assert window.dirty
    assert not window.close()
    assert window.isVisible()


@pytest.mark.hazard("H7", "H17")
def test_about_names_versions_and_intended_purpose(window):
    window.about()
    text = window.dialog_calls[-1][1][1]
    assert f"Rule set {window.rules.version}" in text
    assert "PySide6" in text and "decision support" in text


@pytest.mark.hazard("H13")
def test_print_sends_the_same_note_as_the_pdf_to_the_chosen_printer(qtbot, window, monkeypatch,
                                                                    tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from consult.note import note_pdf
    from forms import printing

    window.form.load(recordfile.load(example_path("fracture")))
    window.panel.set_record(window.record)
    window._refresh()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    monkeypatch.setattr(printing, "ask_printer", lambda *a, **k: printer)
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    expected = len(PdfReader(io.BytesIO(note_pdf(window.record))).pages)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == expected
    assert "Sent" in window.statusBar().currentMessage()


@pytest.mark.hazard("H3")
def test_settings_fill_new_consultations_only_never_the_open_record(qtbot, window,
                                                                   monkeypatch):
    from forms.dialogs import settings as app_settings
    chosen = app_settings.AppSettings(clinician_name="Dr Kofi Mensah", gmc_number="1234567",
                                      practice_name="Hillside Surgery",
                                      practice_address="2 Hill St",
                                      ces_route="ED, City Hospital",
                                      physio_self_referral="physio.example.nhs.uk")
    monkeypatch.setattr(app_settings, "edit_settings", lambda *a: chosen)
    open_record = window.record
    open_record.practice.name = "Riverside Practice"  # the open record's own practice
    before = open_record.model_dump_json()
    window.edit_settings()
    assert app_settings.load_settings() == chosen
    # OK in Settings never rewrites the open record (issue 13: a note was finalised under
    # another practice's name): not its practice, routes, clinician or anything else
    assert window.record is open_record and open_record.model_dump_json() == before
    assert "next new consultation" in window.statusBar().currentMessage()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    record = window.record
    assert record.consultation.clinician_name == "Dr Kofi Mensah"
    assert record.consultation.gmc_number == "1234567"
    assert record.practice.name == "Hillside Surgery"
    assert record.practice.ces_route == "ED, City Hospital"
    assert record.practice.physio_self_referral == "physio.example.nhs.uk"
    assert record.practice.mscc_contact == ""  # empty: the note prints the generic route
    assert any("ED, City Hospital" in s.text for s in window.assessment.suggestions)
    assert window.form.fields["consultation.clinician_name"].editor.text() == "Dr Kofi Mensah"


def test_tab_visits_every_visible_input_once_in_visual_order_and_comes_round(qtbot, window):
    window.form.load(recordfile.load(example_path("cauda-equina")))
    window.panel.set_record(window.record)
    window._refresh()
    window.sections.setFocus()
    seen = []
    for _ in range(400):
        press(qtbot, Qt.Key.Key_Tab)
        widget = focused()
        if widget is window.sections:
            break
        seen.append(widget)
    assert focused() is window.sections, "Tab never came back round"
    expected = [w for w in window.form.tab_widgets() if w.isVisibleTo(window)]
    fields = [w for w in seen if w in set(window.form.tab_widgets())]
    assert fields == expected  # every visible input, once, in the form's order
    names = [w.objectName() for w in seen]
    assert names.index("toFinish") < names.index("acceptPlan") < names.index("preview")
    assert seen.index(window.form.first_field().focus_target()) < seen.index(
        window.form.fields["patient.nhs_number"].focus_target())


@pytest.mark.hazard("H3", "H5")
def test_an_unfinished_edit_is_in_the_record_before_any_action(qtbot, window, monkeypatch,
                                                              tmp_path):
    window.form.load(recordfile.load(example_path("mechanical")))
    window.panel.set_record(window.record)
    window._refresh()
    saved = tmp_path / "r.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(saved))
    edit = window.form.fields["patient.date_of_birth"].focus_target()
    window.form.focus_field("patient.date_of_birth")
    edit.selectAll()
    type_(qtbot, "01/01/1950")  # still in the field: not left yet
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert str(recordfile.load(saved).patient.date_of_birth) == "1950-01-01"
    assert "Born 01-Jan-1950" in window.banner.text()


@pytest.mark.hazard("H3", "H9")
def test_partial_or_out_of_range_entries_never_leave_an_older_value(qtbot, window):
    window.form.load(recordfile.load(example_path("mechanical")))
    window.panel.set_record(window.record)
    window._refresh()
    window.form.focus_field("patient.nhs_number")
    focused().selectAll()
    type_(qtbot, "943476591")
    press(qtbot, Qt.Key.Key_Tab)
    assert window.record.patient.nhs_number is None
    assert "NHS No.: not known" in window.banner.text()
    assert "10 digits; this one has 9" in window.form.rows["patient.nhs_number"].error.text()
    assert not window.act_export.isEnabled()
    window.form.focus_field("impact.pain_now")
    focused().selectAll()
    type_(qtbot, "11")
    press(qtbot, Qt.Key.Key_Tab)
    assert window.record.impact.pain_now is None
    assert "from 0 to 10" in window.form.rows["impact.pain_now"].error.text()


def test_every_to_finish_entry_moves_focus_out_of_the_list(qtbot, window):
    for name in (None, "mechanical"):
        if name:
            record = recordfile.load(example_path(name))
            record.legs.symptoms = Answer.YES  # its details now need answers
            record.red_flags.cancer_history = Answer.YES
            window.form.load(record)
            window.panel.set_record(record)
            window._refresh()
        finish = window.to_finish
        assert finish.count() > (0 if name is None else 3)  # no patient yet: one entry
        for row in range(finish.count()):
            finish.setFocus()
            finish.setCurrentRow(row)
            press(qtbot, Qt.Key.Key_Return)
            assert focused() is not finish, finish.item(row).text()


@pytest.mark.hazard("H3")
def test_new_leaves_no_message_or_error_state_from_the_last_patient(qtbot, window):
    window.form.focus_field("patient.date_of_birth")
    type_(qtbot, "31/02/1990")
    press(qtbot, Qt.Key.Key_Tab)
    assert window.form.rows["patient.date_of_birth"].error.isVisible()
    window.form.focus_field("patient.sex")
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    shown = [p for p, row in window.form.rows.items() if row.error.text()]
    assert shown == []
    assert window.form.fields["patient.date_of_birth"].accessibleDescription() == ""
