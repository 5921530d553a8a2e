"""Red-flag, weak-flag and outside-pathway rows (clinical reference, section 2).

Each function reads the record and fires rows with the findings behind them.
"Not asked" never counts as negative; a missing time detail (onset, getting
worse, trajectory) counts as "unsure", which counts as the more urgent answer.
"""

from __future__ import annotations

from collections.abc import Callable

from consult.record.answers import (
    Answer,
    Duration3Months,
    Onset,
    PainSite,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    YesNoUnsure,
)
from consult.record.model import CesItem, History, Legs, Record, RedFlags, RiskHistory
from consult.rules.facts import Facts, first_episode_age_flag

YES = Answer.YES
Fire = Callable[[str, list[str]], None]

CES_ITEMS = (
    "ces_bladder",
    "ces_bowel",
    "ces_saddle_numbness",
    "ces_numbness_both_legs",
    "ces_sciatica_both_legs",
    "ces_weakness_both_legs",
    "ces_sexual_dysfunction",
)
METS_FEATURES = (
    "mets_progressive_pain",
    "mets_severe_unremitting_pain",
    "mets_worse_on_straining",
    "mets_local_tenderness",
    "mets_night_pain_prevents_sleep",
)
INFECTION_RISKS = ("injecting_drug_use", "immunosuppression",
                   "recent_spinal_procedure_or_infection")
NON_SPINAL = ("loin_pain_fever_urinary", "colicky_loin_to_groin",
              "epigastric_to_back", "pelvic_or_pregnancy_pain")
FRACTURE_RISKS = ("osteoporosis", "long_term_steroids")


def title(model: type, field: str) -> str:
    return model.model_fields[field].title  # type: ignore[attr-defined]


def _onset_words(onset: Onset | None) -> str:
    return {
        Onset.WITHIN_14_DAYS: "started within 14 days",
        Onset.MORE_THAN_14_DAYS: "started more than 14 days ago",
        Onset.UNSURE: "onset unsure",
        None: "onset not recorded, counts as unsure",
    }[onset]


def _worse_words(worse: YesNoUnsure | None) -> str:
    return {
        YesNoUnsure.YES: "worse in the last 14 days",
        YesNoUnsure.NO: "not worse in the last 14 days",
        YesNoUnsure.UNSURE: "unsure whether worse",
        None: "whether worse not recorded, counts as unsure",
    }[worse]


def _legs_imply(record: Record, name: str) -> str | None:
    """Leg-symptom answers that amount to a bilateral CES item, in words."""
    legs = record.legs
    if name == "ces_sciatica_both_legs" and legs.pain is YES and legs.pain_side is Side.BOTH \
            and legs.pain_extent is not None and legs.pain_extent.value == "below_knee" \
            and not long_standing_claudication(legs):
        return "leg symptoms record pain below the knee in both legs"
    if name == "ces_numbness_both_legs" and legs.numbness is YES and legs.numbness_side is Side.BOTH:
        return "leg symptoms record numbness in both legs"
    if name == "ces_weakness_both_legs" and legs.weakness is YES and legs.weakness_side is Side.BOTH \
            and bilateral_weakness_is_ces(legs):
        return "leg symptoms record severe or progressing weakness in both legs"
    return None


def long_standing_claudication(legs: Legs) -> bool:
    """Pain in both legs on walking, eased by sitting, for more than 3 months: neurogenic
    claudication, not "sciatica in both legs" (an unsure duration is not long-standing)."""
    return legs.claudication is YES and legs.claudication_duration is Duration3Months.OVER_3_MONTHS


def weakness_is_progressing(legs: Legs) -> bool:
    """Getting worse; an unsure or unrecorded course counts as the more urgent answer."""
    return legs.weakness_trajectory in (Trajectory.WORSE, Trajectory.UNSURE, None)


def weakness_is_new(legs: Legs) -> bool:
    """Started within 3 months; an unsure or unrecorded onset counts as new."""
    return legs.weakness_onset is not WeaknessOnset.LONGER


