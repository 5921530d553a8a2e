"""compose(record, assessment) -> Note: what the consultation note says, in order.

Every word a GP reads is decided here; the renderers only lay it out. Rule
words (dispositions, draft, remote and decision-support sentences) come from
the rule set, labels of record fields from the pydantic model's titles.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from consult import codes
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
    Summary,
    Table,
    TableRow,
)
from consult.note.versioning import Finalisation, amendment_line, version_line
from consult.note.words import note_words
from consult.record.answers import (
    Answer,
    Band,
    FitNote,
    InfoMethod,
    Interpreter,
    Mode,
    Place,
    Sex,
    Trauma,
)
from consult.record.dates import age_on, show_date, show_time
from consult.record.model import (
    Legs,
    Medicines,
    Observation,
    PlanItem,
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
from consult.rules.engine import assess
from consult.rules.facts import first_episode_age_flag
from consult.rules.followups import IMPLIED_NO_WITHOUT_LEG_SYMPTOMS, Applicability, applies
from consult.rules.plan import is_stale as plan_is_stale
from consult.rules.redflags import CES_ITEMS, METS_FEATURES
from consult.rules.ruleset import RuleSet, deadline_words, load
from consult.rules.suggestions import holds_ces_item, review_weeks
from consult.words import name_line, plural

NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
NOT_DONE = "Not done"  # a video observation the GP did not make
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
_PLACE_WORDS = {Place.HOME: "At home", Place.WORK: "At work", Place.OTHER: "Elsewhere"}
_INFO_WORDS = {InfoMethod.PRINTED: "printed", InfoMethod.SMS: "SMS", InfoMethod.EMAIL: "email",
               InfoMethod.READ_ALOUD: "read aloud"}
ACTION_TITLE = "ACTION NEEDED"
NOT_FROM_SPINE = "Back pain that may not come from the spine (see the fired rows)"
NOT_APPLICABLE = "not applicable"
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
            extra = (*extra, _family_words())
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
                           summary=_upper_first(rules.unscreened_meaning(assessment.band))
                           + ". Still to ask:",
                           items=tuple(shown)))
    outside = [r for r in assessment.fired if r.kind == "outside"]
    if outside:
        boxes.append(Alert(kind="outside", level="outside", title="OUTSIDE THIS PATHWAY",
                           summary="The tool's lower back pain rules do not cover these "
                                   "findings: the GP assesses them.",
                           entries=tuple(_entry(rules, r) for r in outside)))
    return tuple(boxes)  # page 1's decision section gives the disposition whatever fires


def _table_level(assessment: Assessment, row: FiredRow) -> str:
    """A fired row's fill in the table 'Rules that fired': the panel's level for it
    (wording.row_level), except that a row under a more urgent disposition has no fill
    (never the routine green: CSO 2026-12-07c A1) and a row with no band none either."""
    level = wording.row_level(assessment, row)
    return "" if level == wording.BELOW_LEVEL or row.band is None else level


def _entry(rules: RuleSet, row: FiredRow) -> AlertEntry:
    return AlertEntry(level=row.band.value if row.band else "outside",
                      label=wording.row_label(rules, row), suspected=row.suspected,
                      found=tuple(row.findings), action=row.action,
                      when=deadline_words(row.within))


# ---------------------------------------------------------------------------
# Sections


def _interpreter_words(interpreter: Interpreter | None) -> str:
    if interpreter is None:
        return NOT_RECORDED
    words = _INTERPRETER_WORDS[interpreter]
    if interpreter is Interpreter.FAMILY_OR_FRIEND:
        words += " (intimate questions may be under-reported)"
    return words


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


@dataclass(frozen=True)
class ScreenItem:
    """One question of the red-flag screen as the note prints it."""

    path: str
    title: str
    answer: str  # "Yes", "No", "Not asked", "not applicable"; "" for a note beside them
    details: str = ""
    grouped: bool = False  # a No recorded with its group's one answer


@dataclass(frozen=True)
class ScreenGroup:
    id: str  # a group id of resources/note/note.toml
    items: tuple[ScreenItem, ...]


def screen(record: Record) -> tuple[ScreenGroup, ...]:
    """Every red-flag question by clinical group with Yes, No, Not asked or not
    applicable: never blank, never a guessed No. The appendix table and page 1's
    pertinent negatives are both drawn from this one list."""
    rf, risk, t, legs = record.red_flags, record.risk, record.triggers, record.legs
    facts = derive_facts.derive(record)
    applicable = Applicability(record)
    groups: list[ScreenGroup] = []
    items: list[ScreenItem] = []

    def group(gid: str) -> None:
        nonlocal items
        items = []
        groups.append(ScreenGroup(gid, ()))

    def close() -> None:
        if groups:
            groups[-1] = ScreenGroup(groups[-1].id, tuple(items))

    def add(path: str, title: str, answer: Answer | str, details: str = "") -> None:
        words = answer.label if isinstance(answer, Answer) else answer
        grouped = screening.asked_as_group(record, path)
        items.append(ScreenItem(path, title, words, details if answer is Answer.YES else "",
                                grouped))

    def item(model: type, owner: object, name: str, details: str = "") -> None:
        section = {RedFlags: "red_flags", RiskHistory: "risk", Triggers: "triggers",
                   Legs: "legs", Medicines: "medicines"}.get(model, "history")
        path = f"{section}.{name}"
        add(path, _title(model, name), _asked(record, applicable, path, getattr(owner, name)),
            details)

    group("cauda_equina")
    for name in CES_ITEMS:
        ces = getattr(rf, name)
        add(f"red_flags.{name}.answer", _title(RedFlags, name), ces.answer,
            ces_details(record, name))
    close()

    group("cancer")
    cancer = ""
    if rf.cancer_history is Answer.YES:
        cancer = ", ".join(filter(None, (rf.cancer_type, str(rf.cancer_year or "")))) \
            or "type and year not recorded"
    item(RedFlags, rf, "cancer_history", cancer)
    item(RedFlags, rf, "suspected_cord_compression")
    item(RedFlags, rf, "gait_disturbance")
    for name in METS_FEATURES:
        item(RedFlags, rf, name)
    close()

    group("infection")
    item(RedFlags, rf, "fever_or_unwell")
    item(RedFlags, rf, "sepsis_signs")
    for name in ("injecting_drug_use", "immunosuppression",
                 "recent_spinal_procedure_or_infection"):
        item(RiskHistory, risk, name)
    item(RedFlags, rf, "new_constant_severe_pain")
    close()

    group("fracture")
    item(RedFlags, rf, "sudden_severe_new_pain")
    item(RedFlags, rf, "spinal_deformity")
    item(RiskHistory, risk, "osteoporosis")
    item(RiskHistory, risk, "long_term_steroids")
    item(RedFlags, rf, "cannot_mobilise")
    item(RedFlags, rf, "pain_uncontrolled")
    close()

    group("bleeding")
    item(RiskHistory, risk, "anticoagulant", "with sudden severe new pain: "
         + rf.sudden_severe_new_pain.label.lower())
    close()

    group("trauma")
    trauma = {Trauma.MAJOR: Answer.YES, Trauma.MINOR: Answer.YES, Trauma.NONE: Answer.NO,
              Trauma.NOT_ASKED: Answer.NOT_ASKED}[t.trauma]
    trauma_details = {Trauma.MAJOR: "major", Trauma.MINOR: "minor"}.get(t.trauma, "")
    if t.trauma_details and trauma is Answer.YES:
        trauma_details += f": {t.trauma_details}"
    add("triggers.trauma", _title(Triggers, "trauma"), trauma, trauma_details)
    item(Triggers, t, "severe_pain_after_trauma")
    close()

    group("legs")
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
    close()

    group("not_spinal")
    item(RedFlags, rf, "nonmechanical_sudden_severe_pain")
    item(RedFlags, rf, "collapse_or_faint")
    item(RiskHistory, risk, "known_aortic_aneurysm")
    item(RiskHistory, risk, "vascular_disease")
    for name in ("loin_pain_fever_urinary", "colicky_loin_to_groin", "epigastric_to_back",
                 "pelvic_or_pregnancy_pain"):
        item(RedFlags, rf, name)
    item(type(record.history), record.history, "thoracic_pain")
    close()

    group("pregnancy")
    item(Medicines, record.medicines, "pregnant")
    item(RedFlags, rf, "pregnancy_warning_signs")
    close()

    group("weak")
    add("facts.first_episode_age", "First episode starting at age over 50 or under 20",
        first_episode_age_flag(record, facts))
    item(RedFlags, rf, "weight_loss")
    item(RedFlags, rf, "night_pain_constant")
    item(RedFlags, rf, "widespread_bone_pain")
    close()
    return tuple(groups)


def red_flag_table(record: Record, groups: tuple[ScreenGroup, ...] | None = None) -> Table:
    """The appendix's question-by-question table: Yes, No, Not asked or not applicable,
    and "asked as a group: denied" beside a No recorded with its group's one answer."""
    nw = note_words()
    rows: list[TableRow] = []
    for g in groups if groups is not None else screen(record):
        rows.append(TableRow((nw.groups[g.id].title,), group=True))
        if g.id == "cauda_equina" and _family_interpreted(record):
            rows.append(TableRow((_family_words(), "", ""), level="info"))
        for i in g.items:
            details = i.details or (nw.negatives["grouped_cell"] if i.grouped else "")
            if i.path == "facts.first_episode_age":
                details = "from age and duration"
            rows.append(TableRow((i.title, i.answer, details),
                                 level="flag" if i.answer == "Yes" else ""))
    return Table(columns=("Item", "Answer", "Details"), widths=(0.58, 0.12, 0.30),
                 rows=tuple(rows))


