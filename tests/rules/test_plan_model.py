"""The plan model (consult.rules.plan.PlanEditor), without Qt: rows, tick, edit,
add, remove, accept, confirm and "changed since confirmed", as properties over the
bundled examples and random sequences of the GP's actions."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from consult.record.answers import Answer
from consult.record.model import PlanItem, Record
from consult.rules.engine import assess
from consult.rules.plan import (
    CONFIRMED,
    EDITED,
    NOT_CONFIRMED,
    OWN,
    RETIRED,
    STALE,
    PlanEditor,
    PlanRow,
)
from tests.support import EXAMPLES, load_example, negative_record

BASES = (*EXAMPLES, "negative", "blank")

# ---------------------------------------------------------------------------
# Helpers


@functools.cache
def _base(name: str) -> Record:
    if name == "negative":
        return negative_record()
    if name == "blank":
        return Record()
    return load_example(name)


def _fresh(name: str, *, blank_plan: bool = False) -> Record:
    record = _base(name).model_copy(deep=True)
    if blank_plan:
        record.plan.items = []
        record.plan.confirmed = False
        record.plan.confirmed_for = None
    return record


def _editor(record: Record) -> PlanEditor:
    return PlanEditor(record, assess(record))


def _answer_paths(model: type[BaseModel] = Record, prefix: str = "") -> list[str]:
    """Every screening answer of the record (fields typed Answer), as dotted paths."""
    paths = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if ann is Answer:
            paths.append(f"{prefix}{name}")
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            paths += _answer_paths(ann, f"{prefix}{name}.")
    return paths


ANSWER_PATHS = tuple(p for p in _answer_paths() if not p.startswith("plan."))


def _set(record: Record, path: str, value: object) -> None:
    *parents, leaf = path.split(".")
    owner: object = record
    for part in parents:
        owner = getattr(owner, part)
    setattr(owner, leaf, value)


def _plan(record: Record) -> list[tuple[str | None, str, bool]]:
    return [(i.suggestion_id, i.text, i.edited) for i in record.plan.items]


def _seen(row: PlanRow) -> tuple[object, ...]:
    """A row as the GP sees it (which object holds an untouched suggestion's text aside
    does not show)."""
    return (row.key, row.text, row.ticked, row.marker, row.lines)


def _basis(record: Record) -> tuple[object, ...]:
    """What a confirmation is about: the assessment's plan-relevant parts and the items."""
    a = assess(record)
    return (a.rules_version, a.band, [r.id for r in a.fired], [s.id for s in a.suggestions])


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               min_size=1, max_size=40).filter(lambda t: t.strip())

# A GP's action: (kind, which row, tick or text)
ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("edit"), st.integers(0, 30), TEXT),
    st.tuples(st.just("add"), st.just(0), TEXT),
    st.tuples(st.just("remove"), st.integers(0, 30), st.just(None)),
    st.tuples(st.just("accept"), st.just(0), st.just(None)),
), max_size=12)


def _play(editor: PlanEditor, actions: list[tuple[str, int, object]]) -> None:
    for kind, n, arg in actions:
        rows = editor.rows()
        key = rows[n % len(rows)].key if rows else "s:none"
        if kind == "tick":
            editor.tick(key, bool(arg))
        elif kind == "edit":
            editor.edit(key, str(arg))
        elif kind == "add":
            editor.add(str(arg))
        elif kind == "remove":
            editor.remove(key)
        else:
            editor.accept()


def _consistent(editor: PlanEditor) -> None:
    """The rows show the plan: every plan item exactly once, ticked; suggestions first."""
    assert editor.record is not None
    rows = editor.rows()
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    ticked = [r.item for r in rows if r.ticked]
    assert sorted(map(id, ticked)) == sorted(map(id, editor.record.plan.items))
    n = len(editor.suggestions)
    assert [r.suggestion.id for r in rows[:n] if r.suggestion] == [s.id for s in editor.suggestions]
    assert all(r.suggestion is None and r.marker in (OWN, RETIRED) for r in rows[n:])


# ---------------------------------------------------------------------------
# Properties


@settings(max_examples=60)
@given(base=st.sampled_from(BASES), actions=ACTIONS)
def test_the_rows_always_show_the_plan(base, actions):
    editor = _editor(_fresh(base))
    _play(editor, actions)
    _consistent(editor)


@settings(max_examples=60)
@given(base=st.sampled_from(BASES), actions=ACTIONS)
def test_accepting_again_keeps_the_gps_edits_and_own_items(base, actions):
    record = _fresh(base)
    editor = _editor(record)
    _play(editor, actions)
    current = {s.id for s in editor.suggestions}
    edited = {i.suggestion_id: i.text for i in record.plan.items
              if i.edited and i.suggestion_id in current}
    own = [i for i in record.plan.items if i.suggestion_id is None]
    editor.accept()
    after = {i.suggestion_id: i for i in record.plan.items}
    assert [i.suggestion_id for i in record.plan.items if i.suggestion_id] == \
        [s.id for s in editor.suggestions]
    assert {sid: after[sid].text for sid in edited} == edited
    assert all(after[sid].edited for sid in edited)
    assert [i for i in record.plan.items if i.suggestion_id is None] == own
    assert all(a is b for a, b in zip(own, [i for i in record.plan.items
                                              if i.suggestion_id is None], strict=True))
    once = _plan(record)
    editor.accept()  # and again: nothing moves
    assert _plan(record) == once
    _consistent(editor)


