"""History sentences: readable, built from the answers, unknowns left out."""

from __future__ import annotations

import pytest

from consult.note import history
from consult.record.answers import (
    Answer,
    Character,
    Course,
    Duration3Months,
    DurationUnit,
    Episode,
    JobDemands,
    LegExtent,
    NsaidTried,
    OnsetSpeed,
    PainPattern,
    PainSite,
    Sex,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    WorkStatus,
)
from consult.record.model import Record
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
    legs.weakness_side, legs.weakness_onset = Side.LEFT, WeaknessOnset.WITHIN_3_MONTHS
    legs.weakness_trajectory, legs.weakness_severe = Trajectory.WORSE, Answer.YES
    assert history.leg_symptoms(r) == [
        "Pain in the left leg, reaching below the knee.",
        "Weakness in the left leg, started within the last 3 months, getting worse; severe: "
        "foot drop, slapping gait or leg giving way.",
        "No numbness.",
    ]
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.LONGER, Trajectory.SAME
    legs.pain_intolerable, legs.claudication = Answer.YES, Answer.NO
    assert history.leg_symptoms(r) == [
        "Pain in the left leg, reaching below the knee; severe or intolerable (GP's judgement).",
        "Weakness in the left leg, present for more than 3 months, not changing; severe: "
        "foot drop, slapping gait or leg giving way.",
        "No numbness or claudication (pain in both legs on walking, eased by sitting).",
    ]


def test_leg_details_print_only_when_their_question_applies() -> None:
    r = Record()
    legs = r.legs
    legs.symptoms, legs.pain = Answer.YES, Answer.NO
    legs.pain_side, legs.pain_intolerable = Side.BOTH, Answer.YES  # stale: the form hid them
    assert history.leg_symptoms(r) == ["No leg pain."]
    legs.symptoms, legs.pain = Answer.NOT_ASKED, Answer.YES  # a recorded Yes is never hidden
    assert history.leg_symptoms(r) == [
        "Pain in both legs; severe or intolerable (GP's judgement)."]
    legs.symptoms, legs.pain_intolerable = Answer.YES, Answer.NOT_ASKED
    legs.claudication, legs.claudication_duration = Answer.YES, Duration3Months.OVER_3_MONTHS
    assert history.leg_symptoms(r) == [
        "Pain in both legs.",
        "Pain in both legs on walking or standing, eased by sitting or bending forward, "
        "for more than 3 months.",
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
                           "osteoporosis or a previous fragility fracture. No history of "
                           "smoking. Not asked: long-term oral")
    assert text.endswith("known aortic aneurysm; takes an anticoagulant.")
    r.medicines.nsaid_sensitive_asthma = Answer.YES
    r.medicines.takes_opioid = Answer.YES
    r.medicines.current_pain_medicines = "Co-codamol 30/500"
    meds = history.medicines(r)
    assert meds.startswith("Current pain medicines: Co-codamol 30/500. Takes an opioid. "
                           "NSAID cautions: asthma made worse by NSAIDs.")
    assert "NSAID cautions not asked: kidney disease" in meds
    assert meds.endswith("Medicines that raise NSAID risk not asked: takes an antiplatelet "
                         "(aspirin, clopidogrel); takes an oral corticosteroid; takes an SSRI "
                         "or SNRI; takes an ACE inhibitor or angiotensin receptor blocker with "
                         "a diuretic; takes lithium; takes methotrexate.")
    assert "anticoagulant" not in meds  # asked in the risk history, where it is printed


def test_anticoagulant_is_risk_history_and_named_with_the_nsaid_risk_medicines() -> None:
    r = negative_record()
    r.risk.anticoagulant = Answer.YES
    r.medicines.ssri_snri = Answer.YES
    assert "Relevant history: takes an anticoagulant." in history.risk_history(r)
    meds = history.medicines(r)
    assert ("Medicines that raise NSAID risk: takes an anticoagulant (see the risk history); "
            "takes an SSRI or SNRI.") in meds
    assert ("Does not take an antiplatelet (aspirin, clopidogrel), an oral corticosteroid, "
            "an ACE inhibitor or angiotensin receptor blocker with a diuretic, lithium or "
            "methotrexate.") in meds


