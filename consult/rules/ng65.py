"""Inflammatory back pain: NICE NG65 criteria (clinical reference, section 3)."""

from __future__ import annotations

from consult.record.answers import Answer
from consult.record.model import Inflammatory, Record
from consult.rules.assessment import Ng65Result
from consult.rules.facts import NG65_DAYS, Facts
from consult.rules.ruleset import load

ONSET_BEFORE_35 = "Onset before age 35"


def applies(facts: Facts) -> bool:
    """Back pain that started before 45 and has lasted more than 3 months."""
    return (facts.onset_age is not None and facts.onset_age < 45
            and facts.duration_days is not None and facts.duration_days > NG65_DAYS)


def evaluate(record: Record, facts: Facts) -> Ng65Result | None:
    if not applies(facts):
        return None
    assert facts.onset_age is not None
    met = [ONSET_BEFORE_35] if facts.onset_age < 35 else []
    not_asked = []
    for name, field in Inflammatory.model_fields.items():
        answer = getattr(record.inflammatory, name)
        if answer is Answer.YES:
            met.append(field.title)
        elif answer is Answer.NOT_ASKED:
            not_asked.append(field.title)
    count = len(met)
    words = load().ng65
    template = words.refer if count >= 4 else words.hla_b27 if count == 3 else words.fewer
    outcome = template.format(count=count)
    if not_asked and count < 4:
        outcome += words.incomplete.format(not_asked=len(not_asked))
    return Ng65Result(count=count, criteria_met=met, not_asked=not_asked, outcome=outcome)


def row_id(result: Ng65Result | None) -> str | None:
    if result is None:
        return None
    if result.count >= 4:
        return "ng65-refer"
    if result.count == 3:
        return "ng65-hla-b27"
    return None
