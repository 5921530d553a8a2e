"""Suggested management (clinical reference, section 5).

Which suggestions apply is decided here; their words and sources come from the
rule set. Every suggestion passes the never-suggest guard before it is returned.
"""

from __future__ import annotations

from datetime import timedelta

from consult.answers import Answer, Band, Sex, WorkStatus
from consult.dates import show_date
from consult.facts import Facts
from consult.record import Medicines, Record
from consult.rules.assessment import FiredRow, Ng65Result, StartBackResult, Suggestion
from consult.ruleset import RuleSet
from consult.screening import positive_red_flags

YES, NO, NOT_ASKED = Answer.YES, Answer.NO, Answer.NOT_ASKED

NSAID_CAUTIONS = ("kidney_disease", "heart_failure_or_cvd", "gi_bleed_or_ulcer",
                  "anticoagulant", "asthma", "liver_disease")
AVOID_IN_SCIATICA = ("takes_opioid", "takes_gabapentinoid", "takes_benzodiazepine")
SERIOUS_KINDS = ("strong", "weak", "outside")
BENIGN_ROWS = ("weak-single",)


class _Builder:
    def __init__(self, rules: RuleSet, facts: Facts) -> None:
        self.rules, self.facts = rules, facts
        self.items: list[Suggestion] = []

    def add(self, key: str, *, sid: str | None = None, sources: list[str] | None = None,
            source_text: str | None = None, **fields: object) -> None:
        words = self.rules.suggestions[key]
        self.items.append(Suggestion(
            id=sid or key,
            text=words.text.format(**fields),
            reason=words.reason.format(**fields),
            source=source_text or self.rules.cite(sources or words.sources),
            category=words.category,
            applies_to=list(words.applies_to),
        ))

    def guarded(self) -> list[Suggestion]:
        """Drop anything on the never-suggest list; a red-flag action is never dropped.

        The rule file is refused at load when a row's words match the list, so
        the error below means the guard and the loader disagree: fail loudly.
        """
        context = self.facts.context
        kept = []
        for s in self.items:
            if self.rules.forbidden(s.text, context) or self.rules.forbidden(s.reason, context):
                if s.id.startswith("action-"):
                    raise RuntimeError(f"red-flag action {s.id} matches the never-suggest list")
                continue
            kept.append(s)
        return kept


def suggest(record: Record, facts: Facts, rules: RuleSet, fired: list[FiredRow],
            band: Band, screened: bool, startback: StartBackResult | None,
            ng65: Ng65Result | None) -> list[Suggestion]:
    b = _Builder(rules, facts)
    emergency = band is Band.EMERGENCY
    ranked = sorted(fired, key=lambda r: -(r.band.rank if r.band else -1))
    for row in ranked:
        if row.band is Band.EMERGENCY:
            b.add("emergency-action", sid=f"action-{row.id}", source_text=row.source,
                  action=row.action, suspected=row.suspected)
    for row in ranked:
        if row.band in (Band.URGENT, Band.SOON):
            b.add("urgent-action", sid=f"action-{row.id}", source_text=row.source,
                  action=row.action, suspected=row.suspected)

    if not emergency:
        _face_to_face(b, record, fired)
        serious = any(r.kind in SERIOUS_KINDS and r.id not in BENIGN_ROWS for r in fired) \
            or bool(positive_red_flags(record, weak=False))
        if screened and not serious and facts.phase != "chronic":
            b.add("reassurance")
        b.add("keep-active")
        b.add("heat-stretch")
        if record.impact.work in (WorkStatus.MODIFIED, WorkStatus.OFF_WORK):
            b.add("work-advice", work=record.impact.work.value.replace("_", " "))
        _medicines(b, record, facts)
        if screened and not serious \
                and not any(r.band and r.band.rank > Band.ROUTINE.rank for r in fired):
            b.add("no-imaging")
        _physio(b, facts, startback)
        if facts.condition == "sciatica" and (facts.duration_days or 0) >= 14 \
                and (record.impact.pain_now or 0) >= 7:
            b.add("spinal-opinion")
        if ng65 is not None and ng65.count < 3:
            b.add("ng65-return", count=ng65.count)

    b.add("safety-netting")
    b.add("ces-card")
    if not emergency:
        weeks = 2 if any(r.id == "weak-single" for r in fired) else 4
        when = record.consultation.date
        review = show_date(when + timedelta(weeks=weeks)) if when else f"{weeks} weeks from today"
        b.add("review-if-not-improving", review_date=review, weeks=weeks)
    return b.guarded()


def _face_to_face(b: _Builder, record: Record, fired: list[FiredRow]) -> None:
    if any(r.id == "weakness-one-leg-mild" for r in fired):
        return  # that row's own action is a face-to-face examination
    if any(r.kind == "outside" for r in fired):
        b.add("face-to-face", when="48 hours")
    elif YES in (record.legs.weakness, record.legs.numbness, record.red_flags.gait_disturbance):
        b.add("face-to-face", when="1 week")


def _medicines(b: _Builder, record: Record, facts: Facts) -> None:
    m = record.medicines
    sciatica_note = (" For sciatica the evidence for NSAIDs is limited."
                     if facts.condition == "sciatica" else "")
    pregnancy_relevant = record.patient.sex is not Sex.MALE and (facts.age is None or facts.age < 56)
    nsaid_unsuitable = False
    if m.pregnant_or_breastfeeding is YES:
        b.add("pregnancy-medicines")
        nsaid_unsuitable = True
    else:
        cautions = [_label(c) for c in NSAID_CAUTIONS if getattr(m, c) is YES]
        unchecked = [_label(c) for c in NSAID_CAUTIONS if getattr(m, c) is NOT_ASKED]
        if pregnancy_relevant and m.pregnant_or_breastfeeding is NOT_ASKED:
            unchecked.append("pregnancy or breastfeeding")
        if facts.age is not None and facts.age >= 65:
            cautions.append(f"age {facts.age}")
        if cautions:
            b.add("nsaid-caution", cautions=", ".join(cautions).lower())
            nsaid_unsuitable = any(getattr(m, c) is YES for c in NSAID_CAUTIONS)
        elif unchecked:
            b.add("nsaid-unchecked", unchecked=", ".join(unchecked).lower(),
                  sciatica_note=sciatica_note)
        else:
            b.add("nsaid", sciatica_note=sciatica_note)
    if nsaid_unsuitable and m.pregnant_or_breastfeeding is not YES and m.takes_opioid is not YES \
            and facts.phase == "acute" and facts.condition == "low back pain":
        b.add("weak-opioid")
    taking = [f for f in AVOID_IN_SCIATICA if getattr(m, f) is YES]
    if facts.condition == "sciatica" and taking:
        b.add("medicine-review", count=len(taking))


def _physio(b: _Builder, facts: Facts, startback: StartBackResult | None) -> None:
    if startback is not None:
        if startback.stratum == "high":
            b.add("physio-psych")
        elif startback.stratum == "medium":
            b.add("physio", why="STarT Back medium risk.")
        else:
            b.add("self-management-leaflet")
    elif facts.phase in ("sub-acute", "chronic"):
        b.add("physio", why="Pain for 6 weeks or more: not settling with self-management.")


def _label(field: str) -> str:
    return Medicines.model_fields[field].title or field
