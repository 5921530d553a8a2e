"""Unanswered never reads as negative; positives never end in reassurance."""

from __future__ import annotations

import pytest

from consult.record.answers import Answer, Band, DurationUnit, Side, Trajectory
from consult.rules.engine import assess
from tests.support import negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED


def ids(items):
    return [i.id for i in items]


@pytest.mark.hazard("H2")
def test_cancer_with_unasked_metastasis_features_never_says_no_suggestive_features():
    r = negative_record()
    r.red_flags.cancer_history = Y
    r.red_flags.cancer_type, r.red_flags.cancer_year = "Breast", 2019
    for f in ("mets_progressive_pain", "mets_severe_unremitting_pain", "mets_worse_on_straining",
              "mets_local_tenderness", "mets_night_pain_prevents_sleep"):
        setattr(r.red_flags, f, NA)
    a = assess(r)
    row = next(x for x in a.fired if x.id == "weak-cancer-history")
    words = " ".join([row.suspected, *row.findings])
    assert "no suggestive features" not in words
    assert "NOT YET ASKED" in words and "Progressive pain" in words
    assert a.red_flags_screened is False


def test_cancer_with_every_feature_answered_no_says_so():
    r = negative_record()
    r.red_flags.cancer_history = Y
    for f in ("mets_progressive_pain", "mets_severe_unremitting_pain", "mets_worse_on_straining",
              "mets_local_tenderness", "mets_night_pain_prevents_sleep"):
        setattr(r.red_flags, f, N)
    row = next(x for x in assess(r).fired if x.id == "weak-cancer-history")
    assert "no suggestive features" in " ".join(row.findings)


@pytest.mark.hazard("H18", "H21")
def test_gait_disturbance_blocks_reassurance_and_no_imaging_and_asks_for_examination():
    r = negative_record()
    r.red_flags.gait_disturbance = Y
    suggested = ids(assess(r).suggestions)
    assert "reassurance" not in suggested and "no-imaging" not in suggested
    assert "face-to-face" in suggested


@pytest.mark.hazard("H2")
def test_one_leg_weakness_with_severity_not_asked_counts_as_severe():
    r = negative_record()
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.LEFT
    legs.weakness_trajectory = Trajectory.SAME
    legs.weakness_severe = NA
    a = assess(r)
    assert "weakness-one-leg-severe" in ids(a.fired)
    assert a.band is Band.EMERGENCY
    legs.weakness_severe = N
    assert "weakness-one-leg-mild" in ids(assess(r).fired)


@pytest.mark.hazard("H2")
def test_age_unknown_leaves_weight_loss_and_non_mechanical_pain_unscreened():
    for flag in ("weight_loss", "nonmechanical_sudden_severe_pain"):
        r = negative_record()
        setattr(r.red_flags, flag, Y)
        r.patient.date_of_birth = None
        a = assess(r)
        assert "patient.date_of_birth" in a.unscreened
        assert a.red_flags_screened is False
        assert a.disposition != "routine"


def test_fever_fires_the_emergency_row_without_the_no_fever_wording():
    r = negative_record()
    r.red_flags.fever_or_unwell = Y
    r.risk.recent_spinal_procedure_or_infection = Y
    r.red_flags.new_constant_severe_pain = Y
    fired = ids(assess(r).fired)
    assert "infection-fever" in fired and "infection-risk" not in fired


@pytest.mark.hazard("H8", "H23")
def test_no_weak_opioid_for_someone_already_taking_an_opioid():
    r = negative_record()
    r.medicines.kidney_disease = Y  # NSAID unsuitable, acute low back pain
    assert "weak-opioid" in ids(assess(r).suggestions)
    r.medicines.takes_opioid = Y
    assert "weak-opioid" not in ids(assess(r).suggestions)


@pytest.mark.hazard("H7", "H21")
def test_chronic_pain_is_not_told_it_will_settle_within_weeks():
    r = negative_record()
    r.history.duration_value, r.history.duration_unit = 6, DurationUnit.MONTHS
    r.history.episode = None
    assert "reassurance" not in ids(assess(r).suggestions)
