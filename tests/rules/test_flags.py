"""Red-flag rows, one finding at a time (clinical reference, section 2).

Every case starts from `negative_record()` (complete, every flag No) and changes
only what the row needs, so the row and its band are shown to follow from that
finding alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from consult.record.answers import (
    Answer,
    Band,
    Course,
    Duration3Months,
    DurationUnit,
    Episode,
    LegExtent,
    Onset,
    Sex,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    YesNoUnsure,
)
from consult.record.model import Record
from consult.rules import screening
from consult.rules.assessment import NOT_FULLY_SCREENED, Assessment
from consult.rules.engine import assess
from consult.rules.redflags import CES_ITEMS, INFECTION_RISKS, METS_FEATURES, NON_SPINAL
from consult.rules.ruleset import load
from tests.support import negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED
RULES = load()
# Clinical reference revision 3: new sexual dysfunction is a cauda equina item on its
# own (it is on the CES card), so every CES item behaves the same; the old CORE_CES
# list (every item but sexual dysfunction) is gone.


# --------------------------------------------------------------------------- helpers


def ids(a: Assessment) -> list[str]:
    return [r.id for r in a.fired]


def ids_of_suggestions(a: Assessment) -> list[str]:
    return [s.id for s in a.suggestions]


def band_of(row_id: str) -> Band | None:
    return RULES.rows[row_id].band_or_none


def set_age(r: Record, years: int) -> Record:
    """Make the patient exactly `years` old on the consultation date (recurrent pain,
    so the 'first episode over 50 or under 20' weak flag stays out of the way)."""
    c = r.consultation.date
    assert c is not None
    r.patient.date_of_birth = dt.date(c.year - years, c.month, c.day)
    r.history.episode = Episode.RECURRENT
    return r


def set_duration(r: Record, value: int, unit: DurationUnit) -> Record:
    r.history.duration_value, r.history.duration_unit = value, unit
    return r


def ces_item(r: Record, name: str, onset: Onset | None, worse: YesNoUnsure | None) -> Record:
    item = getattr(r.red_flags, name)
    item.answer, item.onset, item.worse_last_14_days = Y, onset, worse
    return r


def leg_numbness(r: Record) -> Record:
    r.legs.symptoms, r.legs.numbness, r.legs.numbness_side = Y, Y, Side.LEFT
    return r


def one_leg_weakness(r: Record, trajectory: Trajectory | None, severe: Answer,
                     onset: WeaknessOnset | None = WeaknessOnset.WITHIN_3_MONTHS) -> Record:
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.RIGHT
    legs.weakness_onset = onset
    legs.weakness_trajectory, legs.weakness_severe = trajectory, severe
    return r


def cancer(r: Record) -> Record:
    rf = r.red_flags
    rf.cancer_history, rf.cancer_type, rf.cancer_year = Y, "Breast", 2019
    for f in (*METS_FEATURES, "gait_disturbance"):
        setattr(rf, f, N)
    return r


def assert_only(a: Assessment, row_id: str) -> None:
    """`row_id` fired, and it alone sets the band: nothing above it fired."""
    assert row_id in ids(a), ids(a)
    band = band_of(row_id) or Band.ROUTINE
    assert a.band is band, (a.band, ids(a))
    assert a.red_flags_screened, a.unscreened
    assert a.disposition == band.value


def assert_row(a: Assessment, row_id: str) -> None:
    assert row_id in ids(a), ids(a)
    assert a.band is band_of(row_id)


# --------------------------------------------------------------------------- baseline


@pytest.mark.hazard("H12")
def test_the_negative_record_fires_nothing_and_is_routine():
    a = assess(negative_record())
    assert a.fired == []
    assert a.red_flags_screened
    assert a.band is Band.ROUTINE and a.disposition == "routine"
    assert a.outside_pathway == []


@pytest.mark.hazard("H1")
def test_every_strong_row_in_the_rule_set_is_covered_here():
    strong = {k for k, v in RULES.rows.items() if v.kind == "strong"}
    assert strong == set(STRONG_CASES_COVER)


# --------------------------------------------------------------------------- cauda equina

EMERGENCY_TIMINGS = [
    (Onset.WITHIN_14_DAYS, YesNoUnsure.NO),
    (Onset.WITHIN_14_DAYS, YesNoUnsure.YES),
    (Onset.MORE_THAN_14_DAYS, YesNoUnsure.YES),
    (Onset.MORE_THAN_14_DAYS, YesNoUnsure.UNSURE),
    (Onset.UNSURE, YesNoUnsure.NO),
    (Onset.UNSURE, YesNoUnsure.UNSURE),
    (None, YesNoUnsure.NO),  # onset missing counts as unsure
    (Onset.MORE_THAN_14_DAYS, None),  # whether worse missing counts as unsure
    (None, None),
]


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("name", CES_ITEMS)
@pytest.mark.parametrize(("onset", "worse"), EMERGENCY_TIMINGS)
def test_ces_item_new_worse_or_unsure_is_an_emergency(name, onset, worse):
    r = ces_item(negative_record(), name, onset, worse)
    a = assess(r)
    assert_row(a, "ces-emergency")
    assert "ces-stable" not in ids(a)
    assert a.disposition == "emergency"
    if onset is not None and worse is not None:
        assert a.red_flags_screened
    else:  # the missing detail is still asked for
        assert not a.red_flags_screened


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("name", CES_ITEMS)
def test_ces_item_stable_for_more_than_14_days_is_urgent(name):
    r = ces_item(negative_record(), name, Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    a = assess(r)
    assert_only(a, "ces-stable")
    assert "ces-emergency" not in ids(a)


@pytest.mark.parametrize(("onset", "worse"), EMERGENCY_TIMINGS)
def test_new_sexual_dysfunction_alone_is_a_ces_emergency(onset, worse):
    """Was test_new_sexual_dysfunction_alone_fires_nothing: revision 3 of the reference
    puts new sexual dysfunction on the CES card as an item that counts on its own."""
    r = ces_item(negative_record(), "ces_sexual_dysfunction", onset, worse)
    a = assess(r)
    assert_row(a, "ces-emergency")
    assert a.disposition == "emergency"


def test_new_sexual_dysfunction_alone_stable_for_more_than_14_days_is_urgent():
    r = ces_item(negative_record(), "ces_sexual_dysfunction", Onset.MORE_THAN_14_DAYS,
                 YesNoUnsure.NO)
    assert_only(assess(r), "ces-stable")


def test_new_sexual_dysfunction_counts_with_another_ces_item():
    r = ces_item(negative_record(), "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    ces_item(r, "ces_sexual_dysfunction", Onset.WITHIN_14_DAYS, YesNoUnsure.NO)
    a = assess(r)
    assert_row(a, "ces-emergency")
    row = next(x for x in a.fired if x.id == "ces-emergency")
    assert any("sexual" in f.lower() for f in row.findings)


def test_ces_findings_record_onset_and_worse_per_item():
    r = ces_item(negative_record(), "ces_saddle_numbness", Onset.WITHIN_14_DAYS, YesNoUnsure.YES)
    ces_item(r, "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    row = next(x for x in assess(r).fired if x.id == "ces-emergency")
    assert len(row.findings) == 2
    # revision 3: "worse in the last 14 days" applies only to an item that began more
    # than 14 days ago; a stray answer on a new item is not printed
    saddle = next(f for f in row.findings if f.startswith("Numbness"))
    bladder = next(f for f in row.findings if f.startswith("Bladder"))
    assert "started within 14 days" in saddle and "worse" not in saddle
    assert "started more than 14 days ago" in bladder
    assert "not worse in the last 14 days" in bladder


@pytest.mark.hazard("H1")
def test_bilateral_leg_answers_imply_ces_even_when_the_item_reads_no():
    r = negative_record()
    legs = r.legs
    legs.symptoms, legs.pain, legs.pain_side, legs.pain_extent = Y, Y, Side.BOTH, LegExtent.BELOW_KNEE
    a = assess(r)
    assert_row(a, "ces-emergency")  # no onset recorded for the implied item: counts as unsure


def test_bilateral_progressing_weakness_in_the_legs_section_is_ces():
    r = negative_record()
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.BOTH
    # severe weakness in both legs, present for more than 3 months and not changing: the
    # CES item "severe or progressing weakness in both legs" (reference section 2),
    # stable for more than 14 days: urgent
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.LONGER, Trajectory.SAME
    legs.weakness_severe = Y
    a = assess(r)
    assert_row(a, "ces-stable")
    assert not any(i.startswith("weakness-one-leg") for i in ids(a))
    legs.weakness_trajectory = Trajectory.WORSE
    assert_row(assess(r), "ces-emergency")


def test_mild_stable_weakness_in_both_legs_is_at_least_urgent_not_routine():
    r = negative_record()
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.BOTH
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.WITHIN_3_MONTHS, Trajectory.SAME
    legs.weakness_severe = N
    a = assess(r)
    assert_row(a, "weakness-one-leg-mild")
    assert a.band is Band.URGENT
    assert "both legs" in a.fired[0].findings[0]
    assert "reassurance" not in ids_of_suggestions(a)


# --------------------------------------------------------------------------- cancer


NEURO_SETUPS: dict[str, Callable[[Record], object]] = {
    "radicular leg pain": lambda r: (
        setattr(r.legs, "symptoms", Y), setattr(r.legs, "pain", Y),
        setattr(r.legs, "pain_side", Side.LEFT), setattr(r.legs, "pain_extent", LegExtent.BELOW_KNEE)),
    "numbness": leg_numbness,
    "one-leg weakness": lambda r: one_leg_weakness(r, Trajectory.SAME, N),
    "gait disturbance": lambda r: setattr(r.red_flags, "gait_disturbance", Y),
    "bladder change": lambda r: ces_item(r, "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO),
    "bowel change": lambda r: ces_item(r, "ces_bowel", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO),
}


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("neuro", list(NEURO_SETUPS))
def test_cancer_with_a_neurological_symptom_is_mscc_emergency(neuro):
    r = cancer(negative_record())
    NEURO_SETUPS[neuro](r)
    a = assess(r)
    assert_row(a, "mscc")
    assert a.disposition == "emergency"
    assert "spinal-metastases" not in ids(a)
    assert "weak-cancer-history" not in ids(a)


@pytest.mark.parametrize("name", ["ces_numbness_both_legs", "ces_sciatica_both_legs",
                                  "ces_weakness_both_legs"])
def test_cancer_with_a_bilateral_ces_neuro_item_is_mscc(name):
    r = cancer(negative_record())
    ces_item(r, name, Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    a = assess(r)
    assert "mscc" in ids(a), ids(a)
    assert a.band is Band.EMERGENCY


def test_suspected_cord_compression_without_cancer_is_its_own_emergency_row():
    """Revision 3: without known cancer there is no MSCC coordinator route; the GP's
    "suspected cord compression" fires a separate emergency row (ED or on-call spinal team)."""
    r = negative_record()
    r.red_flags.suspected_cord_compression = Y
    a = assess(r)
    assert_only(a, "cord-compression")
    assert "mscc" not in ids(a)


def test_suspected_cord_compression_with_cancer_is_mscc():
    r = cancer(negative_record())
    r.red_flags.suspected_cord_compression = Y
    a = assess(r)
    assert_only(a, "mscc")
    assert ids(a).count("mscc") == 1
    assert "cord-compression" not in ids(a)


@pytest.mark.hazard("H12")
def test_neurological_symptoms_without_cancer_or_suspicion_are_not_mscc():
    r = leg_numbness(negative_record())
    r.red_flags.gait_disturbance = Y
    assert "mscc" not in ids(assess(r))


@pytest.mark.parametrize("feature", [*METS_FEATURES, "thoracic_pain"])
def test_cancer_with_a_metastasis_feature_and_no_neurology_is_urgent(feature):
    r = cancer(negative_record())
    if feature == "thoracic_pain":
        r.history.thoracic_pain = Y
    else:
        setattr(r.red_flags, feature, Y)
    a = assess(r)
    assert_only(a, "spinal-metastases")
    assert "mscc" not in ids(a) and "weak-cancer-history" not in ids(a)
    if feature == "thoracic_pain":
        assert "outside-thoracic" in ids(a)


@pytest.mark.hazard("H7")
def test_cancer_history_alone_is_weak_cancer_history_soon():
    a = assess(cancer(negative_record()))
    assert_only(a, "weak-cancer-history")
    assert a.disposition == "soon"


@pytest.mark.hazard("H2")
def test_cancer_history_needs_the_features_asked_before_screening_is_complete():
    r = negative_record()
    r.red_flags.cancer_history = Y
    for f in METS_FEATURES:
        setattr(r.red_flags, f, NA)
    a = assess(r)
    assert not a.red_flags_screened
    assert {f"red_flags.{f}" for f in METS_FEATURES} <= set(a.unscreened)
    assert a.disposition != "routine"


# --------------------------------------------------------------------------- infection


@pytest.mark.hazard("H1")
def test_fever_or_unwell_is_infection_emergency():
    r = negative_record()
    r.red_flags.fever_or_unwell = Y
    assert_only(assess(r), "infection-fever")


@pytest.mark.parametrize("risk", INFECTION_RISKS)
def test_infection_risk_with_new_constant_severe_pain_is_urgent(risk):
    r = negative_record()
    setattr(r.risk, risk, Y)
    r.red_flags.new_constant_severe_pain = Y
    a = assess(r)
    assert_only(a, "infection-risk")
    assert "infection-risk-neuro" not in ids(a)


@pytest.mark.parametrize("risk", INFECTION_RISKS)
def test_infection_risk_with_pain_and_neurology_is_emergency(risk):
    r = leg_numbness(negative_record())
    setattr(r.risk, risk, Y)
    r.red_flags.new_constant_severe_pain = Y
    a = assess(r)
    assert_only(a, "infection-risk-neuro")
    assert "infection-risk" not in ids(a)


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("risk", INFECTION_RISKS)
def test_infection_risk_without_new_severe_pain_fires_nothing(risk):
    r = negative_record()
    setattr(r.risk, risk, Y)
    a = assess(r)
    assert a.fired == [] and a.disposition == "routine"


@pytest.mark.hazard("H2")
def test_infection_risk_with_the_pain_question_unasked_is_not_screened():
    r = negative_record()
    r.risk.injecting_drug_use = Y
    r.red_flags.new_constant_severe_pain = NA
    a = assess(r)
    assert "red_flags.new_constant_severe_pain" in a.unscreened
    assert a.disposition == NOT_FULLY_SCREENED


# --------------------------------------------------------------------------- trauma


@pytest.mark.hazard("H1")
def test_major_trauma_is_an_emergency():
    r = negative_record()
    r.triggers.trauma, r.triggers.trauma_details = Trauma.MAJOR, "Fell 3 metres from a ladder"
    a = assess(r)
    assert_only(a, "major-trauma")
    assert "ladder" in " ".join(a.fired[0].findings)


def test_severe_pain_after_minor_trauma_is_urgent():
    r = negative_record()
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, Y
    r.triggers.trauma_details = "Slipped on ice onto her back"
    assert_only(assess(r), "trauma-severe-pain")


@pytest.mark.hazard("H12")
def test_minor_trauma_without_severe_pain_fires_nothing():
    r = negative_record()
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, N
    assert assess(r).fired == []


@pytest.mark.hazard("H12")
def test_severe_pain_after_major_trauma_is_major_trauma_not_the_minor_row():
    r = negative_record()
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MAJOR, Y
    a = assess(r)
    assert "major-trauma" in ids(a) and "trauma-severe-pain" not in ids(a)


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("trigger", list(Trigger))
def test_lifting_twisting_and_other_triggers_are_not_trauma(trigger):
    r = negative_record()
    r.triggers.triggers = [trigger]
    r.red_flags.sudden_severe_new_pain = Y  # severe pain, but no trauma and no fracture risk
    a = assess(r)
    assert a.fired == [], ids(a)
    assert a.disposition == "routine"


@pytest.mark.hazard("H2")
def test_minor_trauma_with_the_severity_question_unasked_is_not_screened():
    r = negative_record()
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, NA
    a = assess(r)
    assert "triggers.severe_pain_after_trauma" in a.unscreened
    assert a.disposition == NOT_FULLY_SCREENED


# --------------------------------------------------------------------------- weakness in one leg


@pytest.mark.hazard("H1")
@pytest.mark.parametrize(("trajectory", "severe"), [
    (Trajectory.WORSE, N),
    (Trajectory.UNSURE, N),
    (None, N),  # course not recorded: unsure
    (Trajectory.SAME, Y),
    (Trajectory.BETTER, Y),
    (Trajectory.WORSE, Y),
])
def test_one_leg_weakness_progressing_unsure_or_severe_is_emergency(trajectory, severe):
    r = one_leg_weakness(negative_record(), trajectory, severe)
    a = assess(r)
    assert_row(a, "weakness-one-leg-severe")
    assert "weakness-one-leg-mild" not in ids(a)


@pytest.mark.parametrize("trajectory", [Trajectory.SAME, Trajectory.BETTER])
def test_one_leg_weakness_mild_and_not_worse_is_urgent(trajectory):
    r = one_leg_weakness(negative_record(), trajectory, N)
    a = assess(r)
    assert_only(a, "weakness-one-leg-mild")
    assert "weakness-one-leg-severe" not in ids(a)


def test_one_leg_weakness_with_side_unknown_still_fires():
    r = one_leg_weakness(negative_record(), Trajectory.SAME, N)
    r.legs.weakness_side = None
    a = assess(r)
    assert "weakness-one-leg-mild" in ids(a)
    assert "legs.weakness_side" in a.unscreened


@pytest.mark.hazard("H2")
def test_one_leg_weakness_with_severity_unasked_is_not_screened():
    r = one_leg_weakness(negative_record(), Trajectory.SAME, NA)
    a = assess(r)
    assert not a.red_flags_screened
    assert "legs.weakness_severe" in a.unscreened
    assert a.band.rank >= Band.URGENT.rank


# --------------------------------------------------------------------------- fracture


FRACTURE_RISKS: dict[str, Callable[[Record], object]] = {
    "osteoporosis": lambda r: setattr(r.risk, "osteoporosis", Y),
    "long-term steroids": lambda r: setattr(r.risk, "long_term_steroids", Y),
    "over 65 with a minor fall": lambda r: (
        set_age(r, 66), setattr(r.triggers, "trauma", Trauma.MINOR),
        setattr(r.triggers, "severe_pain_after_trauma", N)),
}


@pytest.mark.parametrize("risk", list(FRACTURE_RISKS))
def test_sudden_severe_new_pain_with_a_fracture_risk_is_urgent(risk):
    r = negative_record()
    FRACTURE_RISKS[risk](r)
    r.red_flags.sudden_severe_new_pain = Y
    assert_only(assess(r), "osteoporotic-fracture")


def test_new_spinal_deformity_alone_is_urgent_fracture():
    r = negative_record()
    r.red_flags.spinal_deformity = Y
    assert_only(assess(r), "osteoporotic-fracture")


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("risk", ["osteoporosis", "long-term steroids", "age 66"])
def test_fracture_risk_without_trauma_lifting_or_sudden_pain_fires_nothing(risk):
    """Was test_fracture_risk_without_sudden_severe_pain_fires_nothing: revision 3 of the
    reference fires the fracture row for osteoporosis or long-term steroids with minor
    trauma or strenuous lifting too, and for age 65 or over with a fall alone; a risk with
    none of those events still fires nothing."""
    r = negative_record()
    r.triggers.triggers = [Trigger.TWISTING]  # twisting is not lifting
    if risk == "age 66":
        set_age(r, 66)
    else:
        FRACTURE_RISKS[risk](r)
    assert not any(i.startswith("osteoporotic") for i in ids(assess(r)))


@pytest.mark.hazard("H10")
@pytest.mark.parametrize(("age", "fires"), [(64, False), (65, True)])
def test_age_65_exactly_with_a_minor_fall_is_a_fracture_risk(age, fires):
    """Was test_age_65_exactly_with_a_minor_fall_is_not_a_fracture_risk: revision 3 says
    "age 65 or over with a fall or minor trauma" (no sudden severe pain needed)."""
    r = set_age(negative_record(), age)
    r.triggers.triggers = []
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, N
    a = assess(r)
    assert ("osteoporotic-fracture" in ids(a)) is fires, ids(a)
    if fires:
        assert_only(a, "osteoporotic-fracture")


@pytest.mark.parametrize("worse", ["cannot_mobilise", "pain_uncontrolled", "neuro"])
@pytest.mark.parametrize("risk", [*FRACTURE_RISKS, "deformity"])
def test_fracture_with_deficit_immobility_or_uncontrolled_pain_is_emergency(worse, risk):
    r = negative_record()
    if risk == "deformity":
        r.red_flags.spinal_deformity = Y
    else:
        FRACTURE_RISKS[risk](r)
        r.red_flags.sudden_severe_new_pain = Y
    if worse == "neuro":
        leg_numbness(r)
    else:
        setattr(r.red_flags, worse, Y)
    a = assess(r)
    assert_row(a, "osteoporotic-fracture-emergency")
    assert "osteoporotic-fracture" not in ids(a)


@pytest.mark.hazard("H2")
def test_suspected_fracture_needs_mobility_and_pain_control_asked():
    r = negative_record()
    r.risk.osteoporosis = Y
    r.red_flags.sudden_severe_new_pain = Y
    r.red_flags.cannot_mobilise = NA
    a = assess(r)
    assert "red_flags.cannot_mobilise" in a.unscreened
    assert a.disposition != "routine"


# --------------------------------------------------------------------------- not from the spine


AORTIC_WHY: dict[str, Callable[[Record], object]] = {
    "collapse": lambda r: setattr(r.red_flags, "collapse_or_faint", Y),
    "over 50": lambda r: set_age(r, 51),
    "known aneurysm": lambda r: setattr(r.risk, "known_aortic_aneurysm", Y),
    "vascular disease": lambda r: setattr(r.risk, "vascular_disease", Y),
}


@pytest.mark.hazard("H1", "H17")
@pytest.mark.parametrize("why", list(AORTIC_WHY))
def test_nonmechanical_sudden_severe_pain_with_a_risk_is_aortic_emergency(why):
    r = negative_record()
    r.red_flags.nonmechanical_sudden_severe_pain = Y
    AORTIC_WHY[why](r)
    a = assess(r)
    assert_only(a, "aortic")
    assert "outside-nonmechanical" not in ids(a)
    assert a.fired[0].action.startswith("Call 999")


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("age", [41, 50])
def test_nonmechanical_pain_without_aortic_risk_is_outside_the_pathway(age):
    r = set_age(negative_record(), age)
    r.red_flags.nonmechanical_sudden_severe_pain = Y
    a = assess(r)
    assert "aortic" not in ids(a)
    assert "outside-nonmechanical" in ids(a)
    assert a.outside_pathway


@pytest.mark.hazard("H2")
def test_nonmechanical_pain_with_collapse_unasked_is_not_screened():
    r = negative_record()
    r.red_flags.nonmechanical_sudden_severe_pain = Y
    r.red_flags.collapse_or_faint = NA
    a = assess(r)
    assert "red_flags.collapse_or_faint" in a.unscreened
    # never plain routine: "not fully screened", or (an outside-this-pathway row fired) a
    # disposition whose headline says the red flags are not yet fully screened
    assert a.disposition != "routine"
    assert a.disposition == NOT_FULLY_SCREENED or "NOT YET FULLY SCREENED" in a.headline


# --------------------------------------------------------------------------- weak flags


def _weak(r: Record, *flags: str) -> Record:
    for f in flags:
        setattr(r.red_flags, f, Y)
    return r


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("flag", ["night_pain_constant", "widespread_bone_pain"])
def test_a_single_weak_flag_is_routine_with_its_row(flag):
    a = assess(_weak(negative_record(), flag))
    assert ids(a) == ["weak-single"]
    assert a.band is Band.ROUTINE and a.disposition == "routine"
    assert a.red_flag_rows == []


@pytest.mark.parametrize("age", [18, 19, 55, 70])
def test_first_episode_under_20_or_over_50_is_a_single_weak_flag(age):
    r = set_age(negative_record(), age)
    r.history.episode = Episode.FIRST
    a = assess(r)
    assert ids(a) == ["weak-single"]
    assert a.disposition == "routine"


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("age", [21, 50])
def test_first_episode_between_20_and_50_is_no_flag(age):
    r = set_age(negative_record(), age)
    r.history.episode = Episode.FIRST
    assert assess(r).fired == []


@pytest.mark.hazard("H10")
def test_first_episode_flag_uses_the_age_at_onset_not_today():
    r = set_age(negative_record(), 52)
    r.history.episode = Episode.FIRST
    set_duration(r, 3, DurationUnit.YEARS)  # started at 49
    assert "weak-single" not in ids(assess(r))


@pytest.mark.hazard("H7")
def test_two_weak_flags_are_soon():
    a = assess(_weak(negative_record(), "night_pain_constant", "widespread_bone_pain"))
    assert_only(a, "weak-two")
    assert a.disposition == "soon"


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("age", [41, 59])
def test_weight_loss_alone_under_60_is_soon(age):
    a = assess(_weak(set_age(negative_record(), age), "weight_loss"))
    assert_only(a, "weak-two")
    assert a.disposition == "soon"


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("age", [60, 75])
def test_weight_loss_at_60_or_over_is_urgent(age):
    a = assess(_weak(set_age(negative_record(), age), "weight_loss"))
    assert_only(a, "weak-malignancy")
    assert a.disposition == "urgent"


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("other", ["night_pain_constant", "widespread_bone_pain", "first_episode"])
def test_weight_loss_with_another_weak_flag_is_urgent(other):
    r = _weak(negative_record(), "weight_loss")
    if other == "first_episode":
        set_age(r, 18).history.episode = Episode.FIRST
    else:
        _weak(r, other)
    assert_only(assess(r), "weak-malignancy")


@pytest.mark.hazard("H7")
def test_three_weak_flags_without_weight_loss_are_urgent():
    r = _weak(set_age(negative_record(), 55), "night_pain_constant", "widespread_bone_pain")
    r.history.episode = Episode.FIRST
    assert_only(assess(r), "weak-malignancy")


@pytest.mark.hazard("H7")
@pytest.mark.parametrize(("age", "weeks", "fires"), [
    (60, 4, True), (72, 10, True), (60, 3, False), (59, 8, False)])
def test_age_60_or_over_with_pain_for_4_weeks_is_myeloma_bloods_soon(age, weeks, fires):
    r = set_duration(set_age(negative_record(), age), weeks, DurationUnit.WEEKS)
    a = assess(r)
    if fires:
        assert_only(a, "weak-myeloma")
        assert a.disposition == "soon"
    else:
        assert "weak-myeloma" not in ids(a)


@pytest.mark.hazard("H10")
def test_myeloma_row_at_28_days_exactly():
    r = set_duration(set_age(negative_record(), 60), 28, DurationUnit.DAYS)
    assert "weak-myeloma" in ids(assess(r))
    set_duration(r, 27, DurationUnit.DAYS)
    assert "weak-myeloma" not in ids(assess(r))


def test_weak_flags_unanswered_do_not_block_screening_but_are_incomplete():
    r = negative_record()
    r.red_flags.weight_loss = NA
    a = assess(r)
    assert a.red_flags_screened  # strong flags only
    assert "red_flags.weight_loss" in screening.unanswered_weak(r)


# --------------------------------------------------------------------------- outside the pathway


def _thoracic(r: Record) -> Record:
    r.history.thoracic_pain = Y
    return r


def _non_spinal(name: str) -> Callable[[Record], Record]:
    def setup(r: Record) -> Record:
        setattr(r.red_flags, name, Y)
        return r
    return setup


def _under_16(r: Record) -> Record:
    r.history.episode = Episode.RECURRENT
    return set_age(r, 15)


OUTSIDE: dict[str, tuple[Callable[[Record], Record], str]] = {
    "thoracic": (_thoracic, "outside-thoracic"),
    **{n: (_non_spinal(n), "outside-non-spinal") for n in NON_SPINAL},
    "under 16": (_under_16, "outside-under-16"),
}


@pytest.mark.hazard("H17")
@pytest.mark.parametrize("case", list(OUTSIDE))
def test_outside_pathway_rows_show_a_banner(case):
    setup, row_id = OUTSIDE[case]
    a = assess(setup(negative_record()))
    assert row_id in ids(a)
    assert a.outside_pathway
    row = next(r for r in a.fired if r.id == row_id)
    assert row.kind == "outside"
    assert f"{row.suspected}. {row.action}" in a.outside_pathway


@pytest.mark.hazard("H17")
@pytest.mark.parametrize("name", NON_SPINAL)
def test_non_spinal_pain_when_unwell_is_at_least_urgent(name):
    r = _non_spinal(name)(negative_record())
    r.red_flags.fever_or_unwell = Y
    a = assess(r)
    if name == "loin_pain_fever_urinary":
        # revision 3: fever with loin pain or urinary symptoms is one row naming both
        # pyelonephritis and spinal infection (same day, sepsis check), not the two rows
        assert "fever-loin-urinary" in ids(a)
        assert "infection-fever" not in ids(a)
    else:
        assert "outside-non-spinal-unwell" in ids(a)
        assert "infection-fever" in ids(a)
    assert a.band is Band.EMERGENCY


RED_FLAG_SETUPS: dict[str, tuple[Callable[[Record], object], str]] = {
    "ces": (lambda r: ces_item(r, "ces_bowel", Onset.WITHIN_14_DAYS, YesNoUnsure.NO),
            "ces-emergency"),
    "fever": (lambda r: setattr(r.red_flags, "fever_or_unwell", Y), "infection-fever"),
    "major trauma": (lambda r: setattr(r.triggers, "trauma", Trauma.MAJOR), "major-trauma"),
    "weakness mild": (lambda r: one_leg_weakness(r, Trajectory.SAME, N), "weakness-one-leg-mild"),
    "two weak": (lambda r: _weak(r, "night_pain_constant", "widespread_bone_pain"), "weak-two"),
}


@pytest.mark.hazard("H1", "H17")
@pytest.mark.parametrize("case", list(OUTSIDE))
@pytest.mark.parametrize("flag", list(RED_FLAG_SETUPS))
def test_outside_pathway_never_hides_a_red_flag_row(case, flag):
    setup, outside_id = OUTSIDE[case]
    flag_setup, flag_row = RED_FLAG_SETUPS[flag]
    r = setup(negative_record())
    flag_setup(r)
    a = assess(r)
    if (case, flag) == ("loin_pain_fever_urinary", "fever"):
        # revision 3: fever with loin pain is its own row (pyelonephritis or spinal
        # infection); it replaces both the fever row and the outside banner
        assert "fever-loin-urinary" in ids(a) and a.band is Band.EMERGENCY
        assert any(r.id == "fever-loin-urinary" for r in a.red_flag_rows)
        assert a.not_from_spine  # the presentation says the pain may not be spinal
        return
    assert any(i.startswith(outside_id) for i in ids(a)) and flag_row in ids(a)
    assert a.outside_pathway
    assert a.band.rank >= band_of(flag_row).rank
    assert any(r.id == flag_row for r in a.red_flag_rows)


# --------------------------------------------------------------------------- unanswered strong flags


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("path", [f"{s}.{f}" for s, f in screening.STRONG_ALWAYS])
def test_an_unanswered_strong_flag_is_never_routine(path):
    r = negative_record()
    parent, _, leaf = path.rpartition(".")
    obj = r
    for part in parent.split("."):
        obj = getattr(obj, part)
    setattr(obj, leaf, NA)
    a = assess(r)
    assert not a.red_flags_screened
    assert path in a.unscreened
    assert a.disposition == NOT_FULLY_SCREENED
    assert "reassurance" not in [s.id for s in a.suggestions]
    assert "no-imaging" not in [s.id for s in a.suggestions]


@pytest.mark.hazard("H2")
def test_unanswered_trauma_and_leg_weakness_are_unscreened():
    r = negative_record()
    r.triggers.trauma = Trauma.NOT_ASKED
    r.legs.symptoms, r.legs.weakness = NA, NA
    a = assess(r)
    # leg symptoms not asked: the question to ask is that one (weakness follows from it)
    assert {"triggers.trauma", "legs.symptoms"} <= set(a.unscreened)
    assert a.disposition == NOT_FULLY_SCREENED
    r.legs.symptoms = Answer.YES
    assert "legs.weakness" in assess(r).unscreened


@pytest.mark.hazard("H2")
def test_unscreened_with_a_fired_row_shows_that_rows_band():
    r = negative_record()
    r.red_flags.cancer_history = NA
    _weak(r, "night_pain_constant", "widespread_bone_pain")
    a = assess(r)
    assert not a.red_flags_screened
    assert a.disposition == "soon"


@pytest.mark.hazard("H2")
def test_a_blank_record_is_not_fully_screened():
    a = assess(Record())
    assert not a.red_flags_screened
    assert a.disposition == NOT_FULLY_SCREENED


# --------------------------------------------------------------------------- every fired row


def _revision_3_cases() -> list[Record]:
    """One record for each row that revision 3 of the reference added."""
    out = []
    r = negative_record()
    r.red_flags.fever_or_unwell = r.red_flags.sepsis_signs = Y
    out.append(r)  # sepsis
    r = negative_record()
    r.red_flags.fever_or_unwell = r.red_flags.loin_pain_fever_urinary = Y
    out.append(r)  # fever-loin-urinary
    out.append(one_leg_weakness(negative_record(), Trajectory.SAME, N, WeaknessOnset.LONGER))
    r = negative_record()
    legs = r.legs
    legs.symptoms = legs.pain = legs.claudication = Y
    legs.pain_side, legs.pain_extent = Side.BOTH, LegExtent.BELOW_KNEE
    legs.claudication_duration = Duration3Months.OVER_3_MONTHS
    out.append(r)  # neurogenic-claudication
    r = negative_record()
    legs = r.legs
    legs.symptoms = legs.pain = Y
    legs.pain_side, legs.pain_extent = Side.LEFT, LegExtent.BELOW_KNEE
    r.impact.pain_worst, r.history.course = 8, Course.SAME
    out.append(r)  # sciatica-not-settling
    r = negative_record()
    r.risk.anticoagulant = r.red_flags.sudden_severe_new_pain = Y
    out.append(r)  # bleeding-anticoagulant
    r = negative_record()
    r.risk.known_aortic_aneurysm = Y
    out.append(r)  # aneurysm-known
    r = negative_record()
    r.patient.sex = Sex.FEMALE
    r.medicines.pregnant = r.red_flags.pregnancy_warning_signs = Y
    out.append(r)  # pregnancy-emergency
    r = negative_record()
    r.triggers.triggers = []
    r.risk.long_term_steroids = Y
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, N
    out.append(r)  # osteoporotic-fracture from minor trauma
    return out


def _every_case() -> list[Record]:
    out = _revision_3_cases()
    for name in CES_ITEMS:
        out.append(ces_item(negative_record(), name, Onset.WITHIN_14_DAYS, YesNoUnsure.NO))
        out.append(ces_item(negative_record(), name, Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO))
    for setup in NEURO_SETUPS.values():
        r = cancer(negative_record())
        setup(r)
        out.append(r)
    out.append(cancer(negative_record()))
    r = cancer(negative_record())
    r.red_flags.mets_progressive_pain = Y
    out.append(r)
    for flag_setup, _ in RED_FLAG_SETUPS.values():
        r = negative_record()
        flag_setup(r)
        out.append(r)
    for setup, _ in OUTSIDE.values():
        out.append(setup(negative_record()))
    for why in AORTIC_WHY.values():
        r = negative_record()
        r.red_flags.nonmechanical_sudden_severe_pain = Y
        why(r)
        out.append(r)
    r = negative_record()
    r.red_flags.nonmechanical_sudden_severe_pain = Y
    out.append(r)
    r = negative_record()
    r.risk.immunosuppression = r.red_flags.new_constant_severe_pain = Y
    out.append(r)
    out.append(leg_numbness(r.model_copy(deep=True)))
    r = negative_record()
    r.red_flags.suspected_cord_compression = Y
    out.append(r)
    r = negative_record()
    r.triggers.trauma, r.triggers.severe_pain_after_trauma = Trauma.MINOR, Y
    out.append(r)
    out.append(one_leg_weakness(negative_record(), Trajectory.WORSE, Y))
    r = negative_record()
    r.risk.osteoporosis = r.red_flags.sudden_severe_new_pain = Y
    out.append(r)
    r = r.model_copy(deep=True)
    r.red_flags.cannot_mobilise = Y
    out.append(r)
    out.append(_weak(negative_record(), "widespread_bone_pain"))
    out.append(_weak(negative_record(), "weight_loss", "night_pain_constant"))
    out.append(set_duration(set_age(negative_record(), 66), 6, DurationUnit.WEEKS))
    return out


STRONG_CASES_COVER = [
    "ces-emergency", "ces-stable", "mscc", "spinal-metastases", "infection-fever",
    "infection-risk", "infection-risk-neuro", "major-trauma", "weakness-one-leg-severe",
    "weakness-one-leg-mild", "osteoporotic-fracture", "osteoporotic-fracture-emergency",
    "trauma-severe-pain", "aortic",
    # revision 3 (rule set 2026.12.1); their own tests are in tests/rules/test_ruleset_2026_12.py
    "cord-compression", "sepsis", "fever-loin-urinary", "weakness-long-standing",
    "neurogenic-claudication", "bleeding-anticoagulant", "aneurysm-known",
    "pregnancy-emergency",
]


@pytest.mark.hazard("H1")
def test_every_row_kind_is_reached_by_the_cases():
    fired = {row.id for r in _every_case() for row in assess(r).fired}
    wanted = {k for k, v in RULES.rows.items() if not k.startswith("ng65-")}
    assert wanted - fired == {"outside-non-spinal-unwell"} - fired


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("record", _every_case(), ids=lambda r: "case")
def test_every_fired_row_carries_findings_action_time_and_source(record):
    a = assess(record)
    assert a.fired
    for row in a.fired:
        assert row.findings and all(f.strip() for f in row.findings), row
        assert row.action.strip() and row.within.strip() and row.source.strip(), row
        assert row.suspected.strip()
        assert row.band is band_of(row.id)
        assert row.kind == RULES.rows[row.id].kind
    ranks = [r.band.rank if r.band else -1 for r in a.fired]
    assert ranks == sorted(ranks, reverse=True)  # most urgent first


@pytest.mark.hazard("H7")
def test_every_row_in_the_rule_set_names_a_known_source():
    for row_id, row in RULES.rows.items():
        assert row.sources, row_id
        assert all(s in RULES.sources for s in row.sources)
        assert row.within.strip() and row.action.strip()


# --------------------------------------------------------------------------- row actions reach the plan

def _action_cases() -> list[tuple[str, Record]]:
    cases = {}
    for record in _every_case():
        for row in assess(record).fired:
            if row.band is not None and row.band.rank > 0:
                cases.setdefault(row.id, record)
    return sorted(cases.items())


@pytest.mark.hazard("H1")
@pytest.mark.parametrize(("row_id", "record"), [
    pytest.param(i, r, id=i) for i, r in _action_cases()])
def test_every_row_above_routine_puts_its_action_in_the_suggestions(row_id, record):
    a = assess(record)
    row = next(r for r in a.fired if r.id == row_id)
    suggestion = next((s for s in a.suggestions if s.id == f"action-{row_id}"), None)
    assert suggestion is not None, [s.id for s in a.suggestions]
    # revision 3: a row with a local route prints the route after its action (the
    # practice's own, or the generic words when the practice has not set one)
    route = RULES.rows[row_id].route
    tail = f" {RULES.routes[route].label}: {RULES.routes[route].generic}." if route else ""
    assert suggestion.text == row.action + tail
    assert suggestion.source == row.source


def test_fever_alone_suggests_same_day_hospital_assessment_first():
    r = negative_record()
    r.red_flags.fever_or_unwell = Y
    a = assess(r)
    assert a.suggestions[0].id == "action-infection-fever"
    assert a.suggestions[0].text == "Same-day hospital assessment."


@pytest.mark.hazard("H8")
def test_row_words_never_fall_foul_of_the_never_suggest_list():
    everything = {"low back pain", "sciatica", "acute", "sub-acute", "chronic"}
    hits = sorted(
        row_id for row_id, row in RULES.rows.items()
        for words in (row.action, row.suspected)
        if RULES.forbidden(words, everything))
    assert hits == []


def test_infection_risk_with_a_bilateral_ces_neuro_item_is_emergency():
    r = negative_record()
    r.risk.injecting_drug_use = Y
    r.red_flags.new_constant_severe_pain = Y
    ces_item(r, "ces_numbness_both_legs", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    a = assess(r)
    assert "infection-risk-neuro" in ids(a), ids(a)
    assert a.band is Band.EMERGENCY


@pytest.mark.hazard("H10")
def test_first_episode_starting_just_before_51_is_a_weak_flag():
    r = negative_record()
    r.patient.date_of_birth = dt.date(1975, 12, 30)  # 50 years 11 months on 20-Nov-2026
    set_duration(r, 2, DurationUnit.WEEKS)  # started at about 50.9
    r.history.episode = Episode.FIRST
    assert "weak-single" in ids(assess(r))


@pytest.mark.parametrize("copy_of", [
    lambda r, entries: r.model_copy(update={"never_suggest": entries}),
    lambda r, entries: r.model_copy(update={"never_suggest": entries}, deep=True),
], ids=["model_copy", "deep model_copy"])
def test_a_changed_copy_of_the_rule_set_answers_the_never_suggest_check_afresh(copy_of):
    """CSO review 2026-12-07b, finding 7: a copy shared the original's remembered answers."""
    from consult.rules.ruleset import load

    rules = load()
    text, context = "Gabapentin for sciatica", {"sciatica"}
    assert rules.forbidden(text, context) is not None  # remembered by the original
    keep = [e for e in rules.never_suggest if not e.matches(text, context)]
    copy = copy_of(rules, keep)
    assert copy.forbidden(text, context) is None
    assert rules.forbidden(text, context) is not None
