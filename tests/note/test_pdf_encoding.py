"""How the note's text and streams are encoded: cheaper than reportlab's defaults, the
same PDF to read (issue 14, batch rendering).

- consult.note.pdf._Font.splitString answers from the document's codes in one call
  where reportlab would loop over the characters: the answers must be reportlab's,
  whatever the text (new characters, characters the font lacks, no-break spaces,
  emoji, more distinct characters than one subset holds).
- Every stream is deflated once, at ZLIB_LEVEL, without reportlab's ASCII85 layer on
  page streams: the pages must draw exactly the same operators, the text must read back
  the same, and the file must be no bigger than reportlab's default compression makes it."""

from __future__ import annotations

import io

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from consult.note import pdf, prepare
from consult.rules.completeness import problems
from tests.note.test_pdf_cost import hostile_note
from tests.support import load_example


class _Doc:
    """Stands for a document: a font keeps its codes per document (weakly keyed)."""


# text as a note may hold it: Latin, Polish, Greek, CJK (not in the font), emoji,
# no-break spaces
_TEXT = hs.text(hs.one_of(hs.characters(codec="utf-8", exclude_categories=("Cs",)),
                          hs.sampled_from("a\u00a0Łó東😀 \u2022")), max_size=40)


def _many() -> str:
    """300 characters the font has: their codes go past the first subset (256 codes)."""
    font = pdfmetrics.getFont(pdf.FAMILY)
    return "".join(chr(c) for c in sorted(font.face.charToGlyph) if c > 0x100)[:300]


@settings(max_examples=60)
@given(texts=hs.lists(_TEXT, min_size=1, max_size=12), past_one_subset=hs.booleans())
def test_the_quicker_split_gives_reportlabs_answer(texts: list[str],
                                                   past_one_subset: bool) -> None:
    pdf.register_fonts()
    font = pdfmetrics.getFont(pdf.FAMILY)
    assert isinstance(font, pdf._Font)
    ours, theirs = _Doc(), _Doc()
    if past_one_subset:
        texts = [texts[0], _many(), *texts]
    for text in texts + texts:  # the second time round every character has its code
        assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs), text
    assert font.state[ours].assignments == font.state[theirs].assignments


def _reportlab_compressed(note: object, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The same note with reportlab's own page compression (zlib default, ASCII85)."""
    with monkeypatch.context() as patched:
        patched.setattr(pdf, "BaseDocTemplate", _DefaultCompression)
        return pdf.render_pdf(note)  # type: ignore[arg-type]


class _DefaultCompression(pdf.BaseDocTemplate):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["pageCompression"] = 1
        super().__init__(*args, **kwargs)

    def build(self, flowables: list[object], **kwargs: object) -> None:  # type: ignore[override]
        class Plain(pdf._NumberedCanvas):
            def __init__(self, *a: object, **k: object) -> None:
                super().__init__(*a, **k)
                self._doc.defaultStreamFilters = None

        kwargs["canvasmaker"] = Plain
        super().build(flowables, **kwargs)


def _forms(page: pypdf.PageObject) -> dict[str, bytes]:
    xobjects = page["/Resources"].get("/XObject", {})
    return {name: xobjects[name].get_object().get_data() for name in xobjects}


@pytest.mark.parametrize("name", ["cauda-equina", "sciatica", "hostile"])
def test_the_streams_draw_and_read_as_with_reportlabs_compression(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if name == "hostile":
        note = hostile_note()  # an amended draft over many pages: later pages' form
    else:
        record = load_example(name)
        note = prepare(record, draft=bool(problems(record)))
    ours = pdf.render_pdf(note)
    theirs = _reportlab_compressed(note, monkeypatch)
    assert b"ASCII85Decode" in theirs and b"ASCII85Decode" not in ours
    assert ours.count(b"endstream") == ours.count(b"/FlateDecode")  # every stream deflated
    assert len(ours) <= len(theirs), f"{name}: {len(ours)} bytes, reportlab's {len(theirs)}"
    a, b = pypdf.PdfReader(io.BytesIO(ours)), pypdf.PdfReader(io.BytesIO(theirs))
    assert len(a.pages) == len(b.pages)
    for mine, reportlabs in zip(a.pages, b.pages, strict=True):
        assert mine.get_contents().get_data() == reportlabs.get_contents().get_data()
        assert _forms(mine) == _forms(reportlabs)  # the later pages' furniture
        assert mine.extract_text() == reportlabs.extract_text()
    assert a.metadata == b.metadata

