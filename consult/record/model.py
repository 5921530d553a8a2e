"""The consultation record: every domain of the clinical reference, section 1.

A record is a draft until the completeness check (`consult.rules.completeness`) finds
nothing left to do. Any draft, however incomplete, is a valid `Record`: the
model refuses only values that can never be right (a broken NHS number, a pain
score of 12, an unknown field). Cross-field sense and "what is still missing"
are problems listed by the completeness check, so a half-typed consultation can
always be saved and loaded again.

Screening items are `Answer` (yes / no / not asked) and every one starts as
"not asked".
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from consult.record import nhs
from consult.record.answers import (
    Agreement,
    Answer,
    Bothersome,
    Category,
    Character,
    Course,
    Duration3Months,
    DurationUnit,
    Episode,
    FitNote,
    InfoMethod,
    Interpreter,
    JobDemands,
    LegExtent,
    Mode,
    NsaidTried,
    Onset,
    OnsetSpeed,
    PainPattern,
    PainSite,
    Place,
    Sex,
    Side,
    Trajectory,
    Trauma,
    Trigger,
    WeaknessOnset,
    WorkStatus,
    YesNoUnsure,
)

FORMAT_NAME = "consult-record"
FORMAT_VERSION = 2  # format 1 files are upgraded on load (consult.record.upgrade)


def _nhs_number(value: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return nhs.normalise(value)
    except nhs.NhsNumberError as exc:
        raise PydanticCustomError("nhs_number", str(exc)) from None


def _gmc_number(value: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    digits = value.strip()
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit() and len(digits) == 7):
        raise PydanticCustomError(
            "gmc_number", "A GMC number has exactly 7 digits."
        )
    return digits


def _year(value: int | None) -> int | None:
    if value is not None and not 1900 <= value <= 2100:
        raise PydanticCustomError("year", "Enter a four-digit year.")
    return value


def _plausible_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise PydanticCustomError("date_range", "Enter a date between 1900 and 2100.")
    return value


ClinicalDate = Annotated[dt.date | None, AfterValidator(_plausible_date)]
NhsNumber = Annotated[str | None, BeforeValidator(_nhs_number)]
GmcNumber = Annotated[str | None, BeforeValidator(_gmc_number)]
PainScore = Annotated[int | None, Field(ge=0, le=10)]
Year = Annotated[int | None, AfterValidator(_year)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]


class Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        use_enum_values=False,
    )


def _ask(title: str, **extra: object) -> Answer:
    """A three-state screening item, starting as not asked."""
    return Field(default=Answer.NOT_ASKED, title=title, **extra)  # type: ignore[return-value]


class Practice(Section):
    name: ShortText = Field("", title="Practice name")
    address: Text = Field("", title="Practice address")
    # Local routes (clinical reference, section 5): set once in the practice's
    # settings; suggestions print them where they apply, the generic route when empty.
    ces_route: Text = Field("", title="Cauda equina route")
    mscc_contact: Text = Field("", title="MSCC coordinator or acute oncology")
    msk_interface: Text = Field("", title="MSK interface service")
    physio_self_referral: Text = Field("", title="Physiotherapy self-referral")


class Consultation(Section):
    date: ClinicalDate = Field(None, title="Consultation date")
    time: dt.time | None = Field(None, title="Consultation time")
    mode: Mode | None = Field(None, title="Mode")
    clinician_name: ShortText = Field("", title="Clinician")
    gmc_number: GmcNumber = Field(None, title="GMC number")
    identity_confirmed: Answer = _ask("Patient identity confirmed")
    patient_place: Place | None = Field(None, title="Where the patient is")
    patient_location: Text = Field("", title="Patient's location now")
    others_present: Text = Field("", title="Others present")
    interpreter: Interpreter | None = Field(None, title="Interpreter")
    consent: Answer = _ask("Consent to a remote consultation")


class Patient(Section):
    given_name: ShortText = Field("", title="Given name")
    family_name: ShortText = Field("", title="Family name")
    date_of_birth: ClinicalDate = Field(None, title="Date of birth")
    sex: Sex | None = Field(None, title="Sex")
    nhs_number: NhsNumber = Field(None, title="NHS number")
    source: ShortText = Field(
        "", title="Where the identifiers came from (empty when typed; else the imported list)"
    )


class History(Section):
    """Duration and pattern of the pain."""

    site: PainSite | None = Field(None, title="Where the pain is")
    onset: OnsetSpeed | None = Field(None, title="Onset")
    duration_value: int | None = Field(None, ge=0, le=1200, title="How long")
    duration_unit: DurationUnit | None = Field(None, title="Unit")
    episode: Episode | None = Field(None, title="First episode or recurrent")
    previous_episodes: Text = Field("", title="Previous episodes")
    spinal_surgery: Answer = _ask("Previous spinal surgery")
    pattern: PainPattern | None = Field(None, title="Constant or intermittent")
    character: Character | None = Field(None, title="Character")
    worse_with_movement: Answer = _ask("Worse with movement")
    worse_with_sitting: Answer = _ask("Worse with sitting")
    worse_at_night: Answer = _ask("Worse at night")
    morning_stiffness: Answer = _ask("Stiffness in the morning")
    stiffness_after_rest: Answer = _ask("Stiffness after rest")
    morning_stiffness_minutes: int | None = Field(
        None, ge=0, le=1440, title="Stiffness lasts (minutes)"
    )
    muscle_spasm: Answer = _ask("Muscle spasm or tightness")
    reduced_movement: Answer = _ask("Reduced range of movement (as the patient reports it)")
    thoracic_pain: Answer = _ask("Pain in the thoracic (upper or mid) spine")
    course: Course | None = Field(None, title="Since it started")
    nsaid_tried: NsaidTried | None = Field(None, title="NSAID tried for this episode")
    treatment_tried: Text = Field("", title="Other treatment tried and how it went")
    notes: Text = Field("", title="Other history")


class Triggers(Section):
    triggers: list[Trigger] = Field(default_factory=list, title="Triggers")
    trauma: Trauma = Field(Trauma.NOT_ASKED, title="Fall or other trauma")
    trauma_details: Text = Field("", title="What happened")
    severe_pain_after_trauma: Answer = _ask(
        "Severe pain after the trauma (GP's judgement)"
    )


class Impact(Section):
    pain_now: PainScore = Field(None, title="Pain now (0-10)")
    pain_worst: PainScore = Field(None, title="Pain at worst (0-10)")
    activities: Text = Field("", title="Daily activities")
    sleep_disturbed: Answer = _ask("Sleep disturbed by pain")
    work: WorkStatus | None = Field(None, title="Work")
    job_demands: JobDemands | None = Field(None, title="What the job demands")
    walking: Text = Field("", title="Walking distance")
    main_concern: Text = Field("", title="Main concern and what they hope for")


class Legs(Section):
    """Leg symptoms (neurology)."""

    symptoms: Answer = _ask("Any leg pain, numbness or weakness")
    pain: Answer = _ask("Leg pain")
    pain_side: Side | None = Field(None, title="Which leg (pain)")
    pain_extent: LegExtent | None = Field(None, title="Pain reaches")
    pain_intolerable: Answer = _ask("Leg pain severe or intolerable (GP's judgement)")
    numbness: Answer = _ask("Numbness or pins and needles")
    numbness_side: Side | None = Field(None, title="Which leg (numbness)")
    numbness_where: Text = Field("", title="Where")
    weakness: Answer = _ask("Leg weakness")
    weakness_side: Side | None = Field(None, title="Which leg (weakness)")
    weakness_onset: WeaknessOnset | None = Field(None, title="Weakness started")
    weakness_trajectory: Trajectory | None = Field(
        None, title="Weakness over the last days"
    )
    weakness_severe: Answer = _ask(
        "Severe weakness: foot drop, slapping gait or leg giving way"
    )
    claudication: Answer = _ask(
        "Pain in both legs on walking or standing, eased by sitting or bending forward"
    )
    claudication_duration: Duration3Months | None = Field(None, title="For how long")


class CesItem(Section):
    """One cauda equina item with its onset and whether it is getting worse."""

    answer: Answer = Answer.NOT_ASKED
    onset: Onset | None = Field(None, title="Started")
    worse_last_14_days: YesNoUnsure | None = Field(
        None, title="Worse in the last 14 days"
    )


def _ces(title: str) -> CesItem:
    return Field(default_factory=CesItem, title=title)  # type: ignore[return-value]


class RedFlags(Section):
    """Every strong and weak red-flag item of the clinical reference, section 2."""

    # Cauda equina syndrome
    ces_bladder: CesItem = _ces(
        "Bladder change: retention, new incontinence, difficulty starting or stopping, "
        "reduced sensation of flow or of a full bladder"
    )
    ces_bowel: CesItem = _ces(
        "Loss of bowel control or rectal sensation"
    )
    ces_saddle_numbness: CesItem = _ces(
        "Numbness or altered feeling in the saddle, genital or perianal area or inner "
        "thighs (including when wiping)"
    )
    ces_numbness_both_legs: CesItem = _ces(
        "Numbness in both legs"
    )
    ces_sciatica_both_legs: CesItem = _ces(
        "Sciatica in both legs (or one leg progressing to both)"
    )
    ces_weakness_both_legs: CesItem = _ces(
        "Severe or progressing weakness in both legs"
    )
    ces_sexual_dysfunction: CesItem = _ces(
        "New sexual dysfunction: loss of genital sensation, erection or ejaculation problems"
    )
    # Cancer
    cancer_history: Answer = _ask("Past or current cancer (not non-melanoma skin)")
    cancer_type: ShortText = Field("", title="Cancer type")
    cancer_year: Year = Field(None, title="Year diagnosed")
    gait_disturbance: Answer = _ask("Neurological gait disturbance")
    suspected_cord_compression: Answer = _ask("Cord compression suspected")
    mets_progressive_pain: Answer = _ask("Progressive pain")
    mets_severe_unremitting_pain: Answer = _ask("Severe unremitting pain")
    mets_worse_on_straining: Answer = _ask("Pain worse on straining")
    mets_local_tenderness: Answer = _ask("Localised spinal tenderness")
    mets_night_pain_prevents_sleep: Answer = _ask("Night pain that prevents sleep")
    # Infection
    fever_or_unwell: Answer = _ask("Fever, rigors or systemically unwell")
    sepsis_signs: Answer = _ask(
        "Signs of sepsis: new confusion, breathlessness, mottled or ashen skin, "
        "no urine for 18 hours"
    )
    new_constant_severe_pain: Answer = _ask("New constant severe pain")
    # Fracture
    sudden_severe_new_pain: Answer = _ask("Sudden severe new pain")
    spinal_deformity: Answer = _ask("New spinal deformity")
    cannot_mobilise: Answer = _ask("Cannot mobilise")
    pain_uncontrolled: Answer = _ask("Pain uncontrolled")
    # Not from the spine
    nonmechanical_sudden_severe_pain: Answer = _ask(
        "Sudden severe non-mechanical back, flank or abdominal pain"
    )
    collapse_or_faint: Answer = _ask("Collapse, faintness or clamminess")
    loin_pain_fever_urinary: Answer = _ask("Loin pain with fever or urinary symptoms")
    colicky_loin_to_groin: Answer = _ask("Colicky loin-to-groin pain")
    epigastric_to_back: Answer = _ask("Epigastric pain radiating to the back")
    pelvic_or_pregnancy_pain: Answer = _ask(
        "Pelvic pain (not pelvic girdle pain in pregnancy)"
    )
    pregnancy_warning_signs: Answer = _ask(
        "In pregnancy: severe or rhythmic pain, vaginal bleeding, fever or reduced "
        "fetal movements"
    )
    # Weak flags
    weight_loss: Answer = _ask("Unexplained weight loss")
    night_pain_constant: Answer = _ask(
        "Constant night pain, not eased by changing position, stops sleep"
    )
    widespread_bone_pain: Answer = _ask("Widespread bone pain")
    # questions recorded No with their clinical group's one answer (consult.rules.screening.GROUPS)
    asked_as_group: list[ShortText] = Field(
        default_factory=list, title="Recorded No as a group (the GP asked the group at once)"
    )


class RiskHistory(Section):
    long_term_steroids: Answer = _ask("Long-term oral steroids")
    osteoporosis: Answer = _ask("Osteoporosis or a previous fragility fracture")
    immunosuppression: Answer = _ask("Immunosuppression")
    injecting_drug_use: Answer = _ask("Injecting drug use")
    recent_spinal_procedure_or_infection: Answer = _ask(
        "Spinal procedure or infection in the last 3 months"
    )
    systemic_illness: Answer = _ask("Systemic illness")
    smoker: Answer = _ask("Smoker")
    vascular_disease: Answer = _ask("Known vascular disease")
    known_aortic_aneurysm: Answer = _ask("Known aortic aneurysm")
    anticoagulant: Answer = _ask("Takes an anticoagulant")


class Medicines(Section):
    current_pain_medicines: Text = Field("", title="Current pain medicines")
    takes_opioid: Answer = _ask("Takes an opioid")
    takes_gabapentinoid: Answer = _ask("Takes gabapentin or pregabalin")
    takes_benzodiazepine: Answer = _ask("Takes a benzodiazepine")
    pregnant: Answer = _ask("Pregnant, or gave birth in the last 6 weeks")
    breastfeeding: Answer = _ask("Breastfeeding")
    kidney_disease: Answer = _ask("Kidney disease")
    heart_failure_or_cvd: Answer = _ask("Heart failure or cardiovascular disease")
    gi_bleed_or_ulcer: Answer = _ask("Past GI bleed or ulcer")
    nsaid_sensitive_asthma: Answer = _ask("Asthma made worse by NSAIDs")
    liver_disease: Answer = _ask("Liver disease")
    # medicines that raise NSAID risk (the anticoagulant is asked in the risk history)
    antiplatelet: Answer = _ask("Takes an antiplatelet (aspirin, clopidogrel)")
    oral_corticosteroid: Answer = _ask("Takes an oral corticosteroid")
    ssri_snri: Answer = _ask("Takes an SSRI or SNRI")
    ace_arb_with_diuretic: Answer = _ask(
        "Takes an ACE inhibitor or angiotensin receptor blocker with a diuretic"
    )
    lithium: Answer = _ask("Takes lithium")
    methotrexate: Answer = _ask("Takes methotrexate")


class Observation(Section):
    """Remote observation on video: what the GP saw, never an examination."""

    walks_normally: Answer = _ask("Walks normally")
    heel_walk: Answer = _ask("Walks on heels")
    toe_walk: Answer = _ask("Walks on toes")
    rises_without_arms: Answer = _ask("Rises from a chair without using the arms")
    bends_forward: ShortText = Field("", title="Bends forward: how far")


class Inflammatory(Section):
    """NICE NG65 criteria (onset before 35 is derived from age and duration)."""

    wakes_second_half_of_night: Answer = _ask("Wakes in the second half of the night")
    buttock_pain: Answer = _ask("Buttock pain")
    improves_with_movement: Answer = _ask("Improves with movement, not rest")
    improves_with_nsaid_48h: Answer = _ask("Improves within 48 hours of an NSAID")
    relative_with_spa: Answer = _ask("First-degree relative with spondyloarthritis")
    arthritis: Answer = _ask("Current or past arthritis")
    enthesitis: Answer = _ask("Current or past enthesitis")
    psoriasis: Answer = _ask("Current or past psoriasis")


class StartBack(Section):
    """Keele STarT Back answers under domain labels (ask with Keele's own form)."""

    leg_pain: Agreement | None = Field(None, title="1. Pain spreading down the leg")
    shoulder_neck_pain: Agreement | None = Field(None, title="2. Shoulder or neck pain")
    walking: Agreement | None = Field(None, title="3. Walking only short distances")
    dressing: Agreement | None = Field(None, title="4. Dressing more slowly")
    fear: Agreement | None = Field(None, title="5. Not safe to be active (fear)")
    anxiety: Agreement | None = Field(None, title="6. Worrying thoughts (anxiety)")
    catastrophising: Agreement | None = Field(
        None, title="7. Feeling it will never get better (catastrophising)"
    )
    low_mood: Agreement | None = Field(None, title="8. Not enjoying things (low mood)")
    bothersome: Bothersome | None = Field(None, title="9. How bothersome")


class PlanItem(Section):
    """One line of the GP's plan: a chosen suggestion (perhaps edited) or the GP's own."""

    suggestion_id: ShortText | None = Field(
        None, title="Suggestion it came from (none for the GP's own item)"
    )
    text: Text = Field(title="What will happen")
    reason: Text = Field("", title="Why")
    source: Text = Field("", title="Source")
    category: Category = Field(Category.FOLLOW_UP, title="Category")
    edited: bool = Field(False, title="Edited by the GP")


class Plan(Section):
    items: list[PlanItem] = Field(default_factory=list, title="Plan")
    safety_netting_given: Answer = _ask("Safety-netting advice given")
    safety_netting_how: list[InfoMethod] = Field(default_factory=list, title="How safety-netting was given")
    advice_sheet_given: Answer = _ask("Advice sheet given to the patient")
    advice_sheet_how: list[InfoMethod] = Field(default_factory=list, title="How the advice sheet was given")
    ces_card_given: Answer = _ask("Written cauda equina information given")
    ces_info_how: list[InfoMethod] = Field(default_factory=list, title="How it was given")
    review_date: ClinicalDate = Field(None, title="Review booked for")
    follow_up: Text = Field("", title="Follow-up")
    fit_note: FitNote | None = Field(None, title="Fit note")
    fit_note_details: Text = Field("", title="Fit note details")
    confirmed: bool = Field(False, title="Plan confirmed by the GP")
    confirmed_for: ShortText | None = Field(
        None, title="Fingerprint of the assessment the plan was confirmed against"
    )


class UpgradeNote(Section):
    """An answer of an earlier record format kept in words, and the question it now needs."""

    field: ShortText = Field(title="The question to ask again")
    still: list[str] = Field(title="Values of that question that mean it is still to ask")
    text: Text = Field(title="What was recorded")


class Record(Section):
    """One remote consultation for lower back pain."""

    format: Literal["consult-record"] = FORMAT_NAME
    format_version: Literal[2] = FORMAT_VERSION
    practice: Practice = Field(default_factory=Practice)
    consultation: Consultation = Field(default_factory=Consultation)
    patient: Patient = Field(default_factory=Patient)
    history: History = Field(default_factory=History)
    triggers: Triggers = Field(default_factory=Triggers)
    impact: Impact = Field(default_factory=Impact)
    legs: Legs = Field(default_factory=Legs)
    red_flags: RedFlags = Field(default_factory=RedFlags)
    risk: RiskHistory = Field(default_factory=RiskHistory)
    medicines: Medicines = Field(default_factory=Medicines)
    observation: Observation = Field(default_factory=Observation)
    inflammatory: Inflammatory = Field(default_factory=Inflammatory)
    startback: StartBack = Field(default_factory=StartBack)
    plan: Plan = Field(default_factory=Plan)
    upgrade_notes: list[UpgradeNote] = Field(
        default_factory=list,
        title="Answers from an earlier record format that could not be carried over as they were",
    )


def owner_of(record: BaseModel, path: str) -> tuple[BaseModel, str]:
    """The model that owns a dotted record path's last part, and that part's name
    ("red_flags.ces_bowel.answer" -> the CesItem, "answer"): the one path lookup that the
    rules, the completeness check and the form share."""
    *parents, leaf = path.split(".")
    owner = record
    for part in parents:
        owner = getattr(owner, part)
    return owner, leaf


def value_at(record: BaseModel, path: str) -> object:
    """The value at a dotted record path."""
    owner, leaf = owner_of(record, path)
    return getattr(owner, leaf)
