"""The GP's plan: accepting suggestions, confirming, and noticing when it went stale.

The GP has the last word: any plan can be confirmed. Confirmation records a
fingerprint of the assessment it was made against (rule-set version, fired
rows, suggestions); when the answers change the assessment, the completeness
check asks the GP to look at the plan again before the note can be final.
"""

from __future__ import annotations

import hashlib
import json

from consult.record import PlanItem, Record
from consult.rules.assessment import Assessment
from consult.rules.engine import assess


def fingerprint(assessment: Assessment) -> str:
    basis = [assessment.rules_version, assessment.band.value,
             [r.id for r in assessment.fired], [s.id for s in assessment.suggestions]]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:16]


def accept_suggestions(record: Record, assessment: Assessment | None = None) -> None:
    """Replace the plan's suggested items with the current suggestions; keep the GP's own."""
    assessment = assessment or assess(record)
    own = [i for i in record.plan.items if i.suggestion_id is None]
    record.plan.items = [
        PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason, source=s.source,
                 category=s.category)
        for s in assessment.suggestions
    ] + own


def confirm(record: Record, assessment: Assessment | None = None) -> None:
    assessment = assessment or assess(record)
    record.plan.confirmed_for = fingerprint(assessment)
    record.plan.confirmed = True


def is_stale(record: Record, assessment: Assessment) -> bool:
    """Confirmed against a different assessment than the current one."""
    return record.plan.confirmed and record.plan.confirmed_for != fingerprint(assessment)
