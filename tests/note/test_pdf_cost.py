"""The note's cheaper paragraphs print exactly what reportlab's own Paragraph prints (issue 14).

consult.note.pdf.Paragraph skips reportlab's markup parser for plain text and breaks a
paragraph's lines once per width. Both are only worth having if the printed note is the
same: every note here is rendered with it and with reportlab's Paragraph in its place,
and the PDFs must be the same bytes (the output is deterministic)."""

from __future__ import annotations

import datetime as dt

import pytest
from reportlab.platypus import Paragraph as ReportlabParagraph

from consult.note import Finalisation, Superseded, pdf, prepare
from consult.note.model import Note
from consult.record.answers import Answer
from consult.rules.completeness import problems
from tests.support import EXAMPLES, load_example, negative_record

UTC = dt.UTC


def hostile_note() -> Note:
    """Markup-like and non-Latin text, long enough to split table rows over pages, in an
    amended note whose reason is too long for the box on every page."""
    r = negative_record()
    r.history.notes = ("<b>J&C</b> Łódź 東京 😀 a\u00a0b  spaced   out\nnew line. " * 60
                       + "word" * 200)
    r.history.previous_episodes = "Worse at night; 3/10 -> 6/10 & <worse> on bending. " * 30
    r.red_flags.sepsis_signs = Answer.YES  # an alert box
    r.red_flags.cannot_mobilise = Answer.NOT_ASKED
    reason = "Corrected after a call back: " + "the plan said four weeks, not two. " * 80
    return prepare(r, draft=True, finalisation=Finalisation(
        "3f2a91c0-1b2c-4d5e-8f90-123456789abc", 2, dt.datetime(2026, 11, 26, 10, 42, tzinfo=UTC),
        "Dr Amira Shah", Superseded(1, dt.datetime(2026, 11, 25, 16, 5, tzinfo=UTC),
                                    "Dr Amira Shah", reason)))


def notes() -> list[tuple[str, Note]]:
    found = []
    for name in EXAMPLES:
        record = load_example(name)
        found.append((name, prepare(record, draft=bool(problems(record)))))
    return [*found, ("hostile", hostile_note())]


@pytest.mark.parametrize(("name", "note"), notes(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_cheaper_paragraphs_print_the_same_bytes_as_reportlabs(
        name: str, note: Note, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = pdf.render_pdf(note)
    monkeypatch.setattr(pdf, "Paragraph", ReportlabParagraph)
    theirs = pdf.render_pdf(note)
    assert ours == theirs, f"{name}: the note's PDF differs from reportlab's own paragraphs"
