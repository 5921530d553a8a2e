"""Suggested management (clinical reference, section 5).

Which suggestions apply is decided here; their words and sources come from the
rule set. Every suggestion passes the never-suggest guard before it is returned.
"""

from __future__ import annotations

from consult.record.answers import Answer, Band, Course, DurationUnit, NsaidTried, WorkStatus
from consult.record.dates import show_date
from consult.record.model import Medicines, Plan, Practice, Record, RiskHistory
from consult.rules.assessment import FiredRow, Ng65Result, StartBackResult, Suggestion
from consult.rules.facts import DAYS_PER_UNIT, Facts
from consult.rules.ruleset import RuleSet
from consult.rules.screening import may_be_pregnant, positive_red_flags

YES, NO, NOT_ASKED = Answer.YES, Answer.NO, Answer.NOT_ASKED

# NSAID cautions (clinical reference, section 1 "medicine safety", and section 5)
NSAID_CONDITIONS = ("kidney_disease", "heart_failure_or_cvd", "gi_bleed_or_ulcer",
                    "liver_disease", "nsaid_sensitive_asthma")
NSAID_RISK_MEDICINES = ("antiplatelet", "oral_corticosteroid", "ssri_snri",
                        "ace_arb_with_diuretic", "lithium", "methotrexate")
# with any of these (or age 65 or over) a PPI is offered with an NSAID
GI_RISKS = ("gi_bleed_or_ulcer", "antiplatelet", "oral_corticosteroid", "ssri_snri")
AVOID_IN_SCIATICA = ("takes_opioid", "takes_gabapentinoid", "takes_benzodiazepine")
SERIOUS_KINDS = ("strong", "weak", "outside")


def steroids_as_corticosteroid(record: Record) -> bool:
    """Long-term oral steroids recorded in the risk history are an oral corticosteroid
    (clinical reference 1 and 5): they raise NSAID risk even when the medicines
    question was answered No (CSO review 2026-12-07, finding 7)."""
    return record.risk.long_term_steroids is YES and record.medicines.oral_corticosteroid is not YES

BENIGN_ROWS = ("weak-single",)
# the rule set's id of the written cauda equina information item: in the plan, whether it
# was given is asked (completeness) and the record entry says so (CSO review 2026-12-07c, A3)
CES_CARD_ITEM = "ces-card"


def holds_ces_item(plan: Plan) -> bool:
    """The plan holds the written cauda equina information item (CES card or leaflet)."""
    return any(item.suggestion_id == CES_CARD_ITEM for item in plan.items)


