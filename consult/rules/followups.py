"""Follow-up questions: which apply, and clearing the answers of those that do not.

A follow-up question (trauma severity, leg details, CES onset, cancer details,
...) is asked only when its parent answer makes it relevant. When the parent
changes so that it no longer applies, its answer is cleared: a hidden question
never blocks finishing and its old answer is never kept or printed. The form
shows and hides widgets from `applies`; the core calls `clear_hidden` so files
written by any tool obey the same rule. (The window's form keeps a cleared red-flag
Yes aside, outside the record, says so, and shows it again if the question applies
again: CSO review 2026-12-07c, finding 4. The record never holds it while hidden.)
"""

from __future__ import annotations

from collections.abc import Callable

from consult.record.answers import Answer, Episode, FitNote, Mode, Onset, Sex, Trauma, WorkStatus
from consult.record.model import Observation, Record, owner_of
from consult.rules import facts as derive_facts
from consult.rules.redflags import CES_ITEMS, INFECTION_RISKS, METS_FEATURES, fracture_findings

YES = Answer.YES
Rule = Callable[[Record], bool]


def _fracture_suspected(r: Record) -> bool:
    return bool(fracture_findings(r, derive_facts.derive(r)))


def _ces(name: str) -> Rule:
    return lambda r: getattr(r.red_flags, name).answer is YES


def _ces_worse(name: str) -> Rule:
    """Worse in the last 14 days: asked only when the item began more than 14 days ago."""
    return lambda r: getattr(r.red_flags, name).answer is YES \
        and getattr(r.red_flags, name).onset is Onset.MORE_THAN_14_DAYS


def _may_be_pregnant(r: Record) -> bool:
    return r.patient.sex is not Sex.MALE


RULES: dict[str, Rule] = {
    "history.morning_stiffness_minutes":
        lambda r: YES in (r.history.morning_stiffness, r.history.stiffness_after_rest),
    "history.previous_episodes": lambda r: r.history.episode is Episode.RECURRENT,
    "impact.job_demands":
        lambda r: r.impact.work in (WorkStatus.NORMAL, WorkStatus.MODIFIED, WorkStatus.OFF_WORK),
    "triggers.trauma_details": lambda r: r.triggers.trauma in (Trauma.MINOR, Trauma.MAJOR),
    "triggers.severe_pain_after_trauma": lambda r: r.triggers.trauma is Trauma.MINOR,
    "legs.pain": lambda r: r.legs.symptoms is YES,
    "legs.numbness": lambda r: r.legs.symptoms is YES,
    "legs.claudication": lambda r: r.legs.symptoms is YES,
    "legs.claudication_duration": lambda r: r.legs.symptoms is YES and r.legs.claudication is YES,
    "legs.pain_intolerable": lambda r: r.legs.symptoms is YES and r.legs.pain is YES,
    "legs.weakness": lambda r: r.legs.symptoms is YES,
    "legs.pain_side": lambda r: r.legs.symptoms is YES and r.legs.pain is YES,
    "legs.pain_extent": lambda r: r.legs.symptoms is YES and r.legs.pain is YES,
    "legs.numbness_side": lambda r: r.legs.symptoms is YES and r.legs.numbness is YES,
    "legs.numbness_where": lambda r: r.legs.symptoms is YES and r.legs.numbness is YES,
    **{f"legs.{f}": (lambda r: r.legs.symptoms is YES and r.legs.weakness is YES)
       for f in ("weakness_side", "weakness_onset", "weakness_trajectory", "weakness_severe")},
    **{f"red_flags.{name}.onset": _ces(name) for name in CES_ITEMS},
    **{f"red_flags.{name}.worse_last_14_days": _ces_worse(name) for name in CES_ITEMS},
    **{f"red_flags.{f}": (lambda r: r.red_flags.cancer_history is YES)
       for f in ("cancer_type", "cancer_year", "gait_disturbance", *METS_FEATURES)},
    "red_flags.new_constant_severe_pain":
        lambda r: any(getattr(r.risk, f) is YES for f in INFECTION_RISKS),
    "red_flags.cannot_mobilise": _fracture_suspected,
    "red_flags.pain_uncontrolled": _fracture_suspected,
    "red_flags.collapse_or_faint": lambda r: r.red_flags.nonmechanical_sudden_severe_pain is YES,
    "red_flags.sepsis_signs": lambda r: r.red_flags.fever_or_unwell is YES,
    "medicines.pregnant": _may_be_pregnant,
    "medicines.breastfeeding": _may_be_pregnant,
    "red_flags.pregnancy_warning_signs":
        lambda r: _may_be_pregnant(r) and r.medicines.pregnant is YES,
    **{f"observation.{f}": (lambda r: r.consultation.mode is Mode.VIDEO)
       for f in Observation.model_fields},
    "plan.ces_info_how": lambda r: r.plan.ces_card_given is YES,
    "plan.safety_netting_how": lambda r: r.plan.safety_netting_given is YES,
    "plan.fit_note_details": lambda r: r.plan.fit_note in (FitNote.ISSUED, FitNote.TO_CONSIDER),
}


IMPLIED_NO_WITHOUT_LEG_SYMPTOMS = ("legs.pain", "legs.numbness", "legs.weakness",
                                   "legs.claudication")


