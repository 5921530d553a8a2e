"""The form by keyboard: answers, follow-ups, identifiers, dates, field messages."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from consult.record.answers import Answer, Trauma
from consult.record.model import Record
from forms.form.consultation_form import ConsultationForm
from forms.form.widgets import parse_date


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
    from consult.rules.completeness import problems

    form.show_problems(problems(form.record))
    qtbot.keyClick(worst, Qt.Key.Key_Tab)
    assert "cannot be lower than pain now" in form.rows["impact.pain_worst"].error.text()


@pytest.mark.hazard("H2")
def test_all_denied_records_one_group_only_and_never_changes_an_answer(qtbot, form):
    qtbot.keyClick(focus(qtbot, form, "red_flags.fever_or_unwell"), Qt.Key.Key_Y)
    button = form.group_button("infection")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    rf, risk = form.record.red_flags, form.record.risk
    assert rf.fever_or_unwell is Answer.YES  # an answer given is never changed
    # the fever's own urgency question is asked on its own (CSO review 2026-12-07b,
    # finding 1: the group answer recorded "sepsis signs: No")
    assert rf.sepsis_signs is Answer.NOT_ASKED
    assert form.fields["red_flags.sepsis_signs"].value is Answer.NOT_ASKED
    assert risk.injecting_drug_use is Answer.NO
    assert form.fields["risk.immunosuppression"].value is Answer.NO  # in its own section
    assert rf.new_constant_severe_pain is Answer.NOT_ASKED  # does not apply: left alone
    assert rf.ces_bladder.answer is Answer.NOT_ASKED  # another group: untouched
    assert rf.cancer_history is Answer.NOT_ASKED and rf.weight_loss is Answer.NOT_ASKED
    assert set(rf.asked_as_group) == {"risk.injecting_drug_use", "risk.immunosuppression",
                                      "risk.recent_spinal_procedure_or_infection"}
    # the risks it records from another section are said under the group's heading
    from PySide6.QtWidgets import QLabel

    elsewhere = form.findChild(QLabel, "groupElsewhere:infection")
    assert elsewhere is not None and elsewhere.isVisibleTo(form)
    assert "History that changes risk" in elsewhere.text() and "immunosuppress" in elsewhere.text().lower()
    assert "constant severe pain" not in elsewhere.text().lower()  # a follow-up: never a group's


@pytest.mark.hazard("H2")
def test_every_question_a_group_records_is_under_its_heading_or_named_there(form):
    """A GP's second walk-through: the Cancer group's All denied recorded 5 questions, 3
    of them (the weak flags) two screens below under another heading, and nothing under
    Cancer said so. Every question a group's answer records is shown under the group's
    heading or named in the line under it."""
    from PySide6.QtWidgets import QLabel, QPushButton

    from consult.rules import followups, screening
    from forms.form.consultation_form import _title

    form.ensure_built()
    for group in screening.GROUPS:
        button = form.findChild(QPushButton, f"groupNo:{group.id}")
        [heading] = [h for s in form.sections.values() for h in s.headings
                     if h.widgets and h.widgets[0].isAncestorOf(button)]
        fields = {row.field for row in heading.rows}
        line = form.findChild(QLabel, f"groupElsewhere:{group.id}")
        said = line.text() if line is not None else ""
        for path in group.paths:
            if path in followups.RULES:
                continue  # a follow-up is never recorded by a group
            field = form.fields.get(path) or form.fields.get(path.rsplit(".", 1)[0])
            assert field in fields or _title(path) in said, (group.id, path)


@pytest.mark.hazard("H2")
def test_there_is_no_all_red_flags_button_only_one_per_clinical_group(form):
    from PySide6.QtWidgets import QPushButton

    from consult.rules import screening

    form.ensure_built()
    buttons = [b for b in form.findChildren(QPushButton) if b.objectName().startswith("groupNo:")]
    assert sorted(b.objectName() for b in buttons) == sorted(
        f"groupNo:{g.id}" for g in screening.GROUPS)
    assert form.findChild(QPushButton, "remainingNo") is None


def test_ctrl_shift_n_records_the_group_of_the_focused_question(qtbot, form):
    target = focus(qtbot, form, "red_flags.ces_saddle_numbness.answer")
    assert form.focused_group() == "cauda_equina"
    qtbot.keyClick(target, Qt.Key.Key_Y)  # a Yes inside a group stays one key
    focus(qtbot, form, "red_flags.ces_bowel.answer")
    changed = form.record_focused_group_as_no()
    rf = form.record.red_flags
    assert rf.ces_saddle_numbness.answer is Answer.YES
    assert rf.ces_saddle_numbness.onset is None  # a Yes's details need the GP's own answer
    assert rf.ces_bladder.answer is Answer.NO and len(changed) == 6
    assert rf.fever_or_unwell is Answer.NOT_ASKED
    focus(qtbot, form, "impact.pain_now")
    assert form.focused_group() is None and form.record_focused_group_as_no() == []


def test_tab_reaches_a_groups_button_just_before_its_first_question(qtbot, form):
    form.ensure_built()
    widgets = form.tab_widgets()
    for group, first in (("cauda_equina", "red_flags.ces_bladder.answer"),
                         ("cancer", "red_flags.cancer_history"),
                         ("infection", "red_flags.fever_or_unwell"),
                         ("fracture", "red_flags.sudden_severe_new_pain"),
                         ("not_spinal", "red_flags.nonmechanical_sudden_severe_pain")):
        button = form.group_button(group)
        index = widgets.index(button)
        assert widgets[index + 1] is form.fields[first].focus_target(), group


def test_every_input_has_an_accessible_name_and_a_labelled_buddy(form):
    for path, row in form.rows.items():
        assert row.field.accessibleName(), path
        # a check box is never a buddy: its Alt+letter would tick it (issue 13, Alt+R)
        assert row.label.buddy() in (row.field, row.field.focus_target()), path
        assert not isinstance(row.label.buddy(), QAbstractButton), path


def test_each_mnemonic_letter_does_one_thing_in_the_whole_window(form):
    import re

    from forms.form.consultation_form import RESERVED_MNEMONICS

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


def test_after_the_first_paint_the_rest_is_built_a_section_at_a_time(qtbot, monkeypatch):
    """Issue 14: the other sections come one per event-loop tick once the form is on
    screen (all at once held a key typed meanwhile for about 300 ms), until all exist
    and the tab order is chained once."""
    built_counts: list[int] = []
    original = ConsultationForm._build

    def counting(self, count):
        built_counts.append(count)
        original(self, count)

    monkeypatch.setattr(ConsultationForm, "_build", counting)
    widget = ConsultationForm()
    qtbot.addWidget(widget)
    chained: list[bool] = []
    widget.built.connect(lambda: chained.append(True))
    widget.show()
    qtbot.waitUntil(lambda: not widget._pending, timeout=5000)
    from forms.form.sections import SECTIONS

    eager = ConsultationForm.EAGER_SECTIONS
    assert built_counts == [eager] + [1] * (len(SECTIONS) - eager)
    assert set(widget.sections) == {s.id for s in SECTIONS} and chained == [True]


# -- record format 2: the new questions, in call order, follow-ups by keyboard ----------------


def choose(qtbot, form, path, *keys):
    """Pick a choice as a GP does: focus the drop-down and press keys (Down, letters)."""
    combo = focus(qtbot, form, path)
    for key in keys:
        qtbot.keyClick(combo, key)
    return combo


def heading(form, text):
    form.ensure_built()
    return next(w for w in form.findChildren(QLabel, "subHeading") if w.text() == text)


def shown(form, path):
    return form.rows[path].visible and form.rows[path].field.isVisible()


def test_every_question_of_the_record_has_its_place_in_the_form(form):
    from consult.record.model import Record as Model
    from forms.form.sections import SECTIONS

    def leaves(model, prefix):
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = f"{prefix}{name}"
            if hasattr(type(value), "model_fields"):
                yield from leaves(value, path + ".")
            else:
                yield path, info

    # set elsewhere: the practice in the settings, the plan's items in the panel, the
    # identifiers' source by the patient list, the advice sheet by its own window
    elsewhere = {"format", "format_version", "upgrade_notes", "plan.items", "plan.confirmed",
                 "plan.confirmed_for", "red_flags.asked_as_group", "patient.source",
                 "plan.advice_sheet_given", "plan.advice_sheet_how"}
    from forms.form.consultation_form import FIELD_ALIASES

    paths = [e for spec in SECTIONS for e in spec.entries if isinstance(e, str)]
    assert len(paths) == len(set(paths))
    # the duration's unit is typed in the duration's one field ("5d")
    expected = {p for p, _ in leaves(Model(), "") if p not in elsewhere
                and not p.startswith("practice.") and p not in FIELD_ALIASES}
    assert set(paths) == expected
    assert set(form.rows) == expected
    from consult.rules import followups

    assert set(followups.RULES) <= set(form.rows)  # every follow-up has a row to show


def test_new_questions_sit_in_their_sections_in_call_order():
    from forms.form.sections import SECTIONS

    entries = {spec.id: [e for e in spec.entries if isinstance(e, str)] for spec in SECTIONS}

    def before(section, *paths):
        order = [entries[section].index(p) for p in paths]
        assert order == sorted(order), (section, paths)

    c, h, i, lg, m = (entries[s] for s in ("consultation", "history", "impact", "legs",
                                           "medicines"))
    assert h[0] == "history.site"
    before("consultation", "consultation.others_present", "consultation.interpreter",
           "consultation.consent")
    before("history", "history.episode", "history.previous_episodes", "history.spinal_surgery",
           "history.pattern", "history.character", "history.morning_stiffness",
           "history.stiffness_after_rest", "history.morning_stiffness_minutes",
           "history.course", "history.nsaid_tried", "history.treatment_tried", "history.notes")
    before("impact", "impact.work", "impact.job_demands")
    assert i[-1] == "impact.main_concern"
    before("legs", "legs.pain_extent", "legs.pain_intolerable", "legs.weakness_severe",
           "legs.claudication", "legs.claudication_duration", "observation.walks_normally")
    before("red_flags", "red_flags.fever_or_unwell", "red_flags.sepsis_signs",
           "red_flags.sudden_severe_new_pain")
    before("medicines", "medicines.takes_benzodiazepine", "medicines.pregnant",
           "red_flags.pregnancy_warning_signs", "medicines.breastfeeding",
           "medicines.kidney_disease", "medicines.nsaid_sensitive_asthma",
           "medicines.liver_disease", "medicines.antiplatelet", "medicines.methotrexate")
    before("risk", "risk.known_aortic_aneurysm", "risk.anticoagulant")
    before("plan", "plan.ces_card_given", "plan.ces_info_how", "plan.review_date",
           "plan.follow_up")
    assert "risk.anticoagulant" not in m and "consultation.interpreter" in c
    assert all(p.startswith(("legs.", "observation.")) for p in lg)


def test_the_form_colours_a_yes_as_a_red_flag_exactly_where_the_core_says(form):
    """Which answers are red flags lives in consult.rules.screening (derived from the
    rules in tests/rules/test_red_flag_paths.py); the form reads it."""
    from PySide6.QtWidgets import QToolButton

    from consult.rules import screening
    from forms.form.widgets import AnswerField

    form.ensure_built()
    marked = {}
    for path, field in form._fields.items():
        if isinstance(field, AnswerField):
            flags = {b.property("redflag") for b in field.findChildren(QToolButton)}
            assert len(flags) == 1, path
            marked[path] = flags == {"true"}
    assert {p for p, red in marked.items() if red} == \
        {p for p in marked if screening.is_red_flag_answer(p)}
    assert set(screening.RED_FLAG_ANSWERS) <= {p for p, red in marked.items() if red}
    assert {p for p in screening.red_flag_paths() if not p.endswith(".answer")} <= set(marked)


def test_a_video_consultation_shows_the_observation_questions_a_telephone_one_hides_them(
        qtbot, form):
    from consult.record.answers import Mode

    observation = heading(form, "Remote observation (video)")
    assert not shown(form, "observation.walks_normally") and not observation.isVisible()
    choose(qtbot, form, "consultation.mode", Qt.Key.Key_Down, Qt.Key.Key_Down)  # Video
    assert form.record.consultation.mode is Mode.VIDEO
    for path in ("observation.walks_normally", "observation.heel_walk", "observation.toe_walk",
                 "observation.rises_without_arms", "observation.bends_forward"):
        assert shown(form, path), path
    assert observation.isVisible()
    target = focus(qtbot, form, "observation.heel_walk")
    qtbot.keyClick(target, Qt.Key.Key_N)
    assert form.record.observation.heel_walk is Answer.NO
    assert form.fields["observation.toe_walk"].focus_target().hasFocus()  # focus moves on
    qtbot.keyClicks(focus(qtbot, form, "observation.bends_forward"), "Fingertips to knees")
    assert form.record.observation.bends_forward == "Fingertips to knees"
    choose(qtbot, form, "consultation.mode", Qt.Key.Key_Up)  # Telephone
    assert form.record.consultation.mode is Mode.TELEPHONE
    assert not shown(form, "observation.heel_walk") and not observation.isVisible()
    # nothing seen on video is kept for a telephone consultation
    assert form.record.observation.heel_walk is Answer.NOT_ASKED
    assert form.record.observation.bends_forward == ""


def test_sepsis_signs_are_asked_after_fever_yes(qtbot, form):
    assert not shown(form, "red_flags.sepsis_signs")
    qtbot.keyClick(focus(qtbot, form, "red_flags.fever_or_unwell"), Qt.Key.Key_Y)
    assert shown(form, "red_flags.sepsis_signs")
    sepsis = form.fields["red_flags.sepsis_signs"]
    assert sepsis.focus_target().hasFocus()  # the next question is the follow-up
    qtbot.keyClick(sepsis, Qt.Key.Key_Y)
    assert form.record.red_flags.sepsis_signs is Answer.YES
    qtbot.keyClick(focus(qtbot, form, "red_flags.fever_or_unwell"), Qt.Key.Key_N)
    assert not shown(form, "red_flags.sepsis_signs")
    assert form.record.red_flags.sepsis_signs is Answer.NOT_ASKED


def test_worse_in_the_last_14_days_is_asked_only_after_onset_more_than_14_days(qtbot, form):
    from consult.record.answers import Onset, YesNoUnsure

    answer, onset, worse = ("red_flags.ces_bladder." + p for p in
                            ("answer", "onset", "worse_last_14_days"))
    qtbot.keyClick(focus(qtbot, form, answer), Qt.Key.Key_Y)
    assert shown(form, onset) and not shown(form, worse)
    choose(qtbot, form, onset, Qt.Key.Key_Down)  # Within 14 days: new, nothing to ask
    assert form.record.red_flags.ces_bladder.onset is Onset.WITHIN_14_DAYS
    assert not shown(form, worse)
    choose(qtbot, form, onset, Qt.Key.Key_Down)  # More than 14 days
    assert form.record.red_flags.ces_bladder.onset is Onset.MORE_THAN_14_DAYS
    assert shown(form, worse)
    choose(qtbot, form, worse, Qt.Key.Key_Down)  # Yes
    assert form.record.red_flags.ces_bladder.worse_last_14_days is YesNoUnsure.YES
    choose(qtbot, form, onset, Qt.Key.Key_Down)  # Unsure: counts as new
    assert not shown(form, worse)
    assert form.record.red_flags.ces_bladder.worse_last_14_days is None


def test_claudication_duration_is_asked_after_claudication_yes(qtbot, form):
    from consult.record.answers import Duration3Months

    assert not shown(form, "legs.claudication")
    qtbot.keyClick(focus(qtbot, form, "legs.symptoms"), Qt.Key.Key_Y)
    assert shown(form, "legs.claudication") and not shown(form, "legs.claudication_duration")
    qtbot.keyClick(focus(qtbot, form, "legs.claudication"), Qt.Key.Key_Y)
    assert shown(form, "legs.claudication_duration")
    duration = form.fields["legs.claudication_duration"].focus_target()
    assert duration.hasFocus()
    qtbot.keyClick(duration, Qt.Key.Key_Down)
    qtbot.keyClick(duration, Qt.Key.Key_Down)
    assert form.record.legs.claudication_duration is Duration3Months.OVER_3_MONTHS
    qtbot.keyClick(focus(qtbot, form, "legs.claudication"), Qt.Key.Key_N)
    assert not shown(form, "legs.claudication_duration")
    assert form.record.legs.claudication_duration is None


def test_pregnancy_questions_are_hidden_for_a_male_patient(qtbot, form):
    from consult.record.answers import Sex

    pregnancy = ("medicines.pregnant", "medicines.breastfeeding")
    pregnancy_heading = heading(form, "Pregnancy and breastfeeding")
    assert all(shown(form, p) for p in pregnancy)  # sex not recorded yet: asked
    assert not shown(form, "red_flags.pregnancy_warning_signs")
    qtbot.keyClick(focus(qtbot, form, "medicines.pregnant"), Qt.Key.Key_Y)
    assert shown(form, "red_flags.pregnancy_warning_signs")
    assert form.fields["red_flags.pregnancy_warning_signs"].focus_target().hasFocus()
    qtbot.keyClick(form.fields["red_flags.pregnancy_warning_signs"], Qt.Key.Key_N)
    assert form.fields["medicines.breastfeeding"].focus_target().hasFocus()
    qtbot.keyClick(form.fields["medicines.breastfeeding"], Qt.Key.Key_N)
    sex = choose(qtbot, form, "patient.sex", Qt.Key.Key_M)  # Male
    assert form.record.patient.sex is Sex.MALE, sex.currentText()
    for path in (*pregnancy, "red_flags.pregnancy_warning_signs"):
        assert not shown(form, path), path
    assert not pregnancy_heading.isVisible()
    assert form.record.medicines.pregnant is Answer.NOT_ASKED
    assert form.record.medicines.breastfeeding is Answer.NOT_ASKED
    assert form.record.red_flags.pregnancy_warning_signs is Answer.NOT_ASKED
    choose(qtbot, form, "patient.sex", Qt.Key.Key_Up)  # Female
    assert all(shown(form, p) for p in pregnancy) and pregnancy_heading.isVisible()


@pytest.mark.hazard("H2")
def test_red_flags_says_under_not_from_the_spine_that_the_pregnancy_warning_signs_are_asked_in_medicines(
        form):
    """CSO review 2026-12-07c, A2: Red flags shows its tick while this red flag is open in
    another section; the line under its heading tells a GP walking Red flags where it is."""
    from consult.record.model import Medicines

    form.ensure_built()
    line = form.findChild(QLabel, "askedElsewhere:red_flags.pregnancy_warning_signs")
    assert line is not None and line.isVisibleTo(form)
    assert line.parentWidget() is form.sections["red_flags"]
    text = line.text()
    assert text.startswith("In pregnancy the warning signs are asked under Medicines")
    assert f"after '{Medicines.model_fields['pregnant'].title}'" in text
    assert "All denied does not record them" in text
    # under the heading "Pain that may not come from the spine", before its first question
    top = heading(form, "Pain that may not come from the spine")
    first = form.rows["red_flags.nonmechanical_sudden_severe_pain"].label

    def y(widget):
        return widget.mapTo(form.sections["red_flags"], widget.rect().topLeft()).y()

    form.sections["red_flags"].layout().activate()  # laid out now, as before a paint
    assert y(top) < y(line) < y(first)


def test_how_the_ces_information_was_given_is_a_multi_choice_after_given_yes(qtbot, form):
    from consult.record.answers import InfoMethod
    from forms.form.widgets import MultiChoiceField

    how = form.fields["plan.ces_info_how"]
    assert isinstance(how, MultiChoiceField)
    assert not shown(form, "plan.ces_info_how")
    qtbot.keyClick(focus(qtbot, form, "plan.ces_card_given"), Qt.Key.Key_Y)
    assert shown(form, "plan.ces_info_how")
    printed = how.boxes[InfoMethod.PRINTED]
    assert printed.hasFocus()  # Y moved on to the first box
    qtbot.keyClick(printed, Qt.Key.Key_Space)
    qtbot.keyClick(printed, Qt.Key.Key_Tab)
    sms = how.boxes[InfoMethod.SMS]
    assert sms.hasFocus() and sms.text() == "SMS"
    qtbot.keyClick(sms, Qt.Key.Key_Tab)
    qtbot.keyClick(how.boxes[InfoMethod.EMAIL], Qt.Key.Key_Tab)
    qtbot.keyClick(how.boxes[InfoMethod.READ_ALOUD], Qt.Key.Key_Space)
    assert form.record.plan.ces_info_how == [InfoMethod.PRINTED, InfoMethod.READ_ALOUD]
    qtbot.keyClick(how.boxes[InfoMethod.READ_ALOUD], Qt.Key.Key_Tab)
    assert form.fields["plan.review_date"].focus_target().hasFocus()  # then the review date
    qtbot.keyClicks(form.fields["plan.review_date"].focus_target(), "18/12/2026")
    assert form.record.plan.review_date == dt.date(2026, 12, 18)
    qtbot.keyClick(focus(qtbot, form, "plan.ces_card_given"), Qt.Key.Key_N)
    assert not shown(form, "plan.ces_info_how")
    assert form.record.plan.ces_info_how == []
    assert not any(box.isChecked() for box in how.boxes.values())


def test_a_loaded_record_shows_its_multi_choice_and_new_answers(qtbot, form):
    from consult.record.answers import InfoMethod, Interpreter, Mode

    record = Record()
    record.consultation.mode = Mode.VIDEO
    record.consultation.interpreter = Interpreter.FAMILY_OR_FRIEND
    record.observation.walks_normally = Answer.YES
    record.plan.ces_card_given = Answer.YES
    record.plan.ces_info_how = [InfoMethod.SMS]
    form.load(record)
    assert form.fields["consultation.interpreter"].combo.currentText() == "Family member or friend"
    assert form.fields["observation.walks_normally"].value is Answer.YES
    boxes = form.fields["plan.ces_info_how"].boxes
    assert [m for m, box in boxes.items() if box.isChecked()] == [InfoMethod.SMS]
    assert shown(form, "observation.walks_normally") and shown(form, "plan.ces_info_how")


def test_choices_read_as_words_not_as_codes(form):
    for path, field in form.fields.items():
        combo = getattr(field, "combo", None)
        texts = [combo.itemText(i) for i in range(combo.count())] if combo else [
            box.text() for box in getattr(field, "boxes", {}).values()]
        for text in texts:
            assert "_" not in text and text[:1] == text[:1].upper(), (path, text)


@pytest.mark.hazard("H3", "H23")
def test_a_format_1_file_opens_in_the_form_and_asks_again_what_could_not_carry_over(
        qtbot, form):
    """Pregnant or breastfeeding Yes (one question before format 2): both new questions
    show "not asked" and the field says why when the GP passes it."""
    import json
    from pathlib import Path

    from consult.record import file as recordfile
    from consult.rules.completeness import problems

    source = Path(__file__).resolve().parents[1] / "data" / "format1" / "sciatica.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    data["medicines"]["pregnant_or_breastfeeding"] = "yes"
    data["medicines"]["asthma"] = "yes"
    record = recordfile.loads(json.dumps(data))
    assert record.format_version == 2
    form.load(record)
    form.show_problems(problems(record))
    for path in ("medicines.pregnant", "medicines.breastfeeding",
                 "medicines.nsaid_sensitive_asthma"):
        assert form.fields[path].value is Answer.NOT_ASKED and shown(form, path), path
    assert form.fields["risk.anticoagulant"].value is Answer.NO  # moved, kept
    target = focus(qtbot, form, "medicines.pregnant")
    qtbot.keyClick(target, Qt.Key.Key_Tab)
    message = form.rows["medicines.pregnant"].error.text()
    assert "ask pregnancy and breastfeeding separately" in message
    assert form.rows["medicines.pregnant"].error.isVisible()
    target = focus(qtbot, form, "medicines.pregnant")
    qtbot.keyClick(target, Qt.Key.Key_N)  # asked again: the GP's answer
    form.show_problems(problems(form.record))
    assert form.rows["medicines.pregnant"].error.text() == ""
