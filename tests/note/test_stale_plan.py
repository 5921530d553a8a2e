"""A draft whose answers changed after the plan was confirmed never reads as confirmed
(CSO review 2026-12-07 finding 8): page 1, the record entry and the appendix say the plan
was confirmed against earlier answers and must be reviewed."""

from __future__ import annotations

import io

import pypdf
import pytest

from consult.note import note_pdf, prepare
from consult.note.entry import render_entry
from consult.note.words import note_words
from consult.record.answers import Answer
from consult.rules import plan
from consult.rules.engine import assess
from tests.support import load_example

STALE = note_words().words["plan_stale"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def stale_record():
    """The mechanical example's confirmed plan (reassurance, no imaging), then the answers
    changed to a cancer history with night pain: an urgent metastasis row fires."""
    record = load_example("mechanical")
    plan.accept_suggestions(record)
    plan.confirm(record)
    assert not plan.is_stale(record, assess(record))
    record.red_flags.cancer_history = Answer.YES
    record.red_flags.mets_night_pain_prevents_sleep = Answer.YES
    assert plan.is_stale(record, assess(record))
    return record


@pytest.mark.hazard("H14")
def test_a_stale_plan_is_not_printed_as_confirmed_on_page_one_or_in_the_appendix():
    pages = [_flat(p.extract_text()) for p in
             pypdf.PdfReader(io.BytesIO(note_pdf(stale_record(), draft=True))).pages]
    assert "PLAN NOT CONFIRMED FOR THESE ANSWERS" in pages[0]
    assert _flat(STALE) in pages[0].replace("- ", "-")
    everything = " ".join(pages)
    assert "Plan confirmed by the GP Yes" not in everything
    assert "Plan confirmed by the GP No: confirmed against earlier answers" in everything


@pytest.mark.hazard("H14")
def test_a_stale_plan_is_named_in_the_record_entry():
    flat = _flat(render_entry(prepare(stale_record(), draft=True)))
    assert _flat(STALE) in flat


def test_a_plan_confirmed_for_these_answers_prints_yes_and_no_warning():
    record = load_example("mechanical")
    plan.accept_suggestions(record)
    plan.confirm(record)
    flat = _flat(render_entry(prepare(record, draft=True)))
    assert "PLAN NOT CONFIRMED" not in flat
    text = " ".join(_flat(p.extract_text()) for p in
                    pypdf.PdfReader(io.BytesIO(note_pdf(record, draft=True))).pages)
    assert "Plan confirmed by the GP Yes" in text and "PLAN NOT CONFIRMED" not in text
