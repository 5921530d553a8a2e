"""What must be done before a note can be finalised.

Every problem names the field path (as in the record file, e.g.
`patient.nhs_number`) and says in a sentence a GP understands what is missing
or does not make sense. An empty list means the record can be finalised.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from consult.record.answers import Answer, Side
from consult.record.model import Record, value_at
from consult.rules import followups, screening
from consult.rules.assessment import Assessment
from consult.rules.engine import assess
from consult.rules.facts import derive
from consult.rules.plan import is_stale as plan_is_stale
from consult.rules.redflags import long_standing_claudication
from consult.rules.suggestions import holds_ces_item

YES, NOT_ASKED = Answer.YES, Answer.NOT_ASKED


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)
    field: str
    message: str


def problems(record: Record, today: dt.date | None = None,
             assessment: Assessment | None = None) -> list[Problem]:
    """`assessment`, when given, must be `assess(record)` (saves assessing twice)."""
    today = today or dt.date.today()
    found: list[Problem] = []

    def need(ok: object, field: str, message: str) -> None:
        if not ok:
            found.append(Problem(field=field, message=message))

    c, p, h, legs, plan = (record.consultation, record.patient, record.history,
                           record.legs, record.plan)
    facts = derive(record)

    # Consultation and identity
    need(c.date, "consultation.date", "Enter the date of the consultation.")
    if c.date and c.date > today:
        need(False, "consultation.date", "The consultation date is in the future.")
    need(c.time, "consultation.time", "Enter the time of the consultation (24-hour).")
    need(c.mode, "consultation.mode",
         "Record how the consultation took place (telephone, video or face to face).")
    need(c.clinician_name, "consultation.clinician_name", "Enter the clinician's name.")
    need(c.gmc_number, "consultation.gmc_number", "Enter the clinician's 7-digit GMC number.")
    need(c.identity_confirmed is YES, "consultation.identity_confirmed",
         "Confirm the patient's identity before finalising.")
    if c.mode is not None and c.mode.value != "face_to_face":
        need(c.consent is YES, "consultation.consent",
             "Record the patient's consent to a remote consultation.")

    # Patient
    need(p.family_name, "patient.family_name", "Enter the patient's family name.")
    need(p.given_name, "patient.given_name", "Enter the patient's given name.")
    need(p.date_of_birth, "patient.date_of_birth", "Enter the patient's date of birth.")
    need(p.sex, "patient.sex", "Record the patient's sex.")
    need(p.nhs_number, "patient.nhs_number", "Enter the patient's NHS number.")
    if p.date_of_birth and c.date and p.date_of_birth >= c.date:
        need(False, "patient.date_of_birth",
             "The date of birth must be before the consultation date.")
    elif facts.age is not None and facts.age < 16:
        need(False, "patient.date_of_birth",
             f"The patient is {facts.age}: outside this tool's scope, which covers "
             "adults aged 16 and over (NICE NG59). Assess with paediatric guidance.")
    elif facts.age is not None and facts.age > 125:
        need(False, "patient.date_of_birth", "Check the date of birth: the age is over 125.")

    # Duration and pattern
    need(h.duration_value is not None and h.duration_unit is not None,
         "history.duration_value", "Record how long the pain has lasted.")
    need(h.onset, "history.onset", "Record whether the pain started suddenly or gradually.")
    need(h.episode, "history.episode", "Record whether this is a first episode or recurrent.")
    if YES not in (h.morning_stiffness, h.stiffness_after_rest) and h.morning_stiffness_minutes:
        need(False, "history.morning_stiffness_minutes",
             "Stiffness minutes are recorded but stiffness is not: check both.")
    if facts.onset_age is not None and facts.onset_age < 0:
        need(False, "history.duration_value",
             "The pain cannot have started before birth: check the duration.")

    # Triggers
    t = record.triggers
    if t.trauma.value in ("none", "not_asked") and t.severe_pain_after_trauma is YES:
        need(False, "triggers.severe_pain_after_trauma",
             "Severe pain after trauma is recorded without any trauma: check the trauma answer.")

    # Impact
    i = record.impact
    if i.pain_now is not None and i.pain_worst is not None and i.pain_worst < i.pain_now:
        need(False, "impact.pain_worst", "Pain at worst cannot be lower than pain now.")

    # Leg symptoms
    need(legs.symptoms is not NOT_ASKED, "legs.symptoms", "Record whether there are leg symptoms.")
    details = {"pain": legs.pain, "numbness": legs.numbness, "weakness": legs.weakness}
    if legs.symptoms is YES:
        for name, answer in details.items():
            need(answer is not NOT_ASKED, f"legs.{name}",
                 f"Leg symptoms are recorded: record whether there is leg {name}.")
        need(any(a is YES for a in details.values()), "legs.symptoms",
             "Leg symptoms are recorded yes but none of pain, numbness or weakness is yes.")
    if legs.symptoms is Answer.NO and any(a is YES for a in details.values()):
        need(False, "legs.symptoms",
             "No leg symptoms is recorded, yet leg pain, numbness or weakness is yes: check.")
    if legs.pain is YES:
        need(legs.pain_side, "legs.pain_side", "Record which leg the pain is in.")
        need(legs.pain_extent, "legs.pain_extent", "Record whether the leg pain goes below the knee.")
    if legs.numbness is YES:
        need(legs.numbness_side, "legs.numbness_side", "Record which leg is numb.")
    if legs.weakness is not YES and (legs.weakness_trajectory or legs.weakness_side
                                     or legs.weakness_severe is YES):
        need(False, "legs.weakness",
             "Weakness details (course, side or severity) are recorded but weakness is not: check.")
    _bilateral_consistency(record, need)

    # Answers an earlier record format could not carry over: ask again
    for note in record.upgrade_notes:
        value = value_at(record, note.field)
        if (value.value if value is not None else None) in note.still or value is None:
            need(False, note.field, note.text)

    # Red flags: strong and weak, with their required details. A question that does
    # not apply to this record (followups.Applicability, the rule the notes print
    # "not applicable" by) is never asked for.
    applicable = followups.Applicability(record)
    for path in screening.unscreened_strong(record) + screening.unanswered_weak(record):
        if all(p.field != path for p in found) and applicable(path):
            need(False, path, f"Red flag not yet answered: {screening.label(path)}.")
    rf = record.red_flags
    if rf.cancer_history is YES:
        need(rf.cancer_type, "red_flags.cancer_type", "Record the type of cancer.")
        need(rf.cancer_year, "red_flags.cancer_year", "Record the year the cancer was diagnosed.")
    if rf.cancer_year and p.date_of_birth and rf.cancer_year < p.date_of_birth.year:
        need(False, "red_flags.cancer_year", "The cancer year is before the date of birth.")
    if rf.cancer_year and c.date and rf.cancer_year > c.date.year:
        need(False, "red_flags.cancer_year", "The cancer year is after the consultation date.")

    if legs.claudication is YES:
        need(legs.claudication_duration, "legs.claudication_duration",
             "Record how long the pain in both legs on walking has lasted.")

    # Plan
    if holds_ces_item(plan):
        # the plan's item is the GP's choice, never the act: given (and how) or not is asked
        # (CSO review 2026-12-07c, A3: a ticked item with no answer left no trace)
        need(plan.ces_card_given is not NOT_ASKED, "plan.ces_card_given",
             "Record whether the written cauda equina information was given, and how.")
    if plan.ces_card_given is YES:
        need(plan.ces_info_how, "plan.ces_info_how",
             "Record how the cauda equina information was given: printed, SMS, email or "
             "read aloud.")
    need(plan.safety_netting_given is YES, "plan.safety_netting_given",
         "Record that safety-netting advice was given.")
    need(plan.items, "plan.items", "The plan is empty: accept suggestions or add your own items.")
    need(plan.confirmed, "plan.confirmed", "Confirm the plan: the GP has the last word.")
    if plan_is_stale(record, assessment or assess(record)):
        need(False, "plan.confirmed",
             "The answers or the plan changed after the plan was confirmed: "
             "review the plan and confirm it again.")
    return found


def implied_yes(record: Record) -> dict[str, str]:
    """The cauda equina items the leg answers already make Yes ({path: why}): numbness in
    both legs, pain below the knee in both legs. A group's "all denied" never records
    them as No (a GP's walk-through, 2026-12-07: Ctrl+G wrote "sciatica in both legs:
    No" for a patient with pain below both knees)."""
    legs = record.legs
    found = {}
    if legs.numbness is YES and legs.numbness_side is Side.BOTH:
        found["red_flags.ces_numbness_both_legs.answer"] = (
            "Numbness in both legs is recorded: answer the red flag 'numbness in both legs' "
            "yes.")
    if legs.pain is YES and legs.pain_side is Side.BOTH \
            and legs.pain_extent is not None and legs.pain_extent.value == "below_knee" \
            and not long_standing_claudication(legs):
        found["red_flags.ces_sciatica_both_legs.answer"] = (
            "Pain below the knee in both legs is recorded: answer the red flag "
            "'sciatica in both legs' yes.")
    return found


def _bilateral_consistency(record: Record, need) -> None:  # type: ignore[no-untyped-def]
    """Leg answers in both legs must agree with the cauda equina items."""
    for path, message in implied_yes(record).items():
        if value_at(record, path) is Answer.NO:
            need(False, path, message)
