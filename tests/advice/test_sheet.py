"""The patient's advice sheet: composition, PDF, SMS and email text (issue 16, part 1)."""

from __future__ import annotations

import io
import os
import stat

import pdfplumber
import pytest
from pypdf import PdfReader

from consult.advice import email_text
from consult.advice.compose import NotReady, compose, left_out_words, words
from consult.advice.pdf import LARGE_PT, render_pdf, write_pdf
from consult.advice.readability import MAX_GRADE, MIN_EASE, measure
from consult.advice.sms import sms_text
from consult.record.answers import Answer, Band, Category, Sex
from consult.record.model import PlanItem
from consult.record.nhs import display
from consult.rules import plan as core_plan
from consult.rules.engine import assess
from consult.rules.ruleset import load
from tests.support import EXAMPLES, load_example, negative_record

EMERGENCY_EXAMPLES = ("cauda-equina", "infection")


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sheets():
    return {name: compose(load_example(name)) for name in EXAMPLES}


@pytest.fixture(scope="module")
def pdfs(sheets):
    return {name: render_pdf(sheet) for name, sheet in sheets.items()}


def test_every_rule_row_and_suggestion_has_patient_words():
    rules, w = load(), words()
    assert set(w["rows"]) == set(rules.rows), "a row without patient words (or a stray one)"
    assert set(w["plan"]) == set(rules.suggestions)
    for row_id, row in rules.rows.items():
        assert w["rows"][row_id]["about"] and w["rows"][row_id]["text"]
        if row.band_or_none is Band.EMERGENCY:
            assert w["rows"][row_id].get("go_now"), f"{row_id}: an emergency says where to go now"
    for sid, entry in w["plan"].items():
        if "same_as" in entry:  # another suggestion's paragraph, in its section: no words of its own
            same = w["plan"][entry["same_as"]]
            assert set(entry) == {"section", "same_as"} and "same_as" not in same, sid
            assert same["section"] == entry["section"], sid
            continue
        assert entry["section"] in ("what_to_do", "medicines", "work", "self_care", "none")
        assert bool(entry["text"]) == (entry["section"] != "none"), sid
        assert ("{route}" in entry["text"]) == ("route" in entry), sid
        assert entry.get("route", "physio") in w["routes"]


def test_the_practices_physiotherapy_details_reach_the_physiotherapy_line():
    record = load_example("sciatica")
    record.practice.physio_self_referral = "Self-refer at physio.example.nhs.uk"
    text = compose(record).text()
    assert "Your practice's details: Self-refer at physio.example.nhs.uk" in text


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EMERGENCY_EXAMPLES)
def test_an_emergency_sheet_says_where_to_go_now_before_anything_else(name, pdfs):
    text = flat(pdf_text(pdfs[name]))
    go_now = text.index("GO NOW")
    assert go_now < text.index("When to get help") < text.index("What is probably going on")
    assert "now" in text[go_now:go_now + 200].lower()
    # the patient's words only: no band names, no deadlines in the GP's words
    for band in ("EMERGENCY", "URGENT", "ROUTINE", "SOON", "band"):
        assert band not in text


