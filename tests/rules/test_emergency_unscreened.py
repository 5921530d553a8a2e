"""An EMERGENCY with red-flag questions still unasked never says the disposition "may be
more urgent than shown" (nothing is): it says other red flags may also be present (CSO
review 2026-12-07 finding 13). Below an emergency the warning is unchanged."""

from __future__ import annotations

import pytest

from consult.note import note_text, prepare
from consult.note.entry import render_entry
from consult.record.answers import Answer, Band
from consult.rules.engine import assess
from consult.rules.ruleset import load
from consult.rules.wording import disposition_lines
from tests.support import load_example

MORE_URGENT = "more urgent than shown"


def _unscreened(name: str):
    r = load_example(name)
    r.red_flags.fever_or_unwell = Answer.NOT_ASKED
    a = assess(r)
    assert not a.red_flags_screened
    return r, a


def _everything(r, a) -> str:
    lines = " ".join(words for _, words in disposition_lines(load(), a))
    text = " ".join((a.headline, lines, note_text(r, draft=True),
                     render_entry(prepare(r, draft=True))))
    return " ".join(text.split())


@pytest.mark.hazard("H2")
def test_an_unscreened_emergency_never_says_it_may_be_more_urgent():
    r, a = _unscreened("cauda-equina")
    assert a.band is Band.EMERGENCY
    text = _everything(r, a)
    assert MORE_URGENT not in text
    assert "RED FLAGS NOT YET FULLY SCREENED" in text
    assert "other red flags may also be present" in text


@pytest.mark.hazard("H2")
def test_below_an_emergency_an_unscreened_record_may_be_more_urgent_than_shown():
    r, a = _unscreened("mechanical")
    assert a.band is not Band.EMERGENCY
    text = _everything(r, a)
    assert MORE_URGENT in text and "other red flags may also be present" not in text
