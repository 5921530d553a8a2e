"""Page 1 carries the whole decision (issue 15 part 1, clinical reference 5b; CSO review
2026-12-07 finding 9): the disposition, the plan, the review, the positive findings and
every pertinent-negatives line, read back from page 1 of every example's PDF; with seven
or more red-flag rows firing, every row's action stays in page 1's box and the decision
still follows it on page 1."""

from __future__ import annotations

import pytest

from consult.note import note_pdf, prepare
from consult.note.words import note_words
from consult.record.answers import Answer, Side
from consult.rules.engine import assess
from consult.rules.redflags import CES_ITEMS, METS_FEATURES
from tests.note.test_pdf import flat, pages_text
from tests.support import EXAMPLES, load_example, negative_record

LABELS = note_words().labels


def page_one_holds_the_decision(record, draft: bool) -> str:  # type: ignore[no-untyped-def]
    s = prepare(record, draft=draft).summary
    page = flat(pages_text(note_pdf(record, draft=draft))[0])
    assert flat(f"Disposition: {s.disposition}") in page
    for n, line in enumerate(s.plan, start=1):
        assert flat(f"{n}. {line}") in page, line
    assert flat(f"{LABELS['review']} {s.review}") in page
    assert flat(f"{LABELS['safety_netting']} {s.safety_netting}") in page
    return page


@pytest.mark.hazard("H25")
@pytest.mark.parametrize("name", EXAMPLES)
def test_page_one_of_every_example_holds_the_decision_and_every_pertinent_negative(name):
    record = load_example(name)
    page = page_one_holds_the_decision(record, draft=False)
    s = prepare(record).summary
    assert s.negatives
    assert LABELS["negatives"] in page
    for group, line in s.negatives:  # one line per clinical group, all on page 1
        assert flat(f"{group} {line}") in page, group
    for finding in s.positives:
        assert flat(finding) in page, finding


@pytest.mark.hazard("H25")
def test_seven_red_flag_rows_keep_every_action_and_what_was_found_on_page_one() -> None:
    """Many rows: each row's action and what was found stay whole on page 1 (H1: a positive
    red flag is never pushed off page 1), even where that leaves the decision to page 2."""
    r = negative_record()
    for name in CES_ITEMS:
        getattr(r.red_flags, name).answer = Answer.YES
        getattr(r.red_flags, name).onset = "within_14_days"
    legs = r.legs
    legs.symptoms = legs.pain = legs.numbness = Answer.YES
    legs.pain_side = legs.numbness_side = Side.LEFT
    legs.pain_extent = "below_knee"
    rf = r.red_flags
    rf.cancer_history, rf.cancer_type, rf.cancer_year = Answer.YES, "prostate", 2020
    for name in ("gait_disturbance", *METS_FEATURES, "fever_or_unwell", "sepsis_signs",
                 "sudden_severe_new_pain", "cannot_mobilise", "pain_uncontrolled",
                 "weight_loss", "night_pain_constant"):
        setattr(rf, name, Answer.YES)
    r.risk.osteoporosis = r.risk.immunosuppression = r.risk.anticoagulant = Answer.YES
    rows = assess(r).red_flag_rows
    assert len(rows) >= 7
    page = flat(pages_text(note_pdf(r, draft=True))[0])
    for row in rows:
        assert flat(row.action)[:60] in page, row.suspected
        assert flat("; ".join(row.findings))[:60] in page, row.suspected
