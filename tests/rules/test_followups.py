"""Follow-up questions: asked only when they apply; hidden answers are cleared."""

from __future__ import annotations

import pytest

from consult.record.answers import (
    Answer,
    Duration3Months,
    Episode,
    InfoMethod,
    JobDemands,
    Mode,
    Onset,
    Sex,
    Side,
    Trauma,
    WorkStatus,
    YesNoUnsure,
)
from consult.record.model import Record, owner_of
from consult.rules import followups
from consult.rules.completeness import problems
from tests.support import negative_record as _negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED


def negative_record() -> Record:
    """The complete negative record as the form leaves it: questions that do not apply unasked."""
    r = _negative_record()
    followups.clear_hidden(r)
    return r


@pytest.mark.hazard("H15")
def test_clearing_hidden_questions_leaves_the_negative_record_complete():
    r = negative_record()
    assert followups.clear_hidden(r) == []
    assert problems(r) == []


@pytest.mark.hazard("H15")
def test_every_rule_names_a_real_field():
    record = Record()
    for path in followups.RULES:
        owner, leaf = owner_of(record, path)
        assert leaf in type(owner).model_fields, path


@pytest.mark.hazard("H15")
def test_trauma_severity_is_asked_only_after_minor_trauma_and_cleared_when_hidden():
    r = negative_record()
    assert not followups.applies(r, "triggers.severe_pain_after_trauma")
    r.triggers.trauma = Trauma.MINOR
    assert followups.applies(r, "triggers.severe_pain_after_trauma")
    r.triggers.severe_pain_after_trauma = Y
    r.triggers.trauma_details = "Slipped on ice"
    r.triggers.trauma = Trauma.NONE
    assert set(followups.clear_hidden(r)) == {"triggers.severe_pain_after_trauma",
                                              "triggers.trauma_details"}
    assert r.triggers.severe_pain_after_trauma is NA and r.triggers.trauma_details == ""


@pytest.mark.hazard("H15")
def test_ces_onset_and_worsening_go_when_the_item_goes_back_to_no():
    r = negative_record()
    item = r.red_flags.ces_bladder
    item.answer, item.onset, item.worse_last_14_days = Y, Onset.MORE_THAN_14_DAYS, YesNoUnsure.YES
    assert followups.clear_hidden(r) == []
    item.answer = N
    followups.clear_hidden(r)
    assert item.onset is None and item.worse_last_14_days is None


@pytest.mark.hazard("H15")
def test_worse_in_the_last_14_days_is_asked_only_of_an_item_older_than_14_days():
    r = negative_record()
    item = r.red_flags.ces_sexual_dysfunction
    path = "red_flags.ces_sexual_dysfunction.worse_last_14_days"
    item.answer = Y
    assert not followups.applies(r, path)  # onset not yet recorded
    for onset in (Onset.WITHIN_14_DAYS, Onset.UNSURE):  # new (or counted as new): not asked
        item.onset = onset
        assert not followups.applies(r, path)
    item.onset = Onset.MORE_THAN_14_DAYS
    assert followups.applies(r, path)
    item.worse_last_14_days = YesNoUnsure.NO
    item.onset = Onset.WITHIN_14_DAYS
    assert followups.clear_hidden(r) == [path]
    assert item.worse_last_14_days is None
    assert followups.controlling(path) == ("red_flags.ces_sexual_dysfunction.onset",
                                           "red_flags.ces_sexual_dysfunction.answer")