@settings(max_examples=80)
@given(base=st.sampled_from(BASES), actions=ACTIONS, path=st.sampled_from(ANSWER_PATHS),
       value=st.sampled_from(list(Answer)))
def test_confirming_then_changing_an_answer_marks_the_plan_changed_exactly_when_the_assessment_changed(
        base, actions, path, value):
    record = _fresh(base)
    editor = _editor(record)
    _play(editor, actions)
    editor.confirm()
    assert editor.status == CONFIRMED and not editor.is_stale
    before = _basis(record)
    _set(record, path, value)
    editor.set_assessment(assess(record))
    changed = _basis(record) != before
    assert editor.is_stale is changed
    assert editor.status == (STALE if changed else CONFIRMED)


@settings(max_examples=40)
@given(base=st.sampled_from(BASES), actions=ACTIONS, change=ACTIONS.filter(bool))
def test_confirming_then_changing_the_plan_marks_it_changed(base, actions, change):
    record = _fresh(base)
    editor = _editor(record)
    _play(editor, actions)
    editor.confirm()
    before = _plan(record)
    _play(editor, change)
    assert editor.is_stale is (_plan(record) != before)


@settings(max_examples=60)
@given(base=st.sampled_from(BASES), actions=ACTIONS, n=st.integers(0, 30))
def test_tick_then_untick_returns_the_same_plan(base, actions, n):
    record = _fresh(base)
    editor = _editor(record)
    _play(editor, actions)
    rows = editor.rows()
    if not rows:
        return
    row = rows[n % len(rows)]
    items, shown = list(record.plan.items), rows
    assert editor.tick(row.key, not row.ticked)
    assert editor.rows()[[r.key for r in editor.rows()].index(row.key)].ticked is not row.ticked
    assert editor.tick(row.key, row.ticked)
    assert all(a is b for a, b in zip(record.plan.items, items, strict=True))  # same, same place
    assert [_seen(r) for r in editor.rows()] == [_seen(r) for r in shown]  # and the same rows
    _consistent(editor)


@settings(max_examples=60)
@given(base=st.sampled_from(EXAMPLES), n=st.integers(0, 30), text=TEXT,
       changes=st.lists(st.tuples(st.sampled_from(ANSWER_PATHS), st.sampled_from(list(Answer))),
                        max_size=4))
def test_an_edit_survives_reassessment_while_its_suggestion_still_applies(base, n, text, changes):
    record = _fresh(base, blank_plan=True)
    editor = _editor(record)
    editor.accept()
    rows = editor.rows()
    if not rows:
        return
    row = rows[n % len(rows)]
    sid = row.suggestion.id if row.suggestion else None
    editor.edit(row.key, text)
    words = text.strip()
    for path, value in changes:
        _set(record, path, value)
        editor.set_assessment(assess(record))
    still = any(s.id == sid for s in editor.suggestions)
    if still:
        shown = editor.row(row.key)
        assert shown is not None and shown.text == words and shown.ticked
        assert shown.marker == (EDITED if words != row.suggestion.text else "")
        editor.accept()
        assert editor.row(row.key).text == words
    else:
        shown = editor.row(row.key)  # kept in the plan, marked as no longer suggested
        assert shown is not None and shown.marker == RETIRED and shown.text == words
    assert any(i.suggestion_id == sid and i.text == words for i in record.plan.items)


@settings(max_examples=40)
@given(base=st.sampled_from(BASES), actions=ACTIONS)
def test_the_fingerprint_is_stable_for_the_same_inputs(base, actions):
    record = _fresh(base)
    editor = _editor(record)
    _play(editor, actions)
    first = editor.fingerprint()
    assert first is not None and re.fullmatch(r"[0-9a-f]{16}", first)
    assert editor.fingerprint() == first
    copy = record.model_copy(deep=True)
    assert PlanEditor(copy, assess(copy)).fingerprint() == first  # a copy, assessed again
    again = Record.model_validate_json(record.model_dump_json())
    assert PlanEditor(again, assess(again)).fingerprint() == first  # saved and loaded


# ---------------------------------------------------------------------------
# Examples


