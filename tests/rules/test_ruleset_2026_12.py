"""Rule set 2026.12.1: every row and wording that revision 3 of the clinical reference changed.

Each changed row is tested alone (on top of `negative_record()`: complete, every flag No,
a 41-year-old man with 3 weeks of mechanical pain after lifting) and in the combinations
that change it. Every expected band, time limit and wording is written here from the
clinical reference, revision 3 (sections 1, 2, 5 and 5a), never computed from the code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from consult.cli.record_commands import check_result
from consult.record.answers import (
    Answer,
    Band,
    Course,
    Duration3Months,
    DurationUnit,
    Episode,
    LegExtent,
    NsaidTried,
    Onset,
    Sex,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    YesNoUnsure,
)
from consult.record.dates import show_date
from consult.record.model import Record
from consult.rules import followups, screening
from consult.rules.assessment import Assessment, FiredRow, Suggestion
from consult.rules.completeness import problems
from consult.rules.engine import assess
from consult.rules.redflags import CES_ITEMS, METS_FEATURES
from consult.rules.ruleset import load
from tests.support import negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED
EMERGENCY, URGENT, SOON, ROUTINE = Band.EMERGENCY, Band.URGENT, Band.SOON, Band.ROUTINE
RULES = load()

# The reference's time limits, shortest first (section 2, "How rows combine").
DEADLINES = ("now", "same day", "24 hours", "48 hours", "1 week", "2 weeks", "weeks")
SELF_CARE = {"reassurance", "keep-active", "heat-stretch", "no-imaging"}
NSAIDS = {"nsaid", "nsaid-ppi", "nsaid-unchecked", "nsaid-caution", "nsaid-bleeding-risk"}
LOCAL = "Dial 01632 960 123 (test route, fictional)"


# --------------------------------------------------------------------------- helpers


def ids(a: Assessment) -> list[str]:
    return [r.id for r in a.fired]


def sids(a: Assessment) -> list[str]:
    return [s.id for s in a.suggestions]


def row(a: Assessment, row_id: str) -> FiredRow:
    found = [r for r in a.fired if r.id == row_id]
    assert found, (row_id, ids(a))
    return found[0]


def suggestion(a: Assessment, sid: str) -> Suggestion:
    found = [s for s in a.suggestions if s.id == sid]
    assert found, (sid, sids(a))
    return found[0]


def all_words(a: Assessment) -> str:
    return " ".join(f"{s.text} {s.reason}" for s in a.suggestions)


def base(*, lifting: bool = False) -> Record:
    """The negative record; without its lifting trigger unless asked (lifting is a fracture
    event with osteoporosis or steroids in revision 3)."""
    r = negative_record()
    r.triggers.triggers = [Trigger.LIFTING] if lifting else []
    return r


def set_age(r: Record, years: int) -> Record:
    c = r.consultation.date
    assert c is not None
    r.patient.date_of_birth = dt.date(c.year - years, c.month, c.day)
    r.history.episode = Episode.RECURRENT  # keeps the first-episode weak flag away
    return r


def female(r: Record) -> Record:
    r.patient.sex = Sex.FEMALE
    return r


def ces(r: Record, name: str, onset: Onset | None, worse: YesNoUnsure | None = None) -> Record:
    item = getattr(r.red_flags, name)
    item.answer, item.onset, item.worse_last_14_days = Y, onset, worse
    return r


def cancer(r: Record) -> Record:
    rf = r.red_flags
    rf.cancer_history, rf.cancer_type, rf.cancer_year = Y, "Prostate", 2020
    for f in (*METS_FEATURES, "gait_disturbance"):
        setattr(rf, f, N)
    return r


def weakness(r: Record, onset: WeaknessOnset | None, trajectory: Trajectory | None,
             severe: Answer, side: Side = Side.LEFT) -> Record:
    legs = r.legs
    legs.symptoms = legs.weakness = Y
    legs.weakness_side, legs.weakness_onset = side, onset
    legs.weakness_trajectory, legs.weakness_severe = trajectory, severe
    return r


def claudication(r: Record, duration: Duration3Months | None = Duration3Months.OVER_3_MONTHS,
                 extent: LegExtent = LegExtent.BELOW_KNEE) -> Record:
    """Pain in both legs on walking, eased by sitting (the calves: below the knee)."""
    legs = r.legs
    legs.symptoms = legs.pain = legs.claudication = Y
    legs.pain_side, legs.pain_extent = Side.BOTH, extent
    legs.claudication_duration = duration
    return r


def sciatica(r: Record, worst: int = 8, course: Course | None = Course.SAME,
             weeks: int | None = 3) -> Record:
    legs = r.legs
    legs.symptoms = legs.pain = Y
    legs.pain_side, legs.pain_extent, legs.pain_intolerable = Side.RIGHT, LegExtent.BELOW_KNEE, N
    r.impact.pain_now, r.impact.pain_worst = min(4, worst), worst
    r.history.course = course
    if weeks is not None:
        r.history.duration_value, r.history.duration_unit = weeks, DurationUnit.WEEKS
    return r


def numbness(r: Record) -> Record:
    r.legs.symptoms = r.legs.numbness = Y
    r.legs.numbness_side = Side.LEFT
    return r


def headline_for(band: Band, within: str) -> str:
    words = {"now": "act now", "same day": "the same day"}.get(within, f"within {within}")
    return f"{band.value.upper()} - {words}"


def assert_band(a: Assessment, band: Band, within: str | None = None) -> None:
    assert a.band is band, (a.band, ids(a))
    assert a.red_flags_screened, a.unscreened
    assert a.disposition == band.value
    if within is not None:
        assert a.within == within, (a.within, [(r.id, r.within) for r in a.fired])
        assert a.headline == headline_for(band, within)


def assert_headline(a: Assessment, band: Band, within: str) -> None:
    """The headline starts with the band and the time limit (an unscreened record adds the
    "not yet fully screened" words after it)."""
    assert a.band is band and a.within == within, (a.band, a.within, ids(a))
    assert a.headline.startswith(headline_for(band, within)), a.headline


# --------------------------------------------------------------------------- cauda equina


@pytest.mark.hazard("H1")
@pytest.mark.parametrize(("onset", "worse"), [
    (Onset.WITHIN_14_DAYS, None),
    (Onset.UNSURE, None),
    (None, None),  # onset not recorded counts as unsure
    (Onset.MORE_THAN_14_DAYS, YesNoUnsure.YES),
    (Onset.MORE_THAN_14_DAYS, YesNoUnsure.UNSURE),
])
def test_new_sexual_dysfunction_alone_is_a_ces_emergency_now(onset, worse):
    """Section 2: new sexual dysfunction with back pain fires the CES row on its own; new
    (within 14 days), worse or unsure: emergency department now."""
    a = assess(ces(base(), "ces_sexual_dysfunction", onset, worse))
    assert "ces-emergency" in ids(a) and "ces-stable" not in ids(a)
    assert_headline(a, EMERGENCY, "now")
    action = row(a, "ces-emergency").action
    assert "emergency department now" in action and "MRI" in action
    assert "No rectal examination" in action  # a remote consultation can send straight away


@pytest.mark.hazard("H1")
def test_sexual_dysfunction_stable_for_more_than_14_days_and_not_worse_is_urgent():
    a = assess(ces(base(), "ces_sexual_dysfunction", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO))
    assert ids(a) == ["ces-stable"]
    assert_band(a, URGENT)
    assert "Urgent spinal referral" in row(a, "ces-stable").action
    assert DEADLINES.index(a.within) <= DEADLINES.index("2 weeks")


def test_sexual_dysfunction_new_with_a_stable_ces_item_is_one_emergency_row():
    r = ces(base(), "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)
    ces(r, "ces_sexual_dysfunction", Onset.WITHIN_14_DAYS)
    a = assess(r)
    assert ids(a) == ["ces-emergency"]
    assert len(row(a, "ces-emergency").findings) == 2


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("name", CES_ITEMS)
@pytest.mark.parametrize(("onset", "asked"), [
    (Onset.WITHIN_14_DAYS, False), (Onset.UNSURE, False), (None, False),
    (Onset.MORE_THAN_14_DAYS, True)])
def test_worse_in_the_last_14_days_is_asked_only_when_onset_is_more_than_14_days(name, onset,
                                                                                 asked):
    r = ces(base(), name, onset)
    path = f"red_flags.{name}.worse_last_14_days"
    assert followups.applies(r, path) is asked
    assert (path in screening.unscreened_strong(r)) is asked
    assert (path in {p.field for p in problems(r)}) is asked
    # a stray answer to a question that does not apply is cleared, never kept or printed
    getattr(r.red_flags, name).worse_last_14_days = YesNoUnsure.NO
    cleared = followups.clear_hidden(r)
    assert (path in cleared) is (not asked)


@pytest.mark.hazard("H1")
def test_a_new_ces_item_with_a_stray_not_worse_answer_is_still_an_emergency():
    """A symptom that began within 14 days is new: "not worse" does not make it stable."""
    a = assess(ces(base(), "ces_bowel", Onset.WITHIN_14_DAYS, YesNoUnsure.NO))
    assert "ces-emergency" in ids(a) and a.band is EMERGENCY


# --------------------------------------------------------------------------- cancer


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("neuro", ["numbness", "weakness", "gait", "bladder"])
def test_mscc_is_an_emergency_naming_the_mscc_coordinator_today_and_mri_in_24_hours(neuro):
    r = cancer(base())
    {"numbness": numbness,
     "weakness": lambda x: weakness(x, WeaknessOnset.LONGER, Trajectory.SAME, N),
     "gait": lambda x: setattr(x.red_flags, "gait_disturbance", Y),
     "bladder": lambda x: ces(x, "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO),
     }[neuro](r)
    a = assess(r)
    assert "mscc" in ids(a) and "spinal-metastases" not in ids(a)
    assert a.band is EMERGENCY and a.within == "now" and a.headline == "EMERGENCY - act now"
    action = row(a, "mscc").action
    assert "MSCC coordinator" in action
    assert "same day" in action and "MRI within 24 hours" in action
    assert "cord-compression" not in ids(a)


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("cancer_history", [N, NA])
def test_cord_compression_without_known_cancer_sends_to_ed_or_spinal_team_not_mscc(cancer_history):
    r = base()
    r.red_flags.suspected_cord_compression = Y
    r.red_flags.cancer_history = cancer_history
    a = assess(r)
    assert "cord-compression" in ids(a) and "mscc" not in ids(a)
    assert a.band is EMERGENCY and a.within == "now"
    action = row(a, "cord-compression").action
    assert "emergency department" in action and "on-call spinal team" in action
    # there is no MSCC coordinator route without known cancer: nowhere in the plan
    assert "MSCC" not in action
    assert "MSCC" not in all_words(a)


@pytest.mark.hazard("H1")
def test_cord_compression_with_known_cancer_is_the_mscc_row_only():
    r = cancer(base())
    r.red_flags.suspected_cord_compression = Y
    a = assess(r)
    assert ids(a) == ["mscc"]


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("feature", [*METS_FEATURES, "thoracic_pain"])
def test_spinal_metastases_are_urgent_within_24_hours_with_mri_in_a_week_and_warnings(feature):
    r = cancer(base())
    if feature == "thoracic_pain":
        r.history.thoracic_pain = Y
    else:
        setattr(r.red_flags, feature, Y)
    a = assess(r)
    assert "spinal-metastases" in ids(a) and "mscc" not in ids(a)
    assert a.band is URGENT
    assert a.within == "24 hours"
    assert a.headline == "URGENT - within 24 hours"  # never "within two weeks"
    metastases = row(a, "spinal-metastases")
    assert metastases.within == "24 hours"
    action = metastases.action
    assert "MSCC coordinator" in action and "within 24 hours" in action
    assert "MRI within 1 week" in action
    for warning in ("new weakness", "numbness", "bladder or bowel", "band-like pain",
                    "seek help immediately"):
        assert warning in action, warning
    # the safety-netting carries the MSCC warning for a cancer history too
    netting = suggestion(a, "safety-netting").text
    assert "band-like pain" in netting and "cancer history" in netting


@pytest.mark.hazard("H1")
def test_metastases_with_a_neurological_symptom_is_mscc_not_metastases():
    r = numbness(cancer(base()))
    r.red_flags.mets_progressive_pain = Y
    a = assess(r)
    assert "mscc" in ids(a) and "spinal-metastases" not in ids(a)
    assert a.band is EMERGENCY


# --------------------------------------------------------------------------- weakness in one leg


NEW_ONSETS = [WeaknessOnset.WITHIN_3_MONTHS, WeaknessOnset.UNSURE, None]


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("onset", NEW_ONSETS)
@pytest.mark.parametrize("trajectory", [Trajectory.WORSE, Trajectory.UNSURE, None])
@pytest.mark.parametrize("severe", [Y, N])
def test_new_weakness_progressing_is_an_emergency_same_day(onset, trajectory, severe):
    a = assess(weakness(base(), onset, trajectory, severe))
    assert ids(a) == ["weakness-one-leg-severe"]
    assert_headline(a, EMERGENCY, "same day")
    assert "Same-day spinal opinion" in row(a, "weakness-one-leg-severe").action


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("onset", NEW_ONSETS)
@pytest.mark.parametrize("trajectory", [Trajectory.SAME, Trajectory.BETTER])
def test_new_severe_weakness_not_getting_worse_is_an_emergency(onset, trajectory):
    a = assess(weakness(base(), onset, trajectory, Y))
    assert ids(a) == ["weakness-one-leg-severe"]
    assert a.band is EMERGENCY and a.within == "same day"


@pytest.mark.hazard("H22")
@pytest.mark.parametrize("onset", NEW_ONSETS)
@pytest.mark.parametrize("trajectory", [Trajectory.SAME, Trajectory.BETTER])
def test_new_mild_stable_weakness_is_urgent_within_48_hours(onset, trajectory):
    a = assess(weakness(base(), onset, trajectory, N))
    assert ids(a) == ["weakness-one-leg-mild"]
    assert_headline(a, URGENT, "48 hours")
    # the onset decides between the weakness rows: unrecorded, it is still to be asked
    assert ("legs.weakness_onset" in a.unscreened) is (onset is None)
    mild = row(a, "weakness-one-leg-mild")
    assert "within 48 hours" in mild.action and "face-to-face" in mild.action.lower()
    assert "within days" not in mild.action  # "within days" is no time limit


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("trajectory", [Trajectory.SAME, Trajectory.BETTER])
@pytest.mark.parametrize("severe", [Y, N])
def test_weakness_for_more_than_3_months_not_getting_worse_is_soon(trajectory, severe):
    a = assess(weakness(base(), WeaknessOnset.LONGER, trajectory, severe))
    assert ids(a) == ["weakness-long-standing"]
    assert_band(a, SOON, "weeks")
    action = row(a, "weakness-long-standing").action
    assert "face-to-face" in action.lower() and "Same-day" not in action
    assert "reassurance" not in sids(a)


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("trajectory", [Trajectory.WORSE, Trajectory.UNSURE, None])
def test_weakness_for_more_than_3_months_but_getting_worse_is_an_emergency(trajectory):
    a = assess(weakness(base(), WeaknessOnset.LONGER, trajectory, N))
    assert "weakness-one-leg-severe" in ids(a) and "weakness-long-standing" not in ids(a)
    assert a.band is EMERGENCY


@pytest.mark.hazard("H2")
def test_a_format_1_weakness_onset_more_than_14_days_counts_as_new_until_asked():
    """Upgraded from format 1, "more than 14 days" becomes unsure (new) until the GP asks."""
    a = assess(weakness(base(), WeaknessOnset.UNSURE, Trajectory.SAME, N))
    assert ids(a) == ["weakness-one-leg-mild"] and a.band is URGENT


@pytest.mark.hazard("H1")
@pytest.mark.parametrize(("onset", "trajectory", "severe", "row_id"), [
    (WeaknessOnset.LONGER, Trajectory.SAME, Y, "ces-stable"),
    (WeaknessOnset.LONGER, Trajectory.WORSE, N, "ces-emergency"),
    (WeaknessOnset.WITHIN_3_MONTHS, Trajectory.SAME, Y, "ces-emergency"),
])
def test_severe_or_progressing_weakness_in_both_legs_is_the_ces_item(onset, trajectory, severe,
                                                                     row_id):
    """Section 2: "severe or progressing weakness in both legs" is a CES item whatever its
    onset; stable for more than 14 days (here: more than 3 months): urgent; otherwise
    (within 3 months cannot tell 14 days: unsure) or worse: emergency."""
    a = assess(weakness(base(), onset, trajectory, severe, side=Side.BOTH))
    assert row_id in ids(a), ids(a)
    assert not {"weakness-one-leg-severe", "weakness-long-standing"} & set(ids(a))
    assert a.band is (URGENT if row_id == "ces-stable" else EMERGENCY)


@pytest.mark.hazard("H12")
def test_mild_long_standing_weakness_in_both_legs_is_soon_not_ces():
    a = assess(weakness(base(), WeaknessOnset.LONGER, Trajectory.SAME, N, side=Side.BOTH))
    assert ids(a) == ["weakness-long-standing"]
    assert a.band is SOON


# --------------------------------------------------------------------------- claudication


@pytest.mark.hazard("H12")
def test_neurogenic_claudication_is_soon_with_pulses_and_not_a_ces_row():
    """Long-standing pain in both legs below the knee on walking, eased by sitting, for more
    than 3 months, no CES item: neurogenic claudication, soon; never the CES row."""
    a = assess(claudication(base()))
    assert ids(a) == ["neurogenic-claudication"]
    assert not any(i.startswith("ces-") for i in ids(a))
    assert_band(a, SOON, "weeks")
    action = row(a, "neurogenic-claudication").action
    assert "peripheral pulses" in action and "physiotherapy" in action
    assert "vascular claudication" in row(a, "neurogenic-claudication").suspected


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("extent", list(LegExtent))
@pytest.mark.parametrize("extra", ["none", "weakness long-standing", "numbness one leg",
                                   "two weak flags", "sciatica severe"])
def test_claudication_is_never_an_emergency_on_its_own(extent, extra):
    r = claudication(base(), extent=extent)
    if extra == "weakness long-standing":
        weakness(r, WeaknessOnset.LONGER, Trajectory.SAME, N)
    elif extra == "numbness one leg":
        numbness(r)
    elif extra == "two weak flags":
        r.red_flags.night_pain_constant = r.red_flags.widespread_bone_pain = Y
    elif extra == "sciatica severe":
        r.impact.pain_worst, r.history.course = 8, Course.SAME
    a = assess(r)
    assert "neurogenic-claudication" in ids(a)
    assert a.band is SOON, ids(a)
    assert not any(i.startswith("ces-") for i in ids(a))


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("item", CES_ITEMS)
def test_claudication_with_a_ces_item_is_the_ces_row_instead(item):
    a = assess(ces(claudication(base()), item, Onset.WITHIN_14_DAYS))
    assert "ces-emergency" in ids(a) and "neurogenic-claudication" not in ids(a)
    assert a.band is EMERGENCY


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("duration", [Duration3Months.UNDER_3_MONTHS, Duration3Months.UNSURE, None])
def test_bilateral_below_knee_pain_not_known_to_be_long_standing_is_ces(duration):
    """Under 3 months (or unsure: the more urgent answer) pain below the knee in both legs
    is "sciatica in both legs", a CES item."""
    a = assess(claudication(base(), duration))
    assert "ces-emergency" in ids(a), ids(a)
    assert a.band is EMERGENCY


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("duration", [Duration3Months.UNSURE, None])
def test_claudication_above_the_knee_with_an_unsure_duration_counts_as_long_standing(duration):
    """Unsure counts as the more urgent answer: the claudication row (soon), not nothing."""
    a = assess(claudication(base(), duration, extent=LegExtent.ABOVE_KNEE))
    assert "neurogenic-claudication" in ids(a), ids(a)
    assert a.band is SOON


@pytest.mark.hazard("H12")
def test_claudication_for_under_3_months_above_the_knee_fires_no_row():
    a = assess(claudication(base(), Duration3Months.UNDER_3_MONTHS, extent=LegExtent.ABOVE_KNEE))
    assert "neurogenic-claudication" not in ids(a)


# --------------------------------------------------------------------------- fracture


RISKS: dict[str, Callable[[Record], object]] = {
    "osteoporosis": lambda r: setattr(r.risk, "osteoporosis", Y),
    "long-term steroids": lambda r: setattr(r.risk, "long_term_steroids", Y),
}
EVENTS: dict[str, Callable[[Record], object]] = {
    "minor trauma": lambda r: (setattr(r.triggers, "trauma", Trauma.MINOR),
                               setattr(r.triggers, "severe_pain_after_trauma", N)),
    "lifting": lambda r: setattr(r.triggers, "triggers", [Trigger.LIFTING]),
    "sudden severe new pain": lambda r: setattr(r.red_flags, "sudden_severe_new_pain", Y),
}


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("risk", list(RISKS))
@pytest.mark.parametrize("event", list(EVENTS))
def test_fracture_risk_with_minor_trauma_lifting_or_sudden_pain_is_urgent(risk, event):
    r = base()
    RISKS[risk](r)
    EVENTS[event](r)
    a = assess(r)
    assert ids(a) == ["osteoporotic-fracture"]
    assert_band(a, URGENT)
    action = row(a, "osteoporotic-fracture").action
    assert "X-ray" in action and "bone health" in action and "myeloma" in action


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("age", [65, 80])
@pytest.mark.parametrize("event", ["minor trauma", "sudden severe new pain"])
def test_age_65_or_over_with_a_fall_or_sudden_severe_pain_is_urgent(age, event):
    r = set_age(base(), age)
    EVENTS[event](r)
    a = assess(r)
    assert "osteoporotic-fracture" in ids(a)
    assert a.band is URGENT


@pytest.mark.hazard("H12")
def test_age_65_or_over_with_lifting_alone_is_not_a_fracture_row():
    """Lifting is a fracture event only with osteoporosis or steroids (section 2)."""
    a = assess(set_age(base(lifting=True), 70))
    assert not any(i.startswith("osteoporotic") for i in ids(a))


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("risk", ["osteoporosis", "age 70"])
@pytest.mark.parametrize("worse", ["cannot_mobilise", "pain_uncontrolled", "neuro"])
def test_fracture_risk_with_immobility_uncontrolled_pain_or_deficit_is_an_emergency(risk, worse):
    r = base()
    if risk == "age 70":
        set_age(r, 70)
    else:
        RISKS[risk](r)
    EVENTS["minor trauma"](r)
    if worse == "neuro":
        numbness(r)
    else:
        setattr(r.red_flags, worse, Y)
    a = assess(r)
    assert "osteoporotic-fracture-emergency" in ids(a) and "osteoporotic-fracture" not in ids(a)
    assert a.band is EMERGENCY


@pytest.mark.hazard("H2")
def test_suspected_fracture_from_minor_trauma_asks_mobility_and_pain_control():
    r = base()
    r.risk.long_term_steroids = Y
    EVENTS["minor trauma"](r)
    r.red_flags.cannot_mobilise = r.red_flags.pain_uncontrolled = NA
    a = assess(r)
    assert {"red_flags.cannot_mobilise", "red_flags.pain_uncontrolled"} <= set(a.unscreened)
    assert a.disposition != "routine"


# --------------------------------------------------------------------------- bleeding, aneurysm


@pytest.mark.hazard("H1")
def test_anticoagulant_with_sudden_severe_new_pain_is_an_emergency_same_day():
    r = base()
    r.risk.anticoagulant = r.red_flags.sudden_severe_new_pain = Y
    a = assess(r)
    assert ids(a) == ["bleeding-anticoagulant"]
    assert_band(a, EMERGENCY, "same day")
    assert "haematoma" in row(a, "bleeding-anticoagulant").suspected


@pytest.mark.hazard("H12")
@pytest.mark.parametrize("only", ["anticoagulant", "sudden pain"])
def test_anticoagulant_or_sudden_pain_alone_fires_no_bleeding_row(only):
    r = base()
    if only == "anticoagulant":
        r.risk.anticoagulant = Y
    else:
        r.red_flags.sudden_severe_new_pain = Y
    assert "bleeding-anticoagulant" not in ids(assess(r))


@pytest.mark.hazard("H2")
def test_anticoagulant_is_a_strong_screen_item():
    r = base()
    r.risk.anticoagulant = NA
    a = assess(r)
    assert "risk.anticoagulant" in a.unscreened
    assert a.disposition == "not_fully_screened"


@pytest.mark.hazard("H1")
def test_bleeding_with_osteoporosis_fires_both_rows_emergency_first():
    r = base()
    r.risk.anticoagulant = r.risk.osteoporosis = r.red_flags.sudden_severe_new_pain = Y
    a = assess(r)
    assert ids(a) == ["bleeding-anticoagulant", "osteoporotic-fracture"]
    assert a.band is EMERGENCY and a.within == "same day"


@pytest.mark.hazard("H1", "H21")
@pytest.mark.parametrize("pain", ["mild, gradual", "not asked about character"])
def test_known_aneurysm_with_any_new_pain_is_an_emergency_without_reassurance(pain):
    r = base()
    r.risk.known_aortic_aneurysm = Y
    if pain == "mild, gradual":
        r.impact.pain_now = r.impact.pain_worst = 2
    else:
        r.red_flags.nonmechanical_sudden_severe_pain = N
    a = assess(r)
    assert ids(a) == ["aneurysm-known"]
    assert_band(a, EMERGENCY, "now")
    action = row(a, "aneurysm-known").action
    assert "999" in action and "vascular service" in action
    assert not (SELF_CARE | NSAIDS | {"weak-opioid"}) & set(sids(a)), sids(a)
    assert "most episodes settle" not in all_words(a)
    assert a.not_from_spine


@pytest.mark.hazard("H1")
def test_known_aneurysm_with_sudden_non_mechanical_pain_fires_both_aortic_rows():
    r = base()
    r.risk.known_aortic_aneurysm = r.red_flags.nonmechanical_sudden_severe_pain = Y
    a = assess(r)
    assert {"aneurysm-known", "aortic"} <= set(ids(a))
    assert a.band is EMERGENCY and a.within == "now"


@pytest.mark.hazard("H21")
def test_known_aneurysm_with_severe_sciatica_is_still_an_emergency_without_self_care():
    a = assess(sciatica(base()))
    assert "reassurance" not in sids(a)
    r = sciatica(base())
    r.risk.known_aortic_aneurysm = Y
    a = assess(r)
    assert a.band is EMERGENCY and {"aneurysm-known", "sciatica-not-settling"} <= set(ids(a))
    assert not (SELF_CARE | NSAIDS) & set(sids(a))


# --------------------------------------------------------------------------- fever, sepsis


@pytest.mark.hazard("H1")
def test_fever_alone_is_a_same_day_emergency():
    r = base()
    r.red_flags.fever_or_unwell = Y
    a = assess(r)
    assert ids(a) == ["infection-fever"]
    assert_band(a, EMERGENCY, "same day")
    assert a.headline == "EMERGENCY - the same day"


@pytest.mark.hazard("H21")
def test_fever_with_loin_pain_names_pyelonephritis_and_spinal_infection_with_a_sepsis_check():
    r = base()
    r.red_flags.fever_or_unwell = r.red_flags.loin_pain_fever_urinary = Y
    a = assess(r)
    assert ids(a) == ["fever-loin-urinary"]
    assert_band(a, EMERGENCY, "same day")
    fired = row(a, "fever-loin-urinary")
    assert "Pyelonephritis" in fired.suspected and "spinal infection" in fired.suspected
    assert "sepsis" in fired.action and "same-day" in fired.action.lower()
    assert a.not_from_spine
    assert not (SELF_CARE | NSAIDS) & set(sids(a))


@pytest.mark.hazard("H1", "H25")
@pytest.mark.parametrize("loin", [N, Y])
def test_fever_with_signs_of_sepsis_is_999(loin):
    r = base()
    r.red_flags.fever_or_unwell = r.red_flags.sepsis_signs = Y
    r.red_flags.loin_pain_fever_urinary = loin
    a = assess(r)
    assert "sepsis" in ids(a)
    assert_band(a, EMERGENCY, "now")
    assert "999" in row(a, "sepsis").action
    assert suggestion(a, "action-sepsis") == a.suggestions[0]


@pytest.mark.hazard("H2")
def test_fever_asks_for_the_signs_of_sepsis():
    r = base()
    r.red_flags.fever_or_unwell = Y
    r.red_flags.sepsis_signs = NA
    assert "red_flags.sepsis_signs" in assess(r).unscreened


@pytest.mark.hazard("H21")
def test_loin_pain_with_urinary_symptoms_without_fever_is_outside_the_pathway():
    r = base()
    r.red_flags.loin_pain_fever_urinary = Y
    a = assess(r)
    assert "outside-non-spinal" in ids(a) and "fever-loin-urinary" not in ids(a)
    assert a.outside_pathway and a.not_from_spine


# --------------------------------------------------------------------------- pregnancy


@pytest.mark.hazard("H1")
def test_pregnancy_with_warning_signs_is_a_same_day_maternity_emergency():
    r = female(base())
    r.medicines.pregnant = r.red_flags.pregnancy_warning_signs = Y
    a = assess(r)
    assert ids(a) == ["pregnancy-emergency"]
    assert_band(a, EMERGENCY, "same day")
    assert "maternity" in row(a, "pregnancy-emergency").action


@pytest.mark.hazard("H23")
def test_pregnancy_alone_suggests_pelvic_health_physiotherapy_and_no_nsaid():
    r = female(base())
    r.medicines.pregnant = Y
    a = assess(r)
    assert a.fired == [] and a.band is ROUTINE
    assert "pelvic-health-physio" in sids(a)
    assert "pelvic health" in suggestion(a, "pelvic-health-physio").text.lower()
    assert not NSAIDS & set(sids(a))
    assert "weak-opioid" not in sids(a)
    assert "avoid NSAIDs" in suggestion(a, "pregnancy-medicines").text


@pytest.mark.hazard("H2")
def test_pregnancy_asks_its_warning_signs_and_only_when_pregnant():
    r = female(base())
    r.red_flags.pregnancy_warning_signs = NA
    assert not followups.applies(r, "red_flags.pregnancy_warning_signs")
    r.medicines.pregnant = Y
    assert followups.applies(r, "red_flags.pregnancy_warning_signs")
    assert "red_flags.pregnancy_warning_signs" in assess(r).unscreened


@pytest.mark.hazard("H23")
def test_pregnancy_and_breastfeeding_are_two_questions_not_asked_of_a_man():
    r = base()
    assert r.patient.sex is Sex.MALE
    assert not followups.applies(r, "medicines.pregnant")
    assert not followups.applies(r, "medicines.breastfeeding")
    female(r)
    assert followups.applies(r, "medicines.pregnant")
    assert followups.applies(r, "medicines.breastfeeding")


@pytest.mark.hazard("H1")
def test_pregnancy_with_fever_fires_both_emergencies():
    r = female(base())
    r.medicines.pregnant = r.red_flags.pregnancy_warning_signs = r.red_flags.fever_or_unwell = Y
    a = assess(r)
    assert {"pregnancy-emergency", "infection-fever"} <= set(ids(a))
    assert a.band is EMERGENCY


# --------------------------------------------------------------------------- medicines


def _breastfeeding() -> Record:
    r = female(base())
    r.medicines.pregnant, r.medicines.breastfeeding = N, Y
    return r


@pytest.mark.hazard("H8", "H23")
def test_breastfeeding_does_not_block_the_nsaid_names_ibuprofen_and_contraindicates_codeine():
    a = assess(_breastfeeding())
    assert "nsaid" in sids(a)  # breastfeeding is not pregnancy
    assert "pregnancy-medicines" not in sids(a)
    words = suggestion(a, "breastfeeding-medicines").text
    assert "ibuprofen" in words and "codeine is contraindicated" in words
    assert "weak-opioid" not in sids(a)


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("tried", [NsaidTried.NOT_TOLERATED, NsaidTried.NOT_EFFECTIVE])
def test_breastfeeding_with_a_failed_nsaid_still_gets_no_weak_opioid(tried):
    r = _breastfeeding()
    r.history.nsaid_tried = tried
    a = assess(r)
    assert "weak-opioid" not in sids(a)
    assert not NSAIDS & set(sids(a))


RISK_MEDICINES = {
    "oral_corticosteroid": "takes an oral corticosteroid",
    "antiplatelet": "takes an antiplatelet (aspirin, clopidogrel)",
    "ssri_snri": "takes an ssri or snri",
    "ace_arb_with_diuretic": "angiotensin receptor blocker with a diuretic",
    "lithium": "takes lithium",
    "methotrexate": "takes methotrexate",
}


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("medicine", list(RISK_MEDICINES))
def test_an_nsaid_risk_medicine_is_named_as_a_caution(medicine):
    r = base()
    setattr(r.medicines, medicine, Y)
    a = assess(r)
    assert "nsaid" not in sids(a)
    assert "no NSAID caution is recorded" not in all_words(a)
    medicine_words = " ".join(s.text.lower() for s in a.suggestions if s.id in NSAIDS)
    assert RISK_MEDICINES[medicine] in medicine_words, medicine_words
    if medicine in ("oral_corticosteroid", "antiplatelet", "ssri_snri"):
        # a gastrointestinal risk: a proton pump inhibitor is offered, not "considered"
        assert "offer a proton pump inhibitor" in medicine_words


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("combination", [("antiplatelet", "ssri_snri"),
                                         ("antiplatelet", "oral_corticosteroid"),
                                         ("anticoagulant",)])
def test_antiplatelet_with_ssri_or_steroid_or_an_anticoagulant_is_high_bleeding_risk(combination):
    r = base()
    for name in combination:
        setattr(r.risk if name == "anticoagulant" else r.medicines, name, Y)
    a = assess(r)
    s = suggestion(a, "nsaid-bleeding-risk")
    assert "high bleeding risk" in s.text and "proton pump inhibitor" in s.text
    assert not {"nsaid", "nsaid-ppi", "nsaid-caution"} & set(sids(a))


@pytest.mark.hazard("H23")
def test_antiplatelet_alone_is_a_caution_not_high_bleeding_risk():
    r = base()
    r.medicines.antiplatelet = Y
    assert "nsaid-bleeding-risk" not in sids(assess(r))


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("age", [65, 78])
def test_age_65_or_over_is_offered_a_ppi_with_the_nsaid(age):
    a = assess(set_age(base(), age))
    s = suggestion(a, "nsaid-ppi")
    assert "offer a proton pump inhibitor" in s.text
    assert "consider" not in s.text.lower()
    assert f"age {age}" in s.reason


@pytest.mark.hazard("H23")
def test_age_64_with_no_caution_gets_the_plain_nsaid():
    a = assess(set_age(base(), 64))
    assert "nsaid" in sids(a) and "nsaid-ppi" not in sids(a)


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("tried", [NsaidTried.NOT_TOLERATED, NsaidTried.NOT_EFFECTIVE])
def test_a_failed_nsaid_is_not_suggested_again_and_a_weak_opioid_may_be_in_acute_lbp(tried):
    r = base()
    r.history.nsaid_tried = tried
    a = assess(r)
    assert not NSAIDS & set(sids(a))
    assert tried.value.replace("_", " ") in suggestion(a, "nsaid-tried").text
    assert "weak-opioid" in sids(a)  # acute low back pain (3 weeks)
    for weeks in (8, 20):  # sub-acute: no opioid; chronic: never
        r.history.duration_value = weeks
        assert "weak-opioid" not in sids(assess(r))


@pytest.mark.hazard("H23")
def test_a_failed_nsaid_in_sciatica_gets_no_weak_opioid():
    r = sciatica(base(), worst=5)
    r.history.nsaid_tried = NsaidTried.NOT_EFFECTIVE
    assert "weak-opioid" not in sids(assess(r))


@pytest.mark.hazard("H23")
def test_nsaid_sensitive_asthma_avoids_nsaids_and_asthma_as_such_does_not():
    """Section 1: the caution is NSAID-sensitive asthma, not asthma as such (format 2 has no
    plain asthma question; a format-1 "asthma: yes" is asked again, tests/record/test_upgrade.py)."""
    r = base()
    r.medicines.nsaid_sensitive_asthma = Y
    a = assess(r)
    assert not {"nsaid", "nsaid-ppi", "nsaid-unchecked"} & set(sids(a))
    medicine = " ".join(s.text for s in a.suggestions if s.id.startswith("nsaid"))
    assert "avoid" in medicine.lower() and "asthma" in medicine.lower()
    assert "weak-opioid" in sids(a)  # acute low back pain, NSAID unsuitable
    assert "asthma" not in type(r.medicines).model_fields


@pytest.mark.hazard("H23")
def test_no_suggestion_prints_a_dose():
    """Section 5: no doses until a pharmacist has checked them against the BNF."""
    dose = re.compile(r"\b\d+(\.\d+)?\s?(mg|g|micrograms?|ml|mL)\b|\btimes a day\b|\bdaily\b")
    for r in (base(), set_age(base(), 70), _breastfeeding(), sciatica(base()),
              female(base()), cancer(base())):
        r.history.nsaid_tried = None
        for s in assess(r).suggestions:
            assert not dose.search(s.text), (s.id, s.text)


@pytest.mark.hazard("H23")
def test_an_nsaid_that_is_helping_is_no_caution():
    r = base()
    r.history.nsaid_tried = NsaidTried.HELPING
    assert "nsaid" in sids(assess(r))


# --------------------------------------------------------------------------- sciatica not settling


@pytest.mark.hazard("H21")
@pytest.mark.parametrize("course", [Course.SAME, Course.WORSE, None])
@pytest.mark.parametrize("worst", [7, 10])
def test_severe_sciatica_not_settling_after_2_weeks_is_a_soon_referral_row(course, worst):
    a = assess(sciatica(base(), worst=worst, course=course, weeks=2))
    assert "sciatica-not-settling" in ids(a)
    assert_band(a, SOON, "weeks")
    assert "MSK interface or spinal service" in row(a, "sciatica-not-settling").action
    assert "reassurance" not in sids(a)
    assert "most episodes settle" not in all_words(a)


@pytest.mark.hazard("H12")
@pytest.mark.parametrize(("worst", "course", "days"), [
    (6, Course.SAME, 21),  # not severe
    (8, Course.BETTER, 21),  # settling
    (8, Course.SAME, 13),  # not yet about 2 weeks
])
def test_sciatica_that_is_mild_settling_or_recent_fires_no_referral_row(worst, course, days):
    r = sciatica(base(), worst=worst, course=course, weeks=None)
    r.history.duration_value, r.history.duration_unit = days, DurationUnit.DAYS
    assert "sciatica-not-settling" not in ids(assess(r))


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("days", [1, 5, 40])
def test_intolerable_sciatica_fires_the_referral_row_at_any_time(days):
    r = sciatica(base(), worst=5, course=Course.BETTER, weeks=None)
    r.history.duration_value, r.history.duration_unit = days, DurationUnit.DAYS
    r.legs.pain_intolerable = Y
    a = assess(r)
    assert "sciatica-not-settling" in ids(a)
    assert a.band is SOON


@pytest.mark.hazard("H8")
def test_acute_severe_sciatica_not_settling_may_suggest_the_epidural_specialist_route():
    a = assess(sciatica(base()))
    s = suggestion(a, "epidural-specialist")
    assert "epidural injection of local anaesthetic and steroid" in s.text
    assert "specialist" in s.text


@pytest.mark.hazard("H8")
def test_low_back_pain_alone_is_never_given_the_epidural_route():
    assert "epidural-specialist" not in sids(assess(base()))


# --------------------------------------------------------------------------- headline


HEADLINE_CASES: dict[str, tuple[Callable[[Record], object], Band, str]] = {
    "metastases": (lambda r: setattr(cancer(r).red_flags, "mets_progressive_pain", Y),
                   URGENT, "24 hours"),
    # sexual dysfunction is not one of the MSCC neurological symptoms (section 2), so
    # both urgent rows fire: metastases (24 hours) and stable CES
    "metastases + stable CES": (
        lambda r: (setattr(cancer(r).red_flags, "mets_progressive_pain", Y),
                   ces(r, "ces_sexual_dysfunction", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)),
        URGENT, "24 hours"),
    "metastases + bladder change": (  # bladder change is neurological: MSCC
        lambda r: (setattr(cancer(r).red_flags, "mets_progressive_pain", Y),
                   ces(r, "ces_bladder", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)),
        EMERGENCY, "now"),
    "metastases + fracture": (
        lambda r: (setattr(cancer(r).red_flags, "mets_progressive_pain", Y),
                   setattr(r.risk, "osteoporosis", Y), EVENTS["minor trauma"](r)),
        URGENT, "24 hours"),
    "mild weakness + fracture": (
        lambda r: (weakness(r, WeaknessOnset.WITHIN_3_MONTHS, Trajectory.SAME, N),
                   setattr(r.risk, "osteoporosis", Y), EVENTS["minor trauma"](r)),
        EMERGENCY, "now"),  # leg weakness is a neurological deficit with a fracture
    "fracture alone": (lambda r: (setattr(r.risk, "osteoporosis", Y), EVENTS["lifting"](r)),
                       URGENT, "1 week"),
    "fever + new CES": (lambda r: (setattr(r.red_flags, "fever_or_unwell", Y),
                                   ces(r, "ces_bowel", Onset.WITHIN_14_DAYS)),
                        EMERGENCY, "now"),
    "claudication + long-standing weakness": (
        lambda r: (claudication(r, extent=LegExtent.ABOVE_KNEE),
                   weakness(r, WeaknessOnset.LONGER, Trajectory.SAME, N)),
        SOON, "weeks"),
    "two weak flags + metastases": (
        lambda r: (setattr(cancer(r).red_flags, "mets_local_tenderness", Y),
                   setattr(r.red_flags, "widespread_bone_pain", Y),
                   setattr(r.red_flags, "weight_loss", Y)),
        URGENT, "24 hours"),
}


@pytest.mark.hazard("H22")
@pytest.mark.parametrize("case", list(HEADLINE_CASES))
def test_the_headline_shows_the_most_urgent_fired_rows_time_limit(case):
    setup, band, within = HEADLINE_CASES[case]
    r = base()
    setup(r)
    a = assess(r)
    assert a.band is band, ids(a)
    assert a.within == within, [(x.id, x.within) for x in a.fired]
    assert a.headline == headline_for(band, within)
    timed = [x for x in a.fired if x.band is not None and x.band is not ROUTINE]
    assert all(DEADLINES.index(a.within) <= DEADLINES.index(x.within) for x in timed)
    # the check command's JSON carries the same time limit at the top level
    out = check_result(r)
    assert out["within"] == within and out["headline"] == a.headline
    assert out["disposition"] == band.value


@pytest.mark.hazard("H22")
def test_a_routine_headline_gives_no_deadline():
    a = assess(base())
    assert a.within is None
    assert a.headline.startswith("ROUTINE - ")
    assert "within" not in a.headline


# --------------------------------------------------------------------------- never suggest

EVERY_PHASE = ("acute", "sub-acute", "chronic")


@pytest.mark.hazard("H8")
@pytest.mark.parametrize("words", [
    "Facet joint injection.",
    "Refer for a facet joint injection.",
    "Epidural steroid injection for low back pain.",
    "Consider an epidural injection of local anaesthetic and steroid.",
    "Spinal injection of steroid.",
    "Radiofrequency denervation.",
    "Refer for a specialist to consider assessment for radiofrequency denervation (if the "
    "facet joints are thought to be the source of the pain).",
])
@pytest.mark.parametrize("phase", ["acute", "sub-acute"])
def test_any_injection_for_low_back_pain_is_still_never_suggested(words, phase):
    """Section 5: spinal injections are never suggested for low back pain; radiofrequency
    denervation assessment only for CHRONIC low back pain."""
    assert RULES.forbidden(words, {"low back pain", phase}) is not None


@pytest.mark.hazard("H8")
def test_a_facet_joint_injection_is_never_suggested_even_in_chronic_low_back_pain():
    assert RULES.forbidden("Facet joint injection.", {"low back pain", "chronic"}) is not None
    assert RULES.forbidden("Radiofrequency denervation now.",
                           {"low back pain", "chronic"}) is not None


@pytest.mark.hazard("H8")
def test_the_two_specialist_routes_are_allowed_in_their_own_context_only():
    rf = RULES.suggestions["radiofrequency-specialist"]
    epidural = RULES.suggestions["epidural-specialist"]
    rf_text = rf.text.format(route="")
    assert RULES.forbidden(rf_text, {"low back pain", "chronic"}) is None
    assert RULES.forbidden(epidural.text, {"sciatica", "acute"}) is None
    for phase in ("acute", "sub-acute"):
        assert RULES.forbidden(rf_text, {"low back pain", phase}) is not None
    assert RULES.forbidden(epidural.text, {"low back pain", "acute"}) is not None
    assert RULES.forbidden(epidural.text, {"sciatica", "chronic"}) is not None


def _chronic_lbp(worst: int = 6, course: Course = Course.SAME) -> Record:
    r = base()
    r.history.duration_value, r.history.duration_unit = 6, DurationUnit.MONTHS
    r.impact.pain_worst, r.history.course = worst, course
    r.history.treatment_tried = "Physiotherapy for 8 weeks: no better"  # non-surgical care failed
    return r


@pytest.mark.hazard("H8")
def test_chronic_low_back_pain_not_responding_may_be_referred_for_radiofrequency_assessment():
    a = assess(_chronic_lbp())
    s = suggestion(a, "radiofrequency-specialist")
    assert "assessment for radiofrequency denervation" in s.text
    assert "specialist" in s.text


@pytest.mark.hazard("H8")
@pytest.mark.parametrize(("worst", "course", "treated"), [
    (6, Course.BETTER, True), (3, Course.SAME, True), (6, Course.SAME, False)])
def test_chronic_low_back_pain_improving_mild_or_untreated_gets_no_radiofrequency_route(
        worst, course, treated):
    r = _chronic_lbp(worst, course)
    if not treated:
        r.history.treatment_tried = ""
    assert "radiofrequency-specialist" not in sids(assess(r))


@pytest.mark.hazard("H8")
def test_no_suggestion_names_an_injection_outside_the_specialist_routes():
    for r in (base(), _chronic_lbp(), sciatica(base()), sciatica(base(), weeks=10)):
        a = assess(r)
        for s in a.suggestions:
            if s.id in ("epidural-specialist",):
                continue
            assert "injection" not in s.text.lower(), (s.id, s.text)
            assert "facet joint injection" not in s.text.lower()


# --------------------------------------------------------------------------- safety-netting


CES_CARD_WORDS = ("difficulty starting or stopping", "when your bladder is full",
                  "when wiping", "sexual function", "numbness in both legs",
                  "new or worsening leg weakness", "do not drive", "day or night")


def _netting(r: Record) -> str:
    return suggestion(assess(r), "safety-netting").text


@pytest.mark.hazard("H24")
@pytest.mark.parametrize("case", ["routine", "emergency"])
def test_safety_netting_uses_the_ces_cards_words_with_111_and_999(case):
    r = base()
    if case == "emergency":
        ces(r, "ces_bladder", Onset.WITHIN_14_DAYS)
    words = _netting(r)
    low = words.lower()
    for phrase in CES_CARD_WORDS:
        assert phrase in low, phrase
    assert "new leg weakness" not in low  # "new or worsening"
    assert "NHS 111" in words and "999" in words
    assert "collapse" in low


@pytest.mark.hazard("H24")
def test_an_emergency_note_has_no_weight_loss_or_review_line():
    r = ces(base(), "ces_bladder", Onset.WITHIN_14_DAYS)
    a = assess(r)
    words = suggestion(a, "safety-netting").text.lower()
    assert "weight loss" not in words and "review" not in words
    assert "review-if-not-improving" not in sids(a)


@pytest.mark.hazard("H21")
def test_a_routine_note_has_the_review_line():
    words = _netting(base()).lower()
    assert "weight loss" in words
    assert "if the pain is not improving in about 4 weeks, contact the practice to book a " \
        "review" in words  # no review booked: the interval, never a date


@pytest.mark.hazard("H24")
def test_the_fever_line_sends_to_the_practice_or_111_not_the_emergency_department():
    words = _netting(base())
    fever = next(s for s in words.split(". ") if "fever" in s.lower())
    assert "111" in fever and "same day" in fever
    assert "emergency department" not in fever.lower()


@pytest.mark.hazard("H24")
def test_the_mscc_line_is_given_only_with_a_cancer_history():
    assert "cancer history" not in _netting(base())
    assert "cancer history" in _netting(cancer(base()))


@pytest.mark.hazard("H24")
def test_the_ces_card_suggestion_asks_how_it_was_given():
    s = suggestion(assess(base()), "ces-card")
    for how in ("printed", "SMS", "email", "read aloud"):
        assert how in s.text


# --------------------------------------------------------------------------- local routes


ROUTED_CASES: dict[str, tuple[Callable[[Record], object], str, str]] = {
    "ces": (lambda r: ces(r, "ces_bladder", Onset.WITHIN_14_DAYS), "ces_route",
            "action-ces-emergency"),
    "mscc": (lambda r: numbness(cancer(r)), "mscc_contact", "action-mscc"),
    "metastases": (lambda r: setattr(cancer(r).red_flags, "mets_progressive_pain", Y),
                   "mscc_contact", "action-spinal-metastases"),
    "claudication": (lambda r: claudication(r), "msk_interface",
                     "action-neurogenic-claudication"),
    "sciatica": (lambda r: sciatica(r), "msk_interface", "action-sciatica-not-settling"),
    "radiofrequency": (lambda r: (setattr(r.history, "duration_value", 6),
                                  setattr(r.history, "duration_unit", DurationUnit.MONTHS),
                                  setattr(r.history, "course", Course.SAME),
                                  setattr(r.history, "nsaid_tried", NsaidTried.NOT_EFFECTIVE)),
                       "msk_interface", "radiofrequency-specialist"),
    "physio": (lambda r: setattr(r.history, "duration_value", 8), "physio_self_referral",
               "physio"),
    "ces card": (lambda r: None, "ces_route", "ces-card"),
}
GENERIC = {"ces_route": "ces", "mscc_contact": "mscc", "msk_interface": "msk",
           "physio_self_referral": "physio"}


@pytest.mark.hazard("H25")
@pytest.mark.parametrize("case", list(ROUTED_CASES))
def test_the_practices_local_route_is_printed_where_it_applies_else_the_generic_one(case):
    setup, field, sid = ROUTED_CASES[case]
    r = base()
    setup(r)
    generic = RULES.routes[GENERIC[field]]
    text = suggestion(assess(r), sid).text
    assert generic.label in text and generic.generic in text
    setattr(r.practice, field, LOCAL)
    text = suggestion(assess(r), sid).text
    assert LOCAL in text and generic.generic not in text


@pytest.mark.hazard("H25")
def test_cord_compression_without_cancer_never_prints_the_mscc_route():
    r = base()
    r.practice.mscc_contact = LOCAL
    r.red_flags.suspected_cord_compression = Y
    assert LOCAL not in all_words(assess(r))


# --------------------------------------------------------------------------- work and review


# The work advice by time off (self-certify, fit note first, modified duties): rule set
# 2026.12.3, tests/rules/test_work_advice.py.


@pytest.mark.hazard("H7")
def test_no_fit_note_advice_when_working_normally():
    assert "work-advice" not in sids(assess(base()))


@pytest.mark.hazard("H21")
def test_a_booked_review_date_appears_in_the_review_suggestion_and_the_safety_netting():
    r = base()
    r.plan.review_date = dt.date(2026, 12, 11)
    a = assess(r)
    when = show_date(dt.date(2026, 12, 11))
    review = suggestion(a, "review-if-not-improving").text
    assert review.startswith(f"Review booked for {when}")
    assert f"come to your review on {when}" in suggestion(a, "safety-netting").text


@pytest.mark.hazard("H21")
def test_without_a_booked_date_the_review_is_to_book_about_4_weeks_on():
    a = assess(base())
    review = suggestion(a, "review-if-not-improving").text
    assert review.startswith("Book a review in about 4 weeks: ")
    # no date nobody booked (CSO review 2026-12-07 finding 6)
    assert show_date(dt.date(2026, 12, 18)) not in review
    assert show_date(dt.date(2026, 12, 18)) not in suggestion(a, "safety-netting").text


# --------------------------------------------------------------------------- not from the spine

NOT_FROM_SPINE: dict[str, Callable[[Record], object]] = {
    "known aneurysm": lambda r: setattr(r.risk, "known_aortic_aneurysm", Y),
    "aortic": lambda r: (setattr(r.red_flags, "nonmechanical_sudden_severe_pain", Y),
                         setattr(r.red_flags, "collapse_or_faint", Y)),
    "fever with loin pain": lambda r: (setattr(r.red_flags, "fever_or_unwell", Y),
                                       setattr(r.red_flags, "loin_pain_fever_urinary", Y)),
    "renal colic": lambda r: setattr(r.red_flags, "colicky_loin_to_groin", Y),
    "pancreatitis or ulcer": lambda r: setattr(r.red_flags, "epigastric_to_back", Y),
    "thoracic pain": lambda r: setattr(r.history, "thoracic_pain", Y),
}


@pytest.mark.hazard("H21")
@pytest.mark.parametrize("case", list(NOT_FROM_SPINE))
def test_pain_that_may_not_come_from_the_spine_gets_no_self_care_nsaid_or_reassurance(case):
    """Section 2, "Not from the spine": the presentation says so, and self-care, NSAID and
    reassurance suggestions are withheld; the note never reads as plain routine."""
    r = base()
    NOT_FROM_SPINE[case](r)
    a = assess(r)
    assert a.not_from_spine, ids(a)
    assert not (SELF_CARE | NSAIDS | {"weak-opioid"}) & set(sids(a)), sids(a)
    assert "most episodes settle" not in all_words(a)
    assert a.disposition != "routine"
    assert "safety-netting" in sids(a)  # safety-netting is always given


@pytest.mark.hazard("H21")
@pytest.mark.parametrize("name", ["loin_pain_fever_urinary", "colicky_loin_to_groin",
                                  "epigastric_to_back", "pelvic_or_pregnancy_pain",
                                  "nonmechanical_sudden_severe_pain"])
def test_an_unasked_not_from_the_spine_question_is_never_routine_or_complete(name):
    """Section 1: every red-flag item of section 2 is answered explicitly; "Not from the
    spine" is one of them (and one of the 5a groups). Unasked, the note is not finalised
    and never reads as plain routine with reassurance."""
    r = base()
    setattr(r.red_flags, name, NA)
    a = assess(r)
    assert f"red_flags.{name}" in a.unscreened
    assert a.disposition == "not_fully_screened"
    assert "reassurance" not in sids(a)
    assert f"red_flags.{name}" in {p.field for p in problems(r)}


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("breastfeeding", [NA, Y, N])
def test_no_codeine_is_suggested_while_breastfeeding_is_unasked(breastfeeding):
    """Section 5: codeine is contraindicated when breastfeeding (MHRA 2013): a weak opioid
    (for example codeine) is suggested for acute low back pain with an NSAID unsuitable
    only once breastfeeding is known to be No (a man is not asked)."""
    r = female(base())
    r.medicines.pregnant = N
    r.medicines.breastfeeding = breastfeeding
    r.history.nsaid_tried = NsaidTried.NOT_TOLERATED
    a = assess(r)
    assert ("weak-opioid" in sids(a)) is (breastfeeding is N)
    man = base()
    man.history.nsaid_tried = NsaidTried.NOT_TOLERATED
    assert man.medicines.breastfeeding is N or not followups.applies(man, "medicines.breastfeeding")
    man.medicines.breastfeeding = NA
    assert "weak-opioid" in sids(assess(man))
