"""Grouped red-flag screening (clinical reference, section 5a).

A GP may record one clinical group's negatives with one answer, never all red flags
at once, and the note says which answers were recorded so ("asked as a group:
denied"), so a reader can tell them from questions asked one by one.
"""

from __future__ import annotations

import io

import pypdf
import pytest

from consult.note import note_pdf, note_text
from consult.record.answers import Answer
from consult.rules import screening
from consult.rules.engine import assess
from tests.support import negative_record


def _fresh():
    """The negative record with its cauda equina and infection groups unasked again."""
    r = negative_record()
    for path in (*screening.GROUP_BY_ID["cauda_equina"].paths,
                 *screening.GROUP_BY_ID["infection"].paths):
        owner_path, _, leaf = path.rpartition(".")
        owner = r
        for part in owner_path.split("."):
            owner = getattr(owner, part)
        setattr(owner, leaf, Answer.NOT_ASKED)
    r.red_flags.asked_as_group = []
    return r


@pytest.mark.hazard("H2")
def test_one_group_is_recorded_never_the_others():
    r = _fresh()
    changed = screening.record_group_as_no(r, "cauda_equina")
    assert changed == list(screening.GROUP_BY_ID["cauda_equina"].paths)
    assert r.red_flags.fever_or_unwell is Answer.NOT_ASKED  # the infection group stays unasked
    assert not assess(r).red_flags_screened


@pytest.mark.hazard("H2")
def test_an_answer_already_given_is_never_changed_and_a_yes_keeps_its_details_unasked():
    r = _fresh()
    r.red_flags.ces_bladder.answer = Answer.YES
    changed = screening.record_group_as_no(r, "cauda_equina")
    assert "red_flags.ces_bladder.answer" not in changed
    assert r.red_flags.ces_bladder.answer is Answer.YES and r.red_flags.ces_bladder.onset is None


def test_a_follow_up_hidden_by_its_parent_is_not_recorded():
    r = _fresh()
    changed = screening.record_group_as_no(r, "infection")
    assert "red_flags.fever_or_unwell" in changed
    assert "red_flags.sepsis_signs" not in changed  # asked only after a fever Yes


def _pdf_text(r) -> str:
    reader = pypdf.PdfReader(io.BytesIO(note_pdf(r, draft=True)))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("render", [_pdf_text, lambda r: " ".join(note_text(r, draft=True).split())])
def test_the_note_tells_group_answers_from_questions_asked_one_by_one(render):
    r = _fresh()
    screening.record_group_as_no(r, "cauda_equina")
    r.red_flags.fever_or_unwell = Answer.NO  # asked on its own
    screening.record_group_as_no(r, "infection")
    text = render(r)
    assert text.count("asked as a group: denied") == 7 + 3  # 7 CES items, 3 infection risks
    fever = text[text.index("Fever, rigors"):][:80]
    assert "asked as a group" not in fever


@pytest.mark.hazard("H2")
def test_a_group_answer_changed_to_yes_no_longer_reads_as_denied():
    r = _fresh()
    screening.record_group_as_no(r, "cauda_equina")
    r.red_flags.ces_bowel.answer = Answer.YES
    assert not screening.asked_as_group(r, "red_flags.ces_bowel.answer")
    assert screening.asked_as_group(r, "red_flags.ces_bladder.answer")


def _unasked(*group_ids: str):
    """The negative record with these groups' questions (and the follow-ups) unasked."""
    from consult.record.model import value_at

    r = negative_record()
    for group_id in group_ids:
        for path in screening.GROUP_BY_ID[group_id].paths:
            owner_path, _, leaf = path.rpartition(".")
            if getattr(value_at(r, owner_path), leaf) in (Answer.YES, Answer.NO):
                setattr(value_at(r, owner_path), leaf, Answer.NOT_ASKED)
    r.red_flags.asked_as_group = []
    return r


# (group, the Yes the GP just gave, the follow-ups that Yes makes ask: they decide how
# urgent the positive finding is, e.g. sepsis signs make a fever a 999 call)
POSITIVES = [
    ("infection", {"red_flags.fever_or_unwell": Answer.YES}, ["red_flags.sepsis_signs"]),
    ("infection", {"risk.injecting_drug_use": Answer.YES}, ["red_flags.new_constant_severe_pain"]),
    ("not_spinal", {"red_flags.nonmechanical_sudden_severe_pain": Answer.YES},
     ["red_flags.collapse_or_faint"]),
    ("cancer", {"red_flags.cancer_history": Answer.YES},
     ["red_flags.gait_disturbance", *(f"red_flags.{f}" for f in screening.METS_FEATURES)]),
    ("fracture", {"red_flags.sudden_severe_new_pain": Answer.YES, "risk.osteoporosis": Answer.YES},
     ["red_flags.cannot_mobilise", "red_flags.pain_uncontrolled"]),
]


@pytest.mark.hazard("H2")
@pytest.mark.parametrize(("group_id", "yes", "details"), POSITIVES,
                         ids=[f"{g}-{next(iter(y)).split('.')[-1]}" for g, y, _ in POSITIVES])
def test_a_group_answer_after_a_yes_never_denies_that_yes_details(group_id, yes, details):
    """CSO review 2026-12-07b, finding 1: after Y on a fever, Ctrl+G recorded "sepsis
    signs: No" and the record read fully screened."""
    from consult.record.model import value_at
    from consult.rules import followups

    r = _unasked(group_id)
    for path, answer in yes.items():
        owner_path, _, leaf = path.rpartition(".")
        setattr(value_at(r, owner_path), leaf, answer)
    assert all(followups.applies(r, p) for p in details)
    changed = screening.record_group_as_no(r, group_id)
    assert changed  # the rest of the group is denied
    assert [p for p in details if p in changed] == []
    assert {p: value_at(r, p) for p in details} == {p: Answer.NOT_ASKED for p in details}
    assessment = assess(r)
    assert not assessment.red_flags_screened
    assert set(details) <= set(assessment.unscreened)


@pytest.mark.hazard("H2")
def test_a_group_answer_never_denies_what_the_leg_answers_make_yes():
    """A GP's walk-through (2026-12-07): pain below the knee in both legs, then Ctrl+G on
    the cauda equina group wrote "sciatica in both legs: No"."""
    from consult.record.answers import LegExtent, Side

    r = _unasked("cauda_equina")
    r.legs.symptoms = Answer.YES
    r.legs.pain, r.legs.pain_side, r.legs.pain_extent = Answer.YES, Side.BOTH, LegExtent.BELOW_KNEE
    r.legs.numbness, r.legs.numbness_side = Answer.YES, Side.BOTH
    changed = screening.record_group_as_no(r, "cauda_equina")
    both = ["red_flags.ces_sciatica_both_legs.answer", "red_flags.ces_numbness_both_legs.answer"]
    assert [p for p in both if p in changed] == []
    assert r.red_flags.ces_sciatica_both_legs.answer is Answer.NOT_ASKED
    assert r.red_flags.ces_numbness_both_legs.answer is Answer.NOT_ASKED
    assert len(changed) == 5 and not assess(r).red_flags_screened