def test_rows_list_suggestions_in_order_then_own_items_then_retired():
    record = _fresh("mechanical")
    own = PlanItem(text="Call back tomorrow", reason="GP's own item")
    old = PlanItem(suggestion_id="retired-id", text="An old suggestion", reason="Was", source="NICE")
    record.plan.items = [*record.plan.items, own, old]
    editor = _editor(record)
    rows = editor.rows()
    n = len(editor.suggestions)
    assert [r.key for r in rows[:n]] == [f"s:{s.id}" for s in editor.suggestions]
    assert [(r.text, r.marker) for r in rows[n:]] == [("Call back tomorrow", OWN),
                                                      ("An old suggestion", RETIRED)]
    assert rows[n].lines[0][1] == "Follow-up \u00b7 Your own item"
    assert "No longer suggested" in rows[n + 1].description
    assert rows[0].lines[1] == ("Why: ", editor.suggestions[0].reason)


def test_ticking_goes_in_suggestion_order_before_the_gps_own_items():
    record = _fresh("mechanical", blank_plan=True)
    editor = _editor(record)
    own = editor.add("Call back tomorrow")
    assert own is not None and own.reason == "GP's own item"
    ids = [s.id for s in editor.suggestions]
    assert editor.tick(f"s:{ids[2]}") and editor.tick(f"s:{ids[0]}")
    assert [i.suggestion_id for i in record.plan.items] == [ids[0], ids[2], None]
    assert not editor.tick(f"s:{ids[0]}")  # already ticked: nothing changes


def test_an_unticked_edit_is_kept_aside_and_ticked_back_with_the_gps_words():
    record = _fresh("mechanical", blank_plan=True)
    editor = _editor(record)
    key = editor.rows()[1].key
    assert editor.edit(key, "My words") is False  # unticked: the plan is unchanged
    assert record.plan.items == []
    assert editor.row(key).text == "My words" and editor.row(key).marker == EDITED
    assert editor.tick(key)
    assert _plan(record) == [(key[2:], "My words", True)]


def test_empty_text_is_refused():
    record = _fresh("mechanical")
    editor = _editor(record)
    key = editor.rows()[0].key
    before = _plan(record)
    assert editor.edit(key, "   ") is False
    assert editor.add("  ") is None
    assert _plan(record) == before


def test_editing_back_to_the_suggestion_is_no_longer_an_edit():
    record = _fresh("mechanical")
    editor = _editor(record)
    row = editor.rows()[0]
    assert editor.edit(row.key, "Mine")
    assert editor.row(row.key).marker == EDITED
    assert editor.edit(row.key, row.suggestion.text)
    assert editor.row(row.key).marker == "" and not record.plan.items[0].edited


def test_remove_takes_an_item_out_for_good():
    record = _fresh("mechanical")
    editor = _editor(record)
    own = editor.add("Ring back")
    own_key = editor.rows()[-1].key
    assert editor.untick(own_key) and editor.row(own_key) is not None  # aside, still shown
    assert editor.remove(own_key) is False  # only aside: the plan had no such item
    assert editor.row(own_key) is None and own not in record.plan.items
    first = editor.rows()[0]
    assert editor.remove(first.key)
    assert editor.row(first.key).ticked is False  # a current suggestion shows, unticked
    assert editor.row(first.key).text == first.suggestion.text


def test_insert_puts_an_item_at_a_position_or_in_suggestion_order():
    record = _fresh("mechanical", blank_plan=True)
    editor = _editor(record)
    a = editor.add("First")
    editor.add("Second")
    mine = PlanItem(text="Between", reason="GP's own item")
    assert editor.insert(mine, 1)
    assert [i.text for i in record.plan.items] == ["First", "Between", "Second"]
    s = editor.suggestions[0]
    suggested = PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason, source=s.source,
                         category=s.category)
    editor.insert(suggested, 99)
    assert record.plan.items[0] is suggested and record.plan.items[1] is a


def test_status_follows_confirmation():
    record = _fresh("mechanical", blank_plan=True)
    editor = _editor(record)
    assert editor.status == NOT_CONFIRMED
    editor.accept()
    editor.confirm()
    assert editor.status == CONFIRMED
    editor.untick(editor.rows()[0].key)
    assert editor.status == STALE
    editor.tick(editor.rows()[0].key)
    assert editor.status == CONFIRMED  # the same plan as confirmed again


def test_a_new_record_forgets_what_was_set_aside():
    record = _fresh("mechanical")
    editor = _editor(record)
    own = editor.add("Ring back")
    assert own is not None
    editor.untick(editor.rows()[-1].key)
    editor.set_record(record)
    assert all(r.text != "Ring back" for r in editor.rows())


def test_without_a_record_nothing_happens():
    editor = PlanEditor()
    assert editor.rows() == [] and not editor.can_accept
    assert not editor.accept() and not editor.confirm() and editor.add("x") is None
    assert editor.status == NOT_CONFIRMED and editor.fingerprint() is None


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_plans_show_as_confirmed(name):
    editor = _editor(_fresh(name))
    assert editor.status in (CONFIRMED, NOT_CONFIRMED)
    _consistent(editor)
