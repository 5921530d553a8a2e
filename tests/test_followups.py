"""Follow-up questions: asked only when they apply; hidden answers are cleared."""

from __future__ import annotations

import pytest

from consult import followups
from consult.answers import Answer, Onset, Sex, Side, Trauma, YesNoUnsure
from consult.completeness import problems
from consult.record import Record
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
        owner, leaf = followups._owner_and_field(record, path)
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
    item.answer, item.onset, item.worse_last_14_days = Y, Onset.WITHIN_14_DAYS, YesNoUnsure.YES
    assert followups.clear_hidden(r) == []
    item.answer = N
    followups.clear_hidden(r)
    assert item.onset is None and item.worse_last_14_days is None


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
    assert not followups.applies(r, "medicines.pregnant_or_breastfeeding")
    assert [p for p in problems(r) if "cancer" in p.field] == []
