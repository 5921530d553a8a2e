"""History sentences: readable, built from the answers, unknowns left out."""

from __future__ import annotations

import pytest

from consult.answers import (
    Answer,
    DurationUnit,
    LegExtent,
    Onset,
    OnsetSpeed,
    PainPattern,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WorkStatus,
)
from consult.note import history
from consult.record import Record
from tests.support import negative_record


def test_presenting_sentence_of_the_negative_record() -> None:
    assert history.presenting(negative_record()) == (
        "Three-week history of gradual-onset lower back pain after lifting (first episode), "
        "intermittent, worse with movement and sitting; no leg symptoms.")


def test_presenting_variants() -> None:
    r = Record()
    assert history.presenting(r) == "History of lower back pain."
    r.history.duration_value, r.history.duration_unit = 14, DurationUnit.DAYS
    r.history.onset, r.history.pattern = OnsetSpeed.SUDDEN, PainPattern.CONSTANT
    r.history.worse_at_night = Answer.YES
    r.triggers.triggers = [Trigger.TWISTING, Trigger.SUDDEN_MOVEMENT]
    r.triggers.trauma, r.triggers.trauma_details = Trauma.MINOR, "slipped on ice."
    assert history.presenting(r) == (
        "14-day history of sudden-onset lower back pain after twisting, a sudden movement "
        "or a fall or other minor trauma (slipped on ice), constant, worse at night.")
    r.triggers.triggers, r.triggers.trauma = [Trigger.NO_CLEAR_TRIGGER], Trauma.NONE
    r.history.duration_value = 0
    assert history.presenting(r).startswith(
        "History of sudden-onset lower back pain that started less than one day ago "
        "with no clear trigger")


def test_impact_sentences() -> None:
    assert history.impact(negative_record()) == (
        "Pain 4/10 now, 6/10 at worst. Working normally; sleep not disturbed.")
    r = Record()
    assert history.impact(r) == ""
    r.impact.pain_worst, r.impact.work = 8, WorkStatus.OFF_WORK
    r.impact.sleep_disturbed = Answer.YES
    r.impact.walking = "About 100 metres."
    assert history.impact(r) == (
        "Pain 8/10 at worst. Off work; sleep disturbed by pain. Walking: About 100 metres.")


def test_leg_symptoms_sentences() -> None:
    r = Record()
    legs = r.legs
    legs.symptoms = legs.pain = legs.weakness = Answer.YES
    legs.numbness = Answer.NO
    legs.pain_side, legs.pain_extent = Side.LEFT, LegExtent.BELOW_KNEE
    legs.weakness_side, legs.weakness_onset = Side.LEFT, Onset.WITHIN_14_DAYS
    legs.weakness_trajectory, legs.weakness_severe = Trajectory.WORSE, Answer.YES
    assert history.leg_symptoms(r) == [
        "Pain in the left leg, reaching below the knee.",
        "Weakness in the left leg, started within the last 14 days, getting worse; severe: "
        "foot drop, slapping gait or leg giving way.",
        "No numbness.",
    ]


@pytest.mark.hazard("H2")
def test_risk_and_medicines_never_call_unasked_negative() -> None:
    r = Record()
    r.risk.osteoporosis = Answer.YES
    r.risk.smoker = Answer.NO
    r.red_flags.cancer_history = Answer.YES
    r.red_flags.cancer_type, r.red_flags.cancer_year = "Breast", 2019
    text = history.risk_history(r)
    assert text.startswith("Relevant history: past or current cancer (Breast, 2019); "
                           "osteoporosis. No history of smoking. Not asked: long-term oral")
    r.medicines.asthma = Answer.YES
    r.medicines.takes_opioid = Answer.YES
    r.medicines.current_pain_medicines = "Co-codamol 30/500"
    meds = history.medicines(r)
    assert meds.startswith("Current pain medicines: Co-codamol 30/500. Takes an opioid. "
                           "NSAID cautions: asthma.")
    assert "NSAID cautions not asked: kidney disease" in meds


def test_morning_stiffness_is_a_pointer_not_an_ng65_count() -> None:
    r = Record()
    r.history.morning_stiffness, r.history.morning_stiffness_minutes = Answer.YES, 45
    r.inflammatory.buttock_pain = Answer.YES
    assert history.inflammatory(r) == (
        "Morning stiffness lasting about 45 minutes: over 30 minutes is an inflammatory "
        "pointer (shown, not counted in NG65). Inflammatory features: buttock pain.")
    r.history.morning_stiffness_minutes = 10
    assert history.inflammatory(r).startswith("Morning stiffness lasting about 10 minutes.")


def test_no_unknown_words_in_history_of_a_blank_record() -> None:
    for _, text in history.paragraphs(Record()):
        assert "None" not in text and "?" not in text and "not_asked" not in text


def test_paragraphs_are_labelled_sentences_not_field_names() -> None:
    labels = [label for label, _ in history.paragraphs(negative_record())]
    assert labels == ["Presenting", "Impact", "Risk history", "Medicines", "Inflammatory"]
    for _, text in history.paragraphs(negative_record()):
        assert "_" not in text