def _family_interpreted(record: Record) -> bool:
    return record.consultation.interpreter is Interpreter.FAMILY_OR_FRIEND


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def pertinent_negatives(record: Record,
                        groups: tuple[ScreenGroup, ...]) -> tuple[tuple[str, str], ...]:
    """One line per clinical group (reference 5b): "all 7 asked, all denied"; "5 asked,
    denied; 1 not asked: injecting drug use". Questions that do not apply are left out
    of the counts; a group where nothing applies is left out; grouped answers say so."""
    nw = note_words()
    neg = nw.negatives
    lines = []
    for g in groups:
        asked = [i for i in g.items if i.answer in ("Yes", "No")]
        yes = [i for i in g.items if i.answer == "Yes"]
        no = [i for i in g.items if i.answer == "No"]
        unasked = [i for i in g.items if i.answer == "Not asked"]
        if not asked and not unasked:
            continue
        if no and not yes and not unasked:
            words = (neg["one_denied"] if len(no) == 1 else neg["both_denied"] if len(no) == 2
                     else neg["all_denied"].format(n=len(no)))
        else:
            parts = []
            if no:
                parts.append(neg["denied"].format(n=len(no)))
            if yes:
                parts.append(neg["positive"].format(n=len(yes)))
            if unasked:
                parts.append(neg["not_asked"].format(
                    n=len(unasked), items="; ".join(_lower_first(i.title) for i in unasked)))
            words = "; ".join(parts)
        grouped = [i for i in no if i.grouped]
        if grouped:
            words += " (" + (neg["grouped_all"] if len(grouped) == len(no)
                             else neg["grouped_some"].format(n=len(grouped))) + ")"
        if g.id == "cauda_equina" and _family_interpreted(record):
            words += "; " + nw.remote["family_interpreter"]
        lines.append((nw.groups[g.id].short, words))
    return tuple(lines)


