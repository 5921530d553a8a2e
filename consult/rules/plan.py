"""The GP's plan: accepting suggestions, confirming, and noticing when it went stale.

The GP has the last word: any plan can be confirmed. Confirmation records a
fingerprint of the assessment it was made against (rule-set version, fired
rows, suggestions) and of the plan's items; when the answers change the
assessment, or the plan changes, the completeness check asks the GP to confirm
again before the note can be final.
"""

from __future__ import annotations

import hashlib
import json

from consult.record.model import PlanItem, Record
from consult.rules.assessment import Assessment
from consult.rules.engine import assess


def fingerprint(assessment: Assessment, items: list[PlanItem]) -> str:
    """What the GP confirmed: the assessment shown and the plan's items as they stood."""
    basis = [assessment.rules_version, assessment.band.value,
             [r.id for r in assessment.fired], [s.id for s in assessment.suggestions],
             [[i.suggestion_id, i.text] for i in items]]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:16]


def accept_suggestions(record: Record, assessment: Assessment | None = None) -> None:
    """Put every current suggestion in the plan; keep the GP's edits and own items."""
    assessment = assessment or assess(record)
    edited = {i.suggestion_id: i for i in record.plan.items if i.edited and i.suggestion_id}
    own = [i for i in record.plan.items if i.suggestion_id is None]
    record.plan.items = [
        edited.get(s.id) or PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason,
                                     source=s.source, category=s.category)
        for s in assessment.suggestions
    ] + own


def confirm(record: Record, assessment: Assessment | None = None) -> None:
    assessment = assessment or assess(record)
    record.plan.confirmed_for = fingerprint(assessment, record.plan.items)
    record.plan.confirmed = True


def is_stale(record: Record, assessment: Assessment) -> bool:
    """Confirmed, but the assessment or the plan's items have changed since."""
    return record.plan.confirmed and \
        record.plan.confirmed_for != fingerprint(assessment, record.plan.items)
