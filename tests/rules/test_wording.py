"""consult.rules.wording: the words the panel and the note share come from one place,
and the note and the plan model both use them."""

from __future__ import annotations

import pytest

from consult.note.compose import compose, plan_sources, startback_section
from consult.note.model import PlanEntry
from consult.record.answers import Answer, Band, Category
from consult.record.model import PlanItem, Record
from consult.rules import wording
from consult.rules.engine import assess
from consult.rules.plan import PlanEditor
from consult.rules.ruleset import load
from tests.support import EXAMPLES, load_example


def test_every_category_and_stratum_has_words():
    assert set(wording.CATEGORY_WORDS) == set(Category)
    assert all(wording.category_words(c) == wording.category_words(c.value) for c in Category)
    assert [wording.stratum_words(s) for s in ("low", "medium", "high")] == \
        ["Low risk", "Medium risk", "High risk"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_panel_rows_and_the_note_name_a_plan_items_category_alike(name):
    record = load_example(name)
    record.plan.items = [*record.plan.items, PlanItem(text="Ring back", reason=wording.OWN_ITEM)]
    entries = [b for b in plan_sources(record).blocks if isinstance(b, PlanEntry)]
    rows = {r.key: r for r in PlanEditor(record, assess(record)).rows()}
    for item, entry in zip(record.plan.items, entries, strict=True):
        row = rows[f"s:{item.suggestion_id}"] if item.suggestion_id else None
        if row is not None:
            assert entry.category == wording.category_words(item.category)
            assert row.lines[0][1].startswith(entry.category + " \u00b7 ")
        assert entry.origin == wording.note_origin(item.suggestion_id, item.edited)
    assert entries[-1].origin == "GP's own item"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_disposition_and_row_labels_are_the_notes(name):
    record = load_example(name)
    a, rules = assess(record), load()
    level, words = wording.disposition_words(a)
    lines = wording.disposition_lines(rules, a)
    if a.red_flags_screened:
        assert lines == [(level, words)]  # the panel's one line is the note's
    note = compose(record, a, draft=True, app_version="test", rules=rules)
    decision = next(s for s in note.sections if s.heading == "Decision")  # page 1
    assert next(b for b in decision.blocks if hasattr(b, "tone")).text == f"Disposition: {words}"
    rules_fired = next(s for s in note.appendix if s.heading == "Rules that fired")
    assert rules_fired.blocks[0].text == f"Disposition: {words}"
    entries = [e for alert in note.alerts for e in alert.entries]
    for entry in entries:
        row = next(r for r in a.fired if r.suspected == entry.suspected)
        assert entry.label == wording.row_label(rules, row)
        if row.band is not Band.ROUTINE and row.kind != "outside":
            assert wording.fired_row_label(rules, a, row)[1] == entry.label


def test_the_stratum_words_in_the_note_are_the_panels():
    record = load_example("inflammatory")
    section = startback_section(load(), assess(record))
    assert section is not None
    fields = dict(section.blocks[0].rows)
    assert fields["Risk stratum"] == wording.stratum_words(assess(record).startback.stratum)


def test_unscreened_routine_never_reads_as_plain_routine():
    a, rules = assess(Record()), load()
    lines = wording.disposition_lines(rules, a)
    assert lines[-1][0] == "unscreened" and "ROUTINE" not in " ".join(w for _, w in lines)


def _weak_single(record: Record) -> Record:
    record.red_flags.night_pain_constant = Answer.YES
    return record


@pytest.mark.hazard("H22")
def test_a_routine_row_is_below_the_disposition_only_under_a_more_urgent_one_or_outside():
    """CSO review 2026-12-07c, A1: decided once, here; the panel's label and the note's
    table both carry the rule set's 'Also:' for it, and nothing else does."""
    rules = load()
    also = rules.wording.below_disposition
    cases = {  # record: (the disposition, is the weak-single row below it?)
        "emergency": (_weak_single(load_example("cauda-equina")), True),
        "routine": (_weak_single(load_example("mechanical")), False),
        "unscreened, a row above routine": (_weak_single(Record()), None),
        "unscreened, routine only": (_weak_single(Record()), False),
    }
    outside = _weak_single(load_example("mechanical"))
    outside.history.thoracic_pain = Answer.YES  # OUTSIDE THIS PATHWAY (CSO re-check, N1)
    cases["outside this pathway"] = (outside, True)
    above = cases["unscreened, a row above routine"][0]
    above.red_flags.cancer_history = Answer.YES
    above.red_flags.mets_progressive_pain = Answer.YES
    cases["unscreened, a row above routine"] = (above, True)
    for name, (record, below) in cases.items():
        a = assess(record)
        [row] = [r for r in a.fired if r.id == "weak-single"]
        assert wording.below_disposition(a, row) is below, name
        level, label = wording.fired_row_label(rules, a, row)
        table = wording.row_band_label(rules, a, row)
        assert label.startswith(f"{also} ") is below, name
        assert table.startswith(f"{also} ") is below, name
        assert (level == wording.BELOW_LEVEL) is below, name
        assert "2-4 weeks" in table, name  # its own deadline, whatever the label
        for other in a.fired:  # rows above routine: never 'Also:', their own level
            if other.band not in (None, Band.ROUTINE):
                assert not wording.below_disposition(a, other)
                assert wording.fired_row_label(rules, a, other)[0] == other.band.value
    a = assess(cases["emergency"][0])
    [row] = [r for r in a.fired if r.id == "weak-single"]
    assert wording.fired_row_label(rules, a, row)[1] == f"{also} ROUTINE - within 2-4 weeks"
    assert not assess(cases["unscreened, routine only"][0]).red_flags_screened
