"""Rule set 2026.12.2 (CSO review 2026-12-07): long-term oral steroids recorded in the
risk history raise NSAID risk like an oral corticosteroid (clinical reference 1 and 5,
finding 7), and the NSAID suggestion names no particular NSAID (finding 10)."""

from __future__ import annotations

import pytest

from consult.record.answers import Answer, Sex
from consult.rules.engine import assess
from tests.support import negative_record

Y, N = Answer.YES, Answer.NO
NSAIDS = {"nsaid", "nsaid-ppi", "nsaid-caution", "nsaid-bleeding-risk", "nsaid-unchecked"}


def _sids(a):
    return [s.id for s in a.suggestions]


def _medicine_words(a) -> str:
    return " ".join(s.text.lower() for s in a.suggestions if s.id in NSAIDS)


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("oral_corticosteroid", [N, Answer.NOT_ASKED])
def test_long_term_steroids_are_an_nsaid_caution_with_a_ppi_at_any_age(oral_corticosteroid):
    r = negative_record()  # 41 years old: no age-65 PPI
    r.risk.long_term_steroids = Y
    r.medicines.oral_corticosteroid = oral_corticosteroid
    a = assess(r)
    assert "nsaid" not in _sids(a) and "nsaid-caution" in _sids(a)
    words = _medicine_words(a)
    assert "long-term oral steroids" in words and "offer a proton pump inhibitor" in words
    assert "no NSAID caution is recorded" not in " ".join(s.reason for s in a.suggestions)


@pytest.mark.hazard("H23")
def test_long_term_steroids_with_an_antiplatelet_are_high_bleeding_risk():
    r = negative_record()
    r.risk.long_term_steroids = r.medicines.antiplatelet = Y
    a = assess(r)
    assert "nsaid-bleeding-risk" in _sids(a)
    assert "long-term oral steroids" in _medicine_words(a)


@pytest.mark.hazard("H23")
def test_the_nsaid_suggestion_names_no_particular_nsaid_and_breastfeeding_names_ibuprofen_only():
    r = negative_record()
    a = assess(r)
    assert "nsaid" in _sids(a)
    assert "naproxen" not in " ".join(s.text.lower() for s in a.suggestions)
    r.patient.sex = Sex.FEMALE
    r.medicines.pregnant, r.medicines.breastfeeding = N, Y
    a = assess(r)
    words = " ".join(s.text.lower() for s in a.suggestions)
    assert "ibuprofen" in words and "naproxen" not in words
