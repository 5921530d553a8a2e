"""Red flags, exhaustively (issue 5, section 2; issue 10, clinical reference revision 3).

Strong flags: 23 independent "switches" (one finding each, set with the fewest answers
on top of `negative_record()` without its lifting trigger). The 14 switches of rule set
2026.11 (EXISTING): every subset of 13 of them (8,192) goes through `assess`; the 14th
(a new spinal deformity, the fracture row's second route) is crossed with every subset
of up to three others (378). The 9 switches revision 3 added (NEW: sexual dysfunction
alone, anticoagulant with sudden pain, known aneurysm, claudication, long-standing
weakness, fracture risk with minor trauma, fever with loin pain, pregnancy warning signs,
severe sciatica not settling; the cord-compression switch now has its own row without
cancer): every subset of the 9 (512), every subset of up to three of all 23 that holds a
new switch (1,578), and 1,000 seeded larger subsets of all 23. The band each switch gives
on its own, and the rules by which switches interact (I1-I10 in `expected`), are written
down here from the clinical reference (section 2), never computed from the code under
test. The expected disposition of a combination is the most urgent of its switches'
expected bands after those interaction rules. The whole file is sized for the normal
suite (about 25 s).

Weak flags: every combination of the four weak flags, crossed with age (under 60 /
60 and over, and the first-episode onset-age cases), duration (under 4 weeks / 4
weeks or more) and a cancer history without suggestive features, gives exactly
the band the reference's combination rules call for: never less, never more.

Notes: 130 of the strong combinations (every existing switch alone, every pair of
them, all 14 on at once, 14 seeded larger subsets, every new switch alone and all 9 new
switches at once) are rendered as the final PDF and page 1 is read back: the RED FLAG box (before the "Consultation" section) names every
positive item, the findings and the action of every fired row above routine, and
the disposition (about 7.5 s).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pypdf
import pytest

from consult.note import note_pdf
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
    WeaknessOnset,
    YesNoUnsure,
)
from consult.record.model import Record
from consult.rules import screening
from consult.rules.assessment import Assessment
from consult.rules.engine import assess
from consult.rules.redflags import METS_FEATURES
from consult.rules.ruleset import load
from tests.support import accept_suggestions, negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED
RULES = load()
CONSULTATION_DAY = dt.date(2026, 11, 20)  # negative_record()'s consultation date

EMERGENCY, URGENT, SOON, ROUTINE = Band.EMERGENCY, Band.URGENT, Band.SOON, Band.ROUTINE
# The reference's order of urgency (section 2, "How rows combine"), written out here.
URGENCY = {ROUTINE: 0, SOON: 1, URGENT: 2, EMERGENCY: 3}


def most_urgent(bands: Iterable[Band]) -> Band:
    return max(bands, key=URGENCY.__getitem__, default=ROUTINE)


def ids(a: Assessment) -> list[str]:
    return [r.id for r in a.fired]


# --------------------------------------------------------------------------- switch set-ups
#
# Each set-up changes only what its finding needs and is order-independent, so
# any subset can be applied in any order (checked below for every pair).


def _ces(record: Record, name: str, onset: Onset, worse: YesNoUnsure) -> None:
    item = getattr(record.red_flags, name)
    item.answer, item.onset, item.worse_last_14_days = Y, onset, worse


def _cancer(record: Record) -> None:
    rf = record.red_flags
    rf.cancer_history, rf.cancer_type, rf.cancer_year = Y, "Breast", 2019
    for f in METS_FEATURES:  # the suggestive features must be asked; leave any Yes alone
        if getattr(rf, f) is NA:
            setattr(rf, f, N)


def ces_new(r: Record) -> None:
    _ces(r, "ces_bladder", Onset.WITHIN_14_DAYS, YesNoUnsure.NO)


def ces_stable(r: Record) -> None:
    _ces(r, "ces_saddle_numbness", Onset.MORE_THAN_14_DAYS, YesNoUnsure.NO)


def cancer_neuro(r: Record) -> None:
    _cancer(r)
    r.red_flags.gait_disturbance = Y


def cancer_mets(r: Record) -> None:
    _cancer(r)
    r.red_flags.mets_progressive_pain = Y


def cord_compression(r: Record) -> None:
    r.red_flags.suspected_cord_compression = Y


def fever(r: Record) -> None:
    r.red_flags.fever_or_unwell = Y


def infection_risk(r: Record) -> None:
    r.risk.immunosuppression = Y
    r.red_flags.new_constant_severe_pain = Y


def major_trauma(r: Record) -> None:
    r.triggers.trauma, r.triggers.trauma_details = Trauma.MAJOR, "Road traffic collision"


def minor_trauma(r: Record) -> None:
    """Severe pain after a fall. The record holds one trauma answer: a major trauma
    recorded by another switch stays major (see the interaction rules)."""
    if r.triggers.trauma is not Trauma.MAJOR:
        r.triggers.trauma = Trauma.MINOR
    r.triggers.severe_pain_after_trauma = Y


def weakness_severe(r: Record) -> None:
    legs = r.legs
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.RIGHT
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.WITHIN_3_MONTHS, Trajectory.WORSE
    legs.weakness_severe = Y


def weakness_mild(r: Record) -> None:
    """New, mild, stable weakness in one leg. The record holds one leg weakness: when the
    severe switch is also on, the weakness is severe (see the interaction rules)."""
    legs = r.legs
    if legs.weakness is Y and legs.weakness_trajectory is Trajectory.WORSE:
        return  # the severe switch's weakness
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.LEFT
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.WITHIN_3_MONTHS, Trajectory.SAME
    legs.weakness_severe = N


def weakness_long(r: Record) -> None:
    """Mild weakness in one leg for more than 3 months, not getting worse. One weakness:
    a new one of another switch (severe or mild) is the one recorded."""
    legs = r.legs
    if legs.weakness is Y:
        return
    legs.symptoms, legs.weakness, legs.weakness_side = Y, Y, Side.LEFT
    legs.weakness_onset, legs.weakness_trajectory = WeaknessOnset.LONGER, Trajectory.SAME
    legs.weakness_severe = N


def osteoporosis_pain(r: Record) -> None:
    r.risk.osteoporosis = Y
    r.red_flags.sudden_severe_new_pain = Y


def deformity(r: Record) -> None:
    r.red_flags.spinal_deformity = Y


def aortic(r: Record) -> None:
    r.red_flags.nonmechanical_sudden_severe_pain = Y
    r.red_flags.collapse_or_faint = Y


# The switches revision 3 of the reference added.


def sexual_dysfunction(r: Record) -> None:
    _ces(r, "ces_sexual_dysfunction", Onset.WITHIN_14_DAYS, YesNoUnsure.NO)


def anticoagulant_pain(r: Record) -> None:
    r.risk.anticoagulant = Y
    r.red_flags.sudden_severe_new_pain = Y


def known_aneurysm(r: Record) -> None:
    r.risk.known_aortic_aneurysm = Y


def claudication(r: Record) -> None:
    """Pain in both legs (buttocks and thighs) on walking, eased by sitting, for more than
    3 months. One leg pain: the sciatica switch's pain (one leg, below the knee) is the
    one recorded when both are on."""
    legs = r.legs
    legs.symptoms = legs.claudication = Y
    legs.claudication_duration = Duration3Months.OVER_3_MONTHS
    if legs.pain is not Y:
        legs.pain, legs.pain_side, legs.pain_extent = Y, Side.BOTH, LegExtent.ABOVE_KNEE


def fracture_minor(r: Record) -> None:
    """Long-term steroids with a trip (minor trauma), no severe pain after it. One trauma
    answer: a major trauma of another switch stays major; the severe-pain answer of the
    minor-trauma switch stays yes."""
    r.risk.long_term_steroids = Y
    if r.triggers.trauma is not Trauma.MAJOR:
        r.triggers.trauma = Trauma.MINOR
    if r.triggers.severe_pain_after_trauma is NA:
        r.triggers.severe_pain_after_trauma = N


def fever_loin(r: Record) -> None:
    r.red_flags.fever_or_unwell = Y
    r.red_flags.loin_pain_fever_urinary = Y


def pregnancy_warning(r: Record) -> None:
    r.patient.sex = Sex.FEMALE
    r.medicines.pregnant = Y
    r.red_flags.pregnancy_warning_signs = Y


def sciatica(r: Record) -> None:
    """Severe sciatica (worst pain 8) in one leg, the same after 3 weeks."""
    legs = r.legs
    legs.symptoms = legs.pain = Y
    legs.pain_side, legs.pain_extent, legs.pain_intolerable = Side.RIGHT, LegExtent.BELOW_KNEE, N
    r.impact.pain_worst = 8
    r.history.course = Course.SAME


@dataclass(frozen=True)
class Switch:
    name: str
    apply: Callable[[Record], None]
    row: str  # the row it fires alone
    band: Band  # the band alone, from the reference (section 2, strong flags table)
    neuro: bool  # records a neurological symptom in the reference's MSCC sense
    reference: str  # the reference's words the band comes from
    named: tuple[str, ...]  # words page 1 must show for it (any case, any line breaks)


SWITCHES: tuple[Switch, ...] = (
    Switch("ces_new", ces_new, "ces-emergency", EMERGENCY, True,
           "CES item (bladder change) new within 14 days: emergency",
           ("Bladder change", "started within 14 days")),
    Switch("ces_stable", ces_stable, "ces-stable", URGENT, True,
           "CES item (saddle numbness) stable for more than 14 days: urgent",
           ("Numbness or altered feeling in the saddle", "started more than 14 days ago")),
    Switch("cancer_neuro", cancer_neuro, "mscc", EMERGENCY, True,
           "past or current cancer and a neurological symptom (gait disturbance): MSCC, emergency",
           ("Past or current cancer (Breast, 2019)", "gait disturbance")),
    Switch("cancer_mets", cancer_mets, "spinal-metastases", URGENT, False,
           "cancer and a suggestive pain feature (progressive pain) without neurology: urgent",
           ("Past or current cancer (Breast, 2019)", "Progressive pain")),
    Switch("cord_compression", cord_compression, "cord-compression", EMERGENCY, False,
           "GP's explicit 'suspected cord compression' without known cancer: its own "
           "emergency row (emergency department or on-call spinal team; revision 3)",
           ("cord compression",)),
    Switch("fever", fever, "infection-fever", EMERGENCY, False,
           "fever or rigors, or systemically unwell: emergency",
           ("Fever, rigors or systemically unwell",)),
    Switch("infection_risk", infection_risk, "infection-risk", URGENT, False,
           "immunosuppression and new constant severe pain, without fever: urgent",
           ("Immunosuppression", "New constant severe pain")),
    Switch("major_trauma", major_trauma, "major-trauma", EMERGENCY, False,
           "major trauma (road traffic collision): emergency",
           ("Major trauma", "Road traffic collision")),
    Switch("weakness_severe", weakness_severe, "weakness-one-leg-severe", EMERGENCY, True,
           "weakness in one leg, progressing and severe: emergency",
           ("Weakness in the right leg, started within 3 months, getting worse", "foot drop")),
    Switch("weakness_mild", weakness_mild, "weakness-one-leg-mild", URGENT, True,
           "weakness in one leg, new (within 3 months), mild and not getting worse: urgent",
           ("Weakness in the left leg, started within 3 months, not changing",)),
    Switch("osteoporosis_pain", osteoporosis_pain, "osteoporotic-fracture", URGENT, False,
           "sudden severe new pain with osteoporosis: urgent",
           ("Sudden severe new pain", "osteoporosis")),
    Switch("deformity", deformity, "osteoporotic-fracture", URGENT, False,
           "a new spinal deformity: urgent",
           ("New spinal deformity",)),
    Switch("minor_trauma", minor_trauma, "trauma-severe-pain", URGENT, False,
           "severe pain after other trauma (a fall): urgent",
           ("Severe pain after",)),
    Switch("aortic", aortic, "aortic", EMERGENCY, False,
           "sudden severe non-mechanical pain with collapse: emergency (999)",
           ("non-mechanical", "collapse")),
    # revision 3
    Switch("sexual_dysfunction", sexual_dysfunction, "ces-emergency", EMERGENCY, False,
           "new sexual dysfunction alone, within 14 days: a CES item on its own, emergency "
           "(not one of the MSCC neurological symptoms)",
           ("New sexual dysfunction",)),
    Switch("anticoagulant_pain", anticoagulant_pain, "bleeding-anticoagulant", EMERGENCY, False,
           "anticoagulant treatment with sudden severe new pain: emergency",
           ("Takes an anticoagulant", "Sudden severe new pain")),
    Switch("known_aneurysm", known_aneurysm, "aneurysm-known", EMERGENCY, False,
           "known aortic aneurysm with any new back pain: emergency (999)",
           ("Known aortic aneurysm",)),
    Switch("claudication", claudication, "neurogenic-claudication", SOON, False,
           "pain in both legs on walking, eased by sitting, more than 3 months, no CES item: "
           "soon, never an emergency on its own (thigh pain: not radicular)",
           ("eased by sitting",)),
    Switch("weakness_long", weakness_long, "weakness-long-standing", SOON, True,
           "weakness in one leg for more than 3 months, not getting worse: soon",
           ("present for more than 3 months",)),
    Switch("fracture_minor", fracture_minor, "osteoporotic-fracture", URGENT, False,
           "long-term oral steroids with minor trauma: urgent",
           ("long-term oral steroids",)),
    Switch("fever_loin", fever_loin, "fever-loin-urinary", EMERGENCY, False,
           "fever with loin pain: pyelonephritis or spinal infection, same-day emergency",
           ("Loin pain with fever or urinary symptoms",)),
    Switch("pregnancy_warning", pregnancy_warning, "pregnancy-emergency", EMERGENCY, False,
           "pregnancy with warning signs: same-day maternity emergency",
           ("vaginal bleeding",)),
    Switch("sciatica", sciatica, "sciatica-not-settling", SOON, True,
           "severe sciatica (worst pain 8) the same after 3 weeks: soon (radicular pain is "
           "a neurological symptom)",
           ("worst pain 8 of 10",)),
)
BY_NAME = {s.name: s for s in SWITCHES}
NAMES = tuple(BY_NAME)
NEW = ("sexual_dysfunction", "anticoagulant_pain", "known_aneurysm", "claudication",
       "weakness_long", "fracture_minor", "fever_loin", "pregnancy_warning", "sciatica")
EXISTING = tuple(n for n in NAMES if n not in NEW)
# Every subset of 13 switches (8,192) runs in about 8 s (assess takes about 1 ms). The
# fracture row's second route, a new deformity, shares the row and the interactions of
# osteoporosis_pain; it is crossed with every subset of up to 3 of the others instead.
CROSSED = "deformity"
EXHAUSTIVE = tuple(n for n in EXISTING if n != CROSSED)
ALL_SUBSETS = 2 ** len(EXHAUSTIVE)


@dataclass(frozen=True)
class Expected:
    band: Band
    rows: dict[str, str]  # switch name -> the row that must carry it


CES_SWITCHES = frozenset({"ces_new", "ces_stable", "sexual_dysfunction"})
CES_NEW = frozenset({"ces_new", "sexual_dysfunction"})  # within 14 days


def _fracture(on: frozenset[str]) -> bool:
    """Section 2: osteoporosis or long-term steroids with minor trauma, strenuous lifting
    (not in the base record here) or sudden severe new pain; or a new spinal deformity.
    The record holds one trauma answer: with the major-trauma switch it is major."""
    risk = bool(on & {"osteoporosis_pain", "fracture_minor"})
    minor = bool(on & {"fracture_minor", "minor_trauma"}) and "major_trauma" not in on
    sudden = bool(on & {"osteoporosis_pain", "anticoagulant_pain"})
    return "deformity" in on or (risk and (minor or sudden))


def expected(on: frozenset[str]) -> Expected:
    """The reference's answer for a combination: each switch's own band and row, then the
    interaction rules of section 2, each spelled out. The disposition is the most urgent."""
    neuro = any(BY_NAME[n].neuro for n in on)
    cancer = bool(on & {"cancer_neuro", "cancer_mets"})
    rows = {n: BY_NAME[n].row for n in on}
    bands = {n: BY_NAME[n].band for n in on}

    # I1 CES: the items make one row, emergency when any item is new within 14 days (new
    #    sexual dysfunction counts on its own: it is on the CES card).
    ces_on = on & CES_SWITCHES
    ces_row, ces_band = ("ces-emergency", EMERGENCY) if ces_on & CES_NEW else ("ces-stable", URGENT)
    for n in ces_on:
        rows[n], bands[n] = ces_row, ces_band
    # I2 MSCC: cancer with any neurological symptom, or with the GP's suspected cord
    #    compression, is MSCC (emergency); the metastases row is "without" neurology. The
    #    cord-compression row is for a patient WITHOUT known cancer.
    if "cancer_mets" in on and (neuro or "cord_compression" in on):
        rows["cancer_mets"], bands["cancer_mets"] = "mscc", EMERGENCY
    if "cord_compression" in on and cancer:
        rows["cord_compression"] = "mscc"
    # I3 infection: the risk row is "without fever"; with fever that row is replaced by
    #    the fever row (fever with loin pain is one row naming pyelonephritis and spinal
    #    infection). With any neurological symptom the risk row is an emergency.
    fever_row = "fever-loin-urinary" if "fever_loin" in on else "infection-fever"
    if "fever" in on:
        rows["fever"] = fever_row
    if "infection_risk" in on:
        if on & {"fever", "fever_loin"}:
            rows["infection_risk"], bands["infection_risk"] = fever_row, EMERGENCY
        elif neuro:
            rows["infection_risk"], bands["infection_risk"] = "infection-risk-neuro", EMERGENCY
    # I4 fracture: a neurological deficit makes the fracture row an emergency; steroids
    #    with a trauma that another switch made major are the major-trauma row.
    for n in ("osteoporosis_pain", "deformity", "fracture_minor"):
        if n not in on:
            continue
        if not _fracture(on):
            rows[n], bands[n] = "major-trauma", EMERGENCY
        elif neuro:
            rows[n], bands[n] = "osteoporotic-fracture-emergency", EMERGENCY
    # I5 trauma: one trauma answer; severe pain after a major trauma is the major row.
    if {"major_trauma", "minor_trauma"} <= on:
        rows["minor_trauma"], bands["minor_trauma"] = "major-trauma", EMERGENCY
    # I6 leg weakness: one weakness; severe before new-and-mild before long-standing.
    if "weakness_severe" in on:
        for n in ("weakness_mild", "weakness_long"):
            if n in on:
                rows[n], bands[n] = "weakness-one-leg-severe", EMERGENCY
    elif {"weakness_mild", "weakness_long"} <= on:
        rows["weakness_long"], bands["weakness_long"] = "weakness-one-leg-mild", URGENT
    # I7 claudication: "no cauda equina item"; with one, the CES row instead.
    if "claudication" in on and ces_on:
        rows["claudication"], bands["claudication"] = ces_row, ces_band
    # I2 (end): with known cancer every neurological finding is part of the MSCC emergency.
    if cancer and neuro:
        for n in on:
            if BY_NAME[n].neuro:
                bands[n] = EMERGENCY
    return Expected(most_urgent(bands.values()), rows)


def named_on_page_one(on: frozenset[str]) -> set[str]:
    """Words page 1 must show for a combination: every switch's own words, except where
    an interaction rule above folds one finding into another's row."""
    words = {w for n in on for w in BY_NAME[n].named}
    if on & {"weakness_severe", "weakness_mild"} and "weakness_long" in on:
        words -= set(BY_NAME["weakness_long"].named)  # I6: one weakness, the new one
    if {"weakness_severe", "weakness_mild"} <= on:  # I6: one weakness, the severe one
        words -= set(BY_NAME["weakness_mild"].named)
    if {"major_trauma", "minor_trauma"} <= on:  # I5: one trauma, the major one
        words -= set(BY_NAME["minor_trauma"].named)
    if "fracture_minor" in on and not _fracture(on):  # I4: the trauma is major
        words -= set(BY_NAME["fracture_minor"].named)
    if "claudication" in on and on & CES_SWITCHES:  # I7: not a row of its own
        words -= set(BY_NAME["claudication"].named)
    if "infection_risk" in on and on & {"fever", "fever_loin"}:
        # I3: the risk row does not fire; immunosuppression is risk history, not a
        # red-flag answer, and is shown in the history sections, not on page 1.
        words.discard("Immunosuppression")
    return words


