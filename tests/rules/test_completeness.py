"""The completeness check: what stops a note from being final, in a GP's words."""

from __future__ import annotations

import datetime as dt

import pytest

from consult.record.answers import Answer, Side, Trajectory
from consult.record.model import Record
from consult.rules.completeness import problems
from tests.support import negative_record

TODAY = dt.date(2026, 11, 26)


def fields(record):
    return {p.field: p.message for p in problems(record, TODAY)}


def test_a_complete_record_has_no_problems():
    assert problems(negative_record(), TODAY) == []


@pytest.mark.hazard("H2")
def test_a_blank_record_lists_every_kind_of_missing_item_with_a_sentence():
    found = fields(Record())
    for path in ("consultation.date", "consultation.clinician_name", "patient.nhs_number",
                 "patient.date_of_birth", "history.duration_value", "legs.symptoms",
                 "red_flags.ces_bladder.answer", "red_flags.weight_loss", "triggers.trauma",
                 "plan.safety_netting_given", "plan.confirmed", "consultation.identity_confirmed"):
        assert path in found, path
    assert all(m[0].isupper() and m.endswith(".") for m in found.values())
    assert found["red_flags.ces_bladder.answer"].startswith("Red flag not yet answered: Bladder change")


@pytest.mark.hazard("H3", "H10", "H17", "H18", "H24")
@pytest.mark.parametrize(("change", "field", "says"), [
    (lambda r: setattr(r.consultation, "date", dt.date(2026, 12, 1)), "consultation.date", "in the future"),
    (lambda r: setattr(r.patient, "date_of_birth", dt.date(2012, 1, 1)), "patient.date_of_birth", "outside this tool's scope"),
    (lambda r: setattr(r.patient, "date_of_birth", dt.date(2026, 11, 21)), "patient.date_of_birth", "before the consultation date"),
    (lambda r: (setattr(r.impact, "pain_now", 8), setattr(r.impact, "pain_worst", 5)), "impact.pain_worst", "cannot be lower than pain now"),
    (lambda r: setattr(r.legs, "weakness_trajectory", Trajectory.WORSE), "legs.weakness", "weakness is not"),
    (lambda r: setattr(r.red_flags.ces_bowel, "answer", Answer.NOT_ASKED), "red_flags.ces_bowel.answer", "not yet answered"),
    (lambda r: setattr(r.plan, "confirmed", False), "plan.confirmed", "Confirm the plan"),
    (lambda r: setattr(r.plan, "safety_netting_given", Answer.NO), "plan.safety_netting_given", "safety-netting"),
    (lambda r: setattr(r.consultation, "clinician_name", ""), "consultation.clinician_name", "clinician's name"),
    (lambda r: setattr(r.consultation, "identity_confirmed", Answer.NO), "consultation.identity_confirmed", "identity"),
])
def test_each_problem_names_its_field(change, field, says):
    record = negative_record()
    change(record)
    found = fields(record)
    assert field in found, found
    assert says in found[field]


@pytest.mark.hazard("H17")
def test_an_under_16_is_told_plainly_they_are_outside_the_scope():
    record = negative_record()
    record.patient.date_of_birth = dt.date(2011, 6, 1)
    message = fields(record)["patient.date_of_birth"]
    assert "The patient is 15" in message and "16 and over" in message


def test_leg_symptoms_yes_needs_the_details_and_a_cancer_needs_type_and_year():
    record = negative_record()
    record.legs.symptoms = Answer.YES
    record.legs.pain = Answer.YES
    record.red_flags.cancer_history = Answer.YES
    found = fields(record)
    assert {"legs.pain_side", "legs.pain_extent", "red_flags.cancer_type",
            "red_flags.cancer_year", "red_flags.mets_progressive_pain"} <= set(found)


@pytest.mark.hazard("H1")
def test_numbness_in_both_legs_contradicting_the_red_flag_item_is_caught():
    record = negative_record()
    record.legs.symptoms = record.legs.numbness = Answer.YES
    record.legs.numbness_side = Side.BOTH
    assert "red_flags.ces_numbness_both_legs.answer" in fields(record)


@pytest.mark.hazard("H14")
def test_a_plan_confirmed_before_a_red_flag_was_answered_yes_must_be_confirmed_again():
    from consult.record.answers import Onset
    from consult.rules import plan

    record = negative_record()
    item = record.red_flags.ces_saddle_numbness
    item.answer, item.onset = Answer.YES, Onset.WITHIN_14_DAYS  # new: "worse" is not asked
    assert "review the plan and confirm it again" in fields(record)["plan.confirmed"]
    plan.accept_suggestions(record)
    plan.confirm(record)
    assert problems(record, TODAY) == []
    assert record.plan.items[0].suggestion_id == "action-ces-emergency"


@pytest.mark.hazard("H7")
def test_the_gp_may_confirm_a_plan_without_a_suggestion_and_it_stays_final():
    from consult.rules import plan

    record = negative_record()
    record.plan.items = [i for i in record.plan.items if i.suggestion_id != "nsaid"]
    plan.confirm(record)
    assert problems(record, TODAY) == []


@pytest.mark.hazard("H14")
def test_changing_the_plan_after_confirming_asks_for_confirmation_again():
    from consult.rules import plan

    record = negative_record()
    record.plan.items[0].text = "Reassure, and explain the likely course."
    assert "confirm it again" in fields(record)["plan.confirmed"]
    plan.confirm(record)
    assert problems(record, TODAY) == []


@pytest.mark.hazard("H14")
def test_accepting_suggestions_again_keeps_the_gps_edits_and_own_items():
    from consult.record.model import PlanItem
    from consult.rules import plan

    record = negative_record()
    record.plan.items[0].text, record.plan.items[0].edited = "My wording", True
    record.plan.items.append(PlanItem(text="Phone on Friday"))
    plan.accept_suggestions(record)
    assert record.plan.items[0].text == "My wording"
    assert record.plan.items[-1].text == "Phone on Friday"


@pytest.mark.hazard("H32")
def test_the_ces_card_item_in_the_plan_asks_whether_it_was_given_before_finalising():
    """CSO review 2026-12-07c, A3: the plan's item is the GP's choice, not the act; while the
    plan holds it, 'Written cauda equina information given' must be Yes (with how) or No."""
    record = negative_record()
    assert any(i.suggestion_id == "ces-card" for i in record.plan.items)
    record.plan.ces_card_given, record.plan.ces_info_how = Answer.NOT_ASKED, []
    assert fields(record) == {"plan.ces_card_given": "Record whether the written cauda "
                                                     "equina information was given, and how."}
    record.plan.ces_card_given = Answer.NO  # not given is an answer: it is printed so
    assert problems(record, TODAY) == []
    record.plan.ces_card_given = Answer.YES  # given: how is asked
    assert set(fields(record)) == {"plan.ces_info_how"}


def test_without_the_ces_card_item_its_question_may_stay_unasked():
    record = negative_record()
    record.plan.items = [i for i in record.plan.items if i.suggestion_id != "ces-card"]
    record.plan.ces_card_given, record.plan.ces_info_how = Answer.NOT_ASKED, []
    from consult.rules import plan

    plan.confirm(record)
    assert problems(record, TODAY) == []
