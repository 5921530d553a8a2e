"""The text message keeps every item of the cauda equina card, and a recorded fever keeps
the sepsis 999 sentence on the note, the sheet and the text (CSO review 2026-12-07,
findings 2 and 3).

CARD_TO_SMS is the reviewed mapping: each item of the card (the rule set's
[safety_netting] ces line, as the note and the sheet print it) and the plain words
that carry it in the text message. The first test proves the mapping covers the whole
card, so a new card item with no text-message words fails here.
"""

from __future__ import annotations

import re

import pytest

from consult.advice.compose import compose
from consult.advice.sms import sms_text
from consult.note import note_text
from consult.record.answers import Answer, Band
from consult.rules import plan as core_plan
from consult.rules.engine import assess
from consult.rules.ruleset import load
from tests.support import EXAMPLES, load_example

CARD_TO_SMS = (
    ("Go to the emergency department immediately, day or night", "Go to A&E now, day or night"),
    ("difficulty starting or stopping urine", "trouble starting or stopping peeing"),
    ("lose control of your bladder or bowels", "loss of control of pee or poo"),
    ("cannot tell when your bladder is full", "not knowing if your bladder is full"),
    ("numbness or altered feeling", "numb or odd feeling"),
    ("in the saddle area", "between your legs"),
    ("genitals", "in your genitals"),
    ("back passage", "bottom"),
    ("inner thighs (including when wiping)", "inner thighs (also when wiping)"),
    ("a change in sexual function", "a change in sexual function"),
    ("numbness in both legs", "numbness in both legs"),
    ("new or worsening leg weakness", "new or worse leg weakness"),
    ("Do not wait", "Do not wait"),
    ("do not drive yourself", "Do not drive yourself"),
)
# what is left of the card once every item above is taken out
CONNECTIVES = {"if", "you", "have", "or", "and"}
SEPSIS = ("999", "confused, breathless")


def _confirmed(record):
    core_plan.accept_suggestions(record)
    core_plan.confirm(record)
    return record


@pytest.mark.hazard("H28")
def test_the_mapping_covers_every_item_of_the_card():
    card = load().safety_netting["ces"]
    rest = card
    for card_words, _ in CARD_TO_SMS:
        assert card_words in card, card_words
        rest = rest.replace(card_words, " ")
    assert set(re.findall(r"[A-Za-z&()']+", rest)) <= CONNECTIVES, rest


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_card_item_is_in_every_examples_text_message(name):
    text = sms_text(compose(load_example(name)))
    assert len(text) <= 600
    missing = [card for card, sms in CARD_TO_SMS if sms not in text]
    assert not missing, missing


def _with_fever(variant: str):
    record = load_example("mechanical")
    rf = record.red_flags
    rf.fever_or_unwell = Answer.YES
    rf.sepsis_signs = Answer.NO
    if variant == "sepsis":
        rf.sepsis_signs = Answer.YES
    elif variant == "loin":
        rf.loin_pain_fever_urinary = Answer.YES
    return _confirmed(record)


@pytest.mark.hazard("H24", "H28")
@pytest.mark.parametrize("variant", ["fever", "sepsis", "loin", "infection-example"])
def test_a_recorded_fever_keeps_the_sepsis_999_sentence_everywhere(variant):
    record = (_confirmed(load_example("infection")) if variant == "infection-example"
              else _with_fever(variant))
    assert record.red_flags.fever_or_unwell is Answer.YES
    a = assess(record)
    netting = next(s.text for s in a.suggestions if s.id == "safety-netting")
    sheet = compose(record, a)
    sms = sms_text(sheet)
    note = " ".join(note_text(record).split())
    for where, text in (("safety-netting item", netting), ("sheet", sheet.text()),
                        ("text message", sms), ("note", note)):
        assert all(words in text for words in SEPSIS), where
    assert len(sms) <= 600
    # the patient sent in is never told only "contact the practice or NHS 111"
    assert "NHS 111 the same day" not in netting
    if a.band is Band.EMERGENCY and variant in ("fever", "infection-example"):
        assert "Do not drive yourself" in sheet.go_now[0]


@pytest.mark.hazard("H28")
def test_the_sepsis_line_is_never_cut_from_the_text_message_whatever_the_names():
    record = load_example("infection")
    record.patient.given_name = "A" * 200
    record.practice.name = "P" * 200
    text = sms_text(compose(_confirmed(record)))
    assert len(text) <= 600 and all(words in text for words in SEPSIS)
