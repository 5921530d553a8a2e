"""The note as a GP files it (issue 15): page 1 carries the decision, the appendix the full
screen and sources; read back from the PDF of every example."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from consult.note import Finalisation, note_pdf, prepare
from consult.note.compose import screen
from consult.record.answers import Answer, Interpreter, Mode, Trauma
from consult.record.model import Record
from consult.rules import followups, screening
from consult.rules.completeness import problems
from consult.rules.engine import assess
from consult.rules.redflags import CES_ITEMS
from tests.note.test_pdf import flat, pages_text
from tests.support import EXAMPLES, load_example, negative_record

APPENDIX = "Appendix: full screen and sources"
UTC = dt.UTC


@functools.cache
def example_pages(name: str) -> tuple[str, ...]:
    return tuple(flat(t) for t in pages_text(note_pdf(load_example(name))))


def appendix_start(pages: tuple[str, ...]) -> int:
    return next(i for i, page in enumerate(pages) if APPENDIX in page)


@pytest.mark.hazard("H22", "H25")
@pytest.mark.parametrize("name", EXAMPLES)
def test_page_one_carries_the_decision(name: str) -> None:
    record = load_example(name)
    note = prepare(record)
    s = note.summary
    page = example_pages(name)[0]
    for words in (f"Working diagnosis {s.diagnosis}", f"Disposition: {s.disposition}",
                  "Plan 1. ", f"Safety-netting {s.safety_netting}", f"Review {s.review}"):
        assert flat(words) in page, words
    before = " ".join(example_pages(name)[:appendix_start(example_pages(name))])
    for words in ("Positive findings", "Pertinent negatives", "Recorded by"):
        assert words in before, words
    assert s.disposition == assess(record).headline  # the band with its deadline
    for n, line in enumerate(s.plan, start=1):  # one line per item, no reasons between them
        assert flat(f"{n}. {line}") in " ".join(example_pages(name)[:appendix_start(
            example_pages(name))])
    assert "Why:" not in page and "Source:" not in page


@pytest.mark.hazard("H25")
def test_the_uncomplicated_example_is_one_page_plus_the_appendix() -> None:
    pages = example_pages("mechanical")
    assert appendix_start(pages) == 1  # page 1 holds everything up to the signature
    assert "Recorded by" in pages[0] and "Dr Asha Patel, GMC 7012345" in pages[0]
    assert APPENDIX not in pages[0]  # the appendix starts its own page


@pytest.mark.hazard("H2")
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_appendix_has_every_screening_row_and_no_not_asked_where_it_does_not_apply(name):
    record = load_example(name)
    assert problems(record) == []
    pages = example_pages(name)
    start = appendix_start(pages)
    appendix = " ".join(pages[start:])
    table = appendix[appendix.index("Red-flag screen"):appendix.index("Rules that fired")]
    applicable = followups.Applicability(record)
    rows = [i for g in screen(record) for i in g.items]
    assert len(rows) >= 46
    for item in rows:
        assert flat(f"{item.title} {item.answer}") in table, item.title
        if item.answer == "not applicable":
            assert not applicable(item.path)
        elif item.path in followups.RULES and not (
                item.path in followups.IMPLIED_NO_WITHOUT_LEG_SYMPTOMS and item.answer == "No"):
            assert applicable(item.path), item.path
    assert "Not asked" not in " ".join(pages)  # a complete example: nothing left unasked


@pytest.mark.hazard("H2", "H32")
def test_not_applicable_questions_print_so_in_both_places_and_are_never_counted_unasked():
    r = negative_record()  # no cancer history: the metastasis features do not apply
    text = " ".join(flat(t) for t in pages_text(note_pdf(r)))
    assert "Progressive pain not applicable" in text
    negatives = text[text.index("Pertinent negatives"):text.index("Recorded by")]
    assert "Cancer both asked, both denied" in negatives  # the 5 features are not counted
    r.red_flags.cancer_history = Answer.NOT_ASKED  # now they may apply: "Not asked"
    text = " ".join(flat(t) for t in pages_text(note_pdf(r, draft=True)))
    assert "Progressive pain Not asked" in text
    assert "Cancer 1 asked, denied; 7 not asked: past or current cancer" in text


@pytest.mark.hazard("H2")
def test_grouped_answers_are_marked_in_the_appendix_and_on_page_one() -> None:
    r = negative_record()
    for item in CES_ITEMS:
        getattr(r.red_flags, item).answer = Answer.NOT_ASKED
    assert len(screening.record_group_as_no(r, "cauda_equina")) == 7
    pages = [flat(t) for t in pages_text(note_pdf(r))]
    assert "Cauda equina screen all 7 asked, all denied (asked as a group)" in pages[0]
    appendix = " ".join(pages[appendix_start(tuple(pages)):])
    assert appendix.count("asked as a group: denied") == 7


def finalised() -> Finalisation:
    return Finalisation(note_id="3f2a91c0-1b2c-4d5e-8f90-123456789abc", version=1,
                        author="Dr Asha Patel",
                        finalised_at=dt.datetime(2026, 11, 9, 9, 10, tzinfo=UTC))


@pytest.mark.hazard("H13")
def test_banner_page_numbers_version_line_and_draft_marks_on_every_page_appendix_included():
    r = load_example("mechanical")
    pages = [flat(t) for t in pages_text(note_pdf(r, finalisation=finalised()))]
    version = "Note 3F2A91C0 \u00b7 version 1 \u00b7 finalised 09-Nov-2026 09:10 by Dr Asha Patel"
    for n, page in enumerate(pages, start=1):
        assert "FITZGERALD, Daniel" in page and "999 526 0182" in page
        assert f"Page {n} of {len(pages)}" in page
        assert version in page
    r.plan.confirmed = False
    drafts = [flat(t) for t in pages_text(note_pdf(r, draft=True))]
    assert all("DRAFT - not finalised" in page for page in drafts)
    assert APPENDIX in drafts[-1] or any(APPENDIX in p for p in drafts)


@pytest.mark.hazard("H18")
def test_the_remote_statement_for_telephone_video_observed_and_video_with_nothing_observed():
    r = negative_record()
    r.consultation.mode = Mode.TELEPHONE
    page = flat(pages_text(note_pdf(r))[0])
    assert "Telephone consultation: no examination was possible." in page
    r.consultation.mode = Mode.VIDEO
    page = flat(pages_text(note_pdf(r))[0])
    assert "Video consultation: no examination was performed." in page
    r.observation.walks_normally, r.observation.heel_walk = Answer.YES, Answer.NO
    page = flat(pages_text(note_pdf(r))[0])
    assert "Observed on video (what the patient was seen to do; not an examination):" in page
    assert "Walks normally Yes" in page and "Walks on heels No" in page
    assert "examined" not in page.lower() and "no examination was possible" not in page


@pytest.mark.hazard("H24")
def test_a_family_interpreter_is_said_beside_the_cauda_equina_screen_on_page_one() -> None:
    r = negative_record()
    r.consultation.interpreter = Interpreter.FAMILY_OR_FRIEND
    page = flat(pages_text(note_pdf(r))[0])
    line = page[page.index("Cauda equina screen"):]
    assert line.startswith("Cauda equina screen all 7 asked, all denied; interpreted by a family "
                           "member or friend: intimate questions may be under-reported")


@pytest.mark.hazard("H6")
def test_long_free_text_flows_over_pages_and_nothing_is_clipped() -> None:
    r = negative_record()
    r.history.notes = " ".join(f"word{i}" for i in range(1800))
    r.triggers.trauma = Trauma.NONE
    pages = [flat(t) for t in pages_text(note_pdf(r))]
    assert "Disposition: ROUTINE" in pages[0]
    everything = " ".join(pages)
    assert all(f"word{i} " in everything for i in (0, 900, 1798))
    assert "word1799" in everything
    assert appendix_start(tuple(pages)) >= 2


def test_a_record_that_is_not_yet_screened_says_so_on_page_one() -> None:
    pages = [flat(t) for t in pages_text(note_pdf(Record(), draft=True))]
    assert "Not asked" in " ".join(pages)
    assert "Disposition: RED FLAGS NOT YET FULLY SCREENED" in pages[0]
