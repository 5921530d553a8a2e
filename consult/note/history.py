"""The history as sentences a GP would write, built from the recorded answers.

Only what was recorded is said: an unknown value is left out of its sentence
(never "None" or "?"), and a screening item that was not asked is never
written as a negative finding. Each function returns plain text (no markup);
the renderers escape it.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    Onset,
    OnsetSpeed,
    PainPattern,
    PainSite,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    WorkStatus,
)
from consult.record.model import Inflammatory, Medicines, Record, RedFlags, RiskHistory
from consult.rules.followups import applies
from consult.rules.suggestions import steroids_as_corticosteroid

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
WEAKNESS_ONSET_WORDS = {WeaknessOnset.WITHIN_3_MONTHS: "started within the last 3 months",
                        WeaknessOnset.LONGER: "present for more than 3 months",
                        WeaknessOnset.UNSURE: "onset unsure"}
WORSE_WORDS = {"yes": "worse in the last 14 days", "no": "not worse in the last 14 days",
               "unsure": "unsure whether worse in the last 14 days"}
TRAJECTORY_WORDS = {Trajectory.WORSE: "getting worse", Trajectory.SAME: "not changing",
                     Trajectory.BETTER: "getting better",
                     Trajectory.UNSURE: "unsure whether it is getting worse"}
CLAUDICATION_WORDS = {Duration3Months.UNDER_3_MONTHS: "for under 3 months",
                      Duration3Months.OVER_3_MONTHS: "for more than 3 months",
                      Duration3Months.UNSURE: "for how long unsure"}
SITE_WORDS = {PainSite.LOWER_BACK: "lower back pain",
              PainSite.LOWER_BACK_SPREADING:
                  "lower back pain spreading into the buttocks or upper legs",
              PainSite.THORACIC: "thoracic (upper or mid) back pain",
              PainSite.WITH_ABDOMINAL_OR_LOIN: "back pain with abdominal or loin pain"}
CHARACTER_WORDS = {Character.DULL_ACHING: "dull or aching", Character.SHARP: "sharp"}
COURSE_WORDS = {Course.BETTER: "getting better since it started",
                Course.SAME: "the same since it started",
                Course.WORSE: "getting worse since it started"}
NSAID_TRIED_WORDS = {
    NsaidTried.NOT_TRIED: "no NSAID tried for this episode",
    NsaidTried.HELPING: "an NSAID tried for this episode is helping",
    NsaidTried.NOT_TOLERATED: "an NSAID tried for this episode was not tolerated",
    NsaidTried.NOT_EFFECTIVE: "an NSAID tried for this episode was not effective",
}
JOB_WORDS = {JobDemands.MANUAL: "manual work", JobDemands.DRIVING: "driving",
             JobDemands.DESK: "desk work", JobDemands.OTHER: "other work"}
# NSAID cautions (clinical reference, section 1): conditions, then the medicines that
# raise NSAID risk. The anticoagulant is asked in the risk history.
NSAID_CAUTIONS = ("kidney_disease", "heart_failure_or_cvd", "gi_bleed_or_ulcer",
                  "nsaid_sensitive_asthma", "liver_disease")
NSAID_RISK_MEDICINES = ("antiplatelet", "oral_corticosteroid", "ssri_snri",
                        "ace_arb_with_diuretic", "lithium", "methotrexate")
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
    """'Three-week history of gradual-onset lower back pain after lifting, ...', then the
    previous episodes, spinal surgery, spasm and movement in the order of the call."""
    h, t, legs = record.history, record.triggers, record.legs
    duration = duration_phrase(h.duration_value, h.duration_unit)
    under = h.duration_value == 0
    head = f"{duration} history of" if duration and not under else "history of"
    onset = {OnsetSpeed.SUDDEN: "sudden-onset ", OnsetSpeed.GRADUAL: "gradual-onset ",
             None: ""}[h.onset]
    site = SITE_WORDS[h.site] if h.site else "lower back pain"
    text = f"{head} {onset}{site}"
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
    if h.character:
        qualities.append(CHARACTER_WORDS[h.character])
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
    parts = [sentence(text)]
    if h.previous_episodes and applies(record, "history.previous_episodes"):
        parts.append(sentence(f"previous episodes: {_free(h.previous_episodes)}"))
    if h.spinal_surgery is YES:
        parts.append("Previous spinal surgery.")
    elif h.spinal_surgery is NO:
        parts.append("No previous spinal surgery.")
    yes, no, _ = _three_way(type(h), h, ("muscle_spasm", "reduced_movement"))
    if yes:
        parts.append(sentence("; ".join(yes)))
    if no:
        parts.append(sentence("no " + join_words(no, "or")))
    return " ".join(parts)


def course(record: Record) -> str:
    """'Getting worse since it started. An NSAID tried for this episode was not tolerated.'"""
    h = record.history
    parts = []
    if h.course:
        parts.append(sentence(COURSE_WORDS[h.course]))
    if h.nsaid_tried:
        parts.append(sentence(NSAID_TRIED_WORDS[h.nsaid_tried]))
    if h.treatment_tried:
        parts.append(sentence(f"other treatment tried: {_free(h.treatment_tried)}"))
    return " ".join(parts)


def leg_symptoms(record: Record) -> list[str]:
    """One sentence each for leg pain, numbness, weakness and claudication recorded Yes
    (a recorded Yes is never left out, even where "any leg symptoms" was not answered
    Yes); a detail only when its own question (pain, numbness, weakness) is Yes."""
    legs = record.legs

    def asked(name: str) -> bool:
        if name in ("pain", "numbness", "weakness", "claudication"):
            return True
        parent = name.split("_", 1)[0]
        return getattr(legs, parent) is YES

    out = []
    if legs.pain is YES and asked("pain"):
        text = "leg pain"
        if legs.pain_side and asked("pain_side"):
            text = f"pain in {SIDE_WORDS[legs.pain_side]}"
        if legs.pain_extent is LegExtent.BELOW_KNEE and asked("pain_extent"):
            text += ", reaching below the knee"
        elif legs.pain_extent is LegExtent.ABOVE_KNEE and asked("pain_extent"):
            text += ", above the knee only"
        if asked("pain_intolerable"):
            if legs.pain_intolerable is YES:
                text += "; severe or intolerable (GP's judgement)"
            elif legs.pain_intolerable is NO:
                text += "; not severe or intolerable (GP's judgement)"
        out.append(sentence(text))
    if legs.numbness is YES and asked("numbness"):
        text = "numbness or pins and needles"
        if legs.numbness_side and asked("numbness_side"):
            text += f" in {SIDE_WORDS[legs.numbness_side]}"
        if legs.numbness_where and asked("numbness_where"):
            text += f" ({_free(legs.numbness_where)})"
        out.append(sentence(text))
    if legs.weakness is YES and asked("weakness"):
        text = "weakness"
        if legs.weakness_side and asked("weakness_side"):
            text += f" in {SIDE_WORDS[legs.weakness_side]}"
        details = []
        if legs.weakness_onset and asked("weakness_onset"):
            details.append(WEAKNESS_ONSET_WORDS[legs.weakness_onset])
        if legs.weakness_trajectory and asked("weakness_trajectory"):
            details.append(TRAJECTORY_WORDS[legs.weakness_trajectory])
        if details:
            text += ", " + ", ".join(details)
        if asked("weakness_severe"):
            if legs.weakness_severe is YES:
                text += "; severe: foot drop, slapping gait or leg giving way"
            elif legs.weakness_severe is NO:
                text += "; no foot drop, slapping gait or leg giving way"
        out.append(sentence(text))
    if legs.claudication is YES and asked("claudication"):
        text = "pain in both legs on walking or standing, eased by sitting or bending forward"
        if legs.claudication_duration and asked("claudication_duration"):
            text += f", {CLAUDICATION_WORDS[legs.claudication_duration]}"
        out.append(sentence(text))
    negatives = [w for w, a in (("leg pain", legs.pain), ("numbness", legs.numbness),
                                ("weakness", legs.weakness),
                                ("claudication (pain in both legs on walking, eased by "
                                 "sitting)", legs.claudication)) if a is NO]
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
        work = _WORK_WORDS[i.work]
        if i.job_demands and applies(record, "impact.job_demands"):
            work += f" (job: {JOB_WORDS[i.job_demands]})"
        life.append(work)
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
    if i.main_concern:
        parts.append(sentence(f"main concern and what they hope for: {_free(i.main_concern)}"))
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
    "osteoporosis": "osteoporosis or a previous fragility fracture",
    "immunosuppression": "immunosuppression",
    "injecting_drug_use": "injecting drug use",
    "recent_spinal_procedure_or_infection": "a spinal procedure or infection in the last 3 months",
    "systemic_illness": "systemic illness",
    "smoker": "smoking",
    "vascular_disease": "vascular disease",
    "known_aortic_aneurysm": "aortic aneurysm",
    "anticoagulant": "anticoagulant treatment",
}


def risk_history(record: Record) -> str:
    """Past cancer and the risk-changing history (the anticoagulant included): what
    applies, what does not, what is unasked."""
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


def _medicine_noun(name: str) -> str:
    """'Takes an SSRI or SNRI' -> 'an SSRI or SNRI'."""
    title = Medicines.model_fields[name].title or name
    return title.removeprefix("Takes ")


def medicines(record: Record) -> str:
    """Pain medicines, the NSAID cautions and the medicines that raise NSAID risk
    (pregnancy and breastfeeding are their own lines: `pregnancy`, `breastfeeding`)."""
    m = record.medicines
    parts = []
    if m.current_pain_medicines:
        parts.append(sentence(f"current pain medicines: {_free(m.current_pain_medicines)}"))
    taking, _, _ = _three_way(Medicines, m, SIGNIFICANT_MEDICINES)
    if taking:
        parts.append(sentence("; ".join(taking)))
    yes, no, not_asked = _three_way(Medicines, m, NSAID_CAUTIONS)
    if yes:
        parts.append(sentence("NSAID cautions: " + "; ".join(yes)))
    if no and not yes and not not_asked:
        parts.append("No NSAID cautions (kidney disease, heart failure or cardiovascular "
                     "disease, past GI bleed or ulcer, asthma made worse by NSAIDs, liver "
                     "disease).")
    elif no:
        parts.append(sentence("no " + join_words(no, "or")))
    if not_asked:
        parts.append(sentence("NSAID cautions not asked: " + "; ".join(not_asked)))
    # long-term oral steroids (risk history) are an oral corticosteroid: never "takes
    # none" or "not asked" beside them (CSO review 2026-12-07, finding 7)
    steroids = steroids_as_corticosteroid(record)
    risk_medicines = tuple(n for n in NSAID_RISK_MEDICINES
                           if not (steroids and n == "oral_corticosteroid"))
    yes, no, not_asked = _three_way(Medicines, m, risk_medicines)
    if record.risk.anticoagulant is YES:
        yes.insert(0, "takes an anticoagulant (see the risk history)")
    if steroids:
        yes.append("long-term oral steroids (see the risk history)")
    if yes:
        parts.append(sentence("medicines that raise NSAID risk: " + "; ".join(yes)))
    nouns = [_medicine_noun(n) for n in risk_medicines if getattr(m, n) is NO]
    if nouns and len(nouns) == len(NSAID_RISK_MEDICINES):
        parts.append("Takes none of the medicines that raise NSAID risk (antiplatelet, oral "
                     "corticosteroid, SSRI or SNRI, ACE inhibitor or angiotensin receptor "
                     "blocker with a diuretic, lithium, methotrexate).")
    elif nouns:
        parts.append(sentence("does not take " + join_words(nouns, "or")))
    if not_asked:
        parts.append(sentence("medicines that raise NSAID risk not asked: "
                              + "; ".join(not_asked)))
    return " ".join(parts)


def pregnancy(record: Record) -> str:
    """Pregnancy (or birth in the last 6 weeks), with its warning signs; '' when the
    question does not apply (a male patient)."""
    m, rf = record.medicines, record.red_flags
    if not applies(record, "medicines.pregnant"):
        return ""
    if m.pregnant is YES:
        text = "Pregnant, or gave birth in the last 6 weeks."
        signs = RedFlags.model_fields["pregnancy_warning_signs"].title or ""
        signs = signs.removeprefix("In pregnancy: ")
        if rf.pregnancy_warning_signs is YES:
            text += f" Warning signs: {signs}."
        elif rf.pregnancy_warning_signs is NO:
            text += f" No warning signs ({signs})."
        else:
            text += f" Warning signs not asked ({signs})."
        return text
    if m.pregnant is NO:
        return "Not pregnant, and has not given birth in the last 6 weeks."
    return "Not asked."


def breastfeeding(record: Record) -> str:
    """Breastfeeding, a question of its own (it is not pregnancy); '' when it does not apply."""
    if not applies(record, "medicines.breastfeeding"):
        return ""
    return {YES: "Breastfeeding.", NO: "Not breastfeeding.",
            NOT_ASKED: "Not asked."}[record.medicines.breastfeeding]


def inflammatory(record: Record) -> str:
    """Stiffness (a pointer, not an NG65 criterion) and inflammatory features."""
    h = record.history
    parts = []
    morning, after_rest = h.morning_stiffness is YES, h.stiffness_after_rest is YES
    if morning or after_rest:
        what = ("Morning stiffness and stiffness after rest" if morning and after_rest
                else "Morning stiffness" if morning else "Stiffness after rest")
        minutes = h.morning_stiffness_minutes
        if minutes is None:
            parts.append(f"{what} (how long not recorded).")
        elif morning and minutes > STIFFNESS_POINTER_MINUTES:
            parts.append(f"{what} lasting about {minutes} minutes: over 30 minutes "
                         "is an inflammatory pointer (shown, not counted in NG65).")
        else:
            parts.append(f"{what} lasting about {minutes} minutes.")
    negatives = [w for w, a in (("morning stiffness", h.morning_stiffness),
                                ("stiffness after rest", h.stiffness_after_rest)) if a is NO]
    if negatives:
        parts.append(sentence("no " + join_words(negatives, "or")))
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
        ("Course", course(record)),
        ("Leg symptoms", " ".join(leg_symptoms(record))),
        ("Impact", impact(record)),
        ("Risk history", risk_history(record)),
        ("Medicines", medicines(record)),
        ("Pregnancy", pregnancy(record)),
        ("Breastfeeding", breastfeeding(record)),
        ("Inflammatory", inflammatory(record)),
        ("Other history", record.history.notes),
    ]
    return [(label, text) for label, text in pairs if text]
