"""The clinical safety review's defects (issue 10), each as a record file of its own.

tests/data/review-2026-12/ holds one record per defect the review found in rule set
2026.11.2: format-1 files the landed app read (`.v1.json`), and where a new question
of format 2 decides, the same consultation with that question answered (`.v2.json`).
Each expectation is written from the clinical reference, revision 3, section 2 or 5,
and checked through the `check` command's JSON, as a reviewer would run it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from consult.cli.record_commands import check_result
from consult.record.answers import Answer, InfoMethod, Sex
from consult.record.file import load

CASES = Path(__file__).parents[1] / "data" / "review-2026-12"


def check(name: str) -> dict:
    return check_result(load(CASES / name))


def rows(result: dict) -> dict[str, dict]:
    return {r["id"]: r for r in result["fired"]}


def suggestions(result: dict) -> dict[str, dict]:
    return {s["id"]: s for s in result["suggestions"]}


@pytest.mark.hazard("H22")
@pytest.mark.parametrize(("name", "disposition", "within", "row"), [
    # a known aneurysm with any new back pain: 999 or the vascular service (NG156)
    ("01-aneurysm-known.v1.json", "emergency", "now", "aneurysm-known"),
    # new sexual dysfunction on its own is on the cauda equina card
    ("02-ces-sexual-dysfunction-alone.v1.json", "emergency", "now", "ces-emergency"),
    # the headline carries the row's own deadline, not the band's "two weeks"
    ("03-urgent-row-24-hours.v1.json", "urgent", "24 hours", "infection-risk"),
    # metastases: MSCC coordinator within 24 hours, MRI within a week
    ("04a-spinal-metastases.v1.json", "urgent", "24 hours", "spinal-metastases"),
    ("04b-cord-compression-no-cancer.v1.json", "emergency", "now", "cord-compression"),
    # osteoporosis with minor trauma, without "sudden severe new pain"
    ("05a-osteoporosis-minor-trauma.v1.json", "urgent", "1 week", "osteoporotic-fracture"),
    # long-standing leg pain in both legs on walking, eased by sitting: claudication
    ("05b-claudication-long-standing.v2.json", "soon", "weeks", "neurogenic-claudication"),
    # weakness stable for years: a planned examination, not a same-day opinion
    ("06a-weakness-stable-for-years.v2.json", "soon", "weeks", "weakness-long-standing"),
    ("06b-weakness-new-mild.v1.json", "urgent", "48 hours", "weakness-one-leg-mild"),
    # severe sciatica not settling after weeks: a fired SOON row
    ("08-severe-sciatica-not-settling.v2.json", "soon", "weeks", "sciatica-not-settling"),
    ("10-safety-netting-and-fever.v2.json", "emergency", "same day", "infection-fever"),
])
def test_each_defect_of_the_review_now_gets_the_reference_disposition(name, disposition, within, row):
    result = check(name)
    assert result["disposition"] == disposition
    assert result["within"] == within
    assert row in rows(result)
    assert result["headline"].startswith(disposition.upper() + " - ")


@pytest.mark.hazard("H21")
def test_a_known_aneurysm_gets_no_reassurance_no_nsaid_and_no_scan_needed():
    found = suggestions(check("01-aneurysm-known.v1.json"))
    for withheld in ("reassurance", "nsaid", "nsaid-unchecked", "no-imaging", "keep-active"):
        assert withheld not in found


@pytest.mark.hazard("H22")
def test_metastases_name_the_mscc_coordinator_within_24_hours_the_mri_and_the_warning():
    action = rows(check("04a-spinal-metastases.v1.json"))["spinal-metastases"]["action"]
    assert "within 24 hours" in action and "MRI within 1 week" in action
    assert "band-like pain" in action


@pytest.mark.hazard("H1")
def test_cord_compression_without_cancer_goes_to_the_emergency_department_not_an_mscc_coordinator():
    result = check("04b-cord-compression-no-cancer.v1.json")
    action = rows(result)["cord-compression"]["action"]
    assert "emergency department" in action and "MSCC" not in action
    assert "mscc" not in rows(result)


@pytest.mark.hazard("H1")
def test_claudication_unasked_still_counts_as_the_more_urgent_answer():
    # the same patient in format 1, where the claudication question did not exist
    assert check("05b-claudication-long-standing.v1.json")["disposition"] == "emergency"
    assert "ces-emergency" not in rows(check("05b-claudication-long-standing.v2.json"))


@pytest.mark.hazard("H23")
def test_steroids_and_antiplatelets_are_nsaid_cautions_never_no_caution_recorded():
    found = suggestions(check("07a-oral-steroid-nsaid.v2.json"))
    assert "nsaid-bleeding-risk" in found and "nsaid" not in found
    assert all("no NSAID caution is recorded" not in s["reason"] for s in found.values())


@pytest.mark.hazard("H23")
def test_breastfeeding_is_not_pregnancy():
    found = suggestions(check("07b-breastfeeding.v2.json"))
    assert "pregnancy-medicines" not in found
    assert "ibuprofen" in found["breastfeeding-medicines"]["text"]
    assert "weak-opioid" not in found


@pytest.mark.hazard("H21")
def test_severe_sciatica_not_settling_is_never_told_most_episodes_settle():
    found = suggestions(check("08-severe-sciatica-not-settling.v2.json"))
    assert "reassurance" not in found


@pytest.mark.hazard("H8")
def test_the_specialist_routes_nice_allows_can_be_suggested():
    assert "radiofrequency-specialist" in suggestions(check("09-chronic-lbp-specialist-route.v2.json"))
    assert "epidural-specialist" in suggestions(check("08-severe-sciatica-not-settling.v2.json"))


@pytest.mark.hazard("H24")
def test_safety_netting_in_the_card_s_words_and_fever_not_sent_to_the_emergency_department():
    text = suggestions(check("09-chronic-lbp-specialist-route.v2.json"))["safety-netting"]["text"]
    assert "new or worsening leg weakness" in text and "do not drive yourself" in text
    assert "inner thighs (including when wiping)" in text and "sexual function" in text
    assert "NHS 111 the same day" in text and "call 999" in text
    fever = next(s for s in text.split(". ") if "fever" in s)
    assert "emergency department" not in fever


@pytest.mark.hazard("H24")
def test_safety_netting_leaves_out_the_lines_that_do_not_apply():
    # an emergency note with a fever already acted on: no weight-loss, review or "contact
    # the practice or NHS 111" fever line, but the fever's sepsis 999 sentence is kept
    # (CSO review 2026-12-07, finding 3)
    text = suggestions(check("10-safety-netting-and-fever.v2.json"))["safety-netting"]["text"]
    assert "Go to the emergency department immediately" in text and "call 999" in text
    assert "weight loss" not in text and "review" not in text and "NHS 111" not in text
    assert "call 999 if you become confused, breathless" in text


@pytest.mark.hazard("H2")
def test_pregnancy_is_part_of_the_screen_for_anyone_who_may_be_pregnant():
    # an obstetric emergency cannot be ruled out while pregnancy is not asked
    record = load(CASES / "07b-breastfeeding.v2.json")
    record.medicines.pregnant = Answer.NOT_ASKED
    result = check_result(record)
    assert not result["red_flags_screened"] and result["disposition"] == "not_fully_screened"
    assert any(p["field"] == "medicines.pregnant" for p in result["problems"])
    record.patient.sex = Sex.MALE
    assert "medicines.pregnant" not in [p["field"] for p in check_result(record)["problems"]]


@pytest.mark.hazard("H24")
def test_the_ces_information_is_recorded_with_how_it_was_given():
    record = load(CASES / "09-chronic-lbp-specialist-route.v2.json")
    record.plan.ces_card_given = Answer.YES
    record.plan.ces_info_how = []
    fields = [p["field"] for p in check_result(record)["problems"]]
    assert "plan.ces_info_how" in fields
    record.plan.ces_info_how = [InfoMethod.SMS]
    assert "plan.ces_info_how" not in [p["field"] for p in check_result(record)["problems"]]
