"""Which red-flag questions are still unanswered.

One list drives three things: whether the red flags are fully screened (strong
items only), what the completeness check asks for (strong and weak items), and
the GP's "record the remaining red flags as No" action, which touches only
unanswered items.
"""

from __future__ import annotations

from consult import facts as derive_facts
from consult.answers import Answer, Onset, Trauma
from consult.record import (
    History,
    Legs,
    Medicines,
    Patient,
    Record,
    RedFlags,
    RiskHistory,
    Triggers,
)
from consult.rules.redflags import (
    CES_ITEMS,
    INFECTION_RISKS,
    METS_FEATURES,
    fracture_findings,
    title,
)

NOT_ASKED = Answer.NOT_ASKED
YES = Answer.YES

# (section, field) pairs always required for the strong-flag screen.
STRONG_ALWAYS = (
    *[("red_flags", f"{name}.answer") for name in CES_ITEMS],
    ("red_flags", "cancer_history"),
    ("red_flags", "suspected_cord_compression"),
    ("red_flags", "fever_or_unwell"),
    *[("risk", name) for name in INFECTION_RISKS],
    ("red_flags", "sudden_severe_new_pain"),
    ("red_flags", "spinal_deformity"),
    ("risk", "osteoporosis"),
    ("risk", "long_term_steroids"),
    ("red_flags", "nonmechanical_sudden_severe_pain"),
    ("risk", "known_aortic_aneurysm"),
    ("risk", "vascular_disease"),
    ("risk", "anticoagulant"),
)
NOT_RED_FLAGS = ("legs.symptoms", "patient.date_of_birth")
WEAK_ITEMS = ("weight_loss", "night_pain_constant", "widespread_bone_pain")

_MODELS = {"red_flags": RedFlags, "risk": RiskHistory, "legs": Legs,
           "history": History, "triggers": Triggers, "patient": Patient,
           "medicines": Medicines}


def _get(record: Record, path: str) -> object:
    value: object = record
    for part in path.split("."):
        value = getattr(value, part)
    return value


def label(path: str) -> str:
    section, field = path.split(".", 1)
    return title(_MODELS[section], field.split(".")[0])


def question(path: str) -> str:
    """An unanswered screening path as the question still to ask, in words."""
    text = label(path)
    if path.endswith(".onset"):
        return f"{text}: when it started"
    if path.endswith(".worse_last_14_days"):
        return f"{text}: worse in the last 14 days?"
    return text


def unscreened_strong(record: Record) -> list[str]:
    """Field paths of strong-flag questions (and their required details) not yet answered."""
    rf, risk, legs = record.red_flags, record.risk, record.legs
    missing = [f"{s}.{f}" for s, f in STRONG_ALWAYS
               if _get(record, f"{s}.{f}") is NOT_ASKED]
    for name in CES_ITEMS:
        item = getattr(rf, name)
        if item.answer is YES:
            if item.onset is None:
                missing.append(f"red_flags.{name}.onset")
            elif item.onset is Onset.MORE_THAN_14_DAYS and item.worse_last_14_days is None:
                missing.append(f"red_flags.{name}.worse_last_14_days")
    if rf.cancer_history is YES:
        missing += [f"red_flags.{f}" for f in (*METS_FEATURES, "gait_disturbance")
                    if getattr(rf, f) is NOT_ASKED]
        if record.history.thoracic_pain is NOT_ASKED:
            missing.append("history.thoracic_pain")
    if any(getattr(risk, r) is YES for r in INFECTION_RISKS) \
            and rf.new_constant_severe_pain is NOT_ASKED:
        missing.append("red_flags.new_constant_severe_pain")
    if record.triggers.trauma is Trauma.NOT_ASKED:
        missing.append("triggers.trauma")
    elif record.triggers.trauma is Trauma.MINOR \
            and record.triggers.severe_pain_after_trauma is NOT_ASKED:
        missing.append("triggers.severe_pain_after_trauma")
    if legs.symptoms is NOT_ASKED:
        missing.append("legs.symptoms")  # the leg weakness question follows from it
    elif legs.symptoms is YES and legs.weakness is NOT_ASKED:
        missing.append("legs.weakness")
    if legs.weakness is YES:
        missing += [f"legs.{f}" for f in ("weakness_side", "weakness_trajectory")
                    if getattr(legs, f) is None]
        if legs.weakness_severe is NOT_ASKED:
            missing.append("legs.weakness_severe")
    if rf.fever_or_unwell is YES and rf.sepsis_signs is NOT_ASKED:
        missing.append("red_flags.sepsis_signs")
    if record.medicines.pregnant is YES and rf.pregnancy_warning_signs is NOT_ASKED:
        missing.append("red_flags.pregnancy_warning_signs")
    if fracture_findings(record, derive_facts.derive(record)):
        missing += [f"red_flags.{f}" for f in ("cannot_mobilise", "pain_uncontrolled")
                    if getattr(rf, f) is NOT_ASKED]
    if rf.nonmechanical_sudden_severe_pain is YES and rf.collapse_or_faint is NOT_ASKED:
        missing.append("red_flags.collapse_or_faint")
    age_decides = rf.nonmechanical_sudden_severe_pain is YES or rf.weight_loss is YES
    if age_decides and not (record.patient.date_of_birth and record.consultation.date):
        missing.append("patient.date_of_birth")  # age over 50 / 60 changes these rows
    return missing


def positive_red_flags(record: Record, *, weak: bool = True) -> list[str]:
    """Labels of every red-flag question answered Yes (the note puts them on page 1)."""
    rf = record.red_flags
    found = [title(RedFlags, name) for name in CES_ITEMS
             if getattr(rf, name).answer is YES]
    for name, field in RedFlags.model_fields.items():
        if name in CES_ITEMS or (not weak and name in WEAK_ITEMS):
            continue
        if getattr(rf, name) is YES:
            found.append(field.title or name)
    if record.triggers.trauma is Trauma.MAJOR:
        found.append("Major trauma")
    if record.triggers.severe_pain_after_trauma is YES and record.triggers.trauma is Trauma.MINOR:
        found.append(title(Triggers, "severe_pain_after_trauma"))
    if record.history.thoracic_pain is YES:
        found.append(title(History, "thoracic_pain"))
    return found


def unanswered_weak(record: Record) -> list[str]:
    return [f"red_flags.{f}" for f in WEAK_ITEMS
            if getattr(record.red_flags, f) is NOT_ASKED]


def record_remaining_as_no(record: Record) -> list[str]:
    """Set every unanswered red-flag question to No; return the paths changed.

    Details that belong to a "yes" (onset, trajectory, type of cancer) are
    never filled in: they need the GP's own answer.
    """
    changed = []
    for path in unscreened_strong(record) + unanswered_weak(record):
        if path in NOT_RED_FLAGS:
            continue  # asked in their own sections; the GP answers them there
        parent_path, _, leaf = path.rpartition(".")
        parent = _get(record, parent_path)
        if getattr(parent, leaf, None) is NOT_ASKED:
            setattr(parent, leaf, Answer.NO)
            changed.append(path)
        elif path == "triggers.trauma":
            record.triggers.trauma = Trauma.NONE
            changed.append(path)
    return changed
