"""Rule set 2026.12.3 (CSO review 2026-12-07c, decision A4): the work advice by time off.

Clinical reference 5, "Work": the patient self-certifies for the first 7 days off; after
that the GP can issue a fit note, preferably "may be fit for work" with the adjustments
that help. The record has no "off work since": the pain's duration bounds the time off.
Off work with the pain 7 days or less: self-certify, then a fit note. Off work longer, or
the duration not recorded: the fit note first. Modified duties: no self-certification at
all, a "may be fit for work" fit note if the employer needs one. Every expected word is
written here from the decision, never computed from the code.
"""

from __future__ import annotations

import pytest

from consult.record.answers import Band, DurationUnit, JobDemands, WorkStatus
from consult.record.model import Record
from consult.rules import plan
from consult.rules.engine import assess
from consult.rules.ruleset import load
from tests.support import EXAMPLES, load_example, negative_record

VARIANTS = ("work-advice", "work-advice-fit-note", "work-advice-modified")


def record(work: WorkStatus, value: int | None, unit: DurationUnit | None = DurationUnit.DAYS,
           job: JobDemands | None = None) -> Record:
    r = negative_record()  # complete, every flag No, 3 weeks of mechanical pain
    r.impact.work = work
    r.impact.job_demands = job
    r.history.duration_value, r.history.duration_unit = value, unit
    return r


def work_items(r: Record) -> list:
    return [s for s in assess(r).suggestions if s.id.startswith("work-advice")]


def only_work_item(r: Record):
    found = work_items(r)
    assert len(found) == 1, [s.id for s in found]
    return found[0]


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("value, unit", [(5, DurationUnit.DAYS), (7, DurationUnit.DAYS),
                                         (1, DurationUnit.WEEKS), (0, DurationUnit.DAYS)])
def test_off_work_with_the_pain_7_days_or_less_may_self_certify(value, unit):
    s = only_work_item(record(WorkStatus.OFF_WORK, value, unit))
    assert s.id == "work-advice"
    assert "can self-certify for the first 7 days off work" in s.text
    assert 'after that a fit note, preferably "may be fit for work"' in s.text
    assert s.reason.startswith("Off work; the pain has lasted ")


def test_the_reason_names_the_duration_and_the_job():
    s = only_work_item(record(WorkStatus.OFF_WORK, 5, job=JobDemands.MANUAL))
    assert s.reason == "Off work; the pain has lasted 5 days; the job is manual."
    s = only_work_item(record(WorkStatus.OFF_WORK, 1, DurationUnit.WEEKS))
    assert s.reason == "Off work; the pain has lasted 1 week."


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("value, unit", [(3, DurationUnit.WEEKS), (8, DurationUnit.DAYS),
                                         (2, DurationUnit.MONTHS),
                                         (0, DurationUnit.MONTHS)])  # "under a month": may be 4 weeks
def test_off_work_for_longer_than_7_days_needs_a_fit_note_first(value, unit):
    s = only_work_item(record(WorkStatus.OFF_WORK, value, unit))
    assert s.id == "work-advice-fit-note"
    assert "can self-certify" not in s.text and "can self-certify" not in s.reason
    assert "self-certification covers only the first 7 days off" in s.text
    assert "the patient needs a fit note: issue one if not already done" in s.text
    assert '"may be fit for work"' in s.text and "adjustments" in s.text


def test_the_fit_note_reason_names_the_duration():
    s = only_work_item(record(WorkStatus.OFF_WORK, 3, DurationUnit.WEEKS))
    assert s.reason == "Off work; the pain has lasted 3 weeks."
    s = only_work_item(record(WorkStatus.OFF_WORK, 0, DurationUnit.MONTHS))
    assert s.reason == "Off work; the pain has lasted less than 1 month."


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("value, unit", [(None, None), (3, None), (None, DurationUnit.DAYS)])
def test_off_work_with_the_duration_not_recorded_needs_a_fit_note_first(value, unit):
    s = only_work_item(record(WorkStatus.OFF_WORK, value, unit))
    assert s.id == "work-advice-fit-note"
    assert "can self-certify" not in s.text
    assert s.reason == "Off work; how long the pain has lasted is not recorded."


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("value, unit", [(3, DurationUnit.WEEKS), (5, DurationUnit.DAYS),
                                         (None, None)])
def test_modified_duties_never_mention_self_certification(value, unit):
    s = only_work_item(record(WorkStatus.MODIFIED, value, unit, JobDemands.DESK))
    assert s.id == "work-advice-modified"
    assert "self-cert" not in (s.text + s.reason).lower()
    assert s.text == ('Work: a fit note "may be fit for work" can set out the adjustments that '
                      "help (altered hours, duties, workplace adaptations), if the employer "
                      "needs one.")
    assert s.reason.startswith("On modified duties; ") and s.reason.endswith("; the job is desk.")


def test_modified_duties_reason_names_the_duration():
    s = only_work_item(record(WorkStatus.MODIFIED, 3, DurationUnit.WEEKS))
    assert s.reason == "On modified duties; the pain has lasted 3 weeks."