def base_record() -> Record:
    """negative_record() without its lifting trigger: with osteoporosis or steroids,
    lifting alone is a fracture event (revision 3), which would hide what minor trauma does."""
    r = negative_record()
    r.triggers.triggers = []
    return r


def combination(on: Iterable[str], base: Record | None = None) -> Record:
    r = (base or base_record()).model_copy(deep=True)
    for name in NAMES:  # a fixed order (order independence is tested separately)
        if name in on:
            BY_NAME[name].apply(r)
    return r


def subsets(mask_range: Iterable[int], names: tuple[str, ...] = EXHAUSTIVE) -> Iterable[frozenset[str]]:
    for mask in mask_range:
        yield frozenset(n for i, n in enumerate(names) if mask >> i & 1)


# --------------------------------------------------------------------------- the switches themselves


def test_the_reference_bands_cover_every_strong_row():
    """The switches reach every strong row of the rule set (alone or via an interaction)."""
    reached = {s.row for s in SWITCHES} | {"infection-risk-neuro", "osteoporotic-fracture-emergency"}
    # fever with signs of sepsis (999) has no switch here: tests/rules/test_ruleset_2026_12.py
    strong = {k for k, v in RULES.rows.items() if v.kind == "strong"} - {"sepsis"}
    assert strong == reached - {"sciatica-not-settling"}  # a referral row, not a strong one


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("switch", SWITCHES, ids=lambda s: s.name)
def test_each_switch_alone_gives_its_reference_band(switch: Switch):
    a = assess(combination({switch.name}))
    assert ids(a) == [switch.row], switch.reference
    assert a.band is switch.band, switch.reference
    assert a.red_flags_screened, a.unscreened


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(NAMES, 2)))
def test_switches_do_not_depend_on_the_order_they_are_applied(first, second):
    one, two = base_record(), base_record()
    BY_NAME[first].apply(one)
    BY_NAME[second].apply(one)
    BY_NAME[second].apply(two)
    BY_NAME[first].apply(two)
    assert one.model_dump() == two.model_dump()


