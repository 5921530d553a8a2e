"""No review date is given to the patient or recorded as given unless one is booked
(CSO review 2026-12-07 finding 6): the plan, the safety-netting recorded as given, the
note's review line and the advice sheet say the suggested interval instead, the same
interval everywhere; a booked date is printed everywhere."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from consult.advice.compose import compose as advice
from consult.note import note_text
from consult.record.answers import Answer
from consult.record.dates import show_date
from consult.rules import plan
from tests.support import load_example

DATE = re.compile(r"\b\d{2}-[A-Z][a-z]{2}-\d{4}\b")


def _record(name: str, review_date: dt.date | None = None):
    r = load_example(name)
    r.plan.review_date, r.plan.follow_up = review_date, ""
    r.plan.items = []
    plan.accept_suggestions(r)
    plan.confirm(r)
    return r


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.hazard("H21")
@pytest.mark.parametrize("name, weeks", [("mechanical", 4), ("sciatica", 2), ("fracture", 2)])
def test_without_a_booked_review_no_date_is_given_only_the_interval(name, weeks):
    r = _record(name)
    consulted = r.consultation.date
    text = _flat(note_text(r))
    plan_part = text[text.index("Plan"):]
    for d in (consulted + dt.timedelta(weeks=2), consulted + dt.timedelta(weeks=4)):
        assert show_date(d) not in text  # no review date nobody booked
    # the plan and the safety-netting recorded as given: the interval, no date
    assert f"Book a review in about {weeks} weeks" in plan_part
    assert f"If the pain is not improving in about {weeks} weeks, contact the practice " \
        "to book a review" in text
    assert not any("review" in line.lower() and DATE.search(line)
                   for line in note_text(r).splitlines())
    assert f"Review: Not booked; review suggested in about {weeks} weeks" in text
    sheet = advice(r)
    assert not sheet.review_date
    assert sheet.review == (f"If your pain is not getting better in about {weeks} weeks, "
                            "contact your practice to book a review.")


@pytest.mark.hazard("H21")
def test_a_booked_review_is_given_with_its_date_everywhere():
    booked = dt.date(2026, 12, 4)
    r = _record("mechanical", booked)
    text = _flat(note_text(r))
    assert f"Review booked for {show_date(booked)}" in text
    assert f"come to your review on {show_date(booked)}" in text
    assert f"Review: Booked for {show_date(booked)}" in text
    sheet = advice(r)
    assert sheet.review_date and "booked for" in sheet.review and "4 December 2026" in sheet.review


@pytest.mark.hazard("H21")
def test_the_text_message_gives_the_interval_without_a_date_or_the_booked_date():
    from consult.advice.sms import sms_text

    text = sms_text(advice(_record("mechanical")))
    assert not DATE.search(text) and "December" not in text and "review" not in text
    # (the card's lines fill the 600 characters here; with weight loss already recorded
    # its line goes and the review line fits)
    r = load_example("mechanical")
    r.red_flags.weight_loss = Answer.YES
    r.plan.review_date, r.plan.items = None, []
    plan.accept_suggestions(r)
    plan.confirm(r)
    text = sms_text(advice(r))
    assert "Not better in about 2 weeks: call the practice to book a review." in text
    assert not DATE.search(text) and "December" not in text
    text = sms_text(advice(_record("mechanical", dt.date(2026, 12, 4))))
    assert "Your review: Friday 4 December 2026." in text and "book a review" not in text


@pytest.mark.hazard("H21")
@pytest.mark.parametrize("name", ["mechanical", "sciatica", "inflammatory", "fracture"])
def test_no_example_records_a_review_date_it_never_booked(name):
    r = load_example(name)
    assert r.plan.review_date is None
    assert not [line for line in note_text(r).splitlines()
                if "review" in line.lower() and DATE.search(line)]
