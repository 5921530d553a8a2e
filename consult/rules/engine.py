"""assess(record) -> Assessment: the whole of the clinical rules in one pure function."""

from __future__ import annotations

from consult.record.answers import Band
from consult.record.model import Record
from consult.rules import facts as derive_facts
from consult.rules import ng65, redflags, screening, startback
from consult.rules.assessment import Assessment, FiredRow
from consult.rules.ruleset import RuleSet, load
from consult.rules.suggestions import not_from_spine, suggest


def assess(record: Record, rules: RuleSet | None = None) -> Assessment:
    rules = rules or load()
    facts = derive_facts.derive(record)
    fired: list[FiredRow] = []

    def fire(row_id: str, findings: list[str]) -> None:
        words = rules.rows[row_id]
        fired.append(FiredRow(
            id=row_id, kind=words.kind, band=words.band_or_none,
            suspected=words.suspected, findings=[f for f in findings if f],
            action=words.action, within=words.within, source=rules.cite(words.sources),
        ))

    redflags.ces(record, fire)
    redflags.cancer(record, facts, fire)
    redflags.infection(record, facts, fire)
    redflags.trauma(record, fire)
    redflags.one_leg_weakness(record, fire)
    redflags.claudication(record, facts, fire)
    redflags.fracture(record, facts, fire)
    redflags.bleeding(record, fire)
    redflags.aortic(record, facts, fire)
    redflags.pregnancy(record, fire)
    redflags.sciatica_not_settling(record, facts, fire)
    redflags.weak_flags(record, facts, fire)
    ng65_result = ng65.evaluate(record, facts)
    ng65_row = ng65.row_id(ng65_result)
    if ng65_row and ng65_result:
        fire(ng65_row, [f"{ng65_result.count} of 9 NG65 criteria: "
                        + "; ".join(ng65_result.criteria_met)])
    redflags.outside(record, facts, fire)

    fired.sort(key=lambda r: -(r.band.rank if r.band else -1))  # stable: most urgent first
    band = max((r.band for r in fired if r.band), key=lambda b: b.rank, default=Band.ROUTINE)
    unscreened = screening.unscreened_strong(record)
    sb = startback.score(record.startback)
    within = rules.deadlines.shortest([r.within for r in fired if r.band is not None
                                       and r.band is not Band.ROUTINE])
    return Assessment(
        rules_version=rules.version,
        band=band,
        within=within,
        headline=rules.headline(band, within, screened=not unscreened,
                                outside=any(r.kind == "outside" for r in fired)),
        not_from_spine=not_from_spine(fired, rules),
        red_flags_screened=not unscreened,
        unscreened=unscreened,
        fired=fired,
        outside_pathway=[f"{r.suspected}. {r.action}" for r in fired if r.kind == "outside"],
        suggestions=suggest(record, facts, rules, fired, band, not unscreened, sb, ng65_result),
        startback=sb,
        ng65=ng65_result,
    )