class _Builder:
    def __init__(self, rules: RuleSet, facts: Facts, practice: Practice) -> None:
        self.rules, self.facts, self.practice = rules, facts, practice
        self.items: list[Suggestion] = []
        self._guard: dict[int, tuple[str, str]] = {}

    def route(self, route: str | None, lead: str = " ") -> str:
        """' Local cauda equina route: <the practice's words, or the generic route>.'"""
        if route is None:
            return ""
        words = self.rules.routes[route]  # type: ignore[index]
        local = getattr(self.practice, ROUTE_FIELDS[route]).strip()
        return f"{lead}{words.label}: {local or words.generic}."

    def add(self, key: str, *, sid: str | None = None, sources: list[str] | None = None,
            source_text: str | None = None, recorded: dict[str, str] | None = None,
            **fields: object) -> None:
        """`recorded` fills placeholders with what the record says (a medicine the patient
        takes): they are findings, not suggestions, and the never-suggest guard reads the
        words around them only."""
        words = self.rules.suggestions[key]
        recorded = recorded or {}
        blank = {k: "" for k in recorded}
        self._guard[len(self.items)] = (words.text.format(**fields, **blank),
                                        words.reason.format(**fields, **blank))
        self.items.append(Suggestion(
            id=sid or key,
            text=words.text.format(**fields, **recorded),
            reason=words.reason.format(**fields, **recorded),
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
        for n, s in enumerate(self.items):
            text, reason = self._guard[n]
            if self.rules.forbidden(text, context) or self.rules.forbidden(reason, context):
                if s.id.startswith("action-"):
                    raise RuntimeError(f"red-flag action {s.id} matches the never-suggest list")
                continue
            kept.append(s)
        return kept


ROUTE_FIELDS = {"ces": "ces_route", "mscc": "mscc_contact", "msk": "msk_interface",
                "physio": "physio_self_referral"}


def not_from_spine(fired: list[FiredRow], rules: RuleSet) -> bool:
    """A fired row says the pain may not come from the spine."""
    return any(rules.rows[r.id].not_spinal for r in fired)


def suggest(record: Record, facts: Facts, rules: RuleSet, fired: list[FiredRow],
            band: Band, screened: bool, startback: StartBackResult | None,
            ng65: Ng65Result | None) -> list[Suggestion]:
    b = _Builder(rules, facts, record.practice)
    emergency = band is Band.EMERGENCY
    ranked = sorted(fired, key=lambda r: -(r.band.rank if r.band else -1))
    for row in ranked:
        if row.band is Band.EMERGENCY:
            b.add("emergency-action", sid=f"action-{row.id}", source_text=row.source,
                  action=row.action, suspected=row.suspected,
                  recorded={"route": b.route(rules.rows[row.id].route)})
    for row in ranked:
        if row.band in (Band.URGENT, Band.SOON):
            b.add("urgent-action", sid=f"action-{row.id}", source_text=row.source,
                  action=row.action, suspected=row.suspected,
                  recorded={"route": b.route(rules.rows[row.id].route)})
    # the pain may not come from the spine, or the patient is outside the tool's scope:
    # no self-care, medicine, physiotherapy, work or reassurance suggestion
    elsewhere = not_from_spine(fired, rules) or any(r.id == "outside-under-16" for r in fired)
    pregnant = record.medicines.pregnant is YES

    if not emergency:
        _face_to_face(b, record, fired)
        serious = any(r.kind in SERIOUS_KINDS and r.id not in BENIGN_ROWS for r in fired) \
            or bool(positive_red_flags(record, weak=False))
        settling = not any(r.id == "sciatica-not-settling" for r in fired)
        if screened and not serious and settling and not elsewhere and facts.phase != "chronic" \
                and band in (Band.ROUTINE, Band.SOON):
            b.add("reassurance")
        if not elsewhere:
            b.add("keep-active")
            b.add("heat-stretch")
        if not elsewhere:
            _work(b, record)
        if pregnant:
            b.add("pelvic-health-physio")
        if not elsewhere:
            _medicines(b, record, facts)
        if screened and not serious and not elsewhere \
                and not any(r.band and r.band.rank > Band.ROUTINE.rank for r in fired):
            b.add("no-imaging")
        if not elsewhere:
            _physio(b, facts, startback, pregnant)
        _specialist_routes(b, record, facts, fired, screened and not serious and not elsewhere)
        if ng65 is not None and ng65.count < 3:
            b.add("ng65-return", count=ng65.count)

    review = _review(record, fired)
    b.add("safety-netting", lines=" ".join(safety_netting_lines(record, rules, band, review)))
    b.add(CES_CARD_ITEM, recorded={"route": b.route("ces")})
    if not emergency:
        booked = (f"Review booked for {review}" if record.plan.review_date
                  else f"Book a review in {review}")  # no date until one is booked
        b.add("review-if-not-improving", booked=booked)
    return b.guarded()


def review_weeks(fired: list[FiredRow]) -> int:
    """The review interval the rules suggest: 2 weeks after any fired row (a single
    weak flag, a cancer history, a referral), 4 weeks when nothing fired."""
    return 2 if any(r.band is not None for r in fired) else 4


def _review(record: Record, fired: list[FiredRow]) -> str:
    """The booked review date in words; with none booked, the suggested interval
    ("about 4 weeks"), never a date: a date nobody booked must not be recorded as given
    to the patient (CSO review 2026-12-07 finding 6)."""
    if record.plan.review_date:
        return show_date(record.plan.review_date)
    return f"about {review_weeks(fired)} weeks"


def safety_netting_lines(record: Record, rules: RuleSet, band: Band, review: str) -> list[str]:
    """The safety-netting lines that apply, in the card's words; none that does not."""
    lines, rf = rules.safety_netting, record.red_flags
    chosen = ["ces"]
    if rf.cancer_history is YES:
        chosen.append("mscc")
    # a fever already recorded has its own row and action (the patient is sent in), so
    # not the card's "contact the practice or NHS 111" line, but always its 999 sentence
    chosen.append("sepsis" if rf.fever_or_unwell is YES else "fever")
    chosen.append("collapse")
    if band is not Band.EMERGENCY:
        if rf.weight_loss is not YES:  # weight loss already recorded is acted on by its row
            chosen.append("weight_loss")
        chosen.append("review" if record.plan.review_date else "review_not_booked")
    return [lines[key].format(review=review) for key in chosen]


SELF_CERTIFY_DAYS = 7  # clinical reference 5, "Work": the patient self-certifies the first 7 days


def _work(b: _Builder, record: Record) -> None:
    """The work advice by time off (clinical reference 5, "Work"; CSO review 2026-12-07c,
    A4). The record has no "off work since": the pain's duration bounds the time off, so
    self-certification is said only when the pain has lasted 7 days or less; off longer,
    or with the duration not recorded, the fit note comes first; on modified duties no
    self-certification at all. The reason names the duration."""
    work = record.impact.work
    if work not in (WorkStatus.MODIFIED, WorkStatus.OFF_WORK):
        return
    h, job = record.history, record.impact.job_demands
    if h.duration_value is None or h.duration_unit is None:
        lasted, most = b.rules.work_duration.unknown, None
    else:
        lasted = b.rules.work_duration.known.format(
            duration=_duration(h.duration_value, h.duration_unit))
        # "0 weeks" is under a week: at most one unit
        most = max(h.duration_value, 1) * DAYS_PER_UNIT[h.duration_unit]
    if work is WorkStatus.MODIFIED:
        key = "work-advice-modified"
    elif most is not None and most <= SELF_CERTIFY_DAYS:
        key = "work-advice"
    else:
        key = "work-advice-fit-note"
    b.add(key, lasted=lasted, job=f"; the job is {job.value}" if job else "")


def _duration(value: int, unit: DurationUnit) -> str:
    """'3 weeks', '1 week', 'less than 1 month' (0 is recorded as under one unit)."""
    singular = unit.value.removesuffix("s")
    if value == 0:
        return f"less than 1 {singular}"
    return f"{value} {singular if value == 1 else unit.value}"


def _face_to_face(b: _Builder, record: Record, fired: list[FiredRow]) -> None:
    own_exam = ("weakness-one-leg-mild", "weakness-long-standing", "neurogenic-claudication")
    if any(r.id in own_exam for r in fired):
        return  # those rows' own action is a face-to-face examination
    if any(r.kind == "outside" for r in fired):
        b.add("face-to-face", when="48 hours")
    elif YES in (record.legs.weakness, record.legs.numbness, record.red_flags.gait_disturbance):
        b.add("face-to-face", when="1 week")


def _labels(m: Medicines | RiskHistory, fields: tuple[str, ...]) -> list[str]:
    return [_label(type(m), f) for f in fields if getattr(m, f) is YES]


def _medicines(b: _Builder, record: Record, facts: Facts) -> None:
    m, risk = record.medicines, record.risk
    sciatica_note = (" For sciatica the evidence for NSAIDs is limited."
                     if facts.condition == "sciatica" else "")
    tried = record.history.nsaid_tried
    breastfeeding = m.breastfeeding is YES
    nsaid_unsuitable, why = False, "unsuitable"
    if m.pregnant is YES:
        b.add("pregnancy-medicines")
        nsaid_unsuitable = True
    elif tried in (NsaidTried.NOT_TOLERATED, NsaidTried.NOT_EFFECTIVE):
        how = tried.value.replace("_", " ")
        b.add("nsaid-tried", how=how)
        nsaid_unsuitable, why = True, how
    else:
        steroids = [_label(RiskHistory, "long_term_steroids")] \
            if steroids_as_corticosteroid(record) else []
        conditions = _labels(m, NSAID_CONDITIONS) + _labels(m, NSAID_RISK_MEDICINES) + steroids
        if risk.anticoagulant is YES:
            conditions.insert(0, _label(RiskHistory, "anticoagulant"))
        gi = _labels(m, GI_RISKS) + steroids + ([_label(RiskHistory, "anticoagulant")]
                                                if risk.anticoagulant is YES else [])
        if facts.age is not None and facts.age >= 65:
            gi.insert(0, f"age {facts.age}")
        age65 = [f"age {facts.age}"] if facts.age is not None and facts.age >= 65 else []
        bleeding = []
        if risk.anticoagulant is YES:
            bleeding.append(_label(RiskHistory, "anticoagulant"))
        if m.antiplatelet is YES and (YES in (m.ssri_snri, m.oral_corticosteroid) or steroids):
            bleeding += _labels(m, ("antiplatelet", "ssri_snri", "oral_corticosteroid")) + steroids
        unchecked = [_label(Medicines, c) for c in (*NSAID_CONDITIONS, *NSAID_RISK_MEDICINES)
                     if getattr(m, c) is NOT_ASKED
                     and not (c == "oral_corticosteroid" and steroids)]
        if risk.anticoagulant is NOT_ASKED:
            unchecked.insert(0, _label(RiskHistory, "anticoagulant"))
        if may_be_pregnant(record) and m.pregnant is NOT_ASKED:
            unchecked.append("pregnancy")
        if m.nsaid_sensitive_asthma is YES:
            b.add("nsaid-avoid", recorded={"why": _join([_label(Medicines, "nsaid_sensitive_asthma")])})
            nsaid_unsuitable = True
        elif bleeding:
            b.add("nsaid-bleeding-risk", recorded={"bleeding": _join(bleeding + age65)})
            nsaid_unsuitable = True
        elif conditions:
            b.add("nsaid-caution", recorded={"cautions": _join(conditions + age65)})
            nsaid_unsuitable = True
        elif unchecked:
            b.add("nsaid-unchecked", recorded={"unchecked": _join(unchecked)},
                  sciatica_note=sciatica_note)
        elif gi:
            b.add("nsaid-ppi", recorded={"gi_risks": _join(gi)}, sciatica_note=sciatica_note)
        else:
            b.add("nsaid", sciatica_note=sciatica_note)
    if breastfeeding and not nsaid_unsuitable:
        b.add("breastfeeding-medicines")
    # codeine is contraindicated when breastfeeding (MHRA): never suggested while a patient
    # who may be breastfeeding has not been asked
    breastfeeding_unasked = may_be_pregnant(record) and m.breastfeeding is NOT_ASKED
    if nsaid_unsuitable and m.pregnant is not YES and not breastfeeding \
            and not breastfeeding_unasked and m.takes_opioid is not YES \
            and facts.phase == "acute" and facts.condition == "low back pain":
        b.add("weak-opioid", why=why)
    taking = [f for f in AVOID_IN_SCIATICA if getattr(m, f) is YES]
    if facts.condition == "sciatica" and taking:
        b.add("medicine-review", count=len(taking))


def _specialist_routes(b: _Builder, record: Record, facts: Facts, fired: list[FiredRow],
                       benign: bool) -> None:
    """The two NICE NG59 specialist routes that may be suggested as a referral."""
    if facts.condition == "sciatica" and facts.phase == "acute" \
            and any(r.id == "sciatica-not-settling" for r in fired):
        b.add("epidural-specialist")
    course = record.history.course
    worst = record.impact.pain_worst
    treated = bool(record.history.treatment_tried) or record.history.nsaid_tried in (
        NsaidTried.NOT_TOLERATED, NsaidTried.NOT_EFFECTIVE)
    if benign and treated and facts.condition == "low back pain" and facts.phase == "chronic" \
            and course in (Course.SAME, Course.WORSE) and worst is not None and worst >= 4:
        b.add("radiofrequency-specialist", course=f"{course.value} despite treatment"
              if course is Course.SAME else "getting worse despite treatment",
              worst=worst, recorded={"route": b.route("msk")})


def _physio(b: _Builder, facts: Facts, startback: StartBackResult | None,
            pregnant: bool) -> None:
    route = {"route": b.route("physio")}
    if startback is not None:
        if startback.stratum == "high":
            b.add("physio-psych", recorded=route)
        elif startback.stratum == "medium":
            b.add("physio", why="STarT Back medium risk.", recorded=route)
        elif not pregnant:  # pelvic health physiotherapy is suggested instead
            b.add("self-management-leaflet")
    elif facts.phase in ("sub-acute", "chronic"):
        b.add("physio", why="Pain for 6 weeks or more: not settling with self-management.",
              recorded=route)


def _join(labels: list[str]) -> str:
    """Labels in running text: a capital that only starts the label goes ("Kidney disease"
    -> "kidney disease"); an abbreviation keeps its capitals ("past GI bleed", "SSRI")."""
    def run_in(label: str) -> str:
        first = label.split(" ", 1)[0]
        return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]
    return ", ".join(run_in(label) for label in labels)


def _label(model: type, field: str) -> str:
    return model.model_fields[field].title or field
