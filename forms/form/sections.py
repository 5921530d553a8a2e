"""The sections of the form, in the order of a real call, and the fields in each.

Plain data: a section is an id, a title and a list of entries; an entry is a
record path, or a `Heading`. Labels come from the record model's field titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.record.model import Observation
from consult.rules.redflags import CES_ITEMS

OBSERVATION_HEADING = "Remote observation (video)"


@dataclass(frozen=True)
class Heading:
    text: str
    note: str = ""
    group: str = ""  # a screening group (consult.rules.screening.GROUPS): its "all denied" button
    # questions of this heading's topic that another section asks, after their parent:
    # (path, the words that name it); the form says where, under the heading
    elsewhere: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    entries: tuple[str | Heading, ...]
    note: str = ""


def _all(prefix: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{n}" for n in names)


CES_ENTRIES = tuple(
    path for name in CES_ITEMS
    for path in (f"red_flags.{name}.answer", f"red_flags.{name}.onset",
                 f"red_flags.{name}.worse_last_14_days"))

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("consultation", "Consultation and identity", _all(
        "consultation", "date", "time", "mode", "clinician_name", "gmc_number",
        "identity_confirmed", "patient_place", "patient_location", "others_present",
        "interpreter", "consent")),
    SectionSpec("patient", "Patient", _all(
        "patient", "family_name", "given_name", "date_of_birth", "sex", "nhs_number")),
    SectionSpec("history", "Duration and pattern", (
        *_all("history", "site", "onset", "duration_value", "episode",
              "previous_episodes", "spinal_surgery", "pattern", "character",
              "worse_with_movement", "worse_with_sitting", "worse_at_night", "morning_stiffness",
              "stiffness_after_rest", "morning_stiffness_minutes", "muscle_spasm",
              "reduced_movement", "thoracic_pain"),
        Heading("Course and treatment so far"),
        *_all("history", "course", "nsaid_tried", "treatment_tried", "notes"),
    )),
    SectionSpec("triggers", "Triggers and injuries", _all(
        "triggers", "triggers", "trauma", "trauma_details", "severe_pain_after_trauma")),
    SectionSpec("impact", "Impact on activities, work and sleep", _all(
        "impact", "pain_now", "pain_worst", "activities", "sleep_disturbed", "work",
        "job_demands", "walking", "main_concern")),
    SectionSpec("legs", "Leg pain, numbness and weakness", (
        *_all("legs", "symptoms", "pain", "pain_side", "pain_extent", "pain_intolerable",
              "numbness", "numbness_side", "numbness_where", "weakness", "weakness_side",
              "weakness_onset", "weakness_trajectory", "weakness_severe", "claudication",
              "claudication_duration"),
        Heading(OBSERVATION_HEADING,
                "What you saw the patient do on video: an observation, never an examination. "
                "Leave a check not done as Not asked."),
        *_all("observation", *Observation.model_fields),
    )),
    SectionSpec("red_flags", "Red flags", (
        Heading("Cauda equina syndrome",
                "For each Yes record when it started, and for one that started more than "
                "14 days ago whether it is worse in the last 14 days.", group="cauda_equina"),
        *CES_ENTRIES,
        Heading("Cancer", group="cancer"),
        *_all("red_flags", "cancer_history", "cancer_type", "cancer_year", "gait_disturbance",
              "mets_progressive_pain", "mets_severe_unremitting_pain", "mets_worse_on_straining",
              "mets_local_tenderness", "mets_night_pain_prevents_sleep",
              "suspected_cord_compression"),
        Heading("Infection", group="infection"),
        *_all("red_flags", "fever_or_unwell", "sepsis_signs"),
        Heading("Fracture", group="fracture"),
        *_all("red_flags", "sudden_severe_new_pain", "spinal_deformity", "cannot_mobilise",
              "pain_uncontrolled"),
        # the pregnancy warning signs are asked under Medicines, right after "Pregnant" (CSO
        # review 2026-12-07c, A2): a GP walking the red flags is told one more lives there
        Heading("Pain that may not come from the spine", group="not_spinal",
                elsewhere=(("red_flags.pregnancy_warning_signs",
                            "In pregnancy the warning signs"),)),
        *_all("red_flags", "nonmechanical_sudden_severe_pain", "collapse_or_faint",
              "loin_pain_fever_urinary", "colicky_loin_to_groin", "epigastric_to_back",
              "pelvic_or_pregnancy_pain"),
        Heading("Weak flags (they count in combination)",
                "Asked with the cancer questions: the Cancer group's All denied records these "
                "too."),
        *_all("red_flags", "weight_loss", "night_pain_constant", "widespread_bone_pain"),
    )),
    SectionSpec("risk", "History that changes risk", (
        *_all("risk", "injecting_drug_use", "immunosuppression",
              "recent_spinal_procedure_or_infection"),
        "red_flags.new_constant_severe_pain",
        *_all("risk", "osteoporosis", "long_term_steroids", "known_aortic_aneurysm",
              "vascular_disease", "smoker", "anticoagulant", "systemic_illness"),
    )),
    SectionSpec("medicines", "Medicines and medicine safety", (
        *_all("medicines", "current_pain_medicines", "takes_opioid", "takes_gabapentinoid",
              "takes_benzodiazepine"),
        Heading("Pregnancy and breastfeeding"),
        "medicines.pregnant", "red_flags.pregnancy_warning_signs", "medicines.breastfeeding",
        Heading("NSAID cautions"),
        *_all("medicines", "kidney_disease", "heart_failure_or_cvd", "gi_bleed_or_ulcer",
              "nsaid_sensitive_asthma", "liver_disease"),
        Heading("Medicines that raise the risk of an NSAID",
                "The anticoagulant is asked in the history that changes risk."),
        *_all("medicines", "antiplatelet", "oral_corticosteroid", "ssri_snri",
              "ace_arb_with_diuretic", "lithium", "methotrexate"),
    )),
    SectionSpec("inflammatory", "Inflammatory features (NICE NG65)", _all(
        "inflammatory", "wakes_second_half_of_night", "buttock_pain", "improves_with_movement",
        "improves_with_nsaid_48h", "relative_with_spa", "arthritis", "enthesitis", "psoriasis"),
        note="Onset before 35 is worked out from the date of birth and the duration."),
    SectionSpec("startback", "STarT Back (optional)", _all(
        "startback", "leg_pain", "shoulder_neck_pain", "walking", "dressing", "fear", "anxiety",
        "catastrophising", "low_mood", "bothersome"),
        note="Ask the nine questions from Keele University's official form "
             "(keele.ac.uk/sbst); record the answers here under their domain labels."),
    SectionSpec("plan", "Plan, safety-netting and follow-up", _all(
        "plan", "safety_netting_given", "safety_netting_how", "ces_card_given", "ces_info_how", "review_date",
        "follow_up", "fit_note", "fit_note_details"),
        note="Choose, edit and confirm the plan's items in the panel on the right."),
)

MULTI_LINE = {
    "history.notes": 3, "history.treatment_tried": 2, "triggers.trauma_details": 2,
    "impact.activities": 2, "impact.main_concern": 2,
    "consultation.patient_location": 1, "medicines.current_pain_medicines": 2,
    "plan.follow_up": 2, "plan.fit_note_details": 2, "legs.numbness_where": 1,
}


def section_of(path: str) -> str | None:
    """The id of the section that holds a field path (None when no section shows it)."""
    for spec in SECTIONS:
        if any(isinstance(e, str) and (e == path or path.startswith(e + ".")
                                       or e.startswith(path + "."))
               for e in spec.entries):
            return spec.id
    return None
