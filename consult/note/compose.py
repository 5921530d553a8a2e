"""compose(record, assessment) -> Note: what the consultation note says, in order.

Every word a GP reads is decided here; the renderers only lay it out. Rule
words (dispositions, draft, remote and decision-support sentences) come from
the rule set, labels of record fields from the pydantic model's titles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from consult.note import glyphs, history
from consult.note.model import (
    Alert,
    AlertEntry,
    Banner,
    Block,
    Fields,
    Metadata,
    Note,
    Para,
    PlanEntry,
    PracticeHeader,
    Section,
    Table,
    TableRow,
)
from consult.note.versioning import Finalisation, amendment_line, version_line
from consult.record.answers import (
    Answer,
    Band,
    FitNote,
    InfoMethod,
    Interpreter,
    Mode,
    Sex,
    Trauma,
)
from consult.record.dates import age_on, show_date, show_time
from consult.record.model import (
    Legs,
    Medicines,
    Observation,
    Record,
    RedFlags,
    RiskHistory,
    Triggers,
    UpgradeNote,
)
from consult.record.nhs import display
from consult.rules import facts as derive_facts
from consult.rules import screening, wording
from consult.rules.assessment import (
    Assessment,
    FiredRow,
)
from consult.rules.facts import first_episode_age_flag
from consult.rules.followups import IMPLIED_NO_WITHOUT_LEG_SYMPTOMS, Applicability, applies
from consult.rules.redflags import CES_ITEMS, METS_FEATURES
from consult.rules.ruleset import RuleSet, deadline_words, load
from consult.words import name_line, plural

NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
TITLE = "Consultation note"
SUBTITLE = "Lower back pain: remote GP consultation"
UNSCREENED_SHOWN = 8  # unscreened items listed in the page-1 box; the table shows all
GLYPHS_SHOWN = 8  # characters named one by one in the missing-glyph box

_MODE_WORDS = {Mode.TELEPHONE: "Telephone", Mode.VIDEO: "Video",
               Mode.FACE_TO_FACE: "Face to face"}
_SEX_WORDS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other",
              Sex.NOT_KNOWN: NOT_KNOWN}
_FIT_NOTE_WORDS = {FitNote.NOT_NEEDED: "Not needed", FitNote.ISSUED: "Issued",
                   FitNote.TO_CONSIDER: "To consider"}
_PHASE_WORDS = {"acute": "acute (under 6 weeks)", "sub-acute": "sub-acute (6 to 12 weeks)",
                "chronic": "chronic (over 12 weeks)"}
_INTERPRETER_WORDS = {Interpreter.NONE: "Not needed", Interpreter.PROFESSIONAL: "Professional",
                      Interpreter.FAMILY_OR_FRIEND: "Family member or friend"}
_INFO_WORDS = {InfoMethod.PRINTED: "printed", InfoMethod.SMS: "SMS", InfoMethod.EMAIL: "email",
               InfoMethod.READ_ALOUD: "read aloud"}
FAMILY_INTERPRETER = ("Interpreted by a family member or friend: intimate questions may be "
                      "under-reported")
ACTION_TITLE = "ACTION NEEDED"
DISPOSITION_TITLE = "DISPOSITION"
NOT_FROM_SPINE = "Back pain that may not come from the spine (see the fired rows)"
NOT_APPLICABLE = "not applicable"
OBSERVED_ON_VIDEO = ("Observed on video (what the GP saw the patient do: an observation, "
                     "not an examination):")
NOTHING_OBSERVED = "Nothing was observed on video: no remote observation is recorded."
EARLIER_FORMAT = "Recorded in an earlier format"
EARLIER_FORMAT_INTRO = ("This record was first saved in an earlier format. These answers could "
                        "not be carried into the current questions as they were; they are "
                        "kept here as recorded.")


def _title(model: type, name: str) -> str:
    return model.model_fields[name].title  # type: ignore[attr-defined,no-any-return]


def _or(text: str, default: str = NOT_RECORDED) -> str:
    return text if text else default


# ---------------------------------------------------------------------------
# Header parts


def banner(record: Record) -> Banner:
    p, c = record.patient, record.consultation
    # the banner's name is bold: capitals only where the bold font has them
    name = name_line(p.family_name, p.given_name, say_missing=True,
                     upper=lambda family: glyphs.upper_printable(family, bold=True))
    age = ""
    if p.date_of_birth and c.date and p.date_of_birth <= c.date:
        age = str(age_on(p.date_of_birth, c.date))
    return Banner(
        name=name,
        born=show_date(p.date_of_birth),
        age=age,
        sex=_SEX_WORDS[p.sex] if p.sex else NOT_KNOWN,
        nhs_number=display(p.nhs_number) if p.nhs_number else NOT_KNOWN,
    )


ADDRESS_LINES, ADDRESS_CHARS = 4, 240


def _short_address(address: str) -> str:
    """The practice address as a letterhead holds it: a few lines, never pushing page 1 down."""
    lines = [line for line in address.splitlines() if line.strip()]
    short = "\n".join(lines[:ADDRESS_LINES])
    if len(short) > ADDRESS_CHARS:
        short = short[:ADDRESS_CHARS].rstrip()
    return short + ("\u2026" if short != "\n".join(lines) else "")


def alerts(rules: RuleSet, assessment: Assessment, positives: list[str], *,
           family_interpreted: bool = False) -> tuple[Alert, ...]:
    """The boxes at the top of page 1, which carries the decision (clinical reference, 5b):
    every red-flag answer recorded Yes is named, whether or not it fires a rule on its
    own; every other fired row above routine (a referral, NG65) with its action; the
    disposition with its deadline whatever else is shown; a cauda equina row interpreted
    by a family member or friend says so."""
    boxes = []
    rows = assessment.red_flag_rows
    shown = [*rows, *(r for r in assessment.fired if r.kind == "outside")]
    named = " ".join(f for r in shown for f in (r.suspected, *r.findings)).lower()
    loose = [p for p in positives if p.lower() not in named]
    if not rows and loose:
        boxes.append(Alert(
            kind="red_flag", level="soon", title="RED FLAG",
            summary="Red-flag answers recorded Yes. On their own they fire no urgent rule: "
                    "the GP judges what they mean for this patient. "
                    f"Disposition: {assessment.headline}.",
            items=tuple(loose)))
    if rows:
        top = rows[0].band or Band.URGENT
        n = len(rows)
        summary = (f"{plural(n, 'red-flag finding')} "
                   f"need{'' if n > 1 else 's'} action, most urgent first. "
                   f"Disposition: {assessment.headline}.")
        extra = tuple(f"Also answered Yes: {p}" for p in loose)
        if family_interpreted and any(r.id.startswith("ces-") for r in rows):
            extra = (*extra, FAMILY_INTERPRETER)
        boxes.append(Alert(kind="red_flag", level=top.value, title="RED FLAG", summary=summary,
                           entries=tuple(_entry(rules, r) for r in rows), items=extra))
    others = [r for r in assessment.fired if r.kind in ("referral", "ng65")
              and r.band is not None and r.band is not Band.ROUTINE]
    if others:
        top = max((r.band for r in others if r.band), key=lambda b: b.rank)
        n = len(others)
        summary = (f"{plural(n, 'finding')} beside the red flags "
                   f"need{'' if n > 1 else 's'} action." if rows else
                   f"{plural(n, 'finding')} need{'' if n > 1 else 's'} action. "
                   f"Disposition: {assessment.headline}.")
        boxes.append(Alert(kind="action", level=top.value, title=ACTION_TITLE, summary=summary,
                           entries=tuple(_entry(rules, r) for r in others)))
    if not assessment.red_flags_screened:
        labels = [screening.question(path) for path in assessment.unscreened]
        shown = labels[:UNSCREENED_SHOWN]
        if len(labels) > len(shown):
            shown.append(f"and {len(labels) - len(shown)} more: see the red-flag screen below")
        boxes.append(Alert(kind="unscreened", level="unscreened",
                           title=rules.unscreened.title,
                           summary=f"{rules.unscreened.meaning[0].upper()}"
                                   f"{rules.unscreened.meaning[1:]}. Still to ask:",
                           items=tuple(shown)))
    outside = [r for r in assessment.fired if r.kind == "outside"]
    if outside:
        boxes.append(Alert(kind="outside", level="outside", title="OUTSIDE THIS PATHWAY",
                           summary="The tool's lower back pain rules do not cover these "
                                   "findings: the GP assesses them.",
                           entries=tuple(_entry(rules, r) for r in outside)))
    if not boxes:  # nothing else on page 1 says it
        boxes.append(Alert(kind="disposition", level=assessment.band.value,
                           title=DISPOSITION_TITLE, summary=assessment.headline))
    return tuple(boxes)


def _entry(rules: RuleSet, row: FiredRow) -> AlertEntry:
    return AlertEntry(level=row.band.value if row.band else "outside",
                      label=wording.row_label(rules, row), suspected=row.suspected,
                      found=tuple(row.findings), action=row.action,
                      when=deadline_words(row.within))


# ---------------------------------------------------------------------------
# Sections


def consultation(rules: RuleSet, record: Record) -> Section:
    c = record.consultation
    remote = c.mode in (Mode.TELEPHONE, Mode.VIDEO)
    consent = c.consent.label if c.mode is not Mode.FACE_TO_FACE else "Not needed (face to face)"
    rows = (
        ("Date", show_date(c.date)),
        ("Time", show_time(c.time)),
        ("Mode", _MODE_WORDS[c.mode] if c.mode else NOT_KNOWN),
        ("Clinician", _or(c.clinician_name, NOT_KNOWN)),
        (_title(type(c), "identity_confirmed"), c.identity_confirmed.label),
        (_title(type(c), "patient_location"), _or(c.patient_location)),
        (_title(type(c), "others_present"), _or(c.others_present)),
        (_title(type(c), "interpreter"), _interpreter_words(c.interpreter)),
        (_title(type(c), "consent"), consent),
    )
    blocks: list[Block] = [Fields(rows)]
    if remote and c.mode:
        blocks.append(Para(rules.wording.remote_no_examination.format(
            mode=c.mode.value), tone="strong"))
    if c.mode is Mode.VIDEO:
        blocks += observation(record)
    return Section("Consultation", tuple(blocks))


def _interpreter_words(interpreter: Interpreter | None) -> str:
    if interpreter is None:
        return NOT_RECORDED
    words = _INTERPRETER_WORDS[interpreter]
    if interpreter is Interpreter.FAMILY_OR_FRIEND:
        words += " (intimate questions may be under-reported)"
    return words


def observation(record: Record) -> list[Block]:
    """What the GP saw the patient do on video, printed as observed (never as an
    examination), or that nothing was observed. A check not done reads "Not done"."""
    o = record.observation
    rows = []
    for name, field in Observation.model_fields.items():
        value = getattr(o, name)
        if isinstance(value, Answer):
            words = "Not done" if value is Answer.NOT_ASKED else value.label
        else:
            words = value or "Not done"
        rows.append((field.title or name, words))
    if all(words == "Not done" for _, words in rows):
        return [Para(NOTHING_OBSERVED, tone="muted")]
    return [Para(OBSERVED_ON_VIDEO), Fields(tuple(rows))]


def history_section(record: Record) -> Section:
    pairs = history.paragraphs(record)
    if not pairs:
        return Section("History", (Para("No history recorded yet.", tone="muted"),))
    return Section("History", (Fields(tuple(pairs)),))


def _answer_row(title: str, answer: Answer | str, details: str = "") -> TableRow:
    words = answer.label if isinstance(answer, Answer) else answer
    return TableRow((title, words, details), level="flag" if answer is Answer.YES else "")


def _asked(record: Record, applicable: Applicability, path: str,
           answer: Answer) -> Answer | str:
    """The answer to print. A recorded Yes is always printed (a positive finding is never
    hidden). A question that does not apply (followups.Applicability, the one rule the
    completeness check uses too) reads "not applicable" (clinical reference 5a), never
    "Not asked" and never a stale No. No leg symptoms answers the leg questions No."""
    if answer is Answer.YES:
        return answer
    if path in IMPLIED_NO_WITHOUT_LEG_SYMPTOMS and answer is Answer.NO:
        return answer
    if applicable(path):
        return answer if applies(record, path) else Answer.NOT_ASKED
    return NOT_APPLICABLE


ASKED_AS_GROUP = "asked as a group: denied"


def _group_words(record: Record, path: str) -> str:
    """A No recorded with its clinical group's one answer says so (clinical reference 5a),
    so a reader can tell it from a question asked on its own."""
    return ASKED_AS_GROUP if screening.asked_as_group(record, path) else ""


def ces_details(record: Record, name: str) -> str:
    """'started more than 14 days ago; not worse in the last 14 days'; the worse question
    only when the item began more than 14 days ago."""
    ces = getattr(record.red_flags, name)
    if ces.answer is not Answer.YES:
        return ""
    onset = history.ONSET_WORDS[ces.onset] if ces.onset else "when it started not recorded"
    worse = ""
    if applies(record, f"red_flags.{name}.worse_last_14_days"):
        worse = (history.WORSE_WORDS[ces.worse_last_14_days.value] if ces.worse_last_14_days
                 else "whether worse not recorded")
    return "; ".join(filter(None, (onset, worse)))


def red_flag_table(record: Record) -> Table:
    """Every red-flag item with Yes, No or Not asked: never blank, never a guessed No; a
    follow-up that does not apply reads "not applicable"."""
    rf, risk, t, legs = record.red_flags, record.risk, record.triggers, record.legs
    facts = derive_facts.derive(record)
    applicable = Applicability(record)
    rows: list[TableRow] = []

    def group(name: str) -> None:
        rows.append(TableRow((name,), group=True))

    def item(model: type, owner: object, name: str, details: str = "") -> None:
        section = {RedFlags: "red_flags", RiskHistory: "risk", Triggers: "triggers",
                   Legs: "legs", Medicines: "medicines"}.get(model, "history")
        path = f"{section}.{name}"
        answer = _asked(record, applicable, path, getattr(owner, name))
        rows.append(_answer_row(_title(model, name), answer,
                                details if answer is Answer.YES else _group_words(record, path)))

    group("Cauda equina syndrome")
    if record.consultation.interpreter is Interpreter.FAMILY_OR_FRIEND:
        rows.append(TableRow((FAMILY_INTERPRETER, "", ""), level="info"))
    for name in CES_ITEMS:
        ces = getattr(rf, name)
        rows.append(_answer_row(_title(RedFlags, name), ces.answer, ces_details(record, name)
                                or _group_words(record, f"red_flags.{name}.answer")))

    group("Cancer and spinal metastases")
    cancer = ""
    if rf.cancer_history is Answer.YES:
        cancer = ", ".join(filter(None, (rf.cancer_type, str(rf.cancer_year or "")))) \
            or "type and year not recorded"
    item(RedFlags, rf, "cancer_history", cancer)
    item(RedFlags, rf, "suspected_cord_compression")
    item(RedFlags, rf, "gait_disturbance")
    for name in METS_FEATURES:
        item(RedFlags, rf, name)

    group("Infection and sepsis")
    item(RedFlags, rf, "fever_or_unwell")
    item(RedFlags, rf, "sepsis_signs")
    for name in ("injecting_drug_use", "immunosuppression",
                 "recent_spinal_procedure_or_infection"):
        item(RiskHistory, risk, name)
    item(RedFlags, rf, "new_constant_severe_pain")

    group("Fracture")
    item(RedFlags, rf, "sudden_severe_new_pain")
    item(RedFlags, rf, "spinal_deformity")
    item(RiskHistory, risk, "osteoporosis")
    item(RiskHistory, risk, "long_term_steroids")
    item(RedFlags, rf, "cannot_mobilise")
    item(RedFlags, rf, "pain_uncontrolled")

    group("Bleeding")
    item(RiskHistory, risk, "anticoagulant", "with sudden severe new pain: "
         + rf.sudden_severe_new_pain.label.lower())

    group("Trauma")
    trauma = {Trauma.MAJOR: Answer.YES, Trauma.MINOR: Answer.YES, Trauma.NONE: Answer.NO,
              Trauma.NOT_ASKED: Answer.NOT_ASKED}[t.trauma]
    trauma_details = {Trauma.MAJOR: "major", Trauma.MINOR: "minor"}.get(t.trauma, "")
    if t.trauma_details and trauma is Answer.YES:
        trauma_details += f": {t.trauma_details}"
    rows.append(_answer_row(_title(Triggers, "trauma"), trauma, trauma_details))
    item(Triggers, t, "severe_pain_after_trauma")

    group("Leg weakness and claudication")
    weak_details = ""
    if legs.weakness is Answer.YES:
        weak_details = "; ".join(filter(None, (
            history.SIDE_WORDS[legs.weakness_side] if legs.weakness_side else "",
            history.WEAKNESS_ONSET_WORDS[legs.weakness_onset] if legs.weakness_onset else "",
            history.TRAJECTORY_WORDS[legs.weakness_trajectory]
            if legs.weakness_trajectory else "")))
    item(Legs, legs, "weakness", weak_details)
    item(Legs, legs, "weakness_severe")
    item(Legs, legs, "claudication",
         history.CLAUDICATION_WORDS[legs.claudication_duration].removeprefix("for ")
         if legs.claudication_duration else "for how long not recorded")

    group("Aortic and non-spinal causes")
    item(RedFlags, rf, "nonmechanical_sudden_severe_pain")
    item(RedFlags, rf, "collapse_or_faint")
    item(RiskHistory, risk, "known_aortic_aneurysm")
    item(RiskHistory, risk, "vascular_disease")
    for name in ("loin_pain_fever_urinary", "colicky_loin_to_groin", "epigastric_to_back",
                 "pelvic_or_pregnancy_pain"):
        item(RedFlags, rf, name)
    item(type(record.history), record.history, "thoracic_pain")

    group("Pregnancy")
    item(Medicines, record.medicines, "pregnant")
    item(RedFlags, rf, "pregnancy_warning_signs")

    group("Weak flags (they count in combination)")
    rows.append(_answer_row("First episode starting at age over 50 or under 20",
                            first_episode_age_flag(record, facts),
                            "from age and duration"))
    item(RedFlags, rf, "weight_loss")
    item(RedFlags, rf, "night_pain_constant")
    item(RedFlags, rf, "widespread_bone_pain")
    return Table(columns=("Item", "Answer", "Details"), widths=(0.58, 0.12, 0.30),
                 rows=tuple(rows))


def impression(rules: RuleSet, record: Record, assessment: Assessment) -> Section:
    facts = derive_facts.derive(record)
    level, words = wording.disposition_words(assessment)
    blocks: list[Block] = [Para(f"Disposition: {words}", tone=level)]
    if assessment.not_from_spine:
        # never "lower back pain, acute" above a 999 action for an aneurysm or a kidney
        presentation = NOT_FROM_SPINE
    else:
        presentation = facts.condition
        if facts.phase:
            presentation += f", {_PHASE_WORDS[facts.phase]}"
        if facts.condition == "sciatica":
            presentation += "; leg pain below the knee"
    rows: list[tuple[str, str]] = [("Presentation", presentation[0].upper() + presentation[1:])]
    if facts.age is not None:
        rows.append(("Age at consultation", str(facts.age)))
    blocks.append(Fields(tuple(rows)))
    fired = [r for r in assessment.fired if r.kind != "outside"]
    if fired:
        blocks.append(Table(
            columns=("Suspected", "How soon", "Action"), widths=(0.34, 0.22, 0.44),
            rows=tuple(TableRow((r.suspected,
                                 wording.row_band_label(rules, assessment, r),
                                 r.action),
                                level=r.band.value if r.band else "")
                       for r in fired)))
    elif assessment.red_flags_screened:
        blocks.append(Para("No red-flag, weak-flag or NG65 row applies.", tone="muted"))
    else:
        blocks.append(Para("No red-flag row applies on the answers so far; red flags are not "
                           "yet fully screened.", tone="warning"))
    for message in assessment.outside_pathway:
        blocks.append(Para(f"Outside this pathway: {message}", tone="warning"))
    return Section("Impression", tuple(blocks))


def startback_section(rules: RuleSet, assessment: Assessment) -> Section | None:
    sb = assessment.startback
    if sb is None:
        return None
    return Section("STarT Back", (
        Fields((("Total score", f"{sb.total} of 9"),
                ("Distress subscore", f"{sb.distress} of 5"),
                ("Risk stratum", wording.stratum_words(sb.stratum)),
                ("Matched care", sb.matched_care))),
        Para(rules.wording.startback_form, tone="muted"),
    ))


def ng65_section(assessment: Assessment) -> Section | None:
    ng = assessment.ng65
    if ng is None:
        return None
    rows = [("Criteria met", f"{ng.count} of 9"),
            ("Met", "; ".join(ng.criteria_met) if ng.criteria_met else "None")]
    if ng.not_asked:
        rows.append(("Not asked", "; ".join(ng.not_asked)))
    rows.append(("Outcome", ng.outcome))
    return Section("Inflammatory back pain (NICE NG65)", (
        Fields(tuple(rows)),
        Para("Morning stiffness is shown in the history as a pointer; it is not one of the "
             "nine NG65 criteria and is not counted.", tone="muted"),
    ))


def plan_section(record: Record) -> Section:
    plan = record.plan
    blocks: list[Block] = []
    for n, entry in enumerate(plan.items, start=1):
        blocks.append(PlanEntry(number=n, text=entry.text, why=entry.reason,
                                source=entry.source,
                                category="" if entry.suggestion_id is None else
                                wording.category_words(entry.category),
                                origin=wording.note_origin(entry.suggestion_id, entry.edited)))
    if not plan.items:
        blocks.append(Para("No plan items recorded yet.", tone="warning"))
    fit = _FIT_NOTE_WORDS[plan.fit_note] if plan.fit_note else NOT_RECORDED
    if plan.fit_note_details:
        fit += f": {plan.fit_note_details}"
    rows = [
        (_title(type(plan), "safety_netting_given"), plan.safety_netting_given.label),
        (_title(type(plan), "ces_card_given"), plan.ces_card_given.label),
    ]
    if applies(record, "plan.ces_info_how"):
        how = ", ".join(_INFO_WORDS[m] for m in plan.ces_info_how)
        rows.append(("CES information given", how or NOT_RECORDED))
    blocks.append(Fields((
        *rows,
        (_title(type(plan), "review_date"),
         show_date(plan.review_date) if plan.review_date else "Not booked"),
        ("Follow-up", _or(plan.follow_up)),
        ("Fit note", fit),
        (_title(type(plan), "confirmed"), "Yes" if plan.confirmed else "No"),
    )))
    return Section("Plan", tuple(blocks))


def _now_recorded(record: Record, note: UpgradeNote) -> str:
    """'Now recorded: Breastfeeding: No', or that the question is still to ask again."""
    *parents, leaf = note.field.split(".")
    owner: object = record
    try:
        for part in parents:
            owner = getattr(owner, part)
        value = getattr(owner, leaf)
        title = type(owner).model_fields[leaf].title or leaf  # type: ignore[attr-defined]
    except (AttributeError, KeyError):
        return ""
    raw = getattr(value, "value", value)
    if raw is None or str(raw) in note.still:
        return "Still to ask again."
    if isinstance(value, Answer):
        words = value.label
    elif value in history.WEAKNESS_ONSET_WORDS:
        words = history.WEAKNESS_ONSET_WORDS[value]
    else:
        words = str(raw).replace("_", " ")
    return f"Now recorded: {title}: {words}."


def upgrade_section(record: Record) -> Section | None:
    """Answers of an earlier record format that could not be carried over as they were,
    printed as recorded (nothing dropped), each with the question it now needs."""
    if not record.upgrade_notes:
        return None
    blocks: list[Block] = [Para(EARLIER_FORMAT_INTRO, tone="muted")]
    for note in record.upgrade_notes:
        blocks.append(Para(" ".join(filter(None, (note.text, _now_recorded(record, note))))))
    return Section(EARLIER_FORMAT, tuple(blocks))


def signature(record: Record) -> Section:
    c = record.consultation
    return Section("Recorded by", (Fields((
        ("Clinician", _or(c.clinician_name, NOT_KNOWN)),
        ("GMC number", c.gmc_number or NOT_KNOWN),
        ("Date", show_date(c.date)),
        ("Time (24-hour)", show_time(c.time)),
    )),))


def _strings(value: object) -> Iterator[str]:
    """Every string a note (or any part of it) holds."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


