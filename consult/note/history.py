"""The history as sentences a GP would write, built from the recorded answers.

Only what was recorded is said: an unknown value is left out of its sentence
(never "None" or "?"), and a screening item that was not asked is never
written as a negative finding. Each function returns plain text (no markup);
the renderers escape it.
"""

from __future__ import annotations

from collections.abc import Iterable

from consult.answers import (
    Answer,
    DurationUnit,
    Episode,
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
from consult.record import Inflammatory, Medicines, Record, RiskHistory

YES, NO, NOT_ASKED = Answer.YES, Answer.NO, Answer.NOT_ASKED

STIFFNESS_POINTER_MINUTES = 30

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten", "eleven", "twelve")
_UNIT_SINGULAR = {DurationUnit.DAYS: "day", DurationUnit.WEEKS: "week",
                  DurationUnit.MONTHS: "month", DurationUnit.YEARS: "year"}
_TRIGGER_WORDS = {
    Trigger.LIFTING: "lifting",
    Trigger.TWISTING: "twisting",
    Trigger.PROLONGED_SITTING: "prolonged sitting",
    Trigger.POOR_POSTURE: "poor posture",
    Trigger.SUDDEN_MOVEMENT: "a sudden movement",
    Trigger.OVERUSE: "overuse",
}
_WORK_WORDS = {
    WorkStatus.NORMAL: "working normally",
    WorkStatus.MODIFIED: "working with modified duties",
    WorkStatus.OFF_WORK: "off work",
    WorkStatus.NOT_IN_WORK: "not in work",
}
SIDE_WORDS = {Side.LEFT: "the left leg", Side.RIGHT: "the right leg", Side.BOTH: "both legs"}
ONSET_WORDS = {Onset.WITHIN_14_DAYS: "started within the last 14 days",
                Onset.MORE_THAN_14_DAYS: "started more than 14 days ago",
                Onset.UNSURE: "onset unsure"}
TRAJECTORY_WORDS = {Trajectory.WORSE: "getting worse", Trajectory.SAME: "not changing",
                     Trajectory.BETTER: "getting better",
                     Trajectory.UNSURE: "unsure whether it is getting worse"}
NSAID_CAUTIONS = ("kidney_disease", "heart_failure_or_cvd", "gi_bleed_or_ulcer",
                  "anticoagulant", "asthma", "liver_disease")
SIGNIFICANT_MEDICINES = ("takes_opioid", "takes_gabapentinoid", "takes_benzodiazepine")


def lower_first(text: str) -> str:
    """'Long-term oral steroids' -> 'long-term oral steroids'; 'NSAID' stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def join_words(words: Iterable[str], last: str = "and") -> str:
    items = [w for w in words if w]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _free(text: str) -> str:
    """Free text placed inside a sentence: strip a trailing full stop it may carry."""
    return text.strip().rstrip(".")


def duration_phrase(value: int | None, unit: DurationUnit | None) -> str:
    """'three-week', '14-day', 'under one day'; '' when unknown."""
    if value is None or unit is None:
        return ""
    singular = _UNIT_SINGULAR[unit]
    if value == 0:
        return f"under one {singular}"
    number = _NUMBER_WORDS[value] if value < len(_NUMBER_WORDS) else str(value)
    return f"{number}-{singular}"


def presenting(record: Record) -> str:
    """'Three-week history of gradual-onset lower back pain after lifting, ...'."""
    h, t, legs = record.history, record.triggers, record.legs
    duration = duration_phrase(h.duration_value, h.duration_unit)
    under = h.duration_value == 0
    head = f"{duration} history of" if duration and not under else "history of"
    onset = {OnsetSpeed.SUDDEN: "sudden-onset ", OnsetSpeed.GRADUAL: "gradual-onset ",
             None: ""}[h.onset]
    text = f"{head} {onset}lower back pain"
    if under and h.duration_unit:
        text += f" that started less than one {_UNIT_SINGULAR[h.duration_unit]} ago"

    causes = [_TRIGGER_WORDS[x] for x in t.triggers if x in _TRIGGER_WORDS]
    if t.trauma is Trauma.MAJOR:
        causes.append("major trauma" + (f" ({_free(t.trauma_details)})" if t.trauma_details
                                        else ""))
    elif t.trauma is Trauma.MINOR:
        causes.append("a fall or other minor trauma"
                      + (f" ({_free(t.trauma_details)})" if t.trauma_details else ""))
    if causes:
        text += " after " + join_words(causes, "or" if len(causes) > 2 else "and")
    elif Trigger.NO_CLEAR_TRIGGER in t.triggers:
        text += " with no clear trigger"

    if h.episode is Episode.FIRST:
        text += " (first episode)"
    elif h.episode is Episode.RECURRENT:
        text += " (recurrent)"

    qualities = []
    if h.pattern is PainPattern.CONSTANT:
        qualities.append("constant")
    elif h.pattern is PainPattern.INTERMITTENT:
        qualities.append("intermittent")
    worse = [w for w, a in (("movement", h.worse_with_movement),
                            ("sitting", h.worse_with_sitting)) if a is YES]
    worse_text = "worse with " + join_words(worse) if worse else ""
    if h.worse_at_night is YES:
        worse_text = f"{worse_text} and at night" if worse_text else "worse at night"
    if worse_text:
        qualities.append(worse_text)
    if qualities:
        text += ", " + ", ".join(qualities)
    if legs.symptoms is NO:
        text += "; no leg symptoms"
    elif legs.symptoms is YES:
        text += "; with leg symptoms"
    return sentence(text)


def leg_symptoms(record: Record) -> list[str]:
    """One sentence each for leg pain, numbness and weakness that are recorded."""
    legs = record.legs
    out = []
    if legs.pain is YES:
        text = "leg pain"
        if legs.pain_side:
            text = f"pain in {SIDE_WORDS[legs.pain_side]}"
        if legs.pain_extent is LegExtent.BELOW_KNEE:
            text += ", reaching below the knee"
        elif legs.pain_extent is LegExtent.ABOVE_KNEE:
            text += ", above the knee only"
        out.append(sentence(text))
    if legs.numbness is YES:
        text = "numbness or pins and needles"
        if legs.numbness_side:
            text += f" in {SIDE_WORDS[legs.numbness_side]}"
        if legs.numbness_where:
            text += f" ({_free(legs.numbness_where)})"
        out.append(sentence(text))
    if legs.weakness is YES:
        text = "weakness"
        if legs.weakness_side:
            text += f" in {SIDE_WORDS[legs.weakness_side]}"
        details = []
        if legs.weakness_onset:
            details.append(ONSET_WORDS[legs.weakness_onset])
        if legs.weakness_trajectory:
            details.append(TRAJECTORY_WORDS[legs.weakness_trajectory])
        if details:
            text += ", " + ", ".join(details)
        if legs.weakness_severe is YES:
            text += "; severe: foot drop, slapping gait or leg giving way"
        elif legs.weakness_severe is NO:
            text += "; no foot drop, slapping gait or leg giving way"
        out.append(sentence(text))
    negatives = [w for w, a in (("leg pain", legs.pain), ("numbness", legs.numbness),
                                ("weakness", legs.weakness)) if a is NO]
    if legs.symptoms is YES and negatives:
        out.append(sentence("no " + join_words(negatives, "or")))
    return out


def impact(record: Record) -> str:
    """'Pain 4/10 now, 6/10 at worst. Working normally; sleep not disturbed. ...'."""
    i = record.impact
    parts = []
    scores = []
    if i.pain_now is not None:
        scores.append(f"{i.pain_now}/10 now")
    if i.pain_worst is not None:
        scores.append(f"{i.pain_worst}/10 at worst")
    if scores:
        parts.append(sentence("pain " + ", ".join(scores)))
    life = []
    if i.work:
        life.append(_WORK_WORDS[i.work])
    if i.sleep_disturbed is YES:
        life.append("sleep disturbed by pain")
    elif i.sleep_disturbed is NO:
        life.append("sleep not disturbed")
    if life:
        parts.append(sentence("; ".join(life)))
    if i.activities:
        parts.append(sentence(f"daily activities: {_free(i.activities)}"))
    if i.walking:
        parts.append(sentence(f"walking: {_free(i.walking)}"))
    return " ".join(parts)


def _three_way(model: type, owner: object, names: Iterable[str]) -> tuple[list[str], ...]:
    yes, no, not_asked = [], [], []
    for name in names:
        words = lower_first(model.model_fields[name].title)  # type: ignore[attr-defined]
        answer = getattr(owner, name)
        (yes if answer is YES else no if answer is NO else not_asked).append(words)
    return yes, no, not_asked


RISK_NOUNS = {
    "long_term_steroids": "long-term oral steroids",
    "osteoporosis": "osteoporosis",
    "immunosuppression": "immunosuppression",
    "injecting_drug_use": "injecting drug use",
    "recent_spinal_procedure_or_infection": "a spinal procedure or infection in the last 3 months",
    "systemic_illness": "systemic illness",
    "smoker": "smoking",
    "vascular_disease": "vascular disease",
    "known_aortic_aneurysm": "aortic aneurysm",
}


def risk_history(record: Record) -> str:
    """Past cancer and the risk-changing history: what applies, what does not, what is unasked."""
    rf = record.red_flags
    yes, _, not_asked = _three_way(RiskHistory, record.risk, RiskHistory.model_fields)
    no = [RISK_NOUNS.get(n, lower_first(f.title or n))
          for n, f in RiskHistory.model_fields.items() if getattr(record.risk, n) is NO]
    if rf.cancer_history is YES:
        detail = ", ".join(p for p in (rf.cancer_type, str(rf.cancer_year or "")) if p)
        yes.insert(0, "past or current cancer" + (f" ({detail})" if detail else ""))
    elif rf.cancer_history is NO:
        no.insert(0, "cancer")
    parts = []
    if yes:
        parts.append(sentence("relevant history: " + "; ".join(yes)))
    if no:
        parts.append(sentence("no history of " + join_words(no, "or")))
    if not_asked:
        parts.append(sentence("not asked: " + "; ".join(not_asked)))
    return " ".join(parts)


def medicines(record: Record) -> str:
    m = record.medicines
    parts = []
    if m.current_pain_medicines:
        parts.append(sentence(f"current pain medicines: {_free(m.current_pain_medicines)}"))
    taking, _, _ = _three_way(Medicines, m, SIGNIFICANT_MEDICINES)
    if taking:
        parts.append(sentence("; ".join(taking)))
    if m.pregnant_or_breastfeeding is YES:
        parts.append("Pregnant or breastfeeding.")
    elif m.pregnant_or_breastfeeding is NO:
        parts.append("Not pregnant or breastfeeding.")
    yes, no, not_asked = _three_way(Medicines, m, NSAID_CAUTIONS)
    if yes:
        parts.append(sentence("NSAID cautions: " + "; ".join(yes)))
    if no and not yes and not not_asked:
        parts.append("No NSAID cautions (kidney, heart or cardiovascular disease, GI bleed or "
                     "ulcer, anticoagulant, asthma, liver disease).")
    elif no:
        parts.append(sentence("no " + join_words(no, "or")))
    if not_asked:
        parts.append(sentence("NSAID cautions not asked: " + "; ".join(not_asked)))
    return " ".join(parts)


def inflammatory(record: Record) -> str:
    """Morning stiffness (a pointer, not an NG65 criterion) and inflammatory features."""
    h = record.history
    parts = []
    if h.morning_stiffness is YES:
        minutes = h.morning_stiffness_minutes
        if minutes is None:
            parts.append("Morning stiffness (how long not recorded).")
        elif minutes > STIFFNESS_POINTER_MINUTES:
            parts.append(f"Morning stiffness lasting about {minutes} minutes: over 30 minutes "
                         "is an inflammatory pointer (shown, not counted in NG65).")
        else:
            parts.append(f"Morning stiffness lasting about {minutes} minutes.")
    elif h.morning_stiffness is NO:
        parts.append("No morning stiffness.")
    yes, _, _ = _three_way(Inflammatory, record.inflammatory, Inflammatory.model_fields)
    if yes:
        parts.append(sentence("inflammatory features: " + "; ".join(yes)))
    return " ".join(parts)


def thoracic(record: Record) -> str:
    if record.history.thoracic_pain is YES:
        return "Also pain in the thoracic (upper or mid) spine."
    return ""


def paragraphs(record: Record) -> list[tuple[str, str]]:
    """(label, text) pairs for the note's history section, empty ones left out."""
    pairs = [
        ("Presenting", " ".join(p for p in (presenting(record), thoracic(record)) if p)),
        ("Leg symptoms", " ".join(leg_symptoms(record))),
        ("Impact", impact(record)),
        ("Risk history", risk_history(record)),
        ("Medicines", medicines(record)),
        ("Inflammatory", inflammatory(record)),
        ("Other history", record.history.notes),
    ]
    return [(label, text) for label, text in pairs if text]
