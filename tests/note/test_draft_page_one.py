"""A draft's page 1 carries the signature as the final note's does (issue 15 part 1): the
DRAFT banner's height must not push the short 'Recorded by' block onto a page of its own
before the appendix."""

from __future__ import annotations

import pytest

from consult.note import note_pdf
from consult.note.words import note_words
from tests.note.test_pdf import flat, pages_text
from tests.support import load_example

APPENDIX = note_words().headings["appendix"]
SIGNATURE = note_words().headings["signature"]


@pytest.mark.parametrize("draft", [False, True])
def test_the_mechanical_note_ends_page_one_with_the_signature_draft_or_final(draft) -> None:
    record = load_example("mechanical")
    pages = [flat(t) for t in pages_text(note_pdf(record, draft=draft))]
    assert ("DRAFT - not finalised" in pages[0]) is draft
    assert SIGNATURE in pages[0] and "Dr Asha Patel, GMC 7012345" in pages[0]
    assert "others present: None" in pages[0]  # the block's last row, not split off
    assert pages[1].count(APPENDIX) == 1 and SIGNATURE not in " ".join(pages[1:])
    # the working diagnosis with its compact code fits the decision's first line
    assert ("Acute mechanical low back pain [Mechanical low back pain, SNOMED CT 279040009, "
            "unverified]") in pages[0]


def test_a_draft_has_as_many_pages_as_the_final_note() -> None:
    record = load_example("mechanical")
    assert len(pages_text(note_pdf(record, draft=True))) == len(pages_text(note_pdf(record)))
