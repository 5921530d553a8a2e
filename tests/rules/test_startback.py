"""Keele STarT Back scoring (clinical reference, section 4)."""

from __future__ import annotations

import itertools

import pytest

from consult.record.answers import Agreement, Bothersome
from consult.record.model import StartBack
from consult.rules import completeness
from consult.rules.engine import assess
from consult.rules.ruleset import load
from consult.rules.startback import ITEMS_1_TO_8, score
from tests.support import negative_record

A, D = Agreement.AGREE, Agreement.DISAGREE
MATCHED_CARE = load().startback.model_dump()
ITEMS = ("leg_pain", "shoulder_neck_pain", "walking", "dressing",
         "fear", "anxiety", "catastrophising", "low_mood")


def answers(agree: set[int], bothersome: Bothersome = Bothersome.NOT_AT_ALL) -> StartBack:
    """Items numbered 1-8 as on the form; those in `agree` are agreed with."""
    return StartBack(**{name: A if i in agree else D for i, name in enumerate(ITEMS, 1)},
                     bothersome=bothersome)


def reference(agree: set[int], bothersome: Bothersome) -> tuple[int, int, str]:
    """An independent reading of section 4."""
    item9 = 1 if bothersome in (Bothersome.VERY_MUCH, Bothersome.EXTREMELY) else 0
    total = len(agree) + item9
    distress = len(agree & {5, 6, 7, 8}) + item9
    stratum = "high" if distress >= 4 else "medium" if total >= 4 else "low"
    return total, distress, stratum


def test_the_items_are_in_the_form_order():
    assert ITEMS_1_TO_8 == ITEMS


def test_all_disagree_not_at_all_is_low_zero():
    s = score(answers(set()))
    assert (s.total, s.distress, s.stratum) == (0, 0, "low")


@pytest.mark.parametrize(("agree", "stratum"), [
    ({1, 2, 3}, "low"),  # total 3
    ({1, 2, 3, 4}, "medium"),  # total 4, distress 0
    ({1, 5, 6, 7}, "medium"),  # total 4, distress 3
    ({5, 6, 7}, "low"),  # total 3, distress 3
])
def test_total_3_is_low_and_4_is_medium(agree, stratum):
    assert score(answers(agree)).stratum == stratum


def test_total_3_with_item_9_makes_4_medium():
    s = score(answers({1, 2, 3}, Bothersome.VERY_MUCH))
    assert (s.total, s.distress, s.stratum) == (4, 1, "medium")


@pytest.mark.parametrize(("agree", "bothersome"), [
    ({5, 6, 7, 8}, Bothersome.SLIGHTLY),
    ({5, 6, 7}, Bothersome.EXTREMELY),
    ({6, 7, 8}, Bothersome.VERY_MUCH),
])
def test_distress_4_is_high(agree, bothersome):
    s = score(answers(agree, bothersome))
    assert s.distress == 4 and s.stratum == "high"


def test_distress_5_and_total_9_is_high():
    s = score(answers(set(range(1, 9)), Bothersome.EXTREMELY))
    assert (s.total, s.distress, s.stratum) == (9, 5, "high")


def test_items_1_to_4_never_count_towards_distress():
    s = score(answers({1, 2, 3, 4, 5, 6, 7}))
    assert (s.total, s.distress, s.stratum) == (7, 3, "medium")


@pytest.mark.parametrize(("bothersome", "point"), [
    (Bothersome.NOT_AT_ALL, 0), (Bothersome.SLIGHTLY, 0), (Bothersome.MODERATELY, 0),
    (Bothersome.VERY_MUCH, 1), (Bothersome.EXTREMELY, 1)])
def test_item_9_scores_1_only_for_very_much_or_extremely(bothersome, point):
    s = score(answers(set(), bothersome))
    assert s.total == point and s.distress == point


@pytest.mark.hazard("H7")
def test_every_combination_matches_the_reference():
    for bits in itertools.product((False, True), repeat=8):
        agree = {i for i, b in enumerate(bits, 1) if b}
        for bothersome in Bothersome:
            s = score(answers(agree, bothersome))
            assert (s.total, s.distress, s.stratum) == reference(agree, bothersome)
            assert s.matched_care == MATCHED_CARE[s.stratum]


@pytest.mark.parametrize("missing", [*ITEMS, "bothersome"])
def test_any_missing_item_gives_no_score(missing):
    sb = answers({1, 2, 3, 4, 5, 6, 7, 8}, Bothersome.EXTREMELY)
    setattr(sb, missing, None)
    assert score(sb) is None


def test_no_answers_gives_no_score():
    assert score(StartBack()) is None


def test_matched_care_words():
    assert "no routine physiotherapy" in MATCHED_CARE["low"]
    assert MATCHED_CARE["medium"] == "Physiotherapy."
    assert "psychologically informed" in MATCHED_CARE["high"].lower()


def test_startback_is_optional_for_finishing_the_note():
    r = negative_record()
    assert r.startback == StartBack()
    assert completeness.problems(r) == []
    r.startback.leg_pain = A  # partial answers: still no problem, just no score
    assert completeness.problems(r) == []
    assert assess(r).startback is None


@pytest.mark.hazard("H7")
@pytest.mark.parametrize(("agree", "bothersome", "stratum", "suggestion"), [
    (set(), Bothersome.SLIGHTLY, "low", "self-management-leaflet"),
    ({1, 2, 3, 4}, Bothersome.SLIGHTLY, "medium", "physio"),
    ({5, 6, 7, 8}, Bothersome.EXTREMELY, "high", "physio-psych"),
])
def test_stratum_reaches_the_assessment_and_the_matched_care_suggestion(
        agree, bothersome, stratum, suggestion):
    r = negative_record()
    r.startback = answers(agree, bothersome)
    a = assess(r)
    assert a.startback is not None and a.startback.stratum == stratum
    ids = [s.id for s in a.suggestions]
    assert suggestion in ids
    others = {"self-management-leaflet", "physio", "physio-psych"} - {suggestion}
    assert not others & set(ids)
