"""Inflammatory back pain, NICE NG65 (clinical reference, section 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from consult.record.answers import Answer, Band, DurationUnit, Episode
from consult.record.model import Inflammatory, Record
from consult.rules import ng65
from consult.rules.engine import assess
from consult.rules.facts import derive
from tests.support import negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED
CRITERIA = list(Inflammatory.model_fields)  # the eight asked; onset before 35 is derived


def patient(age: int, value: int, unit: DurationUnit, yes: int = 0) -> Record:
    """A negative record aged exactly `age`, pain for `value` `unit`, the first `yes`
    asked criteria answered yes (the rest no)."""
    r = negative_record()
    c = r.consultation.date
    assert c is not None
    r.patient.date_of_birth = dt.date(c.year - age, c.month, c.day)
    r.history.episode = Episode.RECURRENT  # keep the first-episode weak flag out of the way
    r.history.duration_value, r.history.duration_unit = value, unit
    for i, name in enumerate(CRITERIA):
        setattr(r.inflammatory, name, Y if i < yes else N)
    return r


def ng65_rows(r: Record) -> list[str]:
    return [x.id for x in assess(r).fired if x.kind == "ng65"]


def test_there_are_nine_criteria():
    assert len(CRITERIA) == 8
    assert "morning" not in " ".join(CRITERIA)
    assert ng65.ONSET_BEFORE_35


# --------------------------------------------------------------------------- when NG65 applies


@pytest.mark.hazard("H7")
@pytest.mark.parametrize(("age", "value", "unit", "applies"), [
    (40, 4, DurationUnit.MONTHS, True),
    (40, 14, DurationUnit.WEEKS, True),  # 98 days
    (40, 13, DurationUnit.WEEKS, False),  # 91 days: not more than 3 months
    (40, 3, DurationUnit.MONTHS, False),  # exactly 3 months is not more than 3
    (40, 91, DurationUnit.DAYS, False),
    (40, 92, DurationUnit.DAYS, True),
    (46, 2, DurationUnit.YEARS, True),  # started at 44
    (47, 2, DurationUnit.YEARS, False),  # started at 45
    (60, 20, DurationUnit.YEARS, True),  # started at 40
    (50, 6, DurationUnit.MONTHS, False),  # started at 49.5
    (20, 6, DurationUnit.WEEKS, False),  # young but too short
])
def test_ng65_applies_only_with_onset_before_45_and_over_3_months(age, value, unit, applies):
    r = patient(age, value, unit, yes=8)
    result = ng65.evaluate(r, derive(r))
    assert (result is not None) is applies
    assert (assess(r).ng65 is not None) is applies
    if not applies:
        assert ng65_rows(r) == []


def test_ng65_needs_a_duration_and_an_age():
    r = patient(30, 1, DurationUnit.YEARS, yes=8)
    r.history.duration_value = None
    assert assess(r).ng65 is None
    r = patient(30, 1, DurationUnit.YEARS, yes=8)
    r.patient.date_of_birth = None
    assert assess(r).ng65 is None


# --------------------------------------------------------------------------- counting


@pytest.mark.hazard("H7")
@pytest.mark.parametrize(("yes", "row"), [
    (0, None), (1, None), (2, None), (3, "ng65-hla-b27"), (4, "ng65-refer"), (8, "ng65-refer")])
def test_count_sets_the_row(yes, row):
    r = patient(40, 6, DurationUnit.MONTHS, yes=yes)  # onset 39.5: not before 35
    a = assess(r)
    assert a.ng65 is not None and a.ng65.count == yes
    assert ng65_rows(r) == ([row] if row else [])
    if row:
        assert a.band is Band.SOON and a.disposition == "soon"
        fired = next(x for x in a.fired if x.id == row)
        assert fired.findings and fired.findings[0].startswith(f"{yes} of 9 NG65 criteria")
        assert f"action-{row}" in [s.id for s in a.suggestions]
    else:
        assert a.band is Band.ROUTINE
        assert "ng65-return" in [s.id for s in a.suggestions]


@pytest.mark.hazard("H7")
def test_three_criteria_is_hla_b27_and_four_is_referral():
    assert "HLA-B27" in assess(patient(40, 6, DurationUnit.MONTHS, yes=3)).fired[0].action
    assert "rheumatology" in assess(patient(40, 6, DurationUnit.MONTHS, yes=4)).fired[0].action


@pytest.mark.parametrize(("age", "value", "unit", "before_35"), [
    (30, 1, DurationUnit.YEARS, True),  # started at 29
    (36, 13, DurationUnit.MONTHS, True),  # started at 34.9
    (36, 1, DurationUnit.YEARS, False),  # started at 35.0
    (40, 6, DurationUnit.MONTHS, False),
    (44, 10, DurationUnit.YEARS, True),  # started at 34
])
def test_onset_before_35_is_derived_from_age_and_duration(age, value, unit, before_35):
    r = patient(age, value, unit, yes=0)
    result = assess(r).ng65
    assert result is not None
    assert (ng65.ONSET_BEFORE_35 in result.criteria_met) is before_35
    assert result.count == int(before_35)


def test_onset_before_35_plus_two_asked_criteria_is_three():
    r = patient(30, 1, DurationUnit.YEARS, yes=2)
    assert assess(r).ng65.count == 3
    assert ng65_rows(r) == ["ng65-hla-b27"]
    r = patient(30, 1, DurationUnit.YEARS, yes=3)
    assert ng65_rows(r) == ["ng65-refer"]


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("minutes", [None, 20, 45, 120])
def test_morning_stiffness_is_never_counted(minutes):
    r = patient(40, 6, DurationUnit.MONTHS, yes=2)
    before = assess(r).ng65
    r.history.morning_stiffness = Y
    r.history.morning_stiffness_minutes = minutes
    after = assess(r).ng65
    assert after.count == before.count == 2
    assert after.criteria_met == before.criteria_met
    assert ng65_rows(r) == []


@pytest.mark.parametrize("name", CRITERIA)
def test_each_asked_criterion_counts_once(name):
    r = patient(40, 6, DurationUnit.MONTHS)
    setattr(r.inflammatory, name, Y)
    result = assess(r).ng65
    assert result.count == 1
    assert result.criteria_met == [Inflammatory.model_fields[name].title]


def test_not_asked_criteria_are_listed_and_never_counted():
    r = patient(40, 6, DurationUnit.MONTHS, yes=2)
    r.inflammatory.psoriasis = NA
    r.inflammatory.enthesitis = NA
    result = assess(r).ng65
    assert result.count == 2
    assert len(result.not_asked) == 2
    assert "2 not asked" in result.outcome


@pytest.mark.hazard("H12")
def test_inflammatory_night_waking_is_not_the_constant_night_pain_weak_flag():
    r = patient(40, 6, DurationUnit.MONTHS, yes=0)
    r.inflammatory.wakes_second_half_of_night = Y
    r.history.worse_at_night = Y
    a = assess(r)
    assert not any(x.kind == "weak" for x in a.fired)


@pytest.mark.hazard("H10")
def test_pain_that_started_at_45_and_a_half_is_outside_ng65():
    r = patient(45, 4, DurationUnit.MONTHS, yes=8)
    r.patient.date_of_birth = dt.date(1980, 12, 30)  # 45 years 11 months: onset about 45.6
    assert assess(r).ng65 is None


@pytest.mark.hazard("H10")
def test_onset_at_35_and_a_half_is_not_before_35():
    r = patient(35, 6, DurationUnit.MONTHS, yes=0)
    r.patient.date_of_birth = dt.date(1990, 12, 30)  # 35 years 11 months: onset about 35.4
    result = assess(r).ng65
    assert result is not None
    assert ng65.ONSET_BEFORE_35 not in result.criteria_met