@pytest.mark.hazard("H28")
def test_go_now_comes_from_the_assessment_even_when_the_gp_removed_the_action():
    record = load_example("cauda-equina")
    record.plan.items = [i for i in record.plan.items
                         if not (i.suggestion_id or "").startswith("action-")]
    core_plan.confirm(record)
    sheet = compose(record)
    assert sheet.go_now and "emergency department" in sheet.go_now[0]


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_sheet_carries_the_cards_lines_and_999_and_111_first(name, sheets, pdfs):
    rules, sheet = load(), sheets[name]
    text = flat(pdf_text(pdfs[name]))
    card = flat(rules.safety_netting["ces"])
    assert card in text
    assert text.index(card) < text.index("What is probably going on")
    assert "999" in text and "NHS 111" in text
    if assess(load_example(name)).band is not Band.EMERGENCY:
        assert not sheet.go_now and text.index("WHEN TO GET HELP") < 200


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_reasons_sources_or_gp_words_reach_the_sheet(name, pdfs):
    record, rules = load_example(name), load()
    text = flat(pdf_text(pdfs[name]))
    for source in rules.sources.values():
        assert source not in text
    for item in record.plan.items:
        assert flat(item.reason) not in text
        if item.category is not Category.SAFETY_NETTING:
            assert flat(item.text) not in text, "the GP's plan text, not the patient's words"
    assert record.plan.follow_up not in text


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_pdf_names_the_patient_by_first_name_only_and_its_metadata_by_nothing(name, pdfs):
    record = load_example(name)
    data = pdfs[name]
    text = pdf_text(data)
    assert record.patient.given_name in text
    assert record.patient.family_name not in text
    assert display(record.patient.nhs_number) not in text and record.patient.nhs_number not in text
    meta = " ".join(str(v) for v in (PdfReader(io.BytesIO(data)).metadata or {}).values())
    for part in (record.patient.given_name, record.patient.family_name,
                 record.patient.nhs_number, record.patient.date_of_birth.isoformat()):
        assert part not in meta


@pytest.mark.hazard("H28")
def test_large_print_is_16_point_or_more_and_stays_on_the_page():
    data = render_pdf(compose(load_example("sciatica")), large=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
        assert all(c["x1"] <= pdf.pages[0].width for c in chars)
        last = pdf.pages[-1].extract_text()
        first = pdf.pages[0].extract_text()
    assert min(c["size"] for c in chars) >= LARGE_PT - 0.01
    assert pages > 1 and f"Page 1 of {pages} - please turn over" in first
    assert f"Page {pages} of {pages}" in last and "turn over" not in last


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EXAMPLES)
def test_reading_age_about_11(name, sheets):
    own, whole = measure(sheets[name].own_words()), measure(sheets[name].text())
    assert own.grade <= MAX_GRADE and own.ease >= MIN_EASE, own
    assert whole.grade <= MAX_GRADE + 2 and whole.ease >= MIN_EASE - 10, whole


def test_the_readability_measure_can_fail():
    hard = ("Notwithstanding considerable heterogeneity, conservative multidisciplinary "
            "rehabilitation demonstrated statistically significant improvements in functional "
            "disability questionnaires administered longitudinally.")
    found = measure(hard)
    assert found.grade > MAX_GRADE and found.ease < MIN_EASE


@pytest.mark.hazard("H28")
def test_the_gps_own_and_edited_items_stay_off_the_sheet_and_the_gp_is_told():
    record = load_example("mechanical")
    nsaid = next(i for i in record.plan.items if i.suggestion_id == "nsaid")
    nsaid.text, nsaid.edited = "No NSAID: declined <b>x</b> & naproxen 500 mg bd", True
    record.plan.items.append(PlanItem(text="FBC, CRP: query myeloma", category=Category.INVESTIGATION))
    core_plan.confirm(record)
    sheet = compose(record)
    text = sheet.text()
    assert "500 mg" not in text and "myeloma" not in text
    assert words()["plan"]["nsaid"]["text"] not in text
    assert len(sheet.left_out) == 2 and "2 plan items" in left_out_words(sheet)
    assert words()["sheet"]["other_items"] in text
    assert "500 mg" not in pdf_text(render_pdf(sheet))


@pytest.mark.hazard("H28")
def test_an_unconfirmed_or_changed_plan_gives_no_sheet():
    record = negative_record()
    record.plan.confirmed = False
    with pytest.raises(NotReady, match="not confirmed"):
        compose(record)
    record = negative_record()
    record.plan.items.pop()
    with pytest.raises(NotReady, match="changed"):
        compose(record)


