"""One rule for which questions apply (followups.Applicability): completeness and the notes.

A question that does not apply is "not applicable" and never counted as unasked; a
question that applies is never "not applicable".
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from consult.record.answers import Answer, Sex, Trauma
from consult.record.model import Record
from consult.rules import followups, screening
from consult.rules.completeness import problems
from tests.strategies import records
from tests.support import negative_record

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_ASKED
METS = "red_flags.mets_progressive_pain"


def _with(**changes: object) -> Record:
    r = negative_record()
    for path, value in changes.items():
        section, _, leaf = path.replace("__", ".").rpartition(".")
        owner = r
        for part in section.split("."):
            owner = getattr(owner, part)
        setattr(owner, leaf, value)
    return r


@pytest.mark.parametrize("changes, path, expected", [
    ({"red_flags__cancer_history": N}, METS, False),
    ({"red_flags__cancer_history": NA}, METS, True),  # may apply once asked: "not asked"
    ({"red_flags__cancer_history": Y}, METS, True),
    ({"triggers__trauma": Trauma.NONE}, "triggers.severe_pain_after_trauma", False),
    ({"triggers__trauma": Trauma.NOT_ASKED}, "triggers.severe_pain_after_trauma", True),
    ({"triggers__trauma": Trauma.MINOR}, "triggers.severe_pain_after_trauma", True),
    ({"legs__symptoms": N}, "legs.weakness_severe", False),
    ({"patient__sex": Sex.MALE}, "medicines.pregnant", False),
    ({"patient__sex": Sex.FEMALE}, "medicines.pregnant", True),
    ({"red_flags__cancer_history": N}, "red_flags.cancer_history", True),  # no rule: always
])
def test_which_questions_apply(changes, path, expected):
    assert followups.applicable(_with(**changes), path) is expected


def test_a_question_that_does_not_apply_is_never_asked_for_by_the_completeness_check():
    r = _with(red_flags__cancer_history=N)
    assert not followups.applicable(r, METS)
    assert all(p.field != METS for p in problems(r))


@pytest.mark.hazard("H15")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_never_not_applicable_for_a_question_that_applies_and_never_unasked_when_it_does_not(record):
    applicable = followups.Applicability(record)
    for path in followups.RULES:
        if followups.applies(record, path):
            assert applicable(path), path
    asked_for = {p.field for p in problems(record)}
    screening_paths = {*screening.unscreened_strong(record), *screening.unanswered_weak(record)}
    for path in screening_paths:
        # every screening question still to ask is one that applies, and is asked for
        assert applicable(path) == (path in asked_for), path