def bilateral_weakness_is_ces(legs: Legs) -> bool:
    """Severe or progressing weakness in both legs is a cauda equina item whatever its onset
    (the CES row then decides emergency or urgent by its 14-day onset and course); an
    unasked severity counts as severe."""
    return weakness_is_progressing(legs) or legs.weakness_severe is not Answer.NO


def weakness_is_severe_or_progressing(legs: Legs) -> bool:
    """New and (progressing or severe), or progressing at any age: the emergency rows.
    An unasked severity counts as severe; weakness stable for more than 3 months does
    not count, however severe, until it changes."""
    if weakness_is_progressing(legs):
        return True
    return weakness_is_new(legs) and legs.weakness_severe is not Answer.NO


def ces(record: Record, fire: Fire) -> None:
    rf = record.red_flags
    positives: list[tuple[str, CesItem, str | None]] = []
    for name in CES_ITEMS:
        item: CesItem = getattr(rf, name)
        implied = _legs_imply(record, name)
        if item.answer is YES or implied:
            positives.append((name, item, implied))
    if not positives:
        return  # every item fires on its own, new sexual dysfunction included (the CES card)
    findings, acute = [], False
    for name, item, implied in positives:
        onset, worse = item.onset, item.worse_last_14_days
        if item.answer is not YES and name == "ces_weakness_both_legs":
            # the leg section records weakness on the 3-month scale: within 3 months
            # cannot tell 14 days, so it counts as unsure
            onset = Onset.MORE_THAN_14_DAYS if record.legs.weakness_onset is WeaknessOnset.LONGER \
                else Onset.UNSURE
            worse = {Trajectory.WORSE: YesNoUnsure.YES, Trajectory.UNSURE: YesNoUnsure.UNSURE,
                     Trajectory.SAME: YesNoUnsure.NO, Trajectory.BETTER: YesNoUnsure.NO,
                     None: None}[record.legs.weakness_trajectory]
        if onset is not Onset.MORE_THAN_14_DAYS:
            worse = None  # a symptom that began within 14 days is new: the question does not apply
            acute = True
        else:
            acute |= worse is not YesNoUnsure.NO
        detail = _onset_words(onset) + (f"; {_worse_words(worse)}" if onset is Onset.MORE_THAN_14_DAYS
                                        else "")
        words = f"{title(RedFlags, name)} ({detail})"
        if implied and item.answer is not YES:
            words += f" - from {implied}; the red-flag item itself reads {item.answer.label}"
        findings.append(words)
    fire("ces-emergency" if acute else "ces-stable", findings)