def test_the_booked_review_is_on_the_sheet_and_in_the_text_message():
    import datetime as dt

    record = negative_record()
    record.plan.review_date = dt.date(2026, 12, 21)
    sheet = compose(record)
    assert "Monday 21 December 2026" in sheet.review
    assert "Monday 21 December 2026" in sms_text(sheet)


def test_the_local_route_is_printed_when_the_practice_set_one():
    record = negative_record()
    record.practice.ces_route = "Ring 01234 567890 (spinal team)"
    assert "Ring 01234 567890 (spinal team)" in compose(record).text()


@pytest.mark.hazard("H28")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_text_message_is_short_first_name_only_and_starts_with_the_emergency_lines(name, sheets):
    record, sheet = load_example(name), sheets[name]
    text = sms_text(sheet)
    assert len(text) <= 600
    assert record.patient.family_name not in text and record.patient.nhs_number not in text
    assert text.startswith(f"{record.patient.given_name}, from {record.practice.name}:")
    after = text.split(":", 1)[1].strip()
    first = sheet.go_now[0] if sheet.go_now else "Go to A&E now, day or night"
    assert after.startswith(first)


@pytest.mark.hazard("H28")
def test_the_emergency_lines_fit_a_text_whatever_the_names():
    record = load_example("cauda-equina")
    record.patient.given_name = "A" * 200
    record.practice.name = "P" * 200
    core_plan.confirm(record)
    text = sms_text(compose(record))
    assert len(text) <= 600 and "Go to A&E now, day or night" in text
    assert compose(record).go_now[0] in text


def test_the_email_has_no_identifier_in_its_subject_and_carries_the_pdf(sheets, pdfs):
    record, sheet = load_example("sciatica"), sheets["sciatica"]
    msg = email_text.message(sheet, pdfs["sciatica"], to="zoe@example.org",
                             sender="surgery@example.nhs.uk")
    for part in (record.patient.given_name, record.patient.family_name, record.patient.nhs_number):
        assert part not in msg["Subject"]
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content() == pdfs["sciatica"]
    assert record.patient.family_name not in attachment.get_filename()
    body = msg.get_body(("plain",)).get_content()
    assert flat(load().safety_netting["ces"]) in flat(body)


@pytest.mark.hazard("H28")
def test_the_pdf_is_written_atomically_owner_only(tmp_path):
    target = tmp_path / "advice.pdf"
    write_pdf(compose(load_example("mechanical")), target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_bytes().startswith(b"%PDF") and os.listdir(tmp_path) == ["advice.pdf"]


@pytest.mark.parametrize("name", ["fracture", "inflammatory"])
def test_a_sheet_with_another_likely_cause_does_not_also_say_muscles_and_joints(name, sheets):
    about = dict(sheets[name].sections())[words()["sheet"]["about_title"]]
    assert words()["about"]["low_back_pain"] not in about
    assert about  # the row's own words say what is going on


def test_plain_back_pain_says_muscles_and_joints_and_that_it_settles(sheets):
    about = dict(sheets["mechanical"].sections())[words()["sheet"]["about_title"]]
    assert about == [words()["about"]["low_back_pain"], words()["about"]["settles"]]


@pytest.mark.hazard("H28")
def test_the_sheet_names_no_nsaid_beyond_ibuprofen_and_breastfeeding_names_ibuprofen_only():
    """CSO review 2026-12-07, finding 10: 'such as ibuprofen or naproxen' went beyond the
    GP's 'an oral NSAID'; ibuprofen is the NSAID of choice when breastfeeding."""
    record = negative_record()
    record.patient.sex = Sex.FEMALE
    record.medicines.pregnant, record.medicines.breastfeeding = Answer.NO, Answer.YES
    core_plan.accept_suggestions(record)
    core_plan.confirm(record)
    assert "nsaid" in {i.suggestion_id for i in record.plan.items}
    text = compose(record).text()
    assert "ibuprofen" in text and "naproxen" not in text.lower()
    assert "naproxen" not in words()["plan"]["nsaid"]["text"]