# --------------------------------------------------------------------------- every combination


def _check_combinations(combinations: Iterable[frozenset[str]]) -> int:
    base = base_record()
    failures: list[str] = []
    count = 0
    for on in combinations:
        count += 1
        want = expected(on)
        a = assess(combination(on, base), RULES)
        fired = set(ids(a))
        problems = []
        if a.band is not want.band or a.disposition != want.band.value:
            problems.append(f"band {a.band.value} (disposition {a.disposition}), "
                            f"reference {want.band.value}")
        if not a.red_flags_screened:
            problems.append(f"not screened: {a.unscreened}")
        missing = {n: row for n, row in want.rows.items() if row not in fired}
        if missing:
            problems.append(f"rows missing: {missing}")
        extra = fired - set(want.rows.values())
        if extra:
            problems.append(f"rows the reference does not call for: {sorted(extra)}")
        if problems:
            failures.append(f"{sorted(on)}: " + "; ".join(problems))
    assert not failures, f"{len(failures)} of {count} combinations differ:\n" + "\n".join(failures[:30])
    return count


@pytest.mark.hazard("H1", "H12")
def test_every_combination_of_strong_flags_gives_the_most_urgent_band():
    """All 2^13 = 8,192 subsets of the strong switches but `deformity`, the rest No."""
    assert _check_combinations(subsets(range(ALL_SUBSETS))) == ALL_SUBSETS == 8_192