@pytest.mark.parametrize("work", [WorkStatus.NORMAL, WorkStatus.NOT_IN_WORK, None])
def test_no_work_advice_when_working_normally_or_not_in_work(work):
    assert work_items(record(work, 3, DurationUnit.WEEKS)) == []  # type: ignore[arg-type]


def test_every_variant_cites_the_fit_note_guidance_and_passes_the_never_suggest_list():
    rules = load()
    for sid in VARIANTS:
        words = rules.suggestions[sid]
        assert words.sources == ["ng59", "fit-note"]
        assert words.category == "self-care"


# Each variant's short form keeps its clause: tests/note/test_entry.py
# test_a_short_form_keeps_the_clinical_clauses_of_the_full_text (H32.C1).
@pytest.mark.parametrize("sid", ["work-advice-fit-note", "work-advice-modified"])
def test_no_short_form_says_self_certify_where_its_full_text_does_not(sid):
    from consult.note.words import note_words

    assert "self-certify" not in note_words().plan_short[sid]
    assert "self-certify" not in load().suggestions[sid].text


@pytest.mark.parametrize("work, value, unit, sid", [
    (WorkStatus.OFF_WORK, 4, DurationUnit.DAYS, "work-advice"),
    (WorkStatus.OFF_WORK, 3, DurationUnit.WEEKS, "work-advice-fit-note"),
    (WorkStatus.MODIFIED, 3, DurationUnit.WEEKS, "work-advice-modified"),
])
def test_the_note_prints_each_variants_own_short_form(work, value, unit, sid):
    from consult.note import prepare
    from consult.note.entry import entry_lines
    from consult.note.words import note_words

    r = record(work, value, unit)
    plan.accept_suggestions(r)
    plan.confirm(r)
    note = prepare(r)
    short = note_words().plan_short[sid]
    assert short in note.summary.plan
    entry = " ".join(x.strip() for x in entry_lines(note))
    assert short.split(":", 1)[1].strip()[:40] in entry


def test_the_patients_sheet_keeps_its_one_work_paragraph_for_every_variant():
    """The advice sheet is unchanged (decision A4, point 5): one conditional paragraph."""
    from consult.advice.compose import compose, words

    paragraph = words()["plan"]["work-advice"]["text"]
    for work, value, unit in ((WorkStatus.OFF_WORK, 4, DurationUnit.DAYS),
                              (WorkStatus.OFF_WORK, 3, DurationUnit.WEEKS),
                              (WorkStatus.OFF_WORK, None, None),
                              (WorkStatus.MODIFIED, 3, DurationUnit.WEEKS)):
        r = record(work, value, unit)
        plan.accept_suggestions(r)
        plan.confirm(r)
        assert compose(r).work == [paragraph], (work, value, unit)


def test_a_change_of_variant_makes_a_confirmed_plan_stale_and_retires_the_old_item():
    """The GP sees the change: the stored item is 'no longer suggested' and the plan must
    be confirmed again (one id for all three would keep the old words silently)."""
    r = record(WorkStatus.OFF_WORK, 5, DurationUnit.DAYS)
    plan.accept_suggestions(r)
    plan.confirm(r)
    r.history.duration_value, r.history.duration_unit = 3, DurationUnit.WEEKS
    a = assess(r)
    assert plan.is_stale(r, a)
    rows = {row.key: row for row in plan.PlanEditor(r, a).rows()}
    assert rows["s:work-advice"].marker == plan.RETIRED
    assert not rows["s:work-advice-fit-note"].ticked


def test_the_rule_set_is_2026_12_3_with_its_changes_line():
    rules = load()
    assert rules.version == "2026.12.3"
    assert rules.meta.changes[-1].startswith("2026.12.3: ")
    assert "work" in rules.meta.changes[-1].lower()


# The examples' dispositions (mechanical ROUTINE, sciatica and inflammatory SOON, fracture
# URGENT, cauda equina and infection EMERGENCY) are tested in tests/rules/test_examples.py.
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_examples_suggested_items_are_the_current_suggestions_words(name):
    """The examples stay consistent with the rule set: every unedited suggested item is a
    current suggestion, in its current words, and the plan is confirmed for 2026.12.3."""
    r = load_example(name)
    a = assess(r)
    current = {s.id: s.text for s in a.suggestions}
    for item in r.plan.items:
        if item.suggestion_id and not item.edited:
            assert current.get(item.suggestion_id) == item.text, item.suggestion_id
    assert not plan.is_stale(r, a)


@pytest.mark.parametrize("name, sid", [("mechanical", "work-advice-modified"),
                                       ("sciatica", "work-advice-modified")])
def test_the_two_examples_at_work_on_modified_duties_carry_the_modified_variant(name, sid):
    r = load_example(name)
    assert [i.suggestion_id for i in r.plan.items if (i.suggestion_id or "").startswith("work")] == [sid]
    assert assess(r).band in (Band.ROUTINE, Band.SOON)
