"""The record model: three-state answers, field validation, exact round trip."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from consult.record import file as recordfile
from consult.record.answers import Answer
from consult.record.model import Record
from tests.support import negative_record


def _answers(model, path=""):
    """Every Answer-typed value in a model tree, with its path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if isinstance(value, Answer):
            yield here, value
        elif hasattr(type(value), "model_fields"):
            yield from _answers(value, here)


@pytest.mark.hazard("H2")
def test_a_new_record_starts_with_every_screening_item_not_asked():
    found = dict(_answers(Record()))
    assert len(found) >= 70
    assert set(found.values()) == {Answer.NOT_ASKED}
    assert Record().triggers.trauma.value == "not_asked"


def test_every_section_of_the_clinical_reference_is_in_the_record():
    assert set(Record.model_fields) >= {
        "consultation", "patient", "history", "triggers", "impact", "legs", "red_flags",
        "risk", "medicines", "inflammatory", "startback", "plan"}


@pytest.mark.parametrize(("path", "value", "says"), [
    ("patient.nhs_number", "943 476 5918", "fails its check digit"),
    ("consultation.gmc_number", "123456", "exactly 7 digits"),
    ("impact.pain_now", 11, "less than or equal to 10"),
    ("impact.pain_worst", -1, "greater than or equal to 0"),
    ("red_flags.cancer_year", 207, "four-digit year"),
    ("history.duration_value", -3, "greater than or equal to 0"),
])
def test_impossible_values_are_refused_on_assignment_with_a_gp_readable_message(path, value, says):
    record = Record()
    section, field = path.split(".")
    with pytest.raises(ValidationError, match=says):
        setattr(getattr(record, section), field, value)
    assert getattr(getattr(record, section), field) is None  # nothing half-changed


@pytest.mark.hazard("H9")
def test_nhs_number_typed_with_spaces_is_stored_as_ten_digits():
    record = Record()
    record.patient.nhs_number = "943 476 5919"
    assert record.patient.nhs_number == "9434765919"


def test_whitespace_only_text_is_stripped_and_blank_identifiers_become_unknown():
    record = Record()
    record.patient.family_name = "  Taylor "
    record.patient.nhs_number = "   "
    record.consultation.gmc_number = ""
    assert record.patient.family_name == "Taylor"
    assert record.patient.nhs_number is None
    assert record.consultation.gmc_number is None


@pytest.mark.hazard("H19")
def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Record.model_validate({"patient": {"middle_name": "X"}})


@pytest.mark.hazard("H19")
def test_an_empty_draft_and_a_full_record_round_trip_byte_exactly():
    for record in (Record(), negative_record()):
        text = recordfile.dumps(record)
        again = recordfile.loads(text)
        assert again == record
        assert recordfile.dumps(again) == text


@pytest.mark.hazard("H9", "H10")
def test_the_file_stores_dates_iso_and_nhs_number_as_digits():
    data = json.loads(recordfile.dumps(negative_record()))
    assert data["format"] == "consult-record" and data["format_version"] == 2
    assert data["patient"]["date_of_birth"] == "1985-04-05"
    assert data["patient"]["nhs_number"] == "9434765919"
    assert data["consultation"]["time"] == "09:40:00"
    assert data["red_flags"]["ces_bladder"]["answer"] == "no"


def test_every_section_validates_assignments_and_refuses_unknown_fields():
    # validate_assignment is on for every section (pydantic skips it otherwise)
    record = Record()
    for name in Record.model_fields:
        section = getattr(record, name)
        if hasattr(section, "model_config"):
            assert section.model_config.get("validate_assignment") is True, name
            assert section.model_config.get("extra") == "forbid", name


def test_format_2_holds_the_split_and_new_questions_of_revision_3():
    """Clinical reference revision 3, section 1: pregnancy and breastfeeding are two
    questions; NSAID-sensitive asthma, not asthma; the anticoagulant in the risk history;
    weakness onset on the 3-month scale; claudication with its duration; interpreter; known
    aortic aneurysm; the NSAID-risk medicines; remote observation on video."""
    from consult.record.answers import Duration3Months, Interpreter, WeaknessOnset

    r = Record()
    assert r.format_version == 2
    medicines = set(type(r.medicines).model_fields)
    assert {"pregnant", "breastfeeding", "nsaid_sensitive_asthma", "antiplatelet",
            "oral_corticosteroid", "ssri_snri", "ace_arb_with_diuretic", "lithium",
            "methotrexate"} <= medicines
    assert not {"pregnant_or_breastfeeding", "asthma", "anticoagulant"} & medicines
    assert {"anticoagulant", "known_aortic_aneurysm"} <= set(type(r.risk).model_fields)
    assert {w.value for w in WeaknessOnset} == {"within_3_months", "longer", "unsure"}
    assert {d.value for d in Duration3Months} == {"under_3_months", "over_3_months", "unsure"}
    assert {i.value for i in Interpreter} == {"none", "professional", "family_or_friend"}
    assert {"claudication", "claudication_duration", "weakness_onset"} <= set(type(r.legs).model_fields)
    assert {"walks_normally", "heel_walk", "toe_walk", "rises_without_arms",
            "bends_forward"} <= set(type(r.observation).model_fields)
    with pytest.raises(ValidationError):
        r.legs.weakness_onset = "more_than_14_days"  # the old 14-day scale is refused
    with pytest.raises(ValidationError):
        Record.model_validate({"medicines": {"pregnant_or_breastfeeding": "no"}})