def positive_findings(groups: tuple[ScreenGroup, ...]) -> tuple[str, ...]:
    """Every screening question answered Yes, with its details: never hidden."""
    return tuple(f"{i.title} ({i.details})" if i.details else i.title
                 for g in groups for i in g.items if i.answer == "Yes")


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
            columns=("Suspected", "How soon", "Action", "Found"),
            widths=(0.22, 0.15, 0.33, 0.30),
            rows=tuple(TableRow((r.suspected,
                                 wording.row_band_label(rules, assessment, r),
                                 r.action, "; ".join(r.findings)),
                                level=_table_level(assessment, r))
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
    rows = [("Total score", f"{sb.total} of 9"), ("Distress subscore", f"{sb.distress} of 5"),
            ("Risk stratum", wording.stratum_words(sb.stratum)), ("Matched care", sb.matched_care)]
    if (found := _startback(assessment)[1]):
        rows.append(("Codes", found))
    return Section("STarT Back", (
        Fields(tuple(rows)),
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


def _strings(value: object) -> list[str]:
    """Every string a note (or any part of it) holds."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, tuple):
            pending.extend(item)
        elif dataclasses.is_dataclass(item):
            pending.extend(getattr(item, name) for name in _field_names(type(item)))
    return found


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


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


def _family_words() -> str:
    text = note_words().remote["family_interpreter"]
    return text[:1].upper() + text[1:]


def _how(methods: list[InfoMethod]) -> str:
    return ", ".join(_INFO_WORDS[m] for m in methods)


def working_diagnosis(record: Record, assessment: Assessment) -> tuple[str, str]:
    """(words, printed code) of the working diagnosis, derived from the assessment with
    the wording and codes of resources/note/note.toml and resources/codes/codes.toml."""
    words, code = diagnosis_coded(record, assessment)
    return words, _printed_code(code)


def _printed_code(code: codes.Code | None) -> str:
    """The diagnosis's code as the note prints it, naming the code's own concept."""
    return f"{code.display}, {codes.label(code)}" if code else ""


def diagnosis_coded(record: Record, assessment: Assessment) -> tuple[str, codes.Code | None]:
    """(words, code or None) of the working diagnosis: working_diagnosis's parts."""
    d = note_words().diagnosis
    facts = derive_facts.derive(record)
    phase = d["phase"].get(facts.phase or "", "")
    rows = assessment.red_flag_rows
    if any(r.id.startswith("ces-") for r in rows):
        kind, words = "ces", d["ces"]["words"]
    elif rows:
        suspected = rows[0].suspected
        key = "words_possible" if suspected.lower().startswith("possible") else "words"
        kind, words = "red_flag", d["red_flag"][key].format(suspected=_lower_first(suspected))
    elif assessment.not_from_spine:
        kind, words = "not_from_spine", d["not_from_spine"]["words"]
    elif any(r.kind == "ng65" for r in assessment.fired):
        kind, words = "inflammatory", d["inflammatory"]["words"]
    elif facts.condition == "sciatica":
        side = d["side"].get(record.legs.pain_side.value if record.legs.pain_side else "", "")
        kind, words = "sciatica", d["sciatica"]["words"].format(phase=phase, side=side)
    elif not any(r.kind == "outside" for r in assessment.fired):
        kind, words = "mechanical", d["mechanical"]["words"].format(phase=phase)
    else:
        kind, words = "low_back_pain", d["low_back_pain"]["words"].format(phase=phase)
    entry = d[kind]
    concept = entry.get(f"concept_{facts.phase}", entry["concept"]) if facts.phase else \
        entry["concept"]
    code = codes.code_for(concept) if concept else None
    # the code's own concept is named: "Low back pain, SNOMED CT 279039007 (unverified code)"
    # beside "Suspected spinal infection" never reads as a code for the infection
    return words[:1].upper() + words[1:], code


def _actions(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    """Each fired row above routine as (action, deadline words), most urgent first."""
    rows = [r for r in assessment.fired if r.kind != "outside" and r.band is not None
            and r.band is not Band.ROUTINE]
    rows.sort(key=lambda r: -r.band.rank if r.band else 0)
    return tuple((r.action, deadline_words(r.within)) for r in rows)


def _safety_netting(record: Record) -> str:
    w, plan = note_words().words, record.plan
    if plan.safety_netting_given is Answer.YES:
        how = _how(plan.safety_netting_how)
        parts = [w["safety_netting_given"].format(how=how) if how
                 else w["safety_netting_given_how_not_recorded"]]
    else:
        parts = [w["safety_netting_not_given"]]
    if plan.ces_card_given is Answer.YES:
        parts.append(w["ces_card"].format(how=_how(plan.ces_info_how) or NOT_RECORDED.lower()))
    elif plan.ces_card_given is Answer.NO:
        parts.append(w["ces_card_not_given"])
    elif holds_ces_item(plan):
        parts.append(w["ces_card_not_recorded"])  # a draft: Finalise asks for it
    if plan.advice_sheet_given is Answer.YES:
        parts.append(w["advice_sheet"].format(
            how=_how(plan.advice_sheet_how) or NOT_RECORDED.lower()))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _review(record: Record, assessment: Assessment) -> str:
    """The booked review's date; with none booked, the interval the plan suggests (never
    a date nobody booked), or the GP's own follow-up words."""
    w, plan = note_words().words, record.plan
    not_booked = (w["review_not_booked"] if assessment.band is Band.EMERGENCY else
                  w["review_not_booked_interval"].format(weeks=review_weeks(assessment.fired)))
    ours = (w["review_booked"].format(date=show_date(plan.review_date)) if plan.review_date
            else "" if plan.follow_up else not_booked)
    ours = ours[:1].upper() + ours[1:]  # the GP's own words are printed as typed
    return "; ".join(filter(None, (ours, plan.follow_up)))


def _fit_note(record: Record) -> str:
    plan = record.plan
    if not plan.fit_note and not plan.fit_note_details:
        return ""
    words = _FIT_NOTE_WORDS[plan.fit_note] if plan.fit_note else NOT_RECORDED
    return f"{words}: {plan.fit_note_details}" if plan.fit_note_details else words


def remote_statement(record: Record) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The remote-consultation statement and, on video, what was observed (never
    "examined"): issue 15 part 5. Face to face: nothing to say."""
    r, mode = note_words().remote, record.consultation.mode
    if mode is Mode.TELEPHONE:
        return r["telephone"], ()
    if mode is not Mode.VIDEO:
        return "", ()
    seen = []
    for name, field in Observation.model_fields.items():
        value = getattr(record.observation, name)
        if isinstance(value, Answer):
            words = NOT_DONE if value is Answer.NOT_ASKED else value.label
        else:
            words = value or NOT_DONE
        seen.append((field.title or name, words))
    if all(words == NOT_DONE for _, words in seen):
        return r["video_nothing"], ()
    return r["video_observed"], tuple(seen)


def _startback_parts(assessment: Assessment) -> tuple[
        codes.Code | None, tuple[tuple[str, tuple[codes.Code, ...]], ...]]:
    """The panel's code and each result with its codes: ("Low risk", (risk level, low
    risk)), ("total 2 of 9", (total,)), ("distress 1 of 5", (distress subscore,))."""
    sb = assessment.startback
    if sb is None:
        return None, ()

    def coded(*concepts: str) -> tuple[codes.Code, ...]:
        return tuple(code for concept in concepts
                     if concept in codes.load() and (code := codes.code_for(concept)))

    panel = coded("startback_panel")
    return (panel[0] if panel else None), (
        (wording.stratum_words(sb.stratum),
         coded("startback_risk_level", f"startback_{sb.stratum}_risk")),
        (f"total {sb.total} of 9", coded("startback_total")),
        (f"distress {sb.distress} of 5", coded("startback_distress_subscore")))


def _startback(assessment: Assessment) -> tuple[str, str]:
    sb = assessment.startback
    if sb is None:
        return "", ""
    (risk, _), (total, _), (distress, _) = _startback_parts(assessment)[1]
    text = f"{risk} ({total}, {distress})"
    found = [(code, what) for concept, what in (
        ("startback_panel", "panel"), ("startback_total", "total"),
        ("startback_distress_subscore", "distress"), ("startback_risk_level", "risk level"),
        (f"startback_{sb.stratum}_risk", wording.stratum_words(sb.stratum).lower()))
        if concept in codes.load() and (code := codes.code_for(concept))]
    parts = []
    for system in (codes.LOINC, codes.SNOMED):  # "LOINC 91349-1 panel, 91351-7 total"
        mine = [(c, what) for c, what in found if c.system == system]
        if mine:
            parts.append(system + " " + ", ".join(
                f"{codes.label(c).removeprefix(system + ' ')} {what}" for c, what in mine))
    return text, "; ".join(parts)


def _consultation_line(record: Record) -> str:
    c = record.consultation
    mode = f"{_MODE_WORDS[c.mode]} consultation" if c.mode else "Consultation (mode not recorded)"
    when = " ".join(filter(None, (show_date(c.date) if c.date else "",
                                  show_time(c.time) if c.time else "")))
    return ", ".join(filter(None, (mode, when, c.clinician_name)))


def summary(rules: RuleSet, record: Record, assessment: Assessment,
            groups: tuple[ScreenGroup, ...]) -> Summary:
    diagnosis, coded = diagnosis_coded(record, assessment)
    level, disposition = wording.disposition_words(assessment)
    remote, observed = remote_statement(record)
    sb, sb_codes = _startback(assessment)
    sb_panel, sb_parts = _startback_parts(assessment)
    actions = _actions(assessment)
    warnings = [f"Outside this pathway: {m}" for m in assessment.outside_pathway]
    if not assessment.red_flags_screened:
        warnings.append(f"{rules.unscreened.title}: "
                        f"{rules.unscreened_meaning(assessment.band)}")
    if plan_is_stale(record, assessment):  # a draft only: a final note is refused
        warnings.append(note_words().words["plan_stale"])
    return Summary(
        consultation=_consultation_line(record),
        diagnosis=diagnosis, problem_code=_printed_code(coded),
        disposition=disposition, disposition_level=level,
        actions=tuple(note_words().words["action"].format(action=a, when=w)
                      for a, w in actions),
        action_parts=actions,
        plan=tuple(plan_line(i) for i in record.plan.items),
        plan_ids=tuple("" if i.edited else i.suggestion_id or "" for i in record.plan.items),
        safety_netting=_safety_netting(record), review=_review(record, assessment),
        fit_note=_fit_note(record), remote=remote, observed=observed,
        history=tuple(history.paragraphs(record)),
        positives=positive_findings(groups),
        negatives=pertinent_negatives(record, groups),
        startback=sb, startback_codes=sb_codes, warnings=tuple(warnings),
        problem_coded=coded, startback_panel=sb_panel, startback_parts=sb_parts)


def problem_words(s: Summary) -> str:
    """The working diagnosis with its code in the compact form ('SNOMED CT 279040009,
    unverified'), naming the code's own concept when its words differ from the
    diagnosis (a benign code is never read as coding a suspected serious cause): page 1
    and the record entry print this."""
    code = s.problem_coded
    if code is None:
        return s.diagnosis
    label = codes.short_label(code)
    if code.display.casefold() != s.diagnosis.casefold():
        label = f"{code.display}, {label}"
    return f"{s.diagnosis} [{label}]"


def plan_line(item: PlanItem) -> str:
    """A plan item on one line: a suggestion the GP did not edit in its short form (when
    resources/note/note.toml gives one), anything else as the GP has it."""
    if item.suggestion_id and not item.edited:
        return note_words().plan_short.get(item.suggestion_id, item.text)
    return item.text


def _numbered(lines: tuple[str, ...]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def decision_section(s: Summary) -> Section:
    """Page 1's decision (reference 5b): working diagnosis, disposition with its
    deadline, actions with their times, the plan as chosen (no reasons), the
    safety-netting given and how, the review."""
    lab, w = note_words().labels, note_words().words
    blocks: list[Block] = [
        Fields(((lab["diagnosis"], problem_words(s)),)),
        Para(f"{lab['disposition']}: {s.disposition}", tone=s.disposition_level),
    ]
    rows = []
    if s.actions:
        rows.append((lab["actions"], "\n".join(s.actions)))
    rows.append((lab["plan"], _numbered(s.plan) if s.plan else w["no_plan"]))
    rows.append((lab["safety_netting"], s.safety_netting))
    rows.append((lab["review"], s.review))
    if s.fit_note:
        rows.append((lab["fit_note"], s.fit_note))
    blocks.append(Fields(tuple(rows), ))
    for warning in s.warnings:
        blocks.append(Para(warning, tone="warning"))
    return Section(note_words().headings["decision"], tuple(blocks))


def findings_section(s: Summary) -> Section:
    """Page 1's findings: the remote statement, the positive findings, the pertinent
    negatives one line per group, then the history as sentences and STarT Back. The
    screen's result comes before the history (CSO review 2026-12-07 finding 9): a long
    history or a long plan flows on to page 2, never the positives and negatives."""
    lab, w = note_words().labels, note_words().words
    blocks: list[Block] = []
    if s.remote:
        blocks.append(Para(s.remote, tone="strong"))
    if s.observed:
        blocks.append(Fields(s.observed))
    blocks.append(Fields(((lab["positives"],
                           "\n".join(s.positives) if s.positives else w["no_positives"]),)))
    if s.negatives:
        blocks.append(Para(lab["negatives"], tone="subheading"))
        blocks.append(Fields(s.negatives))
    rows = list(s.history) or [(lab["history"], "No history recorded yet.")]
    if s.startback:
        rows.append((lab["startback"], s.startback))
    blocks.append(Fields(tuple(rows)))
    return Section(note_words().headings["findings"], tuple(blocks))


def consultation_details(record: Record) -> Section:
    """Who recorded the note, when, and how the consultation took place: three lines
    that close page 1 (the signature block)."""
    c = record.consultation
    consent = c.consent.label if c.mode is not Mode.FACE_TO_FACE else "Not needed (face to face)"
    place = _PLACE_WORDS.get(c.patient_place, "") if c.patient_place else ""
    who = ", ".join((_or(c.clinician_name, NOT_KNOWN), f"GMC {c.gmc_number or NOT_KNOWN}",
                     f"{show_date(c.date)} {show_time(c.time)} (24-hour)"))
    how = "; ".join((
        _MODE_WORDS[c.mode] if c.mode else f"Mode {NOT_KNOWN.lower()}",
        f"{_lower_first(_title(type(c), 'identity_confirmed'))}: {c.identity_confirmed.label}",
        f"{_lower_first(_title(type(c), 'consent'))}: {consent}",
        f"{_lower_first(_title(type(c), 'interpreter'))}: {_interpreter_words(c.interpreter)}"))
    where = "; ".join((c.patient_location or place or NOT_RECORDED,
                       f"{_lower_first(_title(type(c), 'others_present'))}: "
                       f"{_or(c.others_present)}"))
    rows = (("Clinician", who), ("Consultation", how),
            (_title(type(c), "patient_location"), where))
    return Section(note_words().headings["signature"], (Fields(rows),))


def appendix_sections(rules: RuleSet, record: Record, assessment: Assessment,
                      groups: tuple[ScreenGroup, ...]) -> tuple[Section, ...]:
    """The appendix (issue 15 part 2): the question-by-question screen, the rules that
    fired, STarT Back and NG65 detail, and each plan item's reason and source."""
    h = note_words().headings
    sections = [Section(h["screen"], (red_flag_table(record, groups),)),
                dataclasses.replace(impression(rules, record, assessment), heading=h["rules"])]
    sections += [s for s in (startback_section(rules, assessment), ng65_section(assessment))
                 if s is not None]
    sections.append(plan_sources(record, assessment))
    return tuple(sections)


def plan_sources(record: Record, assessment: Assessment | None = None) -> Section:
    """Each plan item in full with its reason and source, for the appendix (page 1 prints
    the plan one line per item without them); and whether the GP confirmed it, for
    these answers: a plan confirmed against earlier answers is not confirmed."""
    plan = record.plan
    blocks: list[Block] = [
        PlanEntry(number=n, text=entry.text, why=entry.reason, source=entry.source,
                  category="" if entry.suggestion_id is None else
                  wording.category_words(entry.category),
                  origin=wording.note_origin(entry.suggestion_id, entry.edited))
        for n, entry in enumerate(plan.items, start=1)]
    if not plan.items:
        blocks.append(Para(note_words().words["no_plan"], tone="warning"))
    confirmed = "Yes" if plan.confirmed else "No"
    if plan_is_stale(record, assessment or assess(record)):
        confirmed = note_words().words["plan_confirmed_stale"]
    blocks.append(Fields(((_title(type(plan), "confirmed"), confirmed),)))
    return Section(note_words().headings["plan_sources"], tuple(blocks))


def compose(record: Record, assessment: Assessment, *, draft: bool, app_version: str,
            rules: RuleSet | None = None, finalisation: Finalisation | None = None) -> Note:
    """The note. With `finalisation` it says which version it is (and, for an amendment,
    which version it supersedes and why); without it the note is exactly as before."""
    rules = rules or load()
    groups = screen(record)
    page_one = summary(rules, record, assessment, groups)
    sections = [decision_section(page_one), findings_section(page_one)]
    sections += [s for s in (upgrade_section(record),) if s is not None]
    sections.append(consultation_details(record))  # with the signature: page 1 ends here
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
        summary=page_one,
        appendix_title=note_words().headings["appendix"],
        appendix=appendix_sections(rules, record, assessment, groups),
    ))