def glyph_alert(missing: tuple[str, ...]) -> Alert:
    """The box naming characters the font cannot print (never the glyphs themselves).
    It comes after the clinical alerts, so it never pushes a red flag off page 1."""
    shown = [glyphs.describe(c) for c in missing[:GLYPHS_SHOWN]]
    if len(missing) > len(shown):
        shown.append(f"and {len(missing) - len(shown)} more")
    n = len(missing)
    return Alert(kind="glyphs", level="info", title="CHARACTERS THE FONT CANNOT PRINT",
                 summary="Some characters cannot be printed in this font and show as empty "
                         f"boxes in the PDF ({plural(n, 'different character')}). "
                         "The record keeps them as typed:",
                 items=tuple(shown))


def with_missing_glyphs(note: Note) -> Note:
    """The note, reporting (in a box and in `missing_glyphs`) characters its font lacks."""
    # the PDF sets these in bold (the version line and the amendment box too)
    in_bold = (note.practice.name, note.banner.name, note.version, note.amendment)
    missing = tuple(sorted(glyphs.missing_glyphs(_strings(note))
                           | glyphs.missing_glyphs(in_bold, bold=True)))
    if not missing:
        return note
    return dataclasses.replace(note, alerts=(*note.alerts, glyph_alert(missing)),
                               missing_glyphs=missing)


