"""Which red-flag questions are still unanswered, and the clinical groups they are asked in.

One list drives two things: whether the red flags are fully screened (strong items
only) and what the completeness check asks for (strong and weak items). The GP may
record one clinical group's negatives with one answer (never all red flags at once:
clinical reference, section 5a); the record keeps which answers were recorded so,
and the note says "asked as a group".
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.record.answers import Answer, Onset, Sex, Trauma
from consult.record.model import (
    History,
    Legs,
    Medicines,
    Patient,
    Record,
    RedFlags,
    RiskHistory,
    Triggers,
    value_at,
)
from consult.rules import facts as derive_facts
from consult.rules.redflags import (
    CES_ITEMS,
    INFECTION_RISKS,
    METS_FEATURES,
    NON_SPINAL,
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
    # the rest of "Not from the spine" (reference section 2; section 1: every red-flag item
    # answered explicitly): unasked, a renal, pancreatic or pelvic cause is not ruled out
    *[("red_flags", name) for name in NON_SPINAL],
    ("risk", "known_aortic_aneurysm"),
    ("risk", "vascular_disease"),
    ("risk", "anticoagulant"),
)
WEAK_ITEMS = ("weight_loss", "night_pain_constant", "widespread_bone_pain")

_MODELS = {"red_flags": RedFlags, "risk": RiskHistory, "legs": Legs,
           "history": History, "triggers": Triggers, "patient": Patient,
           "medicines": Medicines}


# Screening answers outside red_flags.* whose Yes alone fires a row: shown like a red flag
# (the form colours their Yes, the sections list says "contains a red flag").
# Not here: answers that fire only with another (risk.anticoagulant with sudden severe pain,
# medicines.pregnant with its warning signs, a fracture risk with lifting or minor trauma).
RED_FLAG_ANSWERS = ("legs.weakness", "legs.claudication", "triggers.severe_pain_after_trauma",
                    "history.thoracic_pain", "risk.known_aortic_aneurysm")


def is_red_flag_answer(path: str) -> bool:
    """A Yes at `path` counts as a red flag on screen: every answer of the red-flag
    section, and the answers outside it whose Yes alone fires a row."""
    return path.startswith("red_flags.") or path in RED_FLAG_ANSWERS


def red_flag_paths() -> tuple[str, ...]:
    """Every answer (Yes, No, Not asked) whose Yes counts as a red flag, as dotted paths:
    the red-flag section's answers (a cauda equina item's `.answer`), then RED_FLAG_ANSWERS."""
    own = []
    for name, field in RedFlags.model_fields.items():
        if field.annotation is Answer:
            own.append(f"red_flags.{name}")
        elif name in CES_ITEMS:
            own.append(f"red_flags.{name}.answer")
    return (*own, *RED_FLAG_ANSWERS)




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
               if value_at(record, f"{s}.{f}") is NOT_ASKED]
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
        # onset decides between the weakness rows as much as the course (reference section
        # 2: weakness "recorded with onset, trajectory and severity")
        missing += [f"legs.{f}" for f in ("weakness_side", "weakness_onset", "weakness_trajectory")
                    if getattr(legs, f) is None]
        if legs.weakness_severe is NOT_ASKED:
            missing.append("legs.weakness_severe")
    if rf.fever_or_unwell is YES and rf.sepsis_signs is NOT_ASKED:
        missing.append("red_flags.sepsis_signs")
    if may_be_pregnant(record) and record.medicines.pregnant is NOT_ASKED:
        # the obstetric emergency row needs it: never read as not pregnant unasked
        missing.append("medicines.pregnant")
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


def may_be_pregnant(record: Record) -> bool:
    """Pregnancy is asked of anyone not recorded male, aged 55 or under (or age unknown)."""
    if record.patient.sex is Sex.MALE:
        return False
    age = derive_facts.derive(record).age
    return age is None or age <= 55


@dataclass(frozen=True)
class Group:
    """A clinical group of red-flag questions a GP asks together (clinical reference, 5a)."""

    id: str
    title: str
    paths: tuple[str, ...]  # in call order; follow-ups count only when they apply


# Never all red flags at once: a GP may record one group's negatives with one answer.
GROUPS: tuple[Group, ...] = (
    Group("cauda_equina", "Cauda equina", tuple(f"red_flags.{n}.answer" for n in CES_ITEMS)),
    # the weak flags are asked with cancer ("any weight loss, night pain, bone pain
    # elsewhere?"), as NICE CKS lists them; they still count in combination
    Group("cancer", "Cancer", (
        "red_flags.cancer_history", "red_flags.gait_disturbance",
        *(f"red_flags.{f}" for f in METS_FEATURES), "red_flags.suspected_cord_compression",
        *(f"red_flags.{f}" for f in WEAK_ITEMS))),
    Group("infection", "Infection", (
        "red_flags.fever_or_unwell", "red_flags.sepsis_signs",
        *(f"risk.{r}" for r in INFECTION_RISKS), "red_flags.new_constant_severe_pain")),
    # an oral corticosteroid now is a fracture risk too (redflags.fracture_findings): asked
    # with the long-term steroids, or the fracture follow-ups stay "not asked" on the note
    Group("fracture", "Fracture", (
        "red_flags.sudden_severe_new_pain", "red_flags.spinal_deformity", "risk.osteoporosis",
        "risk.long_term_steroids", "medicines.oral_corticosteroid", "red_flags.cannot_mobilise",
        "red_flags.pain_uncontrolled")),
    Group("not_spinal", "Pain that may not come from the spine", (
        "red_flags.nonmechanical_sudden_severe_pain", "red_flags.collapse_or_faint",
        "risk.known_aortic_aneurysm", "risk.vascular_disease", "risk.anticoagulant",
        "red_flags.loin_pain_fever_urinary", "red_flags.colicky_loin_to_groin",
        "red_flags.epigastric_to_back", "red_flags.pelvic_or_pregnancy_pain",
        "history.thoracic_pain")),
)
GROUP_BY_ID = {g.id: g for g in GROUPS}


def group_of(path: str) -> Group | None:
    return next((g for g in GROUPS if path in g.paths), None)


def record_group_as_no(record: Record, group_id: str) -> list[str]:
    """Record every question of one group that applies and is still "not asked" as No,
    and remember that they were asked as a group (the note says so); return the paths.

    Answers already given are never changed, and a follow-up question is never filled
    in: one that applies is asked only because of another answer (sepsis signs after a
    fever, collapse after sudden severe pain, the metastasis features and gait after a
    cancer history, cannot mobilise or pain uncontrolled when a fracture is suspected,
    new constant severe pain after an infection risk), so it is part of a positive
    finding and decides how urgent it is: it stays "not asked", to be asked on its own
    (CSO review 2026-12-07b, finding 1). Nor is an item the leg answers already make Yes
    (numbness or pain below the knee in both legs: completeness.implied_yes). Questions of
    other groups are untouched.
    """
    # imported here: followups and completeness import the rules that import this module
    from consult.rules import followups
    from consult.rules.completeness import implied_yes

    implied = implied_yes(record)  # the leg answers make these Yes: never recorded No
    changed = []
    for path in GROUP_BY_ID[group_id].paths:
        if path in followups.RULES or path in implied:
            continue  # hidden (its parent is No or not asked), a positive's detail, or Yes
        parent_path, _, leaf = path.rpartition(".")
        parent = value_at(record, parent_path)
        if getattr(parent, leaf) is NOT_ASKED:
            setattr(parent, leaf, Answer.NO)
            changed.append(path)
    if changed:
        record.red_flags.asked_as_group = [
            *[p for p in record.red_flags.asked_as_group if p not in changed], *changed]
    return changed


def answered_one_by_one(record: Record, path: str) -> None:
    """The GP answered `path` on its own: it is no longer "asked as a group" (CSO review
    2026-12-07b, finding 5: a grouped No answered again one by one still read so)."""
    if path in record.red_flags.asked_as_group:
        record.red_flags.asked_as_group = [
            p for p in record.red_flags.asked_as_group if p != path]


def asked_as_group(record: Record, path: str) -> bool:
    """The answer at `path` is a No recorded with its group's one answer."""
    return path in record.red_flags.asked_as_group and value_at(record, path) is Answer.NO