@pytest.mark.hazard("H1")
def test_a_new_deformity_with_every_subset_of_up_to_three_other_switches():
    crossed = [frozenset({CROSSED, *others}) for k in range(4)
               for others in itertools.combinations(EXHAUSTIVE, k)]
    assert _check_combinations(crossed) == len(crossed) == 1 + 13 + 78 + 286


@pytest.mark.hazard("H1", "H12")
def test_every_subset_of_the_revision_3_switches():
    """All 2^9 = 512 subsets of the switches revision 3 added, the rest No."""
    assert _check_combinations(subsets(range(2 ** len(NEW)), NEW)) == 512


@pytest.mark.hazard("H1", "H12")
def test_every_revision_3_switch_with_every_subset_of_up_to_two_other_switches():
    """Every subset of up to three of all 23 switches holding a new one (1,578)."""
    combos = [frozenset(c) for k in (1, 2, 3) for c in itertools.combinations(NAMES, k)
              if set(c) & set(NEW)]
    assert _check_combinations(combos) == len(combos) == 1_578


@pytest.mark.hazard("H1", "H12")
def test_larger_seeded_subsets_of_all_switches():
    """1,000 seeded subsets of 4 to 23 of all the switches, old and new."""
    rng = random.Random(20261207)
    combos = [frozenset(rng.sample(NAMES, rng.randint(4, len(NAMES)))) for _ in range(1_000)]
    assert _check_combinations(combos) == 1_000