def compose(record: Record, assessment: Assessment, *, draft: bool, app_version: str,
            rules: RuleSet | None = None, finalisation: Finalisation | None = None) -> Note:
    """The note. With `finalisation` it says which version it is (and, for an amendment,
    which version it supersedes and why); without it the note is exactly as before."""
    rules = rules or load()
    sections = [consultation(rules, record), history_section(record)]
    sections += [s for s in (upgrade_section(record),) if s is not None]
    sections += [Section("Red-flag screen", (red_flag_table(record),)),
                 impression(rules, record, assessment)]
    sections += [s for s in (startback_section(rules, assessment), ng65_section(assessment))
                 if s is not None]
    sections += [plan_section(record), signature(record)]
    return with_missing_glyphs(Note(
        title=TITLE,
        subtitle=SUBTITLE,
        practice=PracticeHeader(name=_or(record.practice.name, "Practice not recorded"),
                                address=_short_address(record.practice.address)),
        banner=banner(record),
        draft=rules.wording.draft if draft else "",
        alerts=alerts(rules, assessment, screening.positive_red_flags(record),
                      family_interpreted=record.consultation.interpreter
                      is Interpreter.FAMILY_OR_FRIEND),
        sections=tuple(sections),
        footer=(f"consult {app_version} \u00b7 rule set {assessment.rules_version} \u00b7 "
                f"{rules.wording.decision_support}"),
        metadata=Metadata(title=TITLE, subject=SUBTITLE, author="consult",
                          creator=f"consult {app_version}"),
        app_version=app_version,
        rules_version=assessment.rules_version,
        version=version_line(finalisation, rules) if finalisation else "",
        amendment=amendment_line(finalisation, rules) if finalisation else "",
    ))
