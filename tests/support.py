"""Test helpers: example records and a complete record with no positive finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from consult import resources
from consult.record import file as recordfile
from consult.record.answers import (
    Answer,
    DurationUnit,
    Episode,
    InfoMethod,
    Mode,
    OnsetSpeed,
    PainPattern,
    Sex,
    Trigger,
    WorkStatus,
)
from consult.record.model import Record
from consult.rules import plan, screening

EXAMPLES = ("mechanical", "sciatica", "cauda-equina", "inflammatory", "fracture", "infection")
NO = Answer.NO


def example_path(name: str) -> Path:
    return resources.path("examples", f"{name}.json")


def load_example(name: str) -> Record:
    return recordfile.load(example_path(name))


def negative_record() -> Record:
    """A complete, finalisable record: a 41-year-old, 3 weeks of mechanical pain, every flag No."""
    r = Record()
    r.practice.name = "Riverside Medical Practice"
    r.practice.address = "1 River Road, Exampletown, EX1 2AB"
    c = r.consultation
    c.date = dt.date(2026, 11, 20)
    c.time = dt.time(9, 40)
    c.mode = Mode.TELEPHONE
    c.clinician_name = "Dr Asha Patel"
    c.gmc_number = "7654321"
    c.identity_confirmed = Answer.YES
    c.consent = Answer.YES
    c.patient_location = "Home"
    p = r.patient
    p.given_name, p.family_name = "Sam", "Taylor"
    p.date_of_birth = dt.date(1985, 4, 5)
    p.sex = Sex.MALE
    p.nhs_number = "943 476 5919"
    h = r.history
    h.onset, h.duration_value, h.duration_unit = OnsetSpeed.GRADUAL, 3, DurationUnit.WEEKS
    h.episode, h.pattern = Episode.FIRST, PainPattern.INTERMITTENT
    h.worse_with_movement, h.worse_with_sitting = Answer.YES, Answer.YES
    h.worse_at_night, h.morning_stiffness, h.thoracic_pain = NO, NO, NO
    r.triggers.triggers = [Trigger.LIFTING]
    r.impact.pain_now, r.impact.pain_worst = 4, 6
    r.impact.work = WorkStatus.NORMAL
    r.impact.sleep_disturbed = NO
    r.legs.symptoms = NO
    r.legs.pain = r.legs.numbness = r.legs.weakness = NO
    deny_unanswered_red_flags(r)
    rf = r.red_flags
    for name in ("loin_pain_fever_urinary", "colicky_loin_to_groin", "epigastric_to_back",
                 "pelvic_or_pregnancy_pain", "gait_disturbance", "new_constant_severe_pain",
                 "cannot_mobilise", "pain_uncontrolled", "collapse_or_faint",
                 "sepsis_signs", "pregnancy_warning_signs"):
        setattr(rf, name, NO)
    for name in type(r.medicines).model_fields:
        if getattr(r.medicines, name) is Answer.NOT_ASKED:
            setattr(r.medicines, name, NO)
    for name in type(r.risk).model_fields:
        setattr(r.risk, name, NO)
    accept_suggestions(r)
    return r


def accept_suggestions(r: Record) -> Record:
    """What the GP's 'accept the suggested plan' does: copy every suggestion, confirm."""
    plan.accept_suggestions(r)
    r.plan.safety_netting_given = Answer.YES
    r.plan.ces_card_given = Answer.YES
    r.plan.ces_info_how = [InfoMethod.PRINTED]
    r.plan.follow_up = "Contact the practice if not improving in 4 weeks."
    plan.confirm(r)
    return r


def deny_unanswered_red_flags(r: Record) -> None:
    """Every red-flag question still unanswered recorded No, one by one (as a GP who
    asked each would), never a detail that belongs to a Yes."""
    from consult.record.answers import Answer, Trauma

    for path in screening.unscreened_strong(r) + screening.unanswered_weak(r):
        if path in ("legs.symptoms", "patient.date_of_birth"):
            continue
        owner_path, _, leaf = path.rpartition(".")
        owner: object = r
        for part in owner_path.split("."):
            owner = getattr(owner, part)
        if getattr(owner, leaf) is Answer.NOT_ASKED:
            setattr(owner, leaf, Answer.NO)
        elif path == "triggers.trauma":
            r.triggers.trauma = Trauma.NONE