def test_the_interaction_rules_are_exercised():
    """Guard against an expected() that never departs from 'the max of the switches'."""
    raised = [on for on in subsets(range(ALL_SUBSETS))
              if expected(on).band is not most_urgent(BY_NAME[n].band for n in on)]
    assert raised  # e.g. cancer with metastasis features plus stable CES is MSCC
    assert expected(frozenset({"cancer_mets", "ces_stable"})).band is EMERGENCY
    assert expected(frozenset({"infection_risk", "weakness_mild"})).band is EMERGENCY
    assert expected(frozenset({"deformity", "weakness_mild"})).band is EMERGENCY
    assert expected(frozenset({"infection_risk", "cord_compression"})).rows == {
        "infection_risk": "infection-risk", "cord_compression": "cord-compression"}
    assert expected(frozenset({"cancer_mets", "cord_compression"})).rows == {
        "cancer_mets": "mscc", "cord_compression": "mscc"}
    # revision 3
    assert expected(frozenset({"cancer_mets", "sexual_dysfunction"})).rows == {
        "cancer_mets": "spinal-metastases", "sexual_dysfunction": "ces-emergency"}
    assert expected(frozenset({"cancer_mets", "weakness_long"})).band is EMERGENCY
    assert expected(frozenset({"claudication", "ces_stable"})).rows["claudication"] == "ces-stable"
    assert expected(frozenset({"claudication", "weakness_long"})).band is SOON
    assert expected(frozenset({"fracture_minor", "major_trauma"})).rows["fracture_minor"] == \
        "major-trauma"
    assert expected(frozenset({"fracture_minor", "weakness_long"})).rows["fracture_minor"] == \
        "osteoporotic-fracture-emergency"
    assert expected(frozenset({"fever", "fever_loin", "infection_risk"})).rows == {
        "fever": "fever-loin-urinary", "fever_loin": "fever-loin-urinary",
        "infection_risk": "fever-loin-urinary"}
    assert expected(frozenset({"sciatica", "infection_risk"})).band is EMERGENCY


