"""Red-flag, weak-flag and outside-pathway rows (clinical reference, section 2).

Each function reads the record and fires rows with the findings behind them.
"Not asked" never counts as negative; a missing time detail (onset, getting
worse, trajectory) counts as "unsure", which counts as the more urgent answer.
"""

from __future__ import annotations

from collections.abc import Callable

from consult.answers import Answer, Onset, Side, Trajectory, Trauma, YesNoUnsure
from consult.facts import Facts, first_episode_age_flag
from consult.record import CesItem, Legs, Record, RedFlags, RiskHistory

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
            and legs.pain_extent is not None and legs.pain_extent.value == "below_knee":
        return "leg symptoms record pain below the knee in both legs"
    if name == "ces_numbness_both_legs" and legs.numbness is YES and legs.numbness_side is Side.BOTH:
        return "leg symptoms record numbness in both legs"
    if name == "ces_weakness_both_legs" and legs.weakness is YES and legs.weakness_side is Side.BOTH \
            and weakness_is_severe_or_progressing(legs):
        return "leg symptoms record severe or progressing weakness in both legs"
    return None


def weakness_is_severe_or_progressing(legs: Legs) -> bool:
    """Unsure or unrecorded course or severity counts as the more urgent answer."""
    progressing = legs.weakness_trajectory in (Trajectory.WORSE, Trajectory.UNSURE, None)
    return progressing or legs.weakness_severe is not Answer.NO


def ces(record: Record, fire: Fire) -> None:
    rf = record.red_flags
    positives: list[tuple[str, CesItem, str | None]] = []
    for name in CES_ITEMS:
        item: CesItem = getattr(rf, name)
        implied = _legs_imply(record, name)
        if item.answer is YES or implied:
            positives.append((name, item, implied))
    core = [p for p in positives if p[0] != "ces_sexual_dysfunction"]
    if not core:
        return  # sexual dysfunction counts only with another CES item
    findings, acute = [], False
    for name, item, implied in positives:
        onset, worse = item.onset, item.worse_last_14_days
        if item.answer is not YES and name == "ces_weakness_both_legs":
            onset = record.legs.weakness_onset
            worse = {Trajectory.WORSE: YesNoUnsure.YES, Trajectory.UNSURE: YesNoUnsure.UNSURE,
                     Trajectory.SAME: YesNoUnsure.NO, Trajectory.BETTER: YesNoUnsure.NO,
                     None: None}[record.legs.weakness_trajectory]
        acute |= onset is not Onset.MORE_THAN_14_DAYS or worse is not YesNoUnsure.NO
        words = f"{title(RedFlags, name)} ({_onset_words(onset)}; {_worse_words(worse)})"
        if implied and item.answer is not YES:
            words += f" - from {implied}; the red-flag item itself reads {item.answer.label}"
        findings.append(words)
    fire("ces-emergency" if acute else "ces-stable", findings)


def cancer(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    if rf.suspected_cord_compression is YES and rf.cancer_history is not YES:
        fire("mscc", ["GP suspects cord compression (can be the first sign of cancer)"])
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
    if rf.fever_or_unwell is YES:
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
        if weakness_is_severe_or_progressing(legs):
            return  # severe or progressing weakness in both legs is a cauda equina item
        side = "both legs"
    else:
        side = f"{legs.weakness_side.value} leg" if legs.weakness_side else "one leg (side not recorded)"
    trajectory = {Trajectory.WORSE: "getting worse", Trajectory.SAME: "not changing",
                  Trajectory.BETTER: "getting better", Trajectory.UNSURE: "unsure whether worse",
                  None: "course not recorded, counts as unsure"}[legs.weakness_trajectory]
    findings = [f"Weakness in the {side}, {trajectory}"]
    if legs.weakness_severe is YES:
        findings.append("severe: foot drop, slapping gait or leg giving way")
    elif legs.weakness_severe is Answer.NOT_ASKED:
        findings.append("severity not yet asked (foot drop, slapping gait, leg giving way): "
                        "counts as severe until answered")
    severe = weakness_is_severe_or_progressing(legs)
    fire("weakness-one-leg-severe" if severe else "weakness-one-leg-mild", findings)


def fracture(record: Record, facts: Facts, fire: Fire) -> None:
    rf, risk, t = record.red_flags, record.risk, record.triggers
    risks = []
    if risk.osteoporosis is YES:
        risks.append("osteoporosis")
    if risk.long_term_steroids is YES:
        risks.append("long-term oral steroids")
    if facts.age is not None and facts.age > 65 and t.trauma is Trauma.MINOR:
        risks.append(f"age {facts.age} with a fall or minor trauma")
    findings = []
    if rf.sudden_severe_new_pain is YES and risks:
        findings.append("Sudden severe new pain with " + ", ".join(risks))
    if rf.spinal_deformity is YES:
        findings.append(title(RedFlags, "spinal_deformity"))
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


def aortic(record: Record, facts: Facts, fire: Fire) -> None:
    rf, risk = record.red_flags, record.risk
    if rf.nonmechanical_sudden_severe_pain is not YES:
        return
    why = []
    if rf.collapse_or_faint is YES:
        why.append("collapse, faintness or clamminess")
    if facts.age is not None and facts.age > 50:
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
    if (weight_loss and n >= 2) or (weight_loss and age is not None and age >= 60) or n >= 3:
        fire("weak-malignancy", [listed] + ([f"age {age}"] if age is not None and age >= 60 else []))
    elif n == 2 or (weight_loss and n == 1):
        fire("weak-two", [listed])
    elif n == 1:
        fire("weak-single", [listed])
    if age is not None and age >= 60 and facts.duration_days is not None \
            and facts.duration_days >= 28:
        fire("weak-myeloma", [f"Age {age}, back pain for {round(facts.duration_days / 7)} weeks"])


def outside(record: Record, facts: Facts, fire: Fire) -> None:
    rf = record.red_flags
    if record.history.thoracic_pain is YES:
        fire("outside-thoracic", ["Pain in the thoracic spine"])
    non_spinal = [title(RedFlags, f) for f in NON_SPINAL if getattr(rf, f) is YES]
    if non_spinal:
        row = "outside-non-spinal-unwell" if rf.fever_or_unwell is YES else "outside-non-spinal"
        fire(row, non_spinal)
    if facts.age is not None and facts.age < 16:
        fire("outside-under-16", [f"Age {facts.age}"])
