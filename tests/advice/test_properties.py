"""Properties of the advice sheet over random hostile records (tests/strategies.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from consult.advice.compose import compose, words
from consult.advice.pdf import render_pdf
from consult.advice.sms import sms_text
from consult.record.answers import Answer, Band, Category
from consult.record.model import PlanItem
from consult.rules import plan as core_plan
from consult.rules.engine import assess
from consult.rules.ruleset import load
from tests.strategies import records

MARKER = "QQGP-OWN-WORDS"


def _confirmed(record):
    core_plan.accept_suggestions(record)
    record.plan.items.append(PlanItem(text=f"{MARKER} <b>x</b> & 500 mg", category=Category.MEDICINE))
    if record.plan.items[0].suggestion_id:
        record.plan.items[0].edited = True
        record.plan.items[0].text = f"{MARKER} edited"
    core_plan.confirm(record)
    return record


def _check(record) -> None:
    record = _confirmed(record)
    sheet = compose(record)
    text = sheet.text()
    assert MARKER not in text.replace(record.practice.name, "").replace(
        record.practice.ces_route, "").replace(sheet.name, "")
    assert load().safety_netting["ces"] in sheet.help
    if assess(record).band is Band.EMERGENCY:
        assert sheet.sections()[0][0] == words()["sheet"]["go_now_title"] and sheet.go_now
    else:
        assert sheet.sections()[0][0] == words()["sheet"]["get_help_title"]
    sms = sms_text(sheet)
    assert len(sms) <= 600 and words()["sms"]["ces"] in sms
    if record.red_flags.fever_or_unwell is Answer.YES:  # the sepsis 999 sentence is kept
        assert "confused, breathless" in text and "confused, breathless" in sms
    if sheet.go_now:
        assert sms.index(sheet.go_now[0]) < sms.index(words()["sms"]["ces"])


@pytest.mark.hazard("H28")
@settings(max_examples=15)
@given(record=records())
def test_any_record_gives_the_emergency_lines_first_and_never_the_gps_own_words(record):
    _check(record)


@pytest.mark.slow
@settings(max_examples=300)
@given(record=records())
def test_any_record_renders_its_sheet_in_both_sizes(record):
    _check(record)
    sheet = compose(record)
    for large in (False, True):
        assert render_pdf(sheet, large=large).startswith(b"%PDF")
