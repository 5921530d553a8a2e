"""The note's cheaper paragraphs print exactly what reportlab's own Paragraph prints (issue 14).

consult.note.pdf.Paragraph skips reportlab's markup parser for plain text and breaks a
paragraph's lines once per width; `_marked` parses a marked-up template once and fills
plain words into its fragments. They are only worth having if the printed note is the
same: every note here is rendered with them and with reportlab's Paragraph parsing the
whole text in their place, and the PDFs must be the same bytes (the output is
deterministic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from reportlab.platypus import Paragraph as ReportlabParagraph
from reportlab.platypus import Table

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
    monkeypatch.setattr(pdf, "_marked", lambda template, style, *words, **kwargs:
                        ReportlabParagraph(template.format(*map(pdf.esc, words)), style, **kwargs))
    theirs = pdf.render_pdf(note)
    assert ours == theirs, f"{name}: the note's PDF differs from reportlab's own paragraphs"


def _count(image: Image.Image, *tests: Callable[[int], bool]) -> int:
    """Pixels whose red, green and blue each pass their test."""
    r, g, b = (band.point(lambda v, t=t: 255 if t(v) else 0)
               for band, t in zip(image.split(), tests, strict=True))
    both = ImageChops.multiply(ImageChops.multiply(r, g), b)
    return both.histogram()[255]


@pytest.mark.hazard("H13")
def test_every_page_of_a_draft_shows_the_faint_watermark_never_a_solid_one() -> None:
    """Pages 2..N show their furniture from one form; the watermark stays on each page
    itself, faint (7% red), as on page 1: drawn inside the form it printed solid red."""
    data = pdf.render_pdf(prepare(negative_record(), draft=True))
    document = pdfium.PdfDocument(data)
    assert len(document) >= 3
    for number in range(len(document)):
        page = document[number].render(scale=40 / 72).to_pil().convert("RGB")
        width, height = page.size
        middle = page.crop((0, int(height * 0.3), width, int(height * 0.7)))  # no red text there
        faint = _count(middle, lambda v: v >= 245, lambda v: 230 <= v <= 246,
                       lambda v: 230 <= v <= 246)
        solid = _count(middle, lambda v: v > 150, lambda v: v < 90, lambda v: v < 90)
        assert faint > 200 and solid == 0, f"page {number + 1}: {faint} faint, {solid} solid"


def _pages(data: bytes) -> list[tuple[str, bytes]]:
    """Each page's text (whitespace aside) and pixels at 72 dpi."""
    document = pdfium.PdfDocument(data)
    return [(" ".join(page.get_textpage().get_text_range().split()),
             page.render(scale=1).to_pil().tobytes()) for page in document]


@pytest.mark.parametrize("name", ["sciatica", "inflammatory", "hostile"])
def test_plain_string_cells_print_as_their_paragraphs_would(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One-line cells are plain table strings set like their Paragraph and empty cells
    draw nothing: every page reads and looks the same as with a Paragraph in every cell."""
    note = hostile_note() if name == "hostile" else dict(notes())[name]
    ours = pdf.render_pdf(note)
    monkeypatch.setattr(pdf, "_one_line", lambda *_args: False)
    monkeypatch.setattr(pdf._Table, "_drawCell", Table._drawCell)
    theirs = pdf.render_pdf(note)
    assert ours != theirs  # the cheaper cells were used
    assert _pages(ours) == _pages(theirs)