@pytest.mark.hazard("H15", "H24")
@pytest.mark.parametrize(("path", "show", "hide", "value"), [
    ("red_flags.sepsis_signs",
     lambda r: setattr(r.red_flags, "fever_or_unwell", Y),
     lambda r: setattr(r.red_flags, "fever_or_unwell", N), Y),
    ("legs.claudication_duration",
     lambda r: (setattr(r.legs, "symptoms", Y), setattr(r.legs, "claudication", Y)),
     lambda r: setattr(r.legs, "claudication", N), Duration3Months.OVER_3_MONTHS),
    ("legs.pain_intolerable",
     lambda r: (setattr(r.legs, "symptoms", Y), setattr(r.legs, "pain", Y)),
     lambda r: setattr(r.legs, "pain", N), Y),
    ("plan.ces_info_how",
     lambda r: setattr(r.plan, "ces_card_given", Y),
     lambda r: setattr(r.plan, "ces_card_given", N), [InfoMethod.PRINTED, InfoMethod.READ_ALOUD]),
    ("impact.job_demands",
     lambda r: setattr(r.impact, "work", WorkStatus.MODIFIED),
     lambda r: setattr(r.impact, "work", WorkStatus.NOT_IN_WORK), JobDemands.DESK),
    ("history.previous_episodes",
     lambda r: setattr(r.history, "episode", Episode.RECURRENT),
     lambda r: setattr(r.history, "episode", Episode.FIRST), "Two episodes, 2019 and 2023"),
    ("history.morning_stiffness_minutes",
     lambda r: setattr(r.history, "stiffness_after_rest", Y),
     lambda r: setattr(r.history, "stiffness_after_rest", N), 30),
    ("observation.heel_walk",
     lambda r: setattr(r.consultation, "mode", Mode.VIDEO),
     lambda r: setattr(r.consultation, "mode", Mode.TELEPHONE), N),
    ("red_flags.pregnancy_warning_signs",
     lambda r: (setattr(r.patient, "sex", Sex.FEMALE), setattr(r.medicines, "pregnant", Y)),
     lambda r: setattr(r.medicines, "pregnant", N), Y),
])
def test_a_new_follow_up_is_asked_only_after_its_answer_and_cleared_when_hidden(
        path, show, hide, value):
    r = negative_record()
    hide(r)
    assert not followups.applies(r, path)
    show(r)
    assert followups.applies(r, path)
    owner, leaf = owner_of(r, path)
    setattr(owner, leaf, value)
    assert followups.clear_hidden(r) == []
    hide(r)
    assert path in followups.clear_hidden(r)
    assert getattr(owner, leaf) == type(owner).model_fields[leaf].get_default(
        call_default_factory=True)


@pytest.mark.hazard("H15")
def test_every_follow_up_names_its_controlling_questions():
    record = Record()
    for path in followups.RULES:
        for parent in followups.controlling(path):
            owner, leaf = owner_of(record, parent)
            assert leaf in type(owner).model_fields, (path, parent)


@pytest.mark.hazard("H15")
def test_pregnancy_questions_are_not_asked_for_a_male_patient():
    r = negative_record()
    r.patient.sex = Sex.FEMALE
    r.medicines.pregnant = r.red_flags.pregnancy_warning_signs = Y
    r.medicines.breastfeeding = N
    assert followups.clear_hidden(r) == []
    r.patient.sex = Sex.MALE
    assert set(followups.clear_hidden(r)) == {
        "medicines.pregnant", "medicines.breastfeeding", "red_flags.pregnancy_warning_signs"}
    for sex in (Sex.FEMALE, Sex.OTHER, Sex.NOT_KNOWN, None):
        r.patient.sex = sex
        assert followups.applies(r, "medicines.pregnant"), sex
        assert followups.applies(r, "medicines.breastfeeding"), sex


@pytest.mark.hazard("H15")
def test_no_leg_symptoms_answers_the_leg_details_no_and_clears_their_follow_ups():
    r = negative_record()
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side, legs.weakness_severe = Y, Y, Side.LEFT, N
    legs.symptoms = N
    followups.clear_hidden(r)
    assert (legs.pain, legs.numbness, legs.weakness) == (N, N, N)
    assert legs.weakness_side is None and legs.weakness_severe is NA
    assert problems(r) == [] or all(not p.field.startswith("legs.") for p in problems(r))


@pytest.mark.hazard("H15")
def test_a_hidden_question_never_blocks_finishing():
    r = negative_record()
    r.red_flags.cancer_history = Y
    r.red_flags.cancer_type = "Prostate"
    r.red_flags.cancer_history = N
    followups.clear_hidden(r)
    assert r.red_flags.cancer_type == ""
    r.patient.sex = Sex.MALE
    assert not followups.applies(r, "medicines.pregnant")
    assert not followups.applies(r, "medicines.breastfeeding")
    assert [p for p in problems(r) if "cancer" in p.field] == []