# --------------------------------------------------------------------------- weak flags


@dataclass(frozen=True)
class AgeCase:
    age: int
    episode: Episode
    duration: tuple[int, DurationUnit]
    first_episode_flag: bool  # a first episode starting over 50 or under 20
    four_weeks: bool  # pain for 4 weeks or more
    why: str


W, YR, D = DurationUnit.WEEKS, DurationUnit.YEARS, DurationUnit.DAYS
AGE_CASES = (
    AgeCase(41, Episode.FIRST, (3, W), False, False, "started at 41"),
    AgeCase(41, Episode.FIRST, (4, W), False, True, "started at 41, 4 weeks"),
    AgeCase(18, Episode.FIRST, (3, W), True, False, "started under 20"),
    AgeCase(18, Episode.FIRST, (4, W), True, True, "started under 20, 4 weeks"),
    AgeCase(22, Episode.FIRST, (3, YR), True, True, "22 now, started at 19"),
    AgeCase(50, Episode.FIRST, (3, W), False, False, "started at 49.9: not over 50"),
    AgeCase(51, Episode.FIRST, (3, W), True, False, "started at 50.9: over 50"),
    AgeCase(55, Episode.FIRST, (4, W), True, True, "started at 55"),
    AgeCase(55, Episode.RECURRENT, (3, W), False, False, "recurrent: no onset flag"),
    AgeCase(52, Episode.FIRST, (3, YR), False, True, "52 now, started at 49"),
    AgeCase(59, Episode.RECURRENT, (4, W), False, True, "59, 4 weeks"),
    AgeCase(59, Episode.FIRST, (8, W), True, True, "59, first episode"),
    AgeCase(60, Episode.RECURRENT, (3, W), False, False, "60, 3 weeks"),
    AgeCase(60, Episode.RECURRENT, (4, W), False, True, "60, 4 weeks"),
    AgeCase(60, Episode.FIRST, (3, W), True, False, "60, first episode, 3 weeks"),
    AgeCase(72, Episode.FIRST, (6, W), True, True, "72, first episode, 6 weeks"),
    AgeCase(66, Episode.FIRST, (20, YR), False, True, "66 now, started at 46"),
    AgeCase(66, Episode.RECURRENT, (27, D), False, False, "66, 27 days"),
    AgeCase(66, Episode.RECURRENT, (28, D), False, True, "66, 28 days"),
)
DIRECT_WEAK = ("weight_loss", "night_pain_constant", "widespread_bone_pain")