PARENTS: dict[str, tuple[str, ...]] = {
    "triggers.trauma_details": ("triggers.trauma",),
    "triggers.severe_pain_after_trauma": ("triggers.trauma",),
    "legs.pain": ("legs.symptoms",), "legs.numbness": ("legs.symptoms",),
    "legs.weakness": ("legs.symptoms",),
    "legs.claudication": ("legs.symptoms",),
    "history.morning_stiffness_minutes": ("history.morning_stiffness", "history.stiffness_after_rest"),
    "history.previous_episodes": ("history.episode",),
    "impact.job_demands": ("impact.work",),
    "medicines.pregnant": ("patient.sex",),
    "medicines.breastfeeding": ("patient.sex",),
    "red_flags.pregnancy_warning_signs": ("medicines.pregnant",),
    "red_flags.sepsis_signs": ("red_flags.fever_or_unwell",),
    **{f"observation.{f}": ("consultation.mode",) for f in Observation.model_fields},
    "plan.ces_info_how": ("plan.ces_card_given",),
    "plan.safety_netting_how": ("plan.safety_netting_given",),
    # any infection risk (the rule above), not one of them: CSO review 2026-12-07 finding 4
    "red_flags.new_constant_severe_pain": tuple(f"risk.{f}" for f in INFECTION_RISKS),
    "red_flags.collapse_or_faint": ("red_flags.nonmechanical_sudden_severe_pain",),
    # the answers any suspicion of fracture needs one of (redflags.fracture_findings: an
    # event with a fracture risk or age 65 or more, or a deformity); the risks and the
    # age are further conditions, so the Questionnaire's enableWhen is wider than the rule
    **{f"red_flags.{f}": ("red_flags.sudden_severe_new_pain", "triggers.trauma",
                          "triggers.triggers", "red_flags.spinal_deformity")
       for f in ("cannot_mobilise", "pain_uncontrolled")},
    "plan.fit_note_details": ("plan.fit_note",),
}


def controlling(path: str) -> tuple[str, ...]:
    """The questions whose answers decide whether `path` is asked (nearest first)."""
    if path in PARENTS:
        return PARENTS[path] + tuple(p for parent in PARENTS[path] for p in controlling(parent))
    section, _, rest = path.partition(".")
    if section == "legs" and rest.startswith(("pain_", "numbness_", "weakness_", "claudication_")):
        detail = "legs." + rest.split("_", 1)[0]
        return (detail, *controlling(detail))
    if path.startswith("red_flags.ces_"):
        item = path.rsplit(".", 1)[0]
        if path.endswith(".worse_last_14_days"):
            return (item + ".onset", item + ".answer")
        if path.endswith(".onset"):
            return (item + ".answer",)
        return ()  # the item's answer itself hangs on nothing (never on itself)
    if path.startswith(("red_flags.cancer_", "red_flags.mets_", "red_flags.gait_")) \
            and path != "red_flags.cancer_history":  # never its own control
        return ("red_flags.cancer_history",)
    return ()


def applies(record: Record, path: str) -> bool:
    """Whether the question at `path` is asked, given the record's other answers."""
    rule = RULES.get(path)
    return rule is None or rule(record)


def unasked_as_yes(record: Record) -> Record:
    """A copy of the record with every unasked screening question answered Yes (and
    unasked trauma as minor): what the record could become once the GP asks."""
    copy = record.model_copy(deep=True)

    def fill(section: object) -> None:
        for name in type(section).model_fields:  # type: ignore[attr-defined]
            value = getattr(section, name)
            if value is Answer.NOT_ASKED:
                object.__setattr__(section, name, Answer.YES)
            elif value is Trauma.NOT_ASKED:
                object.__setattr__(section, name, Trauma.MINOR)
            elif hasattr(type(value), "model_fields"):
                fill(value)

    fill(copy)
    return copy


class Applicability:
    """The one rule for "does this question apply to this record", used by the
    completeness check (so the panel's To-finish list), the PDF note, its appendix
    and the record entry.

    A question applies when its parent answers ask it now, or when it may still be
    asked once the unasked questions it hangs on are asked (a follow-up under an
    unasked parent is "not asked", never "not applicable"). A question that does not
    apply prints "not applicable" and is never counted as unasked.

        applicable = Applicability(record)
        applicable("red_flags.mets_night_pain")   # False without a cancer history
    """

    def __init__(self, record: Record) -> None:
        self.record = record
        self._hopeful: Record | None = None

    def __call__(self, path: str) -> bool:
        if applies(self.record, path):
            return True
        if self._hopeful is None:  # the deep copy is made once, and only when needed
            self._hopeful = unasked_as_yes(self.record)
        return applies(self._hopeful, path)


def applicable(record: Record, path: str) -> bool:
    """Whether the question at `path` applies to this record (see Applicability)."""
    return Applicability(record)(path)


def clear_hidden(record: Record) -> list[str]:
    """Reset every follow-up whose question no longer applies; return the paths reset."""
    cleared = []
    for path in RULES:  # parents come before their children in RULES
        if applies(record, path):
            continue
        owner, leaf = owner_of(record, path)
        default = type(owner).model_fields[leaf].get_default(call_default_factory=True)
        if path in IMPLIED_NO_WITHOUT_LEG_SYMPTOMS and record.legs.symptoms is Answer.NO:
            default = Answer.NO  # "no leg symptoms" answers these three
        if getattr(owner, leaf) != default:
            setattr(owner, leaf, default)
            cleared.append(path)
    return cleared
