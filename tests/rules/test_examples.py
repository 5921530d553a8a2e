"""The six example records: complete, with the disposition each one is there to show."""

from __future__ import annotations

import datetime as dt

import pytest

from consult.record import file as recordfile
from consult.record import nhs
from consult.record.answers import Answer, NsaidTried
from consult.rules import completeness
from consult.rules.engine import assess
from tests.support import EXAMPLES, example_path, load_example

TODAY = dt.date(2026, 11, 26)

DISPOSITION = {
    "mechanical": "routine",
    # Revision 3: severe sciatica (worst pain 8) for 5 weeks and the same is "not settling",
    # a fired SOON row (referral to the MSK interface or spinal service); it was routine.
    "sciatica": "soon",
    "cauda-equina": "emergency",
    "inflammatory": "soon",
    "fracture": "urgent",
    "infection": "emergency",
}

# The row each example exists to show (and, for the routine ones, none above routine).
KEY_ROW = {
    "cauda-equina": "ces-emergency",
    "inflammatory": "ng65-refer",
    "sciatica": "sciatica-not-settling",
    "fracture": "osteoporotic-fracture",
    "infection": "infection-fever",
}


def test_the_six_examples_are_the_ones_listed():
    assert set(DISPOSITION) == set(EXAMPLES)
    found = {p.stem for p in example_path("mechanical").parent.glob("*.json")}
    assert found == set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_loads_and_is_complete(name):
    record = load_example(name)
    assert completeness.problems(record, today=TODAY) == []
    assert record.plan.confirmed
    assert record.plan.items
    assert record.plan.safety_netting_given is Answer.YES
    assert record.plan.ces_card_given is Answer.YES


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_has_its_disposition_and_is_fully_screened(name):
    a = assess(load_example(name))
    assert a.red_flags_screened, a.unscreened
    assert a.disposition == DISPOSITION[name], [r.id for r in a.fired]
    if name in KEY_ROW:
        assert KEY_ROW[name] in [r.id for r in a.fired]
    else:
        assert a.red_flag_rows == []
        assert all(r.band is None or r.band.rank == 0 for r in a.fired)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_plan_holds_every_suggestion(name):
    """The plan was built by accepting the suggestions (none left out)."""
    record = load_example(name)
    planned = {i.suggestion_id for i in record.plan.items}
    suggested = {s.id for s in assess(record).suggestions}
    assert suggested <= planned


@pytest.mark.hazard("H7")
@pytest.mark.parametrize("name", [n for n, d in DISPOSITION.items() if d != "routine"])
def test_example_plan_leads_with_the_row_actions(name):
    record = load_example(name)
    a = assess(record)
    wanted = [f"action-{r.id}" for r in a.fired if r.band is not None and r.band.rank > 0]
    planned = [i.suggestion_id for i in record.plan.items]
    assert planned[: len(wanted)] == wanted


@pytest.mark.hazard("H19")
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_round_trips_byte_exactly(name):
    raw = example_path(name).read_bytes()
    text = raw.decode("utf-8")
    record = recordfile.loads(text)
    assert recordfile.dumps(record).encode("utf-8") == raw
    assert recordfile.loads(recordfile.dumps(record)) == record


@pytest.mark.hazard("H11")
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_a_fictional_test_patient_at_the_example_practice(name):
    record = load_example(name)
    c, p = record.consultation, record.patient
    assert p.nhs_number is not None and p.nhs_number.startswith("999")
    assert nhs.is_valid(p.nhs_number)
    assert c.date is not None and (c.date.year, c.date.month) == (2026, 11)
    assert record.practice.name == "Riverside Medical Practice"
    assert record.practice.address == "1 River Road, Exampletown, EX1 2AB"
    assert c.gmc_number is not None and len(c.gmc_number) == 7


def test_examples_are_different_patients_with_varied_names():
    records = [load_example(n) for n in EXAMPLES]
    assert len({r.patient.nhs_number for r in records}) == len(records)
    names = [f"{r.patient.given_name} {r.patient.family_name}" for r in records]
    assert len(set(names)) == len(names)
    assert any(not n.isascii() for n in names)


def test_at_least_two_examples_carry_a_startback_score():
    scored = [n for n in EXAMPLES if assess(load_example(n)).startback is not None]
    assert len(scored) >= 2
    assert assess(load_example("sciatica")).startback.stratum == "medium"


# CSO review 2026-12-07, finding 7: the examples' medicine answers agree with the medicines
# they list (an NSAID listed is an NSAID tried; prednisolone is an oral corticosteroid)
LISTED_NSAIDS = ("ibuprofen", "naproxen", "diclofenac")


@pytest.mark.hazard("H23")
@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_medicine_answers_agree_with_the_medicines_they_list(name):
    record = load_example(name)
    listed = record.medicines.current_pain_medicines.lower()
    if any(n in listed for n in LISTED_NSAIDS) and "finished" not in listed:
        assert record.history.nsaid_tried is not NsaidTried.NOT_TRIED
    if "prednisolone" in listed:
        assert record.risk.long_term_steroids is Answer.YES
        assert record.medicines.oral_corticosteroid is Answer.YES