@dataclass(frozen=True)
class WeakCase:
    age: AgeCase
    direct: frozenset[str]
    cancer: bool  # past cancer, no suggestive feature, no neurology

    @property
    def label(self) -> str:
        return (f"age {self.age.age} {self.age.episode.value} {self.age.duration} "
                f"({self.age.why}) flags={sorted(self.direct)} cancer={self.cancer}")


def weak_record(case: WeakCase) -> Record:
    r = negative_record()
    c = r.consultation.date
    assert c == CONSULTATION_DAY
    r.patient.date_of_birth = dt.date(c.year - case.age.age, c.month, c.day)
    r.history.episode = case.age.episode
    r.history.duration_value, r.history.duration_unit = case.age.duration
    for f in case.direct:
        setattr(r.red_flags, f, Y)
    if case.cancer:
        _cancer(r)
    return r


def weak_expected(case: WeakCase) -> tuple[Band, set[str]]:
    """The reference's weak-flag combination rules (section 2), written out."""
    wl = "weight_loss" in case.direct
    n = len(case.direct) + case.age.first_episode_flag
    sixty = case.age.age >= 60
    rows: dict[str, Band] = {}
    if (wl and n >= 2) or (wl and sixty) or n >= 3:
        rows["weak-malignancy"] = URGENT
    elif n == 2 or (wl and not sixty):
        rows["weak-two"] = SOON
    elif n == 1:
        rows["weak-single"] = ROUTINE  # shown, with a planned review
    if sixty and case.age.four_weeks:
        rows["weak-myeloma"] = SOON
    if case.cancer:
        if "night_pain_constant" in case.direct:
            # Constant night pain that stops sleep is "night pain that prevents sleep",
            # a feature suggestive of spinal metastases: cancer plus it is urgent.
            rows["spinal-metastases"] = URGENT
        else:
            rows["weak-cancer-history"] = SOON
    return most_urgent(rows.values()), set(rows)


WEAK_CASES = tuple(
    WeakCase(age, frozenset(direct), cancer)
    for age in AGE_CASES
    for k in range(len(DIRECT_WEAK) + 1)
    for direct in itertools.combinations(DIRECT_WEAK, k)
    for cancer in (False, True))
# A cancer history with the weak night-pain flag: that pain is a metastasis feature too.
CANCER_NIGHT_PAIN = tuple(c for c in WEAK_CASES if c.cancer and "night_pain_constant" in c.direct)
WEAK_AGREED = tuple(c for c in WEAK_CASES if c not in CANCER_NIGHT_PAIN)


def _check_weak(cases: Iterable[WeakCase]) -> int:
    failures, count = [], 0
    for case in cases:
        count += 1
        band, rows = weak_expected(case)
        a = assess(weak_record(case), RULES)
        problems = []
        if a.band is not band:  # exactly the band: never less, never more
            problems.append(f"band {a.band.value}, reference {band.value}")
        if set(ids(a)) != rows:
            problems.append(f"rows {sorted(ids(a))}, reference {sorted(rows)}")
        if not a.red_flags_screened:
            problems.append(f"not screened: {a.unscreened}")
        if problems:
            failures.append(f"{case.label}: " + "; ".join(problems))
    assert not failures, f"{len(failures)} of {count} weak-flag cases differ:\n" + "\n".join(failures[:30])
    return count


def test_the_age_cases_are_what_they_say():
    """The onset-age and duration facts written in AGE_CASES, checked by hand-arithmetic
    on the dates (not with the code's own derivation)."""
    for case in AGE_CASES:
        value, unit = case.duration
        days = value * {D: 1, W: 7, YR: 365.25}[unit]
        onset_age = case.age - days / 365.25  # birthday on the consultation day
        assert case.first_episode_flag == (
            case.episode is Episode.FIRST and (onset_age > 50 or onset_age < 20)), case
        assert case.four_weeks == (days >= 28), case