def cancer(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    if rf.suspected_cord_compression is YES and rf.cancer_history is not YES:
        fire("cord-compression", ["GP suspects cord compression, no known cancer "
                                  f"(cancer history: {rf.cancer_history.label})"])
    if rf.cancer_history is not YES:
        return
    history = "Past or current cancer" + _cancer_detail(rf)
    if facts.neuro_symptoms or rf.suspected_cord_compression is YES:
        neuro = list(facts.neuro_symptoms)
        if rf.suspected_cord_compression is YES:
            neuro.append("GP suspects cord compression")
        fire("mscc", [history, "with " + ", ".join(neuro)])
        return
    features = [title(RedFlags, f) for f in METS_FEATURES if getattr(rf, f) is YES]
    if rf.night_pain_constant is YES and rf.mets_night_pain_prevents_sleep is not YES:
        # the weak-flag night pain that stops sleep is the same finding for a cancer patient
        features.append(title(RedFlags, "night_pain_constant"))
    if record.history.thoracic_pain is YES:
        features.append("Thoracic pain")
    unasked = [title(RedFlags, f) for f in METS_FEATURES if getattr(rf, f) is Answer.NOT_ASKED]
    if record.history.thoracic_pain is Answer.NOT_ASKED:
        unasked.append("Thoracic pain")
    if features:
        fire("spinal-metastases", [history, "with " + "; ".join(features)])
    elif unasked:  # never read an unanswered feature as absent
        fire("weak-cancer-history", [history + " and new back pain",
                                     "suggestive features NOT YET ASKED (could make this urgent): "
                                     + "; ".join(unasked)])
    else:
        fire("weak-cancer-history", [history + " and new back pain, no suggestive features"])


def _cancer_detail(rf: RedFlags) -> str:
    parts = [p for p in (rf.cancer_type, str(rf.cancer_year or "")) if p]
    return f" ({', '.join(parts)})" if parts else " (type and year not recorded)"


def infection(record: Record, facts: Facts, fire: Fire) -> None:
    rf, risk = record.red_flags, record.risk
    if rf.fever_or_unwell is YES and rf.sepsis_signs is YES:
        fire("sepsis", [title(RedFlags, "fever_or_unwell"), title(RedFlags, "sepsis_signs")])
    if rf.fever_or_unwell is YES and rf.loin_pain_fever_urinary is YES:
        fire("fever-loin-urinary", [title(RedFlags, "fever_or_unwell"),
                                    title(RedFlags, "loin_pain_fever_urinary")])
    elif rf.fever_or_unwell is YES:
        fire("infection-fever", [title(RedFlags, "fever_or_unwell")])
    risks = [title(RiskHistory, r) for r in INFECTION_RISKS if getattr(risk, r) is YES]
    if risks and rf.new_constant_severe_pain is YES and rf.fever_or_unwell is not YES:
        findings = ["; ".join(risks), title(RedFlags, "new_constant_severe_pain")]
        if facts.neuro_symptoms:
            fire("infection-risk-neuro", [*findings, "with " + ", ".join(facts.neuro_symptoms)])
        else:
            fire("infection-risk", findings)


def trauma(record: Record, fire: Fire) -> None:
    t = record.triggers
    if t.trauma is Trauma.MAJOR:
        fire("major-trauma", ["Major trauma" + (f": {t.trauma_details}" if t.trauma_details else "")])
    elif t.trauma is Trauma.MINOR and t.severe_pain_after_trauma is YES:
        fire("trauma-severe-pain", ["Severe pain after "
                                    + (t.trauma_details or "a fall, blow or collision")])


def one_leg_weakness(record: Record, fire: Fire) -> None:
    legs = record.legs
    if legs.weakness is not YES:
        return
    if legs.weakness_side is Side.BOTH:
        if bilateral_weakness_is_ces(legs):
            return  # severe or progressing weakness in both legs is a cauda equina item
        side = "both legs"
    else:
        side = f"{legs.weakness_side.value} leg" if legs.weakness_side else "one leg (side not recorded)"
    onset = {WeaknessOnset.WITHIN_3_MONTHS: "started within 3 months",
             WeaknessOnset.LONGER: "present for more than 3 months",
             WeaknessOnset.UNSURE: "onset unsure, counts as new",
             None: "onset not recorded, counts as new"}[legs.weakness_onset]
    trajectory = {Trajectory.WORSE: "getting worse", Trajectory.SAME: "not changing",
                  Trajectory.BETTER: "getting better", Trajectory.UNSURE: "unsure whether worse",
                  None: "course not recorded, counts as unsure"}[legs.weakness_trajectory]
    findings = [f"Weakness in the {side}, {onset}, {trajectory}"]
    if legs.weakness_severe is YES:
        findings.append("severe: foot drop, slapping gait or leg giving way")
    elif legs.weakness_severe is Answer.NOT_ASKED and weakness_is_new(legs):
        findings.append("severity not yet asked (foot drop, slapping gait, leg giving way): "
                        "counts as severe until answered")
    if weakness_is_severe_or_progressing(legs):
        fire("weakness-one-leg-severe", findings)
    elif weakness_is_new(legs):
        fire("weakness-one-leg-mild", findings)
    else:
        fire("weakness-long-standing", findings)


def claudication(record: Record, facts: Facts, fire: Fire) -> None:
    """Neurogenic claudication: soon, never an emergency on its own; any cauda equina
    item fires its own row instead."""
    legs, rf = record.legs, record.red_flags
    # an unsure or unrecorded duration counts as the more urgent answer: more than 3 months
    # (this row), unless the legs then amount to a cauda equina item (that row instead)
    if legs.claudication is not YES or legs.claudication_duration is Duration3Months.UNDER_3_MONTHS:
        return
    if any(getattr(rf, n).answer is YES or _legs_imply(record, n) for n in CES_ITEMS):
        return
    how_long = {Duration3Months.OVER_3_MONTHS: "for more than 3 months",
                Duration3Months.UNSURE: "for how long unsure, counts as more than 3 months",
                None: "for how long not recorded, counts as more than 3 months"}
    fire("neurogenic-claudication",
         [title(Legs, "claudication") + ", " + how_long[legs.claudication_duration]])


def sciatica_not_settling(record: Record, facts: Facts, fire: Fire) -> None:
    """Severe sciatica not settling after about 2 weeks, or intolerable at any time: a
    referral to the MSK interface or spinal service (NICE NG59), a fired row."""
    if facts.condition != "sciatica":
        return
    legs, impact, course = record.legs, record.impact, record.history.course
    if legs.pain_intolerable is YES:
        fire("sciatica-not-settling", ["Sciatica, leg pain severe or intolerable (GP's judgement)"])
        return
    severe = impact.pain_worst is not None and impact.pain_worst >= 7
    settling = course is not None and course.value == "better"
    # an unrecorded duration counts as the more urgent answer: 2 weeks or more
    weeks = facts.duration_days is None or facts.duration_days >= 14
    if severe and weeks and not settling:
        how = {"same": "the same", "worse": "getting worse"}.get(
            course.value if course else "", "course not recorded, counts as not settling")
        long = (f"for {round(facts.duration_days / 7)} weeks" if facts.duration_days is not None
                else "duration not recorded, counts as 2 weeks or more")
        fire("sciatica-not-settling", [f"Sciatica, worst pain {impact.pain_worst} of 10, "
                                       f"{long}, {how}"])


def fracture_findings(record: Record, facts: Facts) -> list[str]:
    """Why a fracture is suspected (NICE CKS: with osteoporosis or corticosteroids even
    minor trauma or lifting can fracture a vertebra); empty when it is not."""
    rf, risk, t = record.red_flags, record.risk, record.triggers
    findings = []
    risks = [title(RiskHistory, r).lower() for r in FRACTURE_RISKS if getattr(risk, r) is YES]
    if record.medicines.oral_corticosteroid is YES and risk.long_term_steroids is not YES:
        risks.append("takes an oral corticosteroid now")
    if risks:
        events = []
        if t.trauma is Trauma.MINOR:
            events.append("minor trauma")
        if Trigger.LIFTING in t.triggers:
            events.append("lifting")
        if rf.sudden_severe_new_pain is YES:
            events.append("sudden severe new pain")
        if events:
            findings.append(" or ".join(events).capitalize() + " with " + ", ".join(risks))
    if facts.age is not None and facts.age >= 65:
        events = []
        if t.trauma is Trauma.MINOR:
            events.append("a fall or minor trauma")
        if rf.sudden_severe_new_pain is YES:
            events.append("sudden severe new pain")
        if events:
            findings.append(f"Age {facts.age} with " + " and ".join(events))
    if rf.spinal_deformity is YES:
        findings.append(title(RedFlags, "spinal_deformity"))
    return findings


def fracture(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    findings = fracture_findings(record, facts)
    if not findings:
        return
    worse = []
    if facts.neuro_symptoms:
        worse.append("neurological deficit: " + ", ".join(facts.neuro_symptoms))
    if rf.cannot_mobilise is YES:
        worse.append("cannot mobilise")
    if rf.pain_uncontrolled is YES:
        worse.append("pain uncontrolled")
    if worse:
        fire("osteoporotic-fracture-emergency", findings + worse)
    else:
        fire("osteoporotic-fracture", findings)


def bleeding(record: Record, fire: Fire) -> None:
    if record.risk.anticoagulant is YES and record.red_flags.sudden_severe_new_pain is YES:
        fire("bleeding-anticoagulant", [title(RiskHistory, "anticoagulant"),
                                        title(RedFlags, "sudden_severe_new_pain")])


def pregnancy(record: Record, fire: Fire) -> None:
    if record.medicines.pregnant is YES and record.red_flags.pregnancy_warning_signs is YES:
        fire("pregnancy-emergency", ["Pregnant or gave birth in the last 6 weeks",
                                     title(RedFlags, "pregnancy_warning_signs").split(": ", 1)[1]])


def aortic(record: Record, facts: Facts, fire: Fire) -> None:
    rf, risk = record.red_flags, record.risk
    if risk.known_aortic_aneurysm is YES:
        # a known aneurysm with any new back or abdominal pain, whatever its character
        fire("aneurysm-known", [title(RiskHistory, "known_aortic_aneurysm")
                                + " with new back pain"])
    if rf.nonmechanical_sudden_severe_pain is not YES:
        return
    why = []
    if rf.collapse_or_faint is YES:
        why.append("collapse, faintness or clamminess")
    if facts.age is None:
        why.append("age not recorded, counts as over 50")
    elif facts.age > 50:
        why.append(f"age {facts.age}")
    if risk.known_aortic_aneurysm is YES:
        why.append("known aortic aneurysm")
    if risk.vascular_disease is YES:
        why.append("known vascular disease")
    base = title(RedFlags, "nonmechanical_sudden_severe_pain")
    if why:
        fire("aortic", [base, "with " + ", ".join(why)])
    else:
        fire("outside-nonmechanical", [base])


def weak_flags(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    flags = {
        "first episode starting at age over 50 or under 20":
            first_episode_age_flag(record, facts),
        "unexplained weight loss": rf.weight_loss,
        "constant night pain that stops sleep": rf.night_pain_constant,
        "widespread bone pain": rf.widespread_bone_pain,
    }
    positive = [name for name, answer in flags.items() if answer is YES]
    weight_loss = rf.weight_loss is YES
    age = facts.age
    n = len(positive)
    listed = "Weak flags: " + ", ".join(positive) if positive else ""
    # with weight loss an unknown age counts as the more urgent answer: 60 or over
    older = age is None or age >= 60
    if (weight_loss and n >= 2) or (weight_loss and older) or n >= 3:
        fire("weak-malignancy", [listed] + ([f"age {age}"] if age is not None and age >= 60 else
                                            ["age not recorded, counts as 60 or over"]
                                            if weight_loss and age is None else []))
    elif n == 2 or (weight_loss and n == 1):
        fire("weak-two", [listed])
    elif n == 1:
        fire("weak-single", [listed])
    if age is not None and age >= 60 and facts.duration_days is not None \
            and facts.duration_days >= 28:
        fire("weak-myeloma", [f"Age {age}, back pain for {round(facts.duration_days / 7)} weeks"])


def outside(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    if record.history.thoracic_pain is YES or record.history.site is PainSite.THORACIC:
        fire("outside-thoracic", [title(History, "thoracic_pain")])
    non_spinal = [title(RedFlags, f) for f in NON_SPINAL if getattr(rf, f) is YES
                  and not (f == "loin_pain_fever_urinary" and rf.fever_or_unwell is YES)]
    if record.history.site is PainSite.WITH_ABDOMINAL_OR_LOIN:
        non_spinal.append("Back pain with abdominal or loin pain")
    if non_spinal:
        row = "outside-non-spinal-unwell" if rf.fever_or_unwell is YES else "outside-non-spinal"
        fire(row, non_spinal)
    if facts.age is not None and facts.age < 16:
        fire("outside-under-16", [f"Age {facts.age}"])