def test_pregnancy_and_breastfeeding_are_two_lines() -> None:
    r = negative_record()
    r.patient.sex = Sex.FEMALE
    r.medicines.pregnant, r.medicines.breastfeeding = Answer.NO, Answer.YES
    pairs = dict(history.paragraphs(r))
    assert pairs["Pregnancy"] == "Not pregnant, and has not given birth in the last 6 weeks."
    assert pairs["Breastfeeding"] == "Breastfeeding."
    r.medicines.pregnant, r.medicines.breastfeeding = Answer.YES, Answer.NOT_ASKED
    r.red_flags.pregnancy_warning_signs = Answer.NO
    pairs = dict(history.paragraphs(r))
    assert pairs["Pregnancy"] == (
        "Pregnant, or gave birth in the last 6 weeks. No warning signs (severe or rhythmic "
        "pain, vaginal bleeding, fever or reduced fetal movements).")
    assert pairs["Breastfeeding"] == "Not asked."
    r.patient.sex = Sex.MALE  # the questions do not apply: nothing printed, never "not asked"
    assert "Pregnancy" not in dict(history.paragraphs(r))
    assert "Breastfeeding" not in dict(history.paragraphs(r))


def test_new_history_questions_in_call_order() -> None:
    r = negative_record()
    h = r.history
    h.site, h.episode = PainSite.LOWER_BACK_SPREADING, Episode.RECURRENT
    h.previous_episodes, h.spinal_surgery = "Two a year since 2019.", Answer.NO
    h.character = Character.SHARP
    h.muscle_spasm, h.reduced_movement = Answer.YES, Answer.NO
    h.stiffness_after_rest, h.morning_stiffness_minutes = Answer.YES, 15
    h.course, h.nsaid_tried = Course.WORSE, NsaidTried.NOT_TOLERATED
    h.treatment_tried = "Physiotherapy exercises, little help."
    r.impact.job_demands = JobDemands.MANUAL
    r.impact.main_concern = "Worried it is a slipped disc; hopes to be back at work."
    pairs = dict(history.paragraphs(r))
    assert pairs["Presenting"] == (
        "Three-week history of gradual-onset lower back pain spreading into the buttocks or "
        "upper legs after lifting (recurrent), intermittent, sharp, worse with movement and "
        "sitting; no leg symptoms. Previous episodes: Two a year since 2019. No previous "
        "spinal surgery. Muscle spasm or tightness. No reduced range of movement (as the "
        "patient reports it).")
    assert pairs["Course"] == (
        "Getting worse since it started. An NSAID tried for this episode was not tolerated. "
        "Other treatment tried: Physiotherapy exercises, little help.")
    assert pairs["Impact"] == (
        "Pain 4/10 now, 6/10 at worst. Working normally (job: manual work); sleep not "
        "disturbed. Main concern and what they hope for: Worried it is a slipped disc; hopes "
        "to be back at work.")
    assert pairs["Inflammatory"] == ("Stiffness after rest lasting about 15 minutes. "
                                     "No morning stiffness.")
    labels = [label for label, _ in history.paragraphs(r)]
    assert labels.index("Presenting") < labels.index("Course") < labels.index("Impact")
    h.episode = Episode.FIRST  # previous episodes are asked only for a recurrent episode
    assert "Previous episodes" not in history.presenting(r)


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


@pytest.mark.hazard("H23")
def test_long_term_steroids_are_never_printed_beside_takes_none_of_the_nsaid_risk_medicines() -> None:
    """CSO review 2026-12-07, finding 7: the fracture example printed 'Takes none of the
    medicines that raise NSAID risk (... oral corticosteroid ...)' for a patient on
    long-term prednisolone."""
    r = negative_record()
    r.risk.long_term_steroids = Answer.YES
    text = history.medicines(r)
    assert "Takes none of the medicines that raise NSAID risk" not in text
    assert "oral corticosteroid" not in text.replace("long-term oral steroids", "")
    assert "Medicines that raise NSAID risk: long-term oral steroids" in text