@pytest.mark.hazard("H12")
def test_every_combination_of_weak_flags_gives_exactly_the_reference_band():
    """4 weak flags (3 direct x onset age) x 19 age/duration cases x cancer history."""
    assert _check_weak(WEAK_AGREED) == len(WEAK_AGREED) == 19 * 8 * 2 - 19 * 4


@pytest.mark.hazard("H12")
def test_cancer_with_constant_night_pain_is_spinal_metastases_urgent():
    assert _check_weak(CANCER_NIGHT_PAIN) == len(CANCER_NIGHT_PAIN) == 19 * 4


# --------------------------------------------------------------------------- page 1 of the note


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def note_sample(extra: int = 14, seed: int = 20261120) -> list[frozenset[str]]:
    """Every existing switch alone, every pair of them, all of them on, `extra` seeded larger
    subsets of them; every revision 3 switch alone and all of those on."""
    chosen = [frozenset(c) for k in (1, 2) for c in itertools.combinations(EXISTING, k)]
    chosen.append(frozenset(EXISTING))
    rng = random.Random(seed)
    larger = [on for on in subsets(range(2 ** len(EXISTING)), EXISTING)
              if 3 <= len(on) < len(EXISTING)]
    chosen += rng.sample(larger, extra)
    chosen += [frozenset({n}) for n in NEW] + [frozenset(NEW)]
    return chosen


NOTE_SAMPLE = note_sample()


def page_one(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def red_flag_box(pdf: bytes) -> str:
    """Page 1's text from the RED FLAG box to the start of the Consultation section."""
    page1 = page_one(pdf)
    start = page1.find("RED FLAG\n")
    assert start >= 0, page1
    end = page1.find("\nConsultation\n", start)
    if end < 0:  # many rows: the box fills page 1 (what it must show is checked on it)
        end = len(page1)
    return page1[start:end]


REFERRAL_WORDS = set(BY_NAME["sciatica"].named)


def test_the_note_sample_is_the_size_reported():
    assert len(NOTE_SAMPLE) == len(set(NOTE_SAMPLE)) == 14 + 91 + 1 + 14 + 9 + 1 == 130


@pytest.mark.hazard("H1")
def test_page_one_names_every_positive_item_and_every_action():
    """130 final notes (every existing switch, every pair of them, all 14 on, 14 seeded larger
    subsets; every revision 3 switch alone and all 9 on)."""
    base = base_record()
    failures = []
    for on in NOTE_SAMPLE:
        record = accept_suggestions(combination(on, base))
        a = assess(record, RULES)
        pdf = note_pdf(record, today=CONSULTATION_DAY)
        # red-flag rows (strong and weak) above routine; a referral row (severe sciatica not
        # settling) is no red flag: see the next test
        rows = [row for row in a.fired if row.band is not None and row.band is not ROUTINE
                and row.kind in ("strong", "weak")]
        if on == {"sciatica"}:
            assert not rows
            continue
        assert rows, sorted(on)
        missing = []
        box = red_flag_box(pdf)
        squeezed = _squeeze(box)
        for row in rows:
            missing += [f"{row.id} finding {f!r}" for f in row.findings if _squeeze(f) not in squeezed]
            if _squeeze(row.action) not in squeezed:
                missing.append(f"{row.id} action {row.action!r}")
        for label in screening.positive_red_flags(record):
            if _squeeze(label) not in squeezed:
                missing.append(f"positive item {label!r}")
        missing += [f"words {w!r}" for w in sorted(named_on_page_one(on) - REFERRAL_WORDS)
                    if _squeeze(w) not in squeezed]
        band = expected(on).band
        if f"Disposition: {band.value.upper()}" not in re.sub(r"\s+", " ", box):
            missing.append(f"disposition {band.value}")
        if missing:
            failures.append(f"{sorted(on)}: {missing}")
    assert not failures, f"{len(failures)} of {len(NOTE_SAMPLE)} notes:\n" + "\n".join(failures[:20])


@pytest.mark.hazard("H1")
@pytest.mark.parametrize("on", [frozenset({"sciatica"}), frozenset(NEW)],
                         ids=["sciatica alone", "every new switch"])
def test_page_one_carries_a_referral_rows_action_and_the_disposition(on):
    record = accept_suggestions(combination(on, base_record()))
    a = assess(record, RULES)
    page = page_one(note_pdf(record, today=CONSULTATION_DAY))
    referral = [row for row in a.fired if row.kind == "referral"]
    assert referral
    for row in referral:
        assert _squeeze(row.action) in _squeeze(page), row.action
        assert all(_squeeze(f) in _squeeze(page) for f in row.findings), row.findings
    assert expected(on).band.value.upper() in page
